/**
 * Local compaction's pure parts (Codex `core/src/compact.rs`): the prompt, the summary prefix, which
 * user messages survive, and the replacement history built from them. The texts must match Codex
 * byte for byte: a resumed Codex rollout recognises earlier summaries by their prefix.
 */
import type { ContentItem, MessageItem, ResponseItem } from "../events/index.js";
import { isContextualUserContent, isHookPromptText } from "./contextual.js";
import { approxTokenCount, truncateMiddleToTokens } from "./truncate.js";

/** The user message that asks the model for a handoff summary (`templates/compact/prompt.md`). */
export const SUMMARIZATION_PROMPT =
  "You are performing a CONTEXT CHECKPOINT COMPACTION. Create a handoff summary for another LLM that will resume the task.\n\n" +
  "Include:\n" +
  "- Current progress and key decisions made\n" +
  "- Important context, constraints, or user preferences\n" +
  "- What remains to be done (clear next steps)\n" +
  "- Any critical data, examples, or references needed to continue\n\n" +
  "Be concise, structured, and focused on helping the next LLM seamlessly continue the work.\n";

/** Put before the summary, then `\n`, in the replacement history (`templates/compact/summary_prefix.md`). */
export const SUMMARY_PREFIX =
  "Another language model started to solve this problem and produced a summary of its thinking process. " +
  "You also have access to the state of the tools that were used by that language model. " +
  "Use this to build on the work that has already been done and avoid duplicating work. " +
  "Here is the summary produced by the other language model, use the information in this summary to assist with your own analysis:";

/** Newest user messages kept in a replacement history, in approximate tokens. */
export const COMPACT_USER_MESSAGE_MAX_TOKENS = 20_000;

/** The summary text as compaction stores it: prefix, newline, the model's summary. */
export function summaryText(summary: string): string {
  return `${SUMMARY_PREFIX}\n${summary}`;
}

export function isSummaryMessage(message: string): boolean {
  return message.startsWith(`${SUMMARY_PREFIX}\n`);
}

const IMAGE_OPEN = "<image>";
const IMAGE_CLOSE = "</image>";
const isImageOpenTag = (text: string) => text === IMAGE_OPEN || (text.startsWith("<image name=") && text.endsWith(">"));
const isImageCloseTag = (text: string) => text === IMAGE_CLOSE;

/**
 * The text of a real user message as Codex's `UserMessageItem::message()` reads it: its text parts
 * joined, without the tags wrapped around attached images; undefined for contextual or hook messages.
 */
export function userMessageText(item: ResponseItem): string | undefined {
  if (item.type !== "message" || item.role !== "user") return undefined;
  const { content } = item;
  if (isHookPromptMessage(content) || isContextualUserContent(content)) return undefined;
  let text = "";
  content.forEach((part, i) => {
    if (part.type !== "input_text") return;
    const wrapsImage =
      (isImageOpenTag(part.text) && content[i + 1]?.type === "input_image") ||
      (i > 0 && isImageCloseTag(part.text) && content[i - 1]?.type === "input_image");
    if (!wrapsImage) text += part.text;
  });
  return text;
}

/** Hook output shown to the model: every part is text, at least one a hook prompt, the rest context. */
function isHookPromptMessage(content: readonly ContentItem[]): boolean {
  let hooks = 0;
  for (const part of content) {
    if (part.type !== "input_text") return false;
    if (isHookPromptText(part.text)) hooks++;
    else if (!isContextualUserContent([part])) return false;
  }
  return hooks > 0;
}

/** Real user messages in order: contextual messages, hook prompts and earlier summaries are left out. */
export function collectUserMessages(items: Iterable<ResponseItem>): string[] {
  const messages: string[] = [];
  for (const item of items) {
    const text = userMessageText(item);
    if (text !== undefined && !isSummaryMessage(text)) messages.push(text);
  }
  return messages;
}

function userTextMessage(text: string): MessageItem {
  return { type: "message", role: "user", content: [{ type: "input_text", text }] };
}

/**
 * The replacement history: `initialContext`, then the newest user messages that fit in
 * `maxTokens` (the one that overflows is cut in the middle) in their original order, then the
 * summary as a final user message ("(no summary available)" when empty).
 */
export function buildCompactedHistory(
  initialContext: readonly ResponseItem[],
  userMessages: readonly string[],
  summary: string,
  maxTokens: number = COMPACT_USER_MESSAGE_MAX_TOKENS,
): ResponseItem[] {
  const selected: string[] = [];
  let remaining = maxTokens;
  for (let i = userMessages.length - 1; i >= 0 && remaining > 0; i--) {
    const message = userMessages[i];
    const tokens = approxTokenCount(message);
    if (tokens <= remaining) {
      selected.push(message);
      remaining -= tokens;
    } else {
      selected.push(truncateMiddleToTokens(message, remaining));
      break;
    }
  }
  selected.reverse();
  return [...initialContext, ...selected.map(userTextMessage), userTextMessage(summary === "" ? "(no summary available)" : summary)];
}
