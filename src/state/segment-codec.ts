/**
 * The snapshot encoding of `TurnSegments`. A thread keeps one chunk and one prefix summary per
 * turn for as long as it lives, so they are the bulk of a long thread's snapshot next to its
 * history: they are written as small tuples, turn contexts and settings as table indexes.
 */
import type { TurnContextItem } from "../events/index.js";
import { AppendList } from "./append-list.js";
import type { Baseline, Chunk, Decision, Mark, PrefixSummary, PreviousTurnSettings, Segment, TurnSegments } from "./turn-segments.js";

/** -1: no settings; otherwise an index into `settings`. */
type SSettings = number;
/** -1: never set, -2: cleared; otherwise an index into the context table. */
type SBaseline = number;
/** [turnId, 1·creates + 2·counts, rollbacks, newestId (0: none, 1: same as turnId), marks (-1: a compaction)] */
type SChunk = [string | null, number, number, 0 | 1 | string, number[]];
/** [counts 0/1, settings, baseline], or 0 for no segment. */
type SSegment = [number, SSettings, SBaseline] | 0;
/** [segment, rollbacks, next, decision settings, decision baseline] */
type SSummary = [SSegment, number, number, SSettings, SBaseline];

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

export function decodeSegments(encoded: EncodedSegments, contexts: readonly TurnContextItem[]): TurnSegments {
  const settings = (i: SSettings) => (i < 0 ? null : encoded.settings[i]);
  const baseline = (i: SBaseline): Baseline => (i === -1 ? "never" : i === -2 ? "cleared" : contexts[i]);
  const decision = (s: SSettings, b: SBaseline): Decision => ({ settings: settings(s), baseline: baseline(b) });
  const chunk = ([turnId, flags, rollbacks, newest, marks]: SChunk): Chunk => ({
    turnId,
    creates: (flags & 1) !== 0,
    counts: (flags & 2) !== 0,
    rollbacks,
    newestId: newest === 0 ? null : newest === 1 ? turnId : newest,
    marks: marks.map((m): Mark => (m === -1 ? "compacted" : contexts[m])),
  });
  const segment = (s: SSegment): Segment | null => (s === 0 ? null : { counts: s[0] === 1, settings: settings(s[1]), baseline: baseline(s[2]) });
  const summary = ([seg, rollbacks, next, s, b]: SSummary): PrefixSummary => ({
    segment: segment(seg),
    rollbacks,
    next,
    decision: decision(s, b),
  });
  return {
    chunks: AppendList.adopt(encoded.chunks.map(chunk)),
    open: chunk(encoded.open),
    summaries: AppendList.adopt(encoded.summaries.map(summary)),
    decision: decision(...encoded.decision),
  };
}
