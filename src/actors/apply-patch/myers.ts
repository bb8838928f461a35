/**
 * Line diff: Myers' O(ND) algorithm in linear space (the "middle snake" divide and conquer), then
 * git's change compaction so that an ambiguous insertion or deletion lands where `git diff
 * --no-indent-heuristic` puts it. The result is a minimal edit script expressed as two change
 * masks: which old lines are removed and which new lines are added.
 */

export interface LineChanges {
  /** `removed[i]` is 1 when old line i is not in the new text. */
  removed: Uint8Array;
  /** `added[j]` is 1 when new line j is not in the old text. */
  added: Uint8Array;
}

/** Diffs two sequences of line ids (equal ids are equal lines). */
export function diffSequences(a: Int32Array, b: Int32Array): LineChanges {
  const removed = new Uint8Array(a.length);
  const added = new Uint8Array(b.length);
  split(a, 0, a.length, b, 0, b.length, removed, added);
  compact(a, removed, b, added);
  compact(b, added, a, removed);
  return { removed, added };
}

/** Maps each distinct line to an integer so comparisons are cheap. */
export function internLines(a: readonly string[], b: readonly string[]): [Int32Array, Int32Array] {
  const ids = new Map<string, number>();
  const intern = (lines: readonly string[]): Int32Array => {
    const out = new Int32Array(lines.length);
    for (let i = 0; i < lines.length; i++) {
      let id = ids.get(lines[i]);
      if (id === undefined) {
        id = ids.size;
        ids.set(lines[i], id);
      }
      out[i] = id;
    }
    return out;
  };
  return [intern(a), intern(b)];
}

function split(
  a: Int32Array, aLo: number, aHi: number,
  b: Int32Array, bLo: number, bHi: number,
  removed: Uint8Array, added: Uint8Array,
): void {
  // Equal heads and tails are never part of a minimal script; peel them off first.
  while (aLo < aHi && bLo < bHi && a[aLo] === b[bLo]) {
    aLo++;
    bLo++;
  }
  while (aLo < aHi && bLo < bHi && a[aHi - 1] === b[bHi - 1]) {
    aHi--;
    bHi--;
  }
  if (aLo === aHi) {
    added.fill(1, bLo, bHi);
    return;
  }
  if (bLo === bHi) {
    removed.fill(1, aLo, aHi);
    return;
  }
  const [x, y] = middleSnake(a, aLo, aHi, b, bLo, bHi);
  split(a, aLo, x, b, bLo, y, removed, added);
  split(a, x, aHi, b, y, bHi, removed, added);
}

/**
 * A point (x, y) on an optimal path from (aLo, bLo) to (aHi, bHi) that splits the edit distance D
 * into halves: the forward and backward searches run D/2 steps each until their paths overlap.
 * Both ranges are non-empty and their ends differ, so D >= 2 and both halves are strictly smaller.
 */
function middleSnake(
  a: Int32Array, aLo: number, aHi: number,
  b: Int32Array, bLo: number, bHi: number,
): [number, number] {
  const n = aHi - aLo;
  const m = bHi - bLo;
  const delta = n - m;
  const odd = (delta & 1) !== 0;
  const max = Math.ceil((n + m) / 2);
  const off = max + 1;
  // forward[k]: furthest x reached on diagonal k = x - y from the start.
  // backward[k]: furthest distance reached on diagonal k counted back from the end.
  const forward = new Int32Array(2 * max + 3);
  const backward = new Int32Array(2 * max + 3);
  for (let d = 0; d <= max; d++) {
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && forward[off + k - 1] < forward[off + k + 1])
        ? forward[off + k + 1]
        : forward[off + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[aLo + x] === b[bLo + y]) {
        x++;
        y++;
      }
      forward[off + k] = x;
      const kb = delta - k;
      if (odd && kb >= -(d - 1) && kb <= d - 1 && x + backward[off + kb] >= n) return [aLo + x, bLo + y];
    }
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && backward[off + k - 1] < backward[off + k + 1])
        ? backward[off + k + 1]
        : backward[off + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[aHi - 1 - x] === b[bHi - 1 - y]) {
        x++;
        y++;
      }
      backward[off + k] = x;
      const kf = delta - k;
      if (!odd && kf >= -d && kf <= d && forward[off + kf] + x >= n) return [aHi - x, bHi - y];
    }
  }
  // Unreachable: the searches always meet by step ceil((n + m) / 2).
  throw new Error("myers: no middle snake");
}

/**
 * git's `xdl_change_compact` without the indent heuristic: slide each run of changed lines as far
 * up, then as far down as equal lines allow (merging runs that touch), and finally back up to line
 * up with a change in the other file if it passed one. Sliding keeps the script minimal.
 */
function compact(lines: Int32Array, changed: Uint8Array, other: Int32Array, otherChanged: Uint8Array): void {
  const n = lines.length;
  const on = other.length;
  const rc = (i: number): boolean => i >= 0 && i < n && changed[i] === 1;
  const orc = (i: number): boolean => i >= 0 && i < on && otherChanged[i] === 1;

  // A group is a run [start, end) of changed lines; runs in both files alternate with equal lines
  // that pair up one to one, so the i-th group of one file faces the i-th group of the other.
  let gStart = 0;
  let gEnd = 0;
  while (rc(gEnd)) gEnd++;
  let oStart = 0;
  let oEnd = 0;
  while (orc(oEnd)) oEnd++;

  const next = (): boolean => {
    if (gEnd === n) return false;
    gStart = gEnd + 1;
    gEnd = gStart;
    while (rc(gEnd)) gEnd++;
    return true;
  };
  const otherNext = (): void => {
    oStart = oEnd + 1;
    oEnd = oStart;
    while (orc(oEnd)) oEnd++;
  };
  const otherPrevious = (): void => {
    oEnd = oStart - 1;
    oStart = oEnd;
    while (orc(oStart - 1)) oStart--;
  };
  const slideUp = (): boolean => {
    if (gStart > 0 && lines[gStart - 1] === lines[gEnd - 1]) {
      changed[--gStart] = 1;
      changed[--gEnd] = 0;
      while (rc(gStart - 1)) gStart--;
      return true;
    }
    return false;
  };
  const slideDown = (): boolean => {
    if (gEnd < n && lines[gStart] === lines[gEnd]) {
      changed[gStart++] = 0;
      changed[gEnd++] = 1;
      while (rc(gEnd)) gEnd++;
      return true;
    }
    return false;
  };

  for (;;) {
    if (gEnd !== gStart) {
      let size: number;
      let earliestEnd: number;
      let endMatchingOther: number;
      do {
        size = gEnd - gStart;
        endMatchingOther = -1;
        while (slideUp()) otherPrevious();
        earliestEnd = gEnd;
        if (oEnd > oStart) endMatchingOther = gEnd;
        while (slideDown()) {
          otherNext();
          if (oEnd > oStart) endMatchingOther = gEnd;
        }
      } while (size !== gEnd - gStart);

      if (gEnd !== earliestEnd && endMatchingOther !== -1) {
        while (oEnd === oStart) {
          slideUp();
          otherPrevious();
        }
      }
    }
    if (!next()) break;
    otherNext();
  }
}
