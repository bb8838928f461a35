/**
 * Snapshot form of `ThreadState`: plain JSON, versioned. Turn contexts are the one thing a state
 * holds many of (one per turn, for rollbacks that reach far back) and they differ mostly by turn
 * id, so each is stored once as a shared body plus its ids. Derived fields (reference context,
 * previous settings, unanswered calls) are recomputed on load rather than stored twice.
 */
import type { ResponseItem, TurnContextItem } from "../events/index.js";
import { AppendList } from "./append-list.js";
import type { CallLedger } from "./calls.js";
import { THREAD_STATE_VERSION, type ThreadState } from "./thread-state.js";
import type { Baseline, Chunk, Decision, Mark, PrefixSummary, Segment, TurnSegments } from "./turn-segments.js";

/** A snapshot written by another version of the fold, or not a snapshot at all. */
export class IncompatibleSnapshotError extends Error {
  override readonly name = "IncompatibleSnapshotError";
  constructor(readonly reason: string) {
    super(`cannot load the thread state snapshot: ${reason}`);
  }
}

/** A turn context in a snapshot: an index into `contexts`. */
type ContextRef = number;
/** `t` / `r`: the context's `turn_id` / `trace_id`, absent when it has none (null stays null). */
interface SContext {
  b: number;
  t?: string | null;
  r?: string | null;
}
type SBaseline = "never" | "cleared" | ContextRef;
type SMark = "compacted" | ContextRef;
interface SChunk extends Omit<Chunk, "marks"> {
  marks: SMark[];
}
interface SSegment extends Omit<Segment, "baseline"> {
  baseline: SBaseline;
}
interface SDecision extends Omit<Decision, "baseline"> {
  baseline: SBaseline;
}
interface SSummary extends Omit<PrefixSummary, "segment" | "decision"> {
  segment: SSegment | null;
  decision: SDecision;
}

export interface SerializedState {
  v: typeof THREAD_STATE_VERSION;
  seq: number;
  threadId: string | null;
  sessionMeta: ThreadState["sessionMeta"];
  name: string | null;
  history: ResponseItem[];
  turns: ThreadState["turns"];
  activeTurn: string | null;
  tokenUsage: ThreadState["tokenUsage"];
  pendingApprovals: ThreadState["pendingApprovals"];
  approvedForSession: ThreadState["approvedForSession"];
  /** Calls without an output, and outputs seen before their call (by key). */
  calls: { unanswered: ResponseItem[]; earlyOutputs: readonly string[] };
  legacyCompaction: boolean;
  /** Turn context bodies without `turn_id` / `trace_id`, and each context as its body and those ids. */
  contextBodies: Record<string, unknown>[];
  contexts: SContext[];
  segments: { chunks: SChunk[]; open: SChunk; summaries: SSummary[]; decision: SDecision };
}

/** Canonical JSON of a context body, cached per object (contexts are immutable once folded). */
const bodyKeys = new WeakMap<TurnContextItem, { key: string; body: Record<string, unknown> }>();

function bodyOf(context: TurnContextItem): { key: string; body: Record<string, unknown> } {
  let cached = bodyKeys.get(context);
  if (!cached) {
    const { turn_id: _turn, trace_id: _trace, ...body } = context;
    cached = { key: JSON.stringify(body), body };
    bodyKeys.set(context, cached);
  }
  return cached;
}

class ContextTable {
  readonly bodies: Record<string, unknown>[] = [];
  readonly contexts: SerializedState["contexts"] = [];
  readonly #bodyIndex = new Map<string, number>();
  readonly #contextIndex = new Map<string, number>();
  readonly #byObject = new Map<TurnContextItem, number>();

  ref(context: TurnContextItem): ContextRef {
    const known = this.#byObject.get(context);
    if (known !== undefined) return known;
    const { key, body } = bodyOf(context);
    let bodyIndex = this.#bodyIndex.get(key);
    if (bodyIndex === undefined) {
      bodyIndex = this.bodies.push(body) - 1;
      this.#bodyIndex.set(key, bodyIndex);
    }
    const entry: SContext = { b: bodyIndex };
    if (context.turn_id !== undefined) entry.t = context.turn_id;
    if (context.trace_id !== undefined) entry.r = context.trace_id;
    const contextKey = JSON.stringify(entry);
    let index = this.#contextIndex.get(contextKey);
    if (index === undefined) {
      index = this.contexts.push(entry) - 1;
      this.#contextIndex.set(contextKey, index);
    }
    this.#byObject.set(context, index);
    return index;
  }
}

export function serializeState(state: ThreadState): SerializedState {
  const table = new ContextTable();
  const baseline = (b: Baseline): SBaseline => (typeof b === "string" ? b : table.ref(b));
  const chunk = (c: Chunk): SChunk => ({ ...c, marks: c.marks.map((m) => (m === "compacted" ? m : table.ref(m))) });
  const segment = (s: Segment | null): SSegment | null => s && { ...s, baseline: baseline(s.baseline) };
  const decision = (d: Decision): SDecision => ({ ...d, baseline: baseline(d.baseline) });
  const { segments, calls, legacyCompaction } = state.internal;
  const serializedSegments = {
    chunks: segments.chunks.toArray().map(chunk),
    open: chunk(segments.open),
    summaries: segments.summaries.toArray().map((s) => ({ ...s, segment: segment(s.segment), decision: decision(s.decision) })),
    decision: decision(segments.decision),
  };
  return {
    v: THREAD_STATE_VERSION,
    seq: state.seq,
    threadId: state.threadId,
    sessionMeta: state.sessionMeta,
    name: state.name,
    history: state.history.toArray(),
    turns: state.turns,
    activeTurn: state.activeTurn,
    tokenUsage: state.tokenUsage,
    pendingApprovals: state.pendingApprovals,
    approvedForSession: state.approvedForSession,
    calls: { unanswered: [...calls.unanswered], earlyOutputs: calls.earlyOutputs },
    legacyCompaction,
    contextBodies: table.bodies,
    contexts: table.contexts,
    segments: serializedSegments,
  };
}

export function deserializeState(data: unknown): ThreadState {
  if (typeof data !== "object" || data === null) throw new IncompatibleSnapshotError("not an object");
  const s = data as SerializedState;
  if (s.v !== THREAD_STATE_VERSION) throw new IncompatibleSnapshotError(`version ${JSON.stringify(s.v)}, expected ${THREAD_STATE_VERSION}`);
  const contexts = s.contexts.map(({ b, t, r }) => {
    const context = { ...s.contextBodies[b] } as TurnContextItem;
    if (t !== undefined) context.turn_id = t;
    if (r !== undefined) context.trace_id = r;
    return context;
  });
  const baseline = (b: SBaseline): Baseline => (typeof b === "string" ? b : contexts[b]);
  const chunk = (c: SChunk): Chunk => ({ ...c, marks: c.marks.map((m): Mark => (m === "compacted" ? m : contexts[m])) });
  const segment = (x: SSegment | null): Segment | null => x && { ...x, baseline: baseline(x.baseline) };
  const decision = (d: SDecision): Decision => ({ ...d, baseline: baseline(d.baseline) });
  const segments: TurnSegments = {
    chunks: AppendList.adopt(s.segments.chunks.map(chunk)),
    open: chunk(s.segments.open),
    summaries: AppendList.adopt(s.segments.summaries.map((x) => ({ ...x, segment: segment(x.segment), decision: decision(x.decision) }))),
    decision: decision(s.segments.decision),
  };
  const calls: CallLedger = { unanswered: s.calls.unanswered as CallLedger["unanswered"], earlyOutputs: s.calls.earlyOutputs };
  const { settings, baseline: current } = segments.decision;
  return {
    v: THREAD_STATE_VERSION,
    threadId: s.threadId,
    seq: s.seq,
    sessionMeta: s.sessionMeta,
    name: s.name,
    history: AppendList.adopt(s.history),
    turns: s.turns,
    activeTurn: s.activeTurn,
    tokenUsage: s.tokenUsage,
    referenceContext: s.legacyCompaction || typeof current === "string" ? null : current,
    previousTurnSettings: settings,
    pendingApprovals: s.pendingApprovals,
    unansweredCalls: calls.unanswered,
    approvedForSession: s.approvedForSession,
    internal: { segments, calls, legacyCompaction: s.legacyCompaction },
  };
}
