/**
 * String helpers with Rust's semantics. Codex trims and splits with `str::trim` and `str::lines`;
 * JavaScript's versions differ at the edges (`String.prototype.trim` also strips U+FEFF, `split`
 * keeps `\r`), and a patch must match or fail exactly where Codex's would.
 */

const LEADING_WS = /^\p{White_Space}+/u;
const TRAILING_WS = /\p{White_Space}+$/u;

/** Rust `str::trim`: strips Unicode White_Space from both ends. */
export function trim(s: string): string {
  return trimEnd(s).replace(LEADING_WS, "");
}

/** Rust `str::trim_end`. */
export function trimEnd(s: string): string {
  return s.replace(TRAILING_WS, "");
}

/** Rust `str::lines`: splits on `\n`, drops one `\r` before each `\n`, and yields no final empty line. */
export function splitLines(s: string): string[] {
  if (s === "") return [];
  const parts = s.split("\n");
  if (parts[parts.length - 1] === "") parts.pop();
  const lastTerminated = !s.endsWith("\n") ? parts.length - 1 : parts.length;
  for (let i = 0; i < lastTerminated; i++) {
    if (parts[i].endsWith("\r")) parts[i] = parts[i].slice(0, -1);
  }
  return parts;
}
