/**
 * The snapshot encoding of `TurnSegments`. A thread keeps one chunk and one prefix summary per
 * turn for as long as it lives, so they are the bulk of a long thread's snapshot next to its
 * history: they are written as small tuples, turn contexts and settings as table indexes.
 */
import type { TurnContextItem } from "../events/index.js";
import type { Baseline, Chunk, Decision, Mark, PrefixSummary, PreviousTurnSettings, Segment, TurnSegments } from "./turn-segments.js";

/** -1: no settings; otherwise an index into `settings`. */
export type SSettings = number;
/** -1: never set, -2: cleared; otherwise an index into the context table. */
export type SBaseline = number;
/** [turnId, 1·creates + 2·counts, rollbacks, newestId (0: none, 1: same as turnId), marks (-1: a compaction)] */
export type SChunk = [string | null, number, number, 0 | 1 | string, number[]];
/** [counts 0/1, settings, baseline], or 0 for no segment. */
type SSegment = [number, SSettings, SBaseline] | 0;
/** [segment, rollbacks, next, decision settings, decision baseline] */
export type SSummary = [SSegment, number, number, SSettings, SBaseline];

export interface EncodedSegments {
  settings: PreviousTurnSettings[];
  chunks: SChunk[];
  open: SChunk;
  summaries: SSummary[];
  decision: [SSettings, SBaseline];
}

/** Context indexes are shared with the rest of the snapshot. */
export type ContextRefs = (context: TurnContextItem) => number;

export function encodeSegments(segments: TurnSegments, contextRef: ContextRefs): EncodedSegments {
  const settings: PreviousTurnSettings[] = [];
  const settingsIndex = new Map<string, number>();
  const settingsRef = (s: PreviousTurnSettings | null): SSettings => {
    if (s === null) return -1;
    const key = JSON.stringify([s.model, s.realtime_active]);
    let index = settingsIndex.get(key);
    if (index === undefined) settingsIndex.set(key, (index = settings.push(s) - 1));
    return index;
  };
  const baseline = (b: Baseline): SBaseline => (b === "never" ? -1 : b === "cleared" ? -2 : contextRef(b));
  const chunk = (c: Chunk): SChunk => [
    c.turnId,
    (c.creates ? 1 : 0) | (c.counts ? 2 : 0),
    c.rollbacks,
    c.newestId === null ? 0 : c.newestId === c.turnId ? 1 : c.newestId,
    c.marks.map((m) => (m === "compacted" ? -1 : contextRef(m))),
  ];
  const segment = (s: Segment | null): SSegment => (s ? [s.counts ? 1 : 0, settingsRef(s.settings), baseline(s.baseline)] : 0);
  const summary = (s: PrefixSummary): SSummary => [segment(s.segment), s.rollbacks, s.next, settingsRef(s.decision.settings), baseline(s.decision.baseline)];
  // Chunk k, then the summary of everything up to it: table indexes are handed out in the order
  // the turns happened, so a state that grew by a turn encodes its older turns exactly as before
  // (a snapshot's full parts are then the same bytes, stored once; see snapshot-parts.ts).
  const chunks: SChunk[] = [];
  const summaries: SSummary[] = [];
  const count = Math.max(segments.chunks.length, segments.summaries.length);
  for (let k = 0; k < count; k++) {
    if (k < segments.chunks.length) chunks.push(chunk(segments.chunks.at(k)!));
    if (k < segments.summaries.length) summaries.push(summary(segments.summaries.at(k)!));
  }
  return {
    chunks,
    open: chunk(segments.open),
    summaries,
    decision: [settingsRef(segments.decision.settings), baseline(segments.decision.baseline)],
    settings,
  };
}

/** Decodes encoded chunks and summaries against a snapshot's settings and turn context tables. */
export class SegmentDecoder {
  constructor(
    private readonly settings: readonly PreviousTurnSettings[],
    private readonly contexts: readonly TurnContextItem[],
  ) {}

  #settings(i: SSettings): PreviousTurnSettings | null {
    return i < 0 ? null : this.settings[i];
  }

  #baseline(i: SBaseline): Baseline {
    return i === -1 ? "never" : i === -2 ? "cleared" : this.contexts[i];
  }

  decision(s: SSettings, b: SBaseline): Decision {
    return { settings: this.#settings(s), baseline: this.#baseline(b) };
  }

  chunk([turnId, flags, rollbacks, newest, marks]: SChunk): Chunk {
    return {
      turnId,
      creates: (flags & 1) !== 0,
      counts: (flags & 2) !== 0,
      rollbacks,
      newestId: newest === 0 ? null : newest === 1 ? turnId : newest,
      marks: marks.map((m): Mark => (m === -1 ? "compacted" : this.contexts[m])),
    };
  }

  summary([seg, rollbacks, next, s, b]: SSummary): PrefixSummary {
    const segment: Segment | null = seg === 0 ? null : { counts: seg[0] === 1, settings: this.#settings(seg[1]), baseline: this.#baseline(seg[2]) };
    return { segment, rollbacks, next, decision: this.decision(s, b) };
  }
}

/** The highest turn context index an encoded chunk names (-1: none). */
export function chunkContextRef(chunk: SChunk): number {
  let max = -1;
  for (const mark of chunk[4]) if (mark > max) max = mark;
  return max;
}

/** The highest turn context and settings indexes an encoded summary names (-1: none). */
export function summaryRefs([seg, , , s, b]: SSummary): { context: number; settings: number } {
  return { context: Math.max(b, seg === 0 ? -1 : seg[2]), settings: Math.max(s, seg === 0 ? -1 : seg[1]) };
}
