/**
 * POSIX shell quoting and splitting with the rules of the Rust `shlex` crate that Codex uses to
 * render argv for humans (`cmd` in parsed commands, approval reasons). Matching its output keeps
 * our event text identical to Codex's for the same command.
 */

// Characters that may appear in a word without any quoting.
const UNQUOTED_OK = /^[+\-./:@\]_0-9A-Za-z]$/;

const UNQUOTED = 1;
const SINGLE = 2;
const DOUBLE = 4;

function allowedStrategies(ch: string): number {
  if (ch.codePointAt(0)! >= 0x80) {
    // Non-ASCII always needs quotes (some locales treat e.g. U+00A0 as blank).
    return SINGLE | DOUBLE;
  }
  let ok = 0;
  if (UNQUOTED_OK.test(ch)) ok |= UNQUOTED;
  if (ch !== "'" && ch !== "^" && ch !== "\\") ok |= SINGLE;
  if (ch !== "`" && ch !== "$" && ch !== "!" && ch !== "^") ok |= DOUBLE;
  return ok;
}

/** Quote one word; a word is cut into chunks when no single quoting style can hold all of it. */
export function shlexQuote(word: string): string {
  if (word === "") return "''";
  const chars = Array.from(word);
  let out = "";
  let i = 0;
  while (i < chars.length) {
    let prev = UNQUOTED | SINGLE | DOUBLE;
    let j = i;
    if (chars[j] === "^") {
      // Bash only treats ^ literally right after an opening single quote.
      prev = SINGLE;
      j += 1;
    }
    while (j < chars.length) {
      const cur = prev & allowedStrategies(chars[j]);
      if (cur === 0) break;
      prev = cur;
      j += 1;
    }
    const chunk = chars.slice(i, j).join("");
    if (prev & UNQUOTED) out += chunk;
    else if (prev & SINGLE) out += `'${chunk}'`;
    else out += `"${chunk.replace(/[$`"\\]/g, (c) => `\\${c}`)}"`;
    i = j;
  }
  return out;
}

/** `shlex::try_join`: null when a word holds a NUL byte (which no shell word can carry). */
export function shlexTryJoin(words: readonly string[]): string | null {
  if (words.some((w) => w.includes("\0"))) return null;
  return words.map(shlexQuote).join(" ");
}

/** Codex's `shlex_join` for display: a NUL byte yields a placeholder instead of failing. */
export function shlexJoin(words: readonly string[]): string {
  return shlexTryJoin(words) ?? "<command included NUL byte>";
}

/**
 * `shlex::split`: POSIX word splitting with quotes, backslashes and `#` comments, no expansions.
 * Returns null on an unterminated quote or a trailing backslash.
 */
export function shlexSplit(input: string): string[] | null {
  const words: string[] = [];
  let word: string | null = null;
  let i = 0;
  const n = input.length;
  while (i < n) {
    const c = input[i];
    if (c === " " || c === "\t" || c === "\n") {
      if (word !== null) words.push(word);
      word = null;
      i += 1;
    } else if (c === "#" && word === null) {
      while (i < n && input[i] !== "\n") i += 1;
    } else if (c === "\\") {
      if (i + 1 >= n) return null;
      if (input[i + 1] !== "\n") word = (word ?? "") + input[i + 1];
      i += 2;
    } else if (c === "'") {
      const end = input.indexOf("'", i + 1);
      if (end < 0) return null;
      word = (word ?? "") + input.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      let acc: string = word ?? "";
      i += 1;
      for (;;) {
        if (i >= n) return null;
        const d = input[i];
        if (d === '"') break;
        if (d === "\\") {
          if (i + 1 >= n) return null;
          const e = input[i + 1];
          if (e === "$" || e === "`" || e === '"' || e === "\\") acc += e;
          else if (e !== "\n") acc += d + e;
          i += 2;
        } else {
          acc += d;
          i += 1;
        }
      }
      word = acc;
      i += 1;
    } else {
      word = (word ?? "") + c;
      i += 1;
    }
  }
  if (word !== null) words.push(word);
  return words;
}
