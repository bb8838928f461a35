/**
 * Loading snapshots that share most of what they hold. A snapshot holds one record per turn in
 * four lists (turns, turn contexts, segment chunks and summaries), and a thread's snapshots name the
 * same full parts for all but their newest turns (snapshot-parts.ts). Decoding those thousands of
 * records again for every snapshot was most of what loading one cost, so a `SnapshotDecoder` keeps
 * the decoded lists of the last snapshots it loaded (a few threads' worth, bounded by `MAX_KEPT_ITEMS`)
 * and decodes only the parts the next snapshot does not share with one of them.
 *
 * Reuse is decided by content alone, so whichever kept snapshot it starts from, the result is the
 * state a fresh decode gives: a part key is the hash of the part's JSON, so equal leading keys mean
 * equal encoded items; and an item that names a row of another table (a context its body, a chunk
 * or summary a context or settings) is reused only when every row its part names is shared too.
 * Decoded items are immutable and shared with the states handed out, as the parts' items are.
 */
import type { ResponseItem, TurnContextItem } from "../events/index.js";
import { AppendList } from "./append-list.js";
import type { CallLedger } from "./calls.js";
import { IncompatibleSnapshotError, type SerializedState } from "./serialize.js";
import { SegmentDecoder, chunkContextRef, summaryRefs, type SChunk, type SSummary } from "./segment-codec.js";
import { MissingSnapshotPartError, isBoxed, isParted } from "./snapshot-parts.js";
import { THREAD_STATE_VERSION, type ThreadState, type TurnRecord } from "./thread-state.js";
import type { Chunk, PrefixSummary, PreviousTurnSettings } from "./turn-segments.js";

/** Snapshots kept to reuse, one per thread that wrote them, least recently used dropped first. */
const MAX_KEPT = 4;
/**
 * Decoded records kept in all (a turn is four: its record, context, chunk and summary). Measured on
 * bench:inspector's 100,000-entry thread: 12,836 records of 3,209 turns take 2.5 MB of heap, so
 * 128k records (a thread of about a million entries) stay under about 26 MB.
 */
const MAX_KEPT_ITEMS = 1 << 17;

/** A part's items by key, or undefined when it is missing. */
export type PartLookup = (key: string) => readonly unknown[] | undefined;

/** A list of a snapshot as stored: the keys of its full parts, then the items after them. */
interface ListParts {
  p: readonly string[];
  t: readonly unknown[];
}

/** One decoded list, as a later decode may reuse it. */
interface KeptList<T> {
  keys: readonly string[];
  /** `ends[k]`: the items in parts 0..k-1. */
  ends: readonly number[];
  /** `refs[k]` / `refs2[k]`: the highest row of another table the items of parts 0..k-1 name (-1: none). */
  refs: readonly number[];
  refs2: readonly number[];
  items: T;
}

/** What a decoded snapshot leaves for the next one. */
interface Kept {
  bodies: { keys: readonly string[]; ends: readonly number[] };
  settings: readonly PreviousTurnSettings[];
  turns: KeptList<readonly TurnRecord[]>;
  contexts: KeptList<readonly TurnContextItem[]>;
  chunks: KeptList<AppendList<Chunk>>;
  summaries: KeptList<AppendList<PrefixSummary>>;
  items: number;
}

/** Parts of each list taken decoded from the kept snapshot. */
interface Reuse {
  turns: number;
  contexts: number;
  chunks: number;
  summaries: number;
}

/** A snapshot checked and matched against a kept one: `keys` are the parts `decode` will read. */
export interface SnapshotPlan {
  readonly keys: readonly string[];
  readonly data: SerializedState;
  readonly lists: Record<"history" | "turns" | "bodies" | "contexts" | "chunks" | "summaries", ListParts>;
  readonly kept: Kept | undefined;
  readonly reuse: Reuse;
}

const NO_REUSE: Reuse = { turns: 0, contexts: 0, chunks: 0, summaries: 0 };

function listParts(list: unknown, what: string): ListParts {
  if (Array.isArray(list)) return { p: [], t: list };
  if (isParted(list) && list.p.every((key) => typeof key === "string")) return list;
  throw new IncompatibleSnapshotError(`its ${what} is not a list`);
}

/** How many leading keys two lists of part keys share. */
function sharedKeys(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/** The most parts of `list`, at most `shared`, whose items name only rows below `rows` (and `rows2`). */
function usable(list: KeptList<unknown>, shared: number, rows: number, rows2 = Infinity): number {
  let k = shared;
  while (k > 0 && (list.refs[k] >= rows || list.refs2[k] >= rows2)) k--;
  return k;
}

function sameSettings(a: readonly PreviousTurnSettings[], b: readonly PreviousTurnSettings[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i]?.model === b[i]?.model && a[i]?.realtime_active === b[i]?.realtime_active) i++;
  return i;
}

function partItems(part: PartLookup, key: string): readonly unknown[] {
  const items = part(key);
  if (!Array.isArray(items)) throw new MissingSnapshotPartError(key);
  return items;
}

/**
 * Decodes `list` from part `from` on (the parts before it come decoded from `kept`), appending the
 * items to `out` and returning the list's bookkeeping for the next decode.
 */
function decodeList<E, T>(
  list: ListParts,
  from: number,
  kept: KeptList<unknown> | undefined,
  part: PartLookup,
  out: T[],
  decode: (encoded: E) => T,
  refsOf?: (encoded: E, max: [number, number]) => void,
): Omit<KeptList<unknown>, "items"> {
  const ends = kept && from > 0 ? kept.ends.slice(0, from + 1) : [0];
  const refs = kept && from > 0 ? kept.refs.slice(0, from + 1) : [-1];
  const refs2 = kept && from > 0 ? kept.refs2.slice(0, from + 1) : [-1];
  const max: [number, number] = [refs[from], refs2[from]];
  let count = ends[from];
  for (let k = from; k < list.p.length; k++) {
    const items = partItems(part, list.p[k]);
    for (const item of items) {
      out.push(decode(item as E));
      refsOf?.(item as E, max);
    }
    count += items.length;
    ends.push(count);
    refs.push(max[0]);
    refs2.push(max[1]);
  }
  for (const item of list.t) out.push(decode(item as E));
  return { keys: list.p, ends, refs, refs2 };
}

function joined(list: ListParts, part: PartLookup): unknown[] {
  const out: unknown[] = [];
  for (const key of list.p) for (const item of partItems(part, key)) out.push(item);
  for (const item of list.t) out.push(item);
  return out;
}

function unboxed<T>(value: T, part: PartLookup): T {
  if (!isBoxed(value)) return value;
  const items = partItems(part, value.b);
  if (items.length !== 1) throw new MissingSnapshotPartError(value.b);
  return items[0] as T;
}

/** Decodes snapshots, reusing what it decoded of the last ones (see the top of this file). */
export interface SnapshotDecoderOptions {
  /** Snapshots kept to reuse (0: none, every decode starts afresh). */
  maxKept?: number;
  /** Decoded records they may hold in all. */
  maxKeptItems?: number;
}

export class SnapshotDecoder {
  /** By the id of the thread that wrote the snapshot, least recently used first. */
  readonly #kept = new Map<string, Kept>();
  #keptItems = 0;
  readonly #maxKept: number;
  readonly #maxKeptItems: number;
  /** Turn records, contexts, chunks and summaries decoded, and taken decoded from a kept snapshot. */
  readonly #counts = { decoded: 0, reused: 0 };

  constructor(options: SnapshotDecoderOptions = {}) {
    this.#maxKept = options.maxKept ?? MAX_KEPT;
    this.#maxKeptItems = options.maxKeptItems ?? MAX_KEPT_ITEMS;
  }

  /** For tests and benchmarks: what is kept (snapshots, records), and records decoded and reused so far. */
  get stats(): { snapshots: number; items: number; decoded: number; reused: number } {
    return { snapshots: this.#kept.size, items: this.#keptItems, ...this.#counts };
  }

  /** Checks a snapshot's form and finds what it shares with a kept one; throws `IncompatibleSnapshotError`. */
  plan(data: unknown): SnapshotPlan {
    if (typeof data !== "object" || data === null) throw new IncompatibleSnapshotError("not an object");
    const s = data as SerializedState;
    if (s.v !== THREAD_STATE_VERSION) throw new IncompatibleSnapshotError(`version ${JSON.stringify(s.v)}, expected ${THREAD_STATE_VERSION}`);
    if (typeof s.segments !== "object" || s.segments === null || !Array.isArray(s.segments.settings)) {
      throw new IncompatibleSnapshotError("its turn segments are not an object");
    }
    const lists = {
      history: listParts(s.history, "history"),
      turns: listParts(s.turns, "turns"),
      bodies: listParts(s.contextBodies, "context bodies"),
      contexts: listParts(s.contexts, "contexts"),
      chunks: listParts(s.segments.chunks, "chunks"),
      summaries: listParts(s.segments.summaries, "summaries"),
    };
    const kept = this.#kept.get(String(s.threadId)) ?? [...this.#kept.values()].at(-1);
    const reuse = kept ? this.#reuse(kept, s, lists) : NO_REUSE;
    const keys: string[] = [];
    for (const value of [s.sessionMeta, s.baseInstructions]) if (isBoxed(value)) keys.push(value.b);
    keys.push(...lists.history.p, ...lists.bodies.p);
    for (const name of ["turns", "contexts", "chunks", "summaries"] as const) keys.push(...lists[name].p.slice(reuse[name]));
    return { keys, data: s, lists, kept, reuse };
  }

  #reuse(kept: Kept, s: SerializedState, lists: SnapshotPlan["lists"]): Reuse {
    const bodyRows = kept.bodies.ends[sharedKeys(kept.bodies.keys, lists.bodies.p)];
    const contexts = usable(kept.contexts, sharedKeys(kept.contexts.keys, lists.contexts.p), bodyRows);
    const contextRows = kept.contexts.ends[contexts];
    const settingsRows = sameSettings(kept.settings, s.segments.settings);
    return {
      turns: sharedKeys(kept.turns.keys, lists.turns.p),
      contexts,
      chunks: usable(kept.chunks, sharedKeys(kept.chunks.keys, lists.chunks.p), contextRows),
      summaries: usable(kept.summaries, sharedKeys(kept.summaries.keys, lists.summaries.p), contextRows, settingsRows),
    };
  }

  /** The state a planned snapshot holds; `part(key)` gives each of `plan.keys` (a missing one throws `MissingSnapshotPartError`). */
  decode(plan: SnapshotPlan, part: PartLookup): ThreadState {
    const { data: s, lists, kept, reuse } = plan;
    const bodies = joined(lists.bodies, part) as Array<Record<string, unknown>>;
    const bodyEnds = [0];
    for (const key of lists.bodies.p) bodyEnds.push(bodyEnds[bodyEnds.length - 1] + partItems(part, key).length);

    const take = <T>(list: KeptList<readonly T[]> | undefined, parts: number): T[] => (list && parts > 0 ? list.items.slice(0, list.ends[parts]) : []);
    const turnItems = take(kept?.turns, reuse.turns);
    const turns = decodeList(lists.turns, reuse.turns, kept?.turns, part, turnItems, ([id, status, userMessage, firstSeq, lastSeq]: SerializedState["turns"][number]): TurnRecord => ({
      id,
      status,
      userMessage,
      firstSeq,
      lastSeq,
    }));
    const contextItems = take(kept?.contexts, reuse.contexts);
    const contexts = decodeList(
      lists.contexts,
      reuse.contexts,
      kept?.contexts,
      part,
      contextItems,
      ({ b, t, r }: SerializedState["contexts"][number]) => {
        const context = { ...bodies[b] } as TurnContextItem;
        if (t !== undefined) context.turn_id = t;
        if (r !== undefined) context.trace_id = r;
        return context;
      },
      ({ b }, max) => {
        if (b > max[0]) max[0] = b;
      },
    );
    const segmentDecoder = new SegmentDecoder(s.segments.settings, contextItems);
    const chunkItems: Chunk[] = [];
    const chunks = decodeList(lists.chunks, reuse.chunks, kept?.chunks, part, chunkItems, (c: SChunk) => segmentDecoder.chunk(c), (c, max) => {
      max[0] = Math.max(max[0], chunkContextRef(c));
    });
    const summaryItems: PrefixSummary[] = [];
    const summaries = decodeList(lists.summaries, reuse.summaries, kept?.summaries, part, summaryItems, (x: SSummary) => segmentDecoder.summary(x), (x, max) => {
      const refs = summaryRefs(x);
      max[0] = Math.max(max[0], refs.context);
      max[1] = Math.max(max[1], refs.settings);
    });
    const keptChunks = kept && reuse.chunks > 0 ? kept.chunks.items.truncate(kept.chunks.ends[reuse.chunks]) : AppendList.empty<Chunk>();
    const keptSummaries = kept && reuse.summaries > 0 ? kept.summaries.items.truncate(kept.summaries.ends[reuse.summaries]) : AppendList.empty<PrefixSummary>();
    const segments = {
      chunks: keptChunks.concat(chunkItems),
      open: segmentDecoder.chunk(s.segments.open),
      summaries: keptSummaries.concat(summaryItems),
      decision: segmentDecoder.decision(...s.segments.decision),
    };

    const reused = turns.ends[reuse.turns] + contexts.ends[reuse.contexts] + chunks.ends[reuse.chunks] + summaries.ends[reuse.summaries];
    this.#counts.reused += reused;
    this.#counts.decoded += turnItems.length + contextItems.length + segments.chunks.length + segments.summaries.length - reused;
    this.#keep(String(s.threadId), {
      bodies: { keys: lists.bodies.p, ends: bodyEnds },
      settings: s.segments.settings,
      turns: { ...turns, items: turnItems },
      contexts: { ...contexts, items: contextItems },
      chunks: { ...chunks, items: segments.chunks },
      summaries: { ...summaries, items: segments.summaries },
      items: turnItems.length + contextItems.length + segments.chunks.length + segments.summaries.length,
    });

    const calls: CallLedger = { unanswered: s.calls.unanswered as CallLedger["unanswered"], earlyOutputs: s.calls.earlyOutputs };
    const { settings, baseline: current } = segments.decision;
    return {
      v: THREAD_STATE_VERSION,
      threadId: s.threadId,
      seq: s.seq,
      sessionMeta: unboxed(s.sessionMeta, part),
      baseInstructions: unboxed(s.baseInstructions, part),
      settingsSeq: s.settingsSeq,
      name: s.name,
      history: AppendList.adopt(joined(lists.history, part) as ResponseItem[]),
      // Shared with the kept snapshot: states never change a list they were given (turns.ts copies on change).
      turns: turnItems,
      activeTurn: s.activeTurn,
      tokenUsage: s.tokenUsage,
      referenceContext: s.legacyCompaction || typeof current === "string" ? null : current,
      previousTurnSettings: settings,
      pendingApprovals: s.pendingApprovals,
      pendingInput: s.pendingInput,
      unansweredCalls: calls.unanswered,
      approvedForSession: s.approvedForSession,
      compactions: s.compactions,
      internal: { segments, calls, legacyCompaction: s.legacyCompaction },
    };
  }

  /** Keeps a decoded snapshot unless one of the same thread that names more parts is kept already. */
  #keep(threadId: string, decoded: Kept): void {
    if (this.#maxKept === 0 || decoded.chunks.keys.length + decoded.turns.keys.length === 0) return;
    const current = this.#kept.get(threadId);
    if (current) {
      this.#kept.delete(threadId);
      if (current.chunks.keys.length > decoded.chunks.keys.length) decoded = current;
      else this.#keptItems -= current.items;
    }
    if (decoded !== current) this.#keptItems += decoded.items;
    this.#kept.set(threadId, decoded);
    for (const [id, old] of this.#kept) {
      if (this.#kept.size <= this.#maxKept && this.#keptItems <= this.#maxKeptItems) break;
      this.#kept.delete(id);
      this.#keptItems -= old.items;
    }
  }
}

/**
 * The state a snapshot holds, decoded afresh. A snapshot written in parts needs `part(key)`, the
 * items of each part it names; a missing one throws `MissingSnapshotPartError`.
 */
export function deserializeState(data: unknown, part: PartLookup = () => undefined): ThreadState {
  const decoder = new SnapshotDecoder({ maxKept: 0 });
  return decoder.decode(decoder.plan(data), part);
}
