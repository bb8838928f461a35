/**
 * `ThreadStateStore`: the folded state of any thread at any seq, fast. `stateAt(seq)` starts from
 * the newest snapshot at or before seq (a fork sees its parent's) and folds the entries after it;
 * snapshots are written every `snapshotEvery` entries by whoever keeps the head state
 * (`maybeSnapshot`), and by `stateAt` itself when it had to fold that many.
 *
 * Snapshots are a cache of the fold, stored in parts (src/state/snapshot-parts.ts): the long lists
 * of a state (history, turns, turn contexts) are cut at fixed positions, and each full part is
 * stored once under the hash of its JSON, so a thread's snapshots together grow linearly with it
 * rather than each holding everything before it. Parts are immutable: this store keeps the ones it
 * read decoded (bounded by `PART_CACHE_CHARS`), so moving through a thread's history re-reads
 * only the small rest of each snapshot. A snapshot that cannot be used (missing part, damaged
 * JSON, another version) is passed over for an older one, and in the end for the log itself.
 *
 * Why K = 500 by default (`node bench/state.mjs --sweep`): through LevelDB, folding forward costs
 * about 8-10 µs an entry (read, validate, evolve). At K = 500 the worst fold-forward adds ~5 ms;
 * K = 250 halves the fold but doubles the snapshots' rest (the items after their last full part).
 * The log's records start afresh at the same seqs (`KEYFRAME`), so a fold forward from a snapshot
 * written there reads no records before it; a snapshot elsewhere (another K) still works, and pays
 * for reading the 256 records before it.
 *
 * Snapshots of a thread share most of what they hold, and the `SnapshotDecoder` this store keeps
 * decodes only the parts one does not share with the last it loaded (src/state/snapshot-decoder.ts).
 */
import type { EventLog } from "../log/types.js";
import { LogClosedError, SeqOutOfRangeError } from "../log/errors.js";
import { KEYFRAME } from "../log/record-ops.js";
import {
  DEFAULT_PART_SIZES,
  SnapshotDecoder,
  evolve,
  initialState,
  serializeState,
  splitState,
  type PartSizes,
  type ThreadState,
} from "../state/index.js";

/** Where the log's records start afresh (`KEYFRAME`): a fold forward from a snapshot reads nothing before it. */
export const DEFAULT_SNAPSHOT_EVERY = KEYFRAME;
/** Threads whose latest computed state is kept in memory. */
const CACHED_THREADS = 64;
/** Decoded snapshot parts kept in memory, by the length of their JSON (~2 bytes of heap a char). */
const PART_CACHE_CHARS = 16 << 20;
/** Part keys remembered as stored (so not written again); forgetting one only costs a rewrite. */
const KNOWN_PARTS = 100_000;
/** Unusable snapshots passed over, newest first, before folding from the start of the log. */
const SNAPSHOT_ATTEMPTS = 3;

export interface ThreadStateStoreOptions {
  /** Entries between snapshots (K). */
  snapshotEvery?: number;
  /** Items per snapshot part (tests use small ones to make parts of short threads). */
  partSizes?: PartSizes;
}

export class ThreadStateStore {
  readonly snapshotEvery: number;
  readonly #log: EventLog;
  /** The newest state computed per thread: states never change, so it is reusable for any later seq. */
  readonly #latest = new Map<string, ThreadState>();
  /** Seq of the newest snapshot known to exist per thread. */
  readonly #snapshotted = new Map<string, number>();
  readonly #partSizes: PartSizes;
  readonly #parts = new PartCache(PART_CACHE_CHARS);
  /** The decoded records of the snapshots loaded last, for the next load to reuse. */
  readonly #decoder = new SnapshotDecoder();
  /** Keys of parts in storage, oldest first. */
  readonly #stored = new Set<string>();

  constructor(log: EventLog, options: ThreadStateStoreOptions = {}) {
    const every = options.snapshotEvery ?? DEFAULT_SNAPSHOT_EVERY;
    if (!Number.isInteger(every) || every < 1) throw new RangeError(`snapshotEvery must be a positive integer, got ${every}`);
    const sizes = options.partSizes ?? DEFAULT_PART_SIZES;
    for (const [name, size] of Object.entries(sizes)) {
      if (!Number.isInteger(size) || size < 1) throw new RangeError(`partSizes.${name} must be a positive integer, got ${size}`);
    }
    this.#log = log;
    this.snapshotEvery = every;
    this.#partSizes = sizes;
  }

  /** The state after entry `seq` (default: the head). */
  async stateAt(threadId: string, seq?: number): Promise<ThreadState> {
    const head = await this.#log.head(threadId);
    const target = seq ?? head;
    if (!Number.isInteger(target) || target < 0 || target > head) {
      throw new SeqOutOfRangeError(threadId, target, head, "compute the state of");
    }
    let state = await this.#startingPoint(threadId, target);
    if (state.seq === target) return this.#remember(threadId, state);
    const from = state.seq;
    let due: ThreadState | undefined;
    for await (const entry of this.#log.read(threadId, { from: from + 1, to: target })) {
      state = evolve(state, entry);
      if (state.seq % this.snapshotEvery === 0) due = state;
    }
    // A long fold means no one snapshotted this stretch: leave one for the next reader.
    if (due && due.seq - from >= this.snapshotEvery) await this.#put(threadId, due);
    return this.#remember(threadId, state);
  }

  /** The state at the head. */
  head(threadId: string): Promise<ThreadState> {
    return this.stateAt(threadId);
  }

  /**
   * Writes a snapshot of `state` when `snapshotEvery` entries have passed since the last one this
   * store knows of. Cheap when not due: call it after every entry the head state folds.
   */
  async maybeSnapshot(threadId: string, state: ThreadState): Promise<boolean> {
    if (state.seq <= 0) return false;
    const last = this.#snapshotted.get(threadId) ?? 0;
    if (state.seq - last < this.snapshotEvery) return false;
    // Noted before the write: the entries folded meanwhile must not start a second one.
    this.#noteSnapshot(threadId, state.seq);
    await this.#put(threadId, state);
    return true;
  }

  async #startingPoint(threadId: string, target: number): Promise<ThreadState> {
    const cached = this.#latest.get(threadId);
    if (cached && cached.seq === target) return cached;
    let base = initialState(threadId);
    let bound = target;
    for (let attempt = 0; attempt < SNAPSHOT_ATTEMPTS && bound > 0; attempt++) {
      // A snapshot whose newest usable point is behind the cached state is not worth reading.
      if (cached && cached.seq <= target && cached.seq >= bound) break;
      let snapshot;
      try {
        snapshot = await this.#log.getSnapshot(threadId, bound);
        if (!snapshot) break;
        // A fork reads its parent's snapshots: the data is the same, the thread is not.
        base = { ...(await this.#load(snapshot.data)), threadId };
        this.#noteSnapshot(threadId, snapshot.seq);
        break;
      } catch (error) {
        if (error instanceof LogClosedError) throw error;
        // Damaged, of another version, or naming a part that is gone: a cache miss, not a failure.
        if (!snapshot) break;
        bound = snapshot.seq - 1;
      }
    }
    return cached && cached.seq <= target && cached.seq > base.seq ? cached : base;
  }

  /** The state a snapshot's data holds, its parts from memory or storage. */
  async #load(data: unknown): Promise<ThreadState> {
    // Only the parts it does not share decoded with a snapshot loaded before.
    const plan = this.#decoder.plan(data);
    // Held here for this load: the cache may drop a part while the others come in.
    const parts = new Map<string, readonly unknown[]>();
    const missing: string[] = [];
    for (const key of plan.keys) {
      const items = this.#parts.get(key);
      if (items) parts.set(key, items);
      else missing.push(key);
    }
    if (missing.length > 0) {
      const found = (await this.#log.getSnapshotParts?.(missing)) ?? [];
      missing.forEach((key, i) => {
        const json = found[i];
        if (json === undefined) return;
        const items: unknown = JSON.parse(json);
        if (!Array.isArray(items)) return;
        parts.set(key, items);
        this.#parts.set(key, items, json.length);
        this.#noteStored(key);
      });
    }
    return this.#decoder.decode(plan, (key) => parts.get(key));
  }

  async #put(threadId: string, state: ThreadState): Promise<void> {
    if (!this.#log.getSnapshotParts) {
      // A backend that cannot store parts gets the state whole.
      await this.#log.putSnapshot(threadId, state.seq, serializeState(state));
    } else {
      const { data, parts } = splitState(state, this.#partSizes);
      for (const key of parts.keys()) if (this.#stored.has(key)) parts.delete(key);
      try {
        await this.#log.putSnapshot(threadId, state.seq, data, parts);
      } catch (error) {
        // Which of its parts reached storage is unknown: write them all again next time.
        this.#stored.clear();
        throw error;
      }
      for (const key of parts.keys()) this.#noteStored(key);
    }
    this.#noteSnapshot(threadId, state.seq);
  }

  #noteStored(key: string): void {
    this.#stored.add(key);
    if (this.#stored.size > KNOWN_PARTS) this.#stored.delete(this.#stored.keys().next().value!);
  }

  #noteSnapshot(threadId: string, seq: number): void {
    if (seq > (this.#snapshotted.get(threadId) ?? 0)) this.#snapshotted.set(threadId, seq);
  }

  #remember(threadId: string, state: ThreadState): ThreadState {
    const cached = this.#latest.get(threadId);
    if (!cached || cached.seq <= state.seq) {
      this.#latest.delete(threadId);
      this.#latest.set(threadId, state);
      if (this.#latest.size > CACHED_THREADS) this.#latest.delete(this.#latest.keys().next().value!);
    }
    return state;
  }
}

/** Decoded parts, least recently used dropped first once their JSON passes `limit` characters. */
class PartCache {
  readonly #items = new Map<string, { items: readonly unknown[]; chars: number }>();
  #chars = 0;

  constructor(readonly limit: number) {}

  get(key: string): readonly unknown[] | undefined {
    const found = this.#items.get(key);
    if (!found) return undefined;
    this.#items.delete(key);
    this.#items.set(key, found);
    return found.items;
  }

  set(key: string, items: readonly unknown[], chars: number): void {
    if (chars > this.limit || this.#items.has(key)) return;
    this.#items.set(key, { items, chars });
    this.#chars += chars;
    for (const [oldest, { chars: size }] of this.#items) {
      if (this.#chars <= this.limit) break;
      this.#items.delete(oldest);
      this.#chars -= size;
    }
  }
}
