/**
 * The histories a compaction works with (Codex `compact.rs`, `context_manager/history.rs`): the
 * summarization request's input, trimmed from the oldest end when the model cannot take it, and the
 * replacement history recorded in the `compacted` entry. Pure: items in, items out.
 */
import type { MessageItem, ResponseItem } from "../../events/index.js";
import {
  buildCompactedHistory,
  callKey,
  collectUserMessages,
  isContextualUserMessage,
  isSummaryMessage,
  outputKey,
  summaryText,
} from "../../state/index.js";

export function userTextMessage(text: string): MessageItem {
  return { type: "message", role: "user", content: [{ type: "input_text", text }] };
}

/**
 * `ContextManager::remove_first_item`: drops the oldest item and whatever pairs with it (a call's
 * outputs, an output's call), so the request stays well formed. Trimming from the front keeps the
 * newest work and the prompt-cache prefix of what remains.
 */
export function withoutOldest(items: readonly ResponseItem[]): ResponseItem[] {
  const [first, ...rest] = items;
  if (!first) return [];
  const call = callKey(first);
  if (call) return rest.filter((item) => outputKey(item) !== call);
  const output = outputKey(first);
  if (output) return rest.filter((item) => callKey(item) !== output);
  return rest;
}

/** `get_last_assistant_message_from_turn`: the newest assistant text that is not blank. */
export function lastAssistantText(items: Iterable<ResponseItem>): string | undefined {
  let last: string | undefined;
  for (const item of items) {
    if (item.type !== "message" || item.role !== "assistant") continue;
    const text = item.content.map((part) => (part.type === "output_text" ? part.text : "")).join("");
    if (text.trim() !== "") last = text;
  }
  return last;
}

function plainUserText(item: ResponseItem): string | undefined {
  if (item.type !== "message" || item.role !== "user" || isContextualUserMessage(item)) return undefined;
  return item.content.map((part) => (part.type === "input_text" ? part.text : "")).join("");
}

/**
 * `insert_initial_context_before_last_real_user_or_summary`: mid-turn, the model expects the
 * summary last, so the context goes just above the newest real user message; failing that above
 * the summary, then above a remote compaction item, else at the end.
 */
export function insertInitialContext(history: readonly ResponseItem[], initialContext: readonly ResponseItem[]): ResponseItem[] {
  let lastUserOrSummary: number | undefined;
  let lastRealUser: number | undefined;
  for (let i = history.length - 1; i >= 0; i--) {
    const text = plainUserText(history[i]!);
    if (text === undefined) continue;
    lastUserOrSummary ??= i;
    if (!isSummaryMessage(text)) {
      lastRealUser = i;
      break;
    }
  }
  let lastCompaction: number | undefined;
  for (let i = history.length - 1; i >= 0 && lastCompaction === undefined; i--) {
    if (history[i]!.type === "compaction") lastCompaction = i;
  }
  const at = lastRealUser ?? lastUserOrSummary ?? lastCompaction ?? history.length;
  return [...history.slice(0, at), ...initialContext, ...history.slice(at)];
}

/**
 * What replaces the history after a compaction: the newest real user messages (within Codex's
 * 20,000-token budget), the summary as a user message, the initial context when it must be
 * re-injected (mid-turn), and the ghost snapshots, which undo still needs.
 */
export function replacementHistory(
  history: Iterable<ResponseItem>,
  summary: string,
  initialContext: readonly ResponseItem[] | null,
): ResponseItem[] {
  const items = [...history];
  let next = buildCompactedHistory([], collectUserMessages(items), summaryText(summary));
  if (initialContext) next = insertInitialContext(next, initialContext);
  return [...next, ...items.filter((item) => item.type === "ghost_snapshot")];
}
