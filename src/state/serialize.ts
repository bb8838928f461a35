/**
 * Snapshot form of `ThreadState`: plain JSON, versioned. Turn contexts are the one thing a state
 * holds many of (one per turn, for rollbacks that reach far back) and they differ mostly by turn
 * id, so each is stored once as a shared body plus its ids. Derived fields (reference context,
 * previous settings, unanswered calls) are recomputed on load rather than stored twice.
 */
import type { ResponseItem, TurnContextItem } from "../events/index.js";
import { THREAD_STATE_VERSION, type ThreadState, type TurnStatus } from "./thread-state.js";
import { encodeSegments, type EncodedSegments } from "./segment-codec.js";
import { DEFAULT_PART_SIZES, splitSerialized, type PartSizes, type SplitState } from "./snapshot-parts.js";

/** A snapshot written by another version of the fold, or not a snapshot at all. */
export class IncompatibleSnapshotError extends Error {
  override readonly name = "IncompatibleSnapshotError";
  constructor(readonly reason: string) {
    super(`cannot load the thread state snapshot: ${reason}`);
  }
}

/** `t` / `r`: the context's `turn_id` / `trace_id`, absent when it has none (null stays null). */
interface SContext {
  b: number;
  t?: string | null;
  r?: string | null;
}

export interface SerializedState {
  v: typeof THREAD_STATE_VERSION;
  seq: number;
  threadId: string | null;
  sessionMeta: ThreadState["sessionMeta"];
  baseInstructions: string | null;
  settingsSeq: number;
  name: string | null;
  history: ResponseItem[];
  /** Each turn as [id, status, userMessage, firstSeq, lastSeq]: a long thread has thousands. */
  turns: Array<[string, TurnStatus, string | null, number, number | null]>;
  activeTurn: string | null;
  tokenUsage: ThreadState["tokenUsage"];
  pendingApprovals: ThreadState["pendingApprovals"];
  pendingInput: ThreadState["pendingInput"];
  approvedForSession: ThreadState["approvedForSession"];
  compactions: number;
  /** Calls without an output, and outputs seen before their call (by key). */
  calls: { unanswered: ResponseItem[]; earlyOutputs: readonly string[] };
  legacyCompaction: boolean;
  /** Turn context bodies without `turn_id` / `trace_id`, and each context as its body and those ids. */
  contextBodies: Record<string, unknown>[];
  contexts: SContext[];
  segments: EncodedSegments;
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

  ref(context: TurnContextItem): number {
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
  const { segments, calls, legacyCompaction } = state.internal;
  const encodedSegments = encodeSegments(segments, (context) => table.ref(context));
  return {
    v: THREAD_STATE_VERSION,
    seq: state.seq,
    threadId: state.threadId,
    sessionMeta: state.sessionMeta,
    baseInstructions: state.baseInstructions,
    settingsSeq: state.settingsSeq,
    name: state.name,
    history: state.history.toArray(),
    turns: state.turns.map((t) => [t.id, t.status, t.userMessage, t.firstSeq, t.lastSeq]),
    activeTurn: state.activeTurn,
    tokenUsage: state.tokenUsage,
    pendingApprovals: state.pendingApprovals,
    pendingInput: state.pendingInput,
    approvedForSession: state.approvedForSession,
    compactions: state.compactions,
    calls: { unanswered: [...calls.unanswered], earlyOutputs: calls.earlyOutputs },
    legacyCompaction,
    contextBodies: table.bodies,
    contexts: table.contexts,
    segments: encodedSegments,
  };
}

/** The snapshot of `state` with its long lists cut into shared parts (see snapshot-parts.ts). */
export function splitState(state: ThreadState, sizes: PartSizes = DEFAULT_PART_SIZES): SplitState<SerializedState> {
  return splitSerialized(serializeState(state), sizes);
}
