/**
 * The reference context and previous turn settings, exactly as Codex's reconstruction decides them
 * (`session/rollout_reconstruction.rs`, pass 1), but maintained forward, one entry at a time.
 *
 * Codex scans the rollout newest to oldest, grouping items into segments that close at a
 * `task_started` whose turn id is compatible with the segment's (the id of the newest item in it
 * that names a turn). `thread_rolled_back` adds to a pending count, and each segment finalized
 * while the count is positive is skipped (a segment with a user message decrements it). The newest
 * surviving user-turn segment gives the previous settings; the newest surviving segment that either
 * is a user turn with a baseline or was cleared by a compaction gives the reference context.
 *
 * Forward, the log is cut at every `task_started` into chunks (a segment is one or more adjacent
 * chunks). For each `task_started` we keep a summary of everything before it: its newest segment,
 * where that segment began, and the decision for that prefix with nothing pending. The answer for
 * the whole log is then: the segment at the end (usually the open chunk alone), then that summary.
 * A rollback walks back through the summaries, one segment per step, as far as it reaches.
 */
import type { TurnContextItem } from "../events/index.js";
import { AppendList } from "./append-list.js";

/** What Codex keeps of the last surviving user turn's model (`PreviousTurnSettings`). */
export interface PreviousTurnSettings {
  model: string;
  realtime_active: boolean | null;
}

/** A turn context baseline, none yet ("never"), or one a compaction invalidated ("cleared"). */
export type Baseline = "never" | "cleared" | TurnContextItem;

/** A `turn_context`, or a compaction (which clears the baseline before it). */
export type Mark = TurnContextItem | "compacted";

/** The entries between two `task_started` events, as much of them as the reverse scan looks at. */
export interface Chunk {
  /** The `task_started` that opened it; null for the entries before the first one. */
  readonly turnId: string | null;
  /** Holds an entry that opens a segment in Codex's scan (any response item, user message, context, compaction, turn end). */
  readonly creates: boolean;
  /** Holds a user message: a segment containing it is a user turn. */
  readonly counts: boolean;
  /** Turns rolled back by `thread_rolled_back` events in it. */
  readonly rollbacks: number;
  /** Turn id of its newest `task_complete`, `turn_aborted` or `turn_context` that has one. */
  readonly newestId: string | null;
  readonly marks: readonly Mark[];
}

export interface Segment {
  readonly counts: boolean;
  /** Settings of its oldest turn context matching the segment's turn. */
  readonly settings: PreviousTurnSettings | null;
  readonly baseline: Baseline;
}

export interface Decision {
  /** Null until a surviving user turn with a turn context is found. */
  readonly settings: PreviousTurnSettings | null;
  readonly baseline: Baseline;
}

/** Everything before one `task_started`. */
export interface PrefixSummary {
  readonly segment: Segment | null;
  readonly rollbacks: number;
  /** The `task_started` (chunk index) where that segment began, 0 when it reaches the start. */
  readonly next: number;
  readonly decision: Decision;
}

export interface TurnSegments {
  /** Closed chunks; index 0 is the one before the first `task_started`. */
  readonly chunks: AppendList<Chunk>;
  readonly open: Chunk;
  /** `summaries.at(k - 1)` describes everything before chunk k. */
  readonly summaries: AppendList<PrefixSummary>;
  readonly decision: Decision;
}

const UNDECIDED: Decision = { settings: null, baseline: "never" };

export function emptyChunk(turnId: string | null): Chunk {
  return { turnId, creates: false, counts: false, rollbacks: 0, newestId: null, marks: [] };
}

export const EMPTY_SEGMENTS: TurnSegments = {
  chunks: AppendList.empty(),
  open: emptyChunk(null),
  summaries: AppendList.empty(),
  decision: UNDECIDED,
};

/** Codex `turn_ids_are_compatible`: an unknown id on either side matches. */
function compatible(segmentId: string | null, itemId: string | null | undefined): boolean {
  return segmentId === null || itemId == null || segmentId === itemId;
}

function settingsOf(context: TurnContextItem): PreviousTurnSettings {
  return { model: context.model, realtime_active: context.realtime_active ?? null };
}

interface Head {
  segment: Segment | null;
  rollbacks: number;
  next: number;
}

/** The newest segment of the log: chunks from the end back to the first compatible `task_started`. */
function scanHead(chunks: AppendList<Chunk>, open: Chunk): Head {
  let rollbacks = 0;
  let creates = false;
  let counts = false;
  let segmentId: string | null = null;
  const markLists: Array<readonly Mark[]> = []; // newest chunk first
  let index = chunks.length;
  let chunk = open;
  for (;;) {
    rollbacks += chunk.rollbacks;
    if (chunk.creates) {
      creates = true;
      counts ||= chunk.counts;
      segmentId ??= chunk.newestId;
      if (chunk.marks.length > 0) markLists.push(chunk.marks);
    }
    const closes = index === 0 || (creates && compatible(segmentId, chunk.turnId));
    if (closes) {
      const segment = creates ? finalize(counts, segmentId, markLists) : null;
      return { segment, rollbacks, next: index };
    }
    index--;
    chunk = chunks.at(index)!;
  }
}

function finalize(counts: boolean, segmentId: string | null, markLists: Array<readonly Mark[]>): Segment {
  let settings: PreviousTurnSettings | null = null;
  let baseline: Baseline = "never";
  for (let i = markLists.length - 1; i >= 0; i--) {
    for (const mark of markLists[i]) {
      if (mark === "compacted") {
        baseline = "cleared";
      } else if (compatible(segmentId, mark.turn_id)) {
        settings ??= settingsOf(mark);
        baseline = mark;
      }
    }
  }
  return { counts, settings, baseline };
}

/** Folds one finalized segment into the decision, as Codex's `finalize_active_segment` does. */
function take(decision: Decision, segment: Segment): Decision {
  const settings = decision.settings === null && segment.counts ? segment.settings : decision.settings;
  const takesBaseline = decision.baseline === "never" && (segment.counts || segment.baseline === "cleared");
  const baseline = takesBaseline ? segment.baseline : decision.baseline;
  return settings === decision.settings && baseline === decision.baseline ? decision : { settings, baseline };
}

function decided(decision: Decision): boolean {
  return decision.settings !== null && decision.baseline !== "never";
}

function decide(head: Head, summaries: AppendList<PrefixSummary>): Decision {
  let decision = UNDECIDED;
  let pending = head.rollbacks;
  const visit = (segment: Segment | null) => {
    if (!segment) return;
    if (pending > 0) {
      if (segment.counts) pending--;
    } else {
      decision = take(decision, segment);
    }
  };
  visit(head.segment);
  let next = head.next;
  while (next > 0 && !decided(decision)) {
    const summary = summaries.at(next - 1)!;
    if (pending === 0) {
      // Nothing left to skip: the rest is what the prefix decided on its own.
      decision = {
        settings: decision.settings ?? summary.decision.settings,
        baseline: decision.baseline === "never" ? summary.decision.baseline : decision.baseline,
      };
      break;
    }
    pending += summary.rollbacks;
    visit(summary.segment);
    next = summary.next;
  }
  return decision;
}

function withOpen(segments: TurnSegments, open: Chunk): TurnSegments {
  const decision = decide(scanHead(segments.chunks, open), segments.summaries);
  return { ...segments, open, decision };
}

/** A `task_started`: close the open chunk and remember what everything before it decided. */
export function turnStarted(segments: TurnSegments, turnId: string): TurnSegments {
  const head = scanHead(segments.chunks, segments.open);
  const summary: PrefixSummary = { ...head, decision: segments.decision };
  return {
    chunks: segments.chunks.push(segments.open),
    open: emptyChunk(turnId),
    summaries: segments.summaries.push(summary),
    decision: segments.decision,
  };
}

/** A response item (a user-turn boundary when `boundary`), or a `user_message` event. */
export function segmentItem(segments: TurnSegments, boundary: boolean): TurnSegments {
  const { open } = segments;
  if (open.creates && (open.counts || !boundary)) return segments;
  return withOpen(segments, { ...open, creates: true, counts: open.counts || boundary });
}

/** A `task_complete`, `turn_aborted` (only with an id) or `turn_context` naming `turnId`. */
function namesTurn(open: Chunk, turnId: string | null | undefined): Chunk {
  return turnId == null ? { ...open, creates: true } : { ...open, creates: true, newestId: turnId };
}

export function turnEnded(segments: TurnSegments, turnId: string | null | undefined, aborted: boolean): TurnSegments {
  // An abort without a turn id does not open a segment in Codex's scan.
  if (aborted && turnId == null) return segments;
  return withOpen(segments, namesTurn(segments.open, turnId));
}

export function turnContext(segments: TurnSegments, context: TurnContextItem): TurnSegments {
  const open = namesTurn(segments.open, context.turn_id);
  return withOpen(segments, { ...open, marks: [...open.marks, context] });
}

export function compacted(segments: TurnSegments): TurnSegments {
  const { open } = segments;
  return withOpen(segments, { ...open, creates: true, marks: [...open.marks, "compacted"] });
}

export function rolledBack(segments: TurnSegments, numTurns: number): TurnSegments {
  if (!(numTurns > 0)) return segments;
  return withOpen(segments, { ...segments.open, rollbacks: segments.open.rollbacks + numTurns });
}
