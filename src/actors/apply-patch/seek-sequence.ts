/**
 * Finds where a chunk's lines sit in a file. Models copy context imperfectly, so like Codex (and like
 * `git apply`'s fuzz) the search relaxes step by step, taking the first position that matches:
 * exactly, then ignoring trailing whitespace, then ignoring surrounding whitespace, then also treating
 * typographic dashes, quotes and spaces as their ASCII forms.
 */
import { trim, trimEnd } from "./text.js";

type LineEq = (fileLine: string, patternLine: string) => boolean;

const PASSES: LineEq[] = [
  (a, b) => a === b,
  (a, b) => trimEnd(a) === trimEnd(b),
  (a, b) => trim(a) === trim(b),
  (a, b) => normalisePunctuation(a) === normalisePunctuation(b),
];

/**
 * Index of the first occurrence of `pattern` in `lines` at or after `start`, or -1. With `eof` the
 * pattern must end the file: only the last possible position is tried.
 */
export function seekSequence(lines: readonly string[], pattern: readonly string[], start: number, eof: boolean): number {
  if (pattern.length === 0) return start;
  if (pattern.length > lines.length) return -1;
  const last = lines.length - pattern.length;
  const from = eof ? last : start;
  for (const eq of PASSES) {
    for (let i = from; i <= last; i++) {
      let ok = true;
      for (let p = 0; p < pattern.length; p++) {
        if (!eq(lines[i + p], pattern[p])) {
          ok = false;
          break;
        }
      }
      if (ok) return i;
    }
  }
  return -1;
}

const PUNCTUATION: Record<string, string> = {};
for (const c of "\u2010\u2011\u2012\u2013\u2014\u2015\u2212") PUNCTUATION[c] = "-";
for (const c of "\u2018\u2019\u201A\u201B") PUNCTUATION[c] = "'";
for (const c of "\u201C\u201D\u201E\u201F") PUNCTUATION[c] = '"';
for (const c of "\u00A0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u202F\u205F\u3000") PUNCTUATION[c] = " ";

const PUNCTUATION_RE = /[\u2010-\u2015\u2212\u2018-\u201F\u00A0\u2002-\u200A\u202F\u205F\u3000]/g;

function normalisePunctuation(s: string): string {
  return trim(s).replace(PUNCTUATION_RE, (c) => PUNCTUATION[c] ?? c);
}
