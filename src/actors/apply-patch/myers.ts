/**
 * Line diff: Myers' O(ND) algorithm in linear space ("middle snake" divide and conquer), arranged
 * the way git's xdiff runs it so that, for the same input, we choose the same edit script as
 * `git diff`: equal heads and tails are trimmed, lines found nowhere in the other file are set
 * aside as changed before the search (so are runs of very common lines between them), the search
 * walks diagonals in git's order and breaks ties its way, and on very costly inputs it settles for
 * a good-enough split using git's heuristics. `compact` (compaction.ts) then slides the changes.
 */
import { compact } from "./compaction.js";

export interface LineChanges {
  /** `removed[i]` is 1 when old line i is not in the new text. */
  removed: Uint8Array;
  /** `added[j]` is 1 when new line j is not in the old text. */
  added: Uint8Array;
}

export interface DiffOptions {
  /** git's `diff.indentHeuristic` (on by default in git): place ambiguous changes by indentation. */
  indentHeuristic?: boolean;
}

/** Diffs two texts split into lines (each line with its own `\n`, if it has one). */
export function diffLines(a: readonly string[], b: readonly string[], options: DiffOptions = {}): LineChanges {
  const [ia, ib] = internLines(a, b);
  const removed = new Uint8Array(a.length);
  const added = new Uint8Array(b.length);
  const ra = reduce(ia, ib, removed);
  const rb = reduce(ib, ia, added);
  const search = new Search(ra, rb, removed, added);
  search.compare(0, ra.ids.length, 0, rb.ids.length);
  const indent = options.indentHeuristic ?? true;
  compact(ia, removed, ib, added, indent ? a : undefined);
  compact(ib, added, ia, removed, indent ? b : undefined);
  return { removed, added };
}

function internLines(a: readonly string[], b: readonly string[]): [Int32Array, Int32Array] {
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

/** The lines a file takes into the search, and where each sits in the file. */
interface Reduced {
  ids: Int32Array;
  index: Int32Array;
}

const MAX_EQ_LIMIT = 1024;
const SIMSCAN_WINDOW = 100;
const KPDIS_RUN = 4;

/**
 * xdiff's `xdl_trim_ends` + `xdl_cleanup_records`: skips the common head and tail, marks as changed
 * every line absent from `other`, and drops lines that occur very often in `other` when they sit
 * among such unmatched lines; returns the rest. Both are always part of some minimal script.
 */
function reduce(own: Int32Array, other: Int32Array, changed: Uint8Array): Reduced {
  let head = 0;
  const common = Math.min(own.length, other.length);
  while (head < common && own[head] === other[head]) head++;
  let tail = 0;
  while (tail < common - head && own[own.length - 1 - tail] === other[other.length - 1 - tail]) tail++;
  const start = head;
  const end = own.length - tail; // exclusive

  const inOther = new Map<number, number>();
  for (const id of other) inOther.set(id, (inOther.get(id) ?? 0) + 1);
  const limit = Math.min(bogoSqrt(own.length), MAX_EQ_LIMIT);
  // 0: no match in the other file, 1: keep, 2: matches many times (keep unless amid unmatched lines).
  const dis = new Uint8Array(own.length);
  for (let i = start; i < end; i++) {
    const n = inOther.get(own[i]) ?? 0;
    dis[i] = n === 0 ? 0 : n >= limit ? 2 : 1;
  }
  const ids: number[] = [];
  const index: number[] = [];
  for (let i = start; i < end; i++) {
    if (dis[i] === 1 || (dis[i] === 2 && !amidUnmatched(dis, i, start, end - 1))) {
      ids.push(own[i]);
      index.push(i);
    } else {
      changed[i] = 1;
    }
  }
  return { ids: Int32Array.from(ids), index: Int32Array.from(index) };
}

/** xdiff's integer square root approximation (a power of two). */
function bogoSqrt(n: number): number {
  let i = 1;
  for (; n > 0; n >>= 2) i <<= 1;
  return i;
}

/** xdiff's `xdl_clean_mmatch`: is the frequent line at `i` inside a run dominated by unmatched lines? */
function amidUnmatched(dis: Uint8Array, i: number, s: number, e: number): boolean {
  if (i - s > SIMSCAN_WINDOW) s = i - SIMSCAN_WINDOW;
  if (e - i > SIMSCAN_WINDOW) e = i + SIMSCAN_WINDOW;
  let before = 0;
  let frequentBefore = 1;
  for (let r = 1; i - r >= s; r++) {
    if (dis[i - r] === 0) before++;
    else if (dis[i - r] === 2) frequentBefore++;
    else break;
  }
  if (before === 0) return false;
  let after = 0;
  let frequentAfter = 1;
  for (let r = 1; i + r <= e; r++) {
    if (dis[i + r] === 0) after++;
    else if (dis[i + r] === 2) frequentAfter++;
    else break;
  }
  if (after === 0) return false;
  const unmatched = before + after;
  const frequent = frequentBefore + frequentAfter;
  return frequent * KPDIS_RUN < frequent + unmatched;
}

const LINE_MAX = 0x7fffffff;
const SNAKE_CNT = 20;
const K_HEUR = 4;
const HEUR_MIN_COST = 256;
const MAX_COST_MIN = 256;

/** The divide-and-conquer search over the reduced sequences (xdiff's `xdl_recs_cmp` / `xdl_split`). */
class Search {
  private readonly a: Int32Array;
  private readonly b: Int32Array;
  // Furthest reach per diagonal k = i1 - i2, forward and backward, indexed k + offset.
  private readonly fwd: Int32Array;
  private readonly bwd: Int32Array;
  private readonly offset: number;
  private readonly maxCost: number;

  constructor(
    private readonly ra: Reduced,
    private readonly rb: Reduced,
    private readonly removed: Uint8Array,
    private readonly added: Uint8Array,
  ) {
    this.a = ra.ids;
    this.b = rb.ids;
    const diagonals = this.a.length + this.b.length + 3;
    this.fwd = new Int32Array(diagonals);
    this.bwd = new Int32Array(diagonals);
    this.offset = this.b.length + 1;
    this.maxCost = Math.max(bogoSqrt(diagonals), MAX_COST_MIN);
  }

  compare(off1: number, lim1: number, off2: number, lim2: number, needMin = false): void {
    const { a, b } = this;
    // Explicit stack instead of recursion: the split tree can be deep on large, dissimilar inputs.
    const stack: [number, number, number, number, boolean][] = [[off1, lim1, off2, lim2, needMin]];
    while (stack.length > 0) {
      let [o1, l1, o2, l2, min] = stack.pop()!;
      while (o1 < l1 && o2 < l2 && a[o1] === b[o2]) {
        o1++;
        o2++;
      }
      while (o1 < l1 && o2 < l2 && a[l1 - 1] === b[l2 - 1]) {
        l1--;
        l2--;
      }
      if (o1 === l1) {
        for (let j = o2; j < l2; j++) this.added[this.rb.index[j]] = 1;
      } else if (o2 === l2) {
        for (let i = o1; i < l1; i++) this.removed[this.ra.index[i]] = 1;
      } else {
        const s = this.split(o1, l1, o2, l2, min);
        // Push the upper half last so it is processed first, as the recursion would.
        stack.push([s.i1, l1, s.i2, l2, s.minHi], [o1, s.i1, o2, s.i2, s.minLo]);
      }
    }
  }

  /** A point where an optimal (or, past the cost limits, a good) path crosses the box's middle. */
  private split(off1: number, lim1: number, off2: number, lim2: number, needMin: boolean):
    { i1: number; i2: number; minLo: boolean; minHi: boolean } {
    const { a, b, fwd, bwd, offset: o } = this;
    const dmin = off1 - lim2;
    const dmax = lim1 - off2;
    const fmid = off1 - off2;
    const bmid = lim1 - lim2;
    const odd = ((fmid - bmid) & 1) !== 0;
    let fmin = fmid, fmax = fmid, bmin = bmid, bmax = bmid;
    fwd[fmid + o] = off1;
    bwd[bmid + o] = lim1;

    for (let ec = 1; ; ec++) {
      let gotSnake = false;
      // Widen the band of diagonals by one each side, staying inside the box; the -1 and LINE_MAX
      // sentinels just outside make the predecessor choice below need no bounds checks.
      if (fmin > dmin) fwd[--fmin - 1 + o] = -1;
      else ++fmin;
      if (fmax < dmax) fwd[++fmax + 1 + o] = -1;
      else --fmax;
      for (let d = fmax; d >= fmin; d -= 2) {
        let i1 = fwd[d - 1 + o] >= fwd[d + 1 + o] ? fwd[d - 1 + o] + 1 : fwd[d + 1 + o];
        const prev = i1;
        let i2 = i1 - d;
        while (i1 < lim1 && i2 < lim2 && a[i1] === b[i2]) {
          i1++;
          i2++;
        }
        if (i1 - prev > SNAKE_CNT) gotSnake = true;
        fwd[d + o] = i1;
        if (odd && bmin <= d && d <= bmax && bwd[d + o] <= i1) return { i1, i2, minLo: true, minHi: true };
      }

      if (bmin > dmin) bwd[--bmin - 1 + o] = LINE_MAX;
      else ++bmin;
      if (bmax < dmax) bwd[++bmax + 1 + o] = LINE_MAX;
      else --bmax;
      for (let d = bmax; d >= bmin; d -= 2) {
        let i1 = bwd[d - 1 + o] < bwd[d + 1 + o] ? bwd[d - 1 + o] : bwd[d + 1 + o] - 1;
        const prev = i1;
        let i2 = i1 - d;
        while (i1 > off1 && i2 > off2 && a[i1 - 1] === b[i2 - 1]) {
          i1--;
          i2--;
        }
        if (prev - i1 > SNAKE_CNT) gotSnake = true;
        bwd[d + o] = i1;
        if (!odd && fmin <= d && d <= fmax && i1 <= fwd[d + o]) return { i1, i2, minLo: true, minHi: true };
      }

      if (needMin) continue;

      // Expensive: take a diagonal that reached far along a long run of equal lines, if any.
      if (gotSnake && ec > HEUR_MIN_COST) {
        let best = 0;
        let at: [number, number] | undefined;
        for (let d = fmax; d >= fmin; d -= 2) {
          const dd = d > fmid ? d - fmid : fmid - d;
          const i1 = fwd[d + o];
          const i2 = i1 - d;
          const v = i1 - off1 + (i2 - off2) - dd;
          if (v > K_HEUR * ec && v > best && off1 + SNAKE_CNT <= i1 && i1 < lim1 && off2 + SNAKE_CNT <= i2 && i2 < lim2) {
            for (let k = 1; a[i1 - k] === b[i2 - k]; k++) {
              if (k === SNAKE_CNT) {
                best = v;
                at = [i1, i2];
                break;
              }
            }
          }
        }
        if (at !== undefined) return { i1: at[0], i2: at[1], minLo: true, minHi: false };

        best = 0;
        for (let d = bmax; d >= bmin; d -= 2) {
          const dd = d > bmid ? d - bmid : bmid - d;
          const i1 = bwd[d + o];
          const i2 = i1 - d;
          const v = lim1 - i1 + (lim2 - i2) - dd;
          if (v > K_HEUR * ec && v > best && off1 < i1 && i1 <= lim1 - SNAKE_CNT && off2 < i2 && i2 <= lim2 - SNAKE_CNT) {
            for (let k = 0; a[i1 + k] === b[i2 + k]; k++) {
              if (k === SNAKE_CNT - 1) {
                best = v;
                at = [i1, i2];
                break;
              }
            }
          }
        }
        if (at !== undefined) return { i1: at[0], i2: at[1], minLo: false, minHi: true };
      }

      // Too expensive: settle for the furthest-reaching path found so far.
      if (ec >= this.maxCost) {
        let fbest = -1, fbest1 = -1;
        for (let d = fmax; d >= fmin; d -= 2) {
          let i1 = Math.min(fwd[d + o], lim1);
          let i2 = i1 - d;
          if (lim2 < i2) {
            i1 = lim2 + d;
            i2 = lim2;
          }
          if (fbest < i1 + i2) {
            fbest = i1 + i2;
            fbest1 = i1;
          }
        }
        let bbest = LINE_MAX, bbest1 = LINE_MAX;
        for (let d = bmax; d >= bmin; d -= 2) {
          let i1 = Math.max(off1, bwd[d + o]);
          let i2 = i1 - d;
          if (i2 < off2) {
            i1 = off2 + d;
            i2 = off2;
          }
          if (i1 + i2 < bbest) {
            bbest = i1 + i2;
            bbest1 = i1;
          }
        }
        return lim1 + lim2 - bbest < fbest - (off1 + off2)
          ? { i1: fbest1, i2: fbest - fbest1, minLo: true, minHi: false }
          : { i1: bbest1, i2: bbest - bbest1, minLo: false, minHi: true };
      }
    }
  }
}
