/**
 * Unified diffs of two texts, in the format `git diff` and Codex (the `similar` crate) print: hunks
 * `@@ -l,s +l,s @@` with `context` equal lines around each change, `-` lines before `+` lines, and
 * `\ No newline at end of file` after a last line that lacks its newline. The hunks are the ones
 * `git diff` prints (same edit script, same placement), minus git's function-name hint after `@@`.
 */
import { diffLines } from "./myers.js";

export interface UnifiedDiffOptions {
  /** Equal lines shown around each change; 3 like git. Codex's `FileChange.update` diffs use 1. */
  context?: number;
  /** Place ambiguous changes by indentation, as `git diff` does by default (on unless false). */
  indentHeuristic?: boolean;
}

/**
 * The unified diff turning `oldText` into `newText`; "" when they are equal. With `pathA` and
 * `pathB`, the hunks are preceded by `--- pathA` and `+++ pathB` exactly as given (pass `a/x`,
 * `b/x` or `/dev/null` as git would).
 */
export function unifiedDiff(
  oldText: string,
  newText: string,
  pathA?: string,
  pathB?: string,
  options: UnifiedDiffOptions = {},
): string {
  const context = options.context ?? 3;
  const a = toLines(oldText);
  const b = toLines(newText);
  const { removed, added } = diffLines(a, b, { indentHeuristic: options.indentHeuristic });
  const regions = changeRegions(removed, added);
  if (regions.length === 0) return "";

  let out = pathA !== undefined || pathB !== undefined ? `--- ${pathA ?? pathB}\n+++ ${pathB ?? pathA}\n` : "";
  for (const hunk of groupRegions(regions, context, a.length, b.length)) {
    out += `@@ -${range(hunk.aStart, hunk.aEnd)} +${range(hunk.bStart, hunk.bEnd)} @@\n`;
    let i = hunk.aStart;
    let j = hunk.bStart;
    for (const r of hunk.regions) {
      for (; i < r.aStart; i++, j++) out += line(" ", a, i);
      for (; i < r.aEnd; i++) out += line("-", a, i);
      for (; j < r.bEnd; j++) out += line("+", b, j);
    }
    for (; i < hunk.aEnd; i++, j++) out += line(" ", a, i);
  }
  return out;
}

/** Splits a text into lines that keep their `\n`, so a last line without one differs from one with. */
function toLines(text: string): string[] {
  return text === "" ? [] : text.split(/(?<=\n)/);
}

function line(sign: string, lines: string[], i: number): string {
  const s = lines[i];
  return s.endsWith("\n") ? `${sign}${s}` : `${sign}${s}\n\\ No newline at end of file\n`;
}

/** `start,len` in 1-based lines; `,1` is left out, and an empty range names the line before it. */
function range(start: number, end: number): string {
  const len = end - start;
  if (len === 1) return `${start + 1}`;
  return `${len === 0 ? start : start + 1},${len}`;
}

interface Region {
  aStart: number;
  aEnd: number;
  bStart: number;
  bEnd: number;
}

/** Walks both masks in step and returns each maximal run of removed and/or added lines. */
function changeRegions(removed: Uint8Array, added: Uint8Array): Region[] {
  const regions: Region[] = [];
  let i = 0;
  let j = 0;
  while (i < removed.length || j < added.length) {
    if (i < removed.length && j < added.length && !removed[i] && !added[j]) {
      i++;
      j++;
      continue;
    }
    const r: Region = { aStart: i, aEnd: i, bStart: j, bEnd: j };
    while (i < removed.length && removed[i]) i++;
    while (j < added.length && added[j]) j++;
    r.aEnd = i;
    r.bEnd = j;
    regions.push(r);
  }
  return regions;
}

interface Hunk {
  aStart: number;
  aEnd: number;
  bStart: number;
  bEnd: number;
  regions: Region[];
}

/** Merges regions whose context would touch or overlap into one hunk, as git and `similar` do. */
function groupRegions(regions: Region[], context: number, aLen: number, bLen: number): Hunk[] {
  const hunks: Hunk[] = [];
  let current: Hunk | undefined;
  for (const r of regions) {
    if (current !== undefined && r.aStart - current.regions[current.regions.length - 1].aEnd <= 2 * context) {
      current.regions.push(r);
      continue;
    }
    if (current !== undefined) hunks.push(close(current, context, aLen, bLen));
    const lead = Math.min(context, r.aStart, r.bStart);
    current = { aStart: r.aStart - lead, aEnd: 0, bStart: r.bStart - lead, bEnd: 0, regions: [r] };
  }
  if (current !== undefined) hunks.push(close(current, context, aLen, bLen));
  return hunks;
}

function close(h: Hunk, context: number, aLen: number, bLen: number): Hunk {
  const last = h.regions[h.regions.length - 1];
  const trail = Math.min(context, aLen - last.aEnd, bLen - last.bEnd);
  h.aEnd = last.aEnd + trail;
  h.bEnd = last.bEnd + trail;
  return h;
}
