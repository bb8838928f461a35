/** A readable difference between two JSON values: the paths that differ, with both sides. */

/** Values longer than this (as JSON) are shown as a window around their first difference. */
const WHOLE = 160;
/** Characters of common text kept before the first difference, so the reader sees where it is. */
const LEAD = 40;

function text(value: unknown): string {
  return value === undefined ? "(absent)" : JSON.stringify(value);
}

function firstDifference(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/**
 * One side of a long difference: the text from a little before `at`, with an ellipsis for what is
 * cut. Both sides are cut at the same place, so the window shows what differs, not what they share.
 */
function windowOf(value: string, at: number, quote: boolean): string {
  const start = Math.max(0, at - LEAD);
  const end = Math.min(value.length, start + WHOLE);
  const part = value.slice(start, end);
  const shown = quote ? JSON.stringify(part).slice(1, -1) : part;
  const body = `${start > 0 ? "…" : ""}${shown}${end < value.length ? "…" : ""}`;
  return `(from char ${start}) ${quote ? `"${body}"` : body}`;
}

function describePair(a: unknown, b: unknown): string {
  const [ta, tb] = [text(a), text(b)];
  if (ta.length <= WHOLE && tb.length <= WHOLE) return `recorded ${ta}, now ${tb}`;
  // Strings are compared as text (positions are characters of the string); anything else as JSON.
  const strings = typeof a === "string" && typeof b === "string";
  const [sa, sb] = strings ? [a, b] : [ta, tb];
  const at = firstDifference(sa, sb);
  return `recorded ${windowOf(sa, at, strings)}, now ${windowOf(sb, at, strings)}`;
}

function walk(a: unknown, b: unknown, path: string, out: string[], limit: number): void {
  if (out.length >= limit) return;
  if (Object.is(a, b)) return;
  const bothObjects = typeof a === "object" && a !== null && typeof b === "object" && b !== null;
  if (!bothObjects || Array.isArray(a) !== Array.isArray(b)) {
    out.push(`${path || "(root)"}: ${describePair(a, b)}`);
    return;
  }
  const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
  for (const key of keys) {
    const next = Array.isArray(a) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    walk((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], next, out, limit);
  }
}

export function diffJson(recorded: unknown, now: unknown, limit = 8): string[] {
  const out: string[] = [];
  walk(recorded, now, "", out, limit);
  return out;
}

export function jsonEqual(a: unknown, b: unknown): boolean {
  return diffJson(a, b, 1).length === 0;
}
