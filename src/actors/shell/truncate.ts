/**
 * Middle truncation of tool output for the model (Codex `utils/string/src/truncate.rs` and
 * `utils/output-truncation`): keep the head and the tail within a byte budget, on character
 * boundaries, and put a `…N chars truncated…` / `…N tokens truncated…` marker between them.
 */
import type { TurnContextItem } from "../../events/index.js";

/** `{ mode: "bytes" | "tokens", limit }`, as recorded in turn_context.truncation_policy. */
export type TruncationPolicy = NonNullable<TurnContextItem["truncation_policy"]>;

/** What Codex's bundled model list gives the gpt-5 family. */
export const DEFAULT_TRUNCATION_POLICY: TruncationPolicy = { mode: "tokens", limit: 10_000 };

// Codex's one token estimate (bytes / 4), shared with the state fold's compaction budget.
export { approxTokenCount } from "../../state/truncate.js";
import { BYTES_PER_TOKEN as APPROX_BYTES_PER_TOKEN, approxTokenCount, approxTokensFromByteCount } from "../../state/truncate.js";

export function byteBudget(policy: TruncationPolicy): number {
  return policy.mode === "bytes" ? policy.limit : policy.limit * APPROX_BYTES_PER_TOKEN;
}

/** Truncate by the policy's unit (Codex `truncate_text`). */
export function truncateText(content: string, policy: TruncationPolicy): string {
  return policy.mode === "bytes"
    ? truncateMiddleChars(content, policy.limit)
    : truncateMiddleWithTokenBudget(content, policy.limit).text;
}

/**
 * Codex `formatted_truncate_text`: unchanged when within budget, else prefixed with
 * `Total output lines: N` and a blank line so the model knows how much it is missing.
 */
export function formattedTruncateText(content: string, policy: TruncationPolicy): string {
  if (Buffer.byteLength(content, "utf8") <= byteBudget(policy)) return content;
  return `Total output lines: ${countLines(content)}\n\n${truncateText(content, policy)}`;
}

/** Rust's `str::lines().count()`: a trailing newline does not start another line. */
export function countLines(text: string): number {
  if (text === "") return 0;
  const parts = text.split("\n");
  return parts[parts.length - 1] === "" ? parts.length - 1 : parts.length;
}

export function truncateMiddleChars(text: string, maxBytes: number): string {
  return truncateWithByteEstimate(text, maxBytes, false);
}

/** Token-budget truncation; `originalTokens` is set when something was cut. */
export function truncateMiddleWithTokenBudget(
  text: string,
  maxTokens: number,
): { text: string; originalTokens: number | null } {
  if (text === "") return { text: "", originalTokens: null };
  const maxBytes = maxTokens * APPROX_BYTES_PER_TOKEN;
  if (maxTokens > 0 && Buffer.byteLength(text, "utf8") <= maxBytes) return { text, originalTokens: null };
  const truncated = truncateWithByteEstimate(text, maxBytes, true);
  return { text: truncated, originalTokens: truncated === text ? null : approxTokenCount(text) };
}

function truncateWithByteEstimate(text: string, maxBytes: number, useTokens: boolean): string {
  if (text === "") return "";
  const totalBytes = Buffer.byteLength(text, "utf8");
  if (maxBytes === 0) return marker(useTokens, useTokens ? tokensFor(totalBytes) : countChars(text));
  if (totalBytes <= maxBytes) return text;

  const leftBudget = Math.floor(maxBytes / 2);
  const rightBudget = maxBytes - leftBudget;
  const tailStart = totalBytes - rightBudget;
  // Walk code points once, tracking UTF-8 offsets; cut points are UTF-16 indexes into `text`.
  let prefixEnd = 0;
  let suffixStart = text.length;
  let suffixStarted = false;
  let removedChars = 0;
  let offset = 0;
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    const units = cp > 0xffff ? 2 : 1;
    const start = offset;
    offset += utf8Length(cp);
    if (offset <= leftBudget) {
      prefixEnd = i + units;
    } else if (start >= tailStart) {
      if (!suffixStarted) {
        suffixStart = i;
        suffixStarted = true;
      }
    } else {
      removedChars += 1;
    }
    i += units;
  }
  if (suffixStart < prefixEnd) suffixStart = prefixEnd;
  const removed = useTokens ? tokensFor(totalBytes - maxBytes) : removedChars;
  return text.slice(0, prefixEnd) + marker(useTokens, removed) + text.slice(suffixStart);
}

// Bytes of one code point in UTF-8 (a lone surrogate is written as U+FFFD, also 3 bytes).
function utf8Length(cp: number): number {
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

function countChars(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i += text.codePointAt(i)! > 0xffff ? 2 : 1) n += 1;
  return n;
}

function tokensFor(bytes: number): number {
  return approxTokensFromByteCount(bytes);
}

function marker(useTokens: boolean, removed: number): string {
  return useTokens ? `…${removed} tokens truncated…` : `…${removed} chars truncated…`;
}
