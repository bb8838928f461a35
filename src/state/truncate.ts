/**
 * Codex's approximate token arithmetic (`codex-rs/utils/string/src/truncate.rs`): 4 UTF-8 bytes per
 * token, and middle truncation that keeps a prefix and a suffix on character boundaries with a
 * `…N tokens truncated…` marker. Budgets are in UTF-8 bytes, as in Codex, not UTF-16 units.
 */

export const BYTES_PER_TOKEN = 4;

export function utf8Length(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

/** ceil(bytes / 4): Codex's `approx_token_count`. */
export function approxTokenCount(text: string): number {
  return approxTokensFromByteCount(utf8Length(text));
}

export function approxTokensFromByteCount(bytes: number): number {
  return Math.ceil(bytes / BYTES_PER_TOKEN);
}

function utf8Width(codePoint: number): number {
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  if (codePoint < 0x10000) return 3;
  return 4;
}

/** The longest prefix within `prefixBytes` and suffix within `suffixBytes`, and how many characters fell between. */
function splitString(text: string, prefixBytes: number, suffixBytes: number): { removed: number; before: string; after: string } {
  const total = utf8Length(text);
  const tailStart = Math.max(0, total - suffixBytes);
  let byte = 0;
  let prefixEnd = 0; // UTF-16 index
  let suffixStart = text.length;
  let suffixStarted = false;
  let removed = 0;
  for (let i = 0; i < text.length; ) {
    const codePoint = text.codePointAt(i)!;
    const units = codePoint > 0xffff ? 2 : 1;
    const end = byte + utf8Width(codePoint);
    if (end <= prefixBytes) {
      prefixEnd = i + units;
    } else if (byte >= tailStart) {
      if (!suffixStarted) {
        suffixStart = i;
        suffixStarted = true;
      }
    } else {
      removed++;
    }
    byte = end;
    i += units;
  }
  if (suffixStart < prefixEnd) suffixStart = prefixEnd;
  return { removed, before: text.slice(0, prefixEnd), after: text.slice(suffixStart) };
}

/** Keeps at most `maxTokens` approximate tokens of `text`, cutting out the middle. */
export function truncateMiddleToTokens(text: string, maxTokens: number): string {
  if (text === "") return "";
  const total = utf8Length(text);
  const maxBytes = maxTokens * BYTES_PER_TOKEN;
  if (maxTokens > 0 && total <= maxBytes) return text;
  if (maxBytes === 0) return `…${approxTokensFromByteCount(total)} tokens truncated…`;
  if (total <= maxBytes) return text;
  const left = Math.floor(maxBytes / 2);
  const { before, after } = splitString(text, left, maxBytes - left);
  return `${before}…${approxTokensFromByteCount(total - maxBytes)} tokens truncated…${after}`;
}
