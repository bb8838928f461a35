/**
 * Which history messages are harness-injected context rather than something the user said
 * (Codex `context/contextual_user_message.rs`, `event_mapping.rs`, `history.rs::is_user_turn_boundary`).
 * The distinction is load-bearing: rollback counts turns by real user messages, trims the context
 * updates just before a cut, and compaction keeps only real user messages.
 */
import type { ContentItem, ResponseItem } from "../events/index.js";

/** Start and end markers of the contextual user fragments Codex registers, plus the legacy AGENTS.md tag. */
const USER_FRAGMENT_MARKERS: ReadonlyArray<readonly [string, string]> = [
  ["# AGENTS.md instructions for ", "</INSTRUCTIONS>"],
  // Older Codex versions wrapped AGENTS.md in this tag; imported rollouts still carry it.
  ["<user_instructions>", "</user_instructions>"],
  ["<environment_context>", "</environment_context>"],
  ["<skill>", "</skill>"],
  ["<user_shell_command>", "</user_shell_command>"],
  ["<turn_aborted>", "</turn_aborted>"],
  ["<subagent_notification>", "</subagent_notification>"],
];

/** Developer-message prefixes that pre-turn settings updates start with (rollback trims them). */
const DEVELOPER_FRAGMENT_PREFIXES = [
  "<permissions instructions>",
  "<model_switch>",
  "<collaboration_mode>",
  "<realtime_conversation>",
  "<personality_spec>",
];

const HOOK_PROMPT = /^<hook_prompt\s+hook_run_id\s*=\s*(?:"([^"]*)"|'([^']*)')\s*>([\s\S]*)<\/hook_prompt>$/;

/** Codex compares markers with `eq_ignore_ascii_case`: only ASCII letters fold. */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

function startsWithMarker(text: string, marker: string): boolean {
  return asciiLower(text.slice(0, marker.length)) === asciiLower(marker);
}

function endsWithMarker(text: string, marker: string): boolean {
  return text.length >= marker.length && asciiLower(text.slice(text.length - marker.length)) === asciiLower(marker);
}

/** `<hook_prompt hook_run_id="...">text</hook_prompt>` with a non-blank run id. */
export function isHookPromptText(text: string): boolean {
  const match = HOOK_PROMPT.exec(text.trim());
  if (!match) return false;
  const runId = match[1] ?? match[2] ?? "";
  return runId.trim() !== "";
}

function isStandardContextualUserText(text: string): boolean {
  const start = text.trimStart();
  const both = start.trimEnd();
  return USER_FRAGMENT_MARKERS.some(([open, close]) => startsWithMarker(start, open) && endsWithMarker(both, close));
}

/** One content part of a user message is injected context (environment, AGENTS.md, skills, markers, hooks). */
export function isContextualUserFragment(part: ContentItem): boolean {
  if (part.type !== "input_text") return false;
  return isHookPromptText(part.text) || isStandardContextualUserText(part.text);
}

/** A user message whose content carries any contextual fragment. */
export function isContextualUserContent(content: readonly ContentItem[]): boolean {
  return content.some(isContextualUserFragment);
}

function isContextualDeveloperFragment(part: ContentItem): boolean {
  if (part.type !== "input_text") return false;
  const text = part.text.trimStart();
  return DEVELOPER_FRAGMENT_PREFIXES.some((prefix) => startsWithMarker(text, prefix));
}

/** A developer message with any settings-update fragment (permissions, model switch, ...). */
export function isContextualDeveloperContent(content: readonly ContentItem[]): boolean {
  return content.some(isContextualDeveloperFragment);
}

/** A developer message with text that is not a settings-update fragment (the persistent part of a bundle). */
export function hasNonContextualDeveloperContent(content: readonly ContentItem[]): boolean {
  return content.some((part) => !isContextualDeveloperFragment(part));
}

/** A `user` message made of injected context rather than typed by the user. */
export function isContextualUserMessage(item: ResponseItem): boolean {
  return item.type === "message" && item.role === "user" && isContextualUserContent(item.content);
}

/** How a JSON object's text begins (JSON's whitespace is a subset of `\s`). */
const JSON_OBJECT_START = /^\s*\{/;

/**
 * An assistant message whose only part is a serialized `InterAgentCommunication`
 * `{ author, recipient, other_recipients?, content, trigger_turn }`: another agent's instruction.
 */
export function isInterAgentInstruction(content: readonly ContentItem[]): boolean {
  if (content.length !== 1) return false;
  const part = content[0];
  if (part.type !== "input_text" && part.type !== "output_text") return false;
  // Most assistant text is prose: a failed JSON.parse throws, and the throw cost more than the fold of the entry.
  if (!JSON_OBJECT_START.test(part.text)) return false;
  let value: unknown;
  try {
    value = JSON.parse(part.text);
  } catch {
    return false;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  const others = v.other_recipients;
  return (
    typeof v.author === "string" &&
    typeof v.recipient === "string" &&
    typeof v.content === "string" &&
    typeof v.trigger_turn === "boolean" &&
    (others === undefined || (Array.isArray(others) && others.every((o) => typeof o === "string")))
  );
}

/**
 * Where a new instruction turn starts in history: a real (non-contextual) user message, or an
 * inter-agent instruction. Rollback counts these; compaction summaries are user messages, so they count.
 */
export function isUserTurnBoundary(item: ResponseItem): boolean {
  if (item.type !== "message") return false;
  if (item.role === "user") return !isContextualUserContent(item.content);
  if (item.role === "assistant") return isInterAgentInstruction(item.content);
  return false;
}
