/**
 * `ThreadStateStore`: the folded state of any thread at any seq, fast. `stateAt(seq)` starts from
 * the newest snapshot at or before seq (a fork sees its parent's) and folds the entries after it;
 * snapshots are written every `snapshotEvery` entries by whoever keeps the head state
 * (`maybeSnapshot`), and by `stateAt` itself when it had to fold that many.
 *
 * Why K = 500 by default (`node bench/state.mjs --sweep`): through LevelDB, folding forward costs
 * about 8-10 µs an entry (read, validate, evolve), and loading a snapshot 1.5-6 ms (it holds the
 * history, so it grows toward the context window). At K = 500 the worst fold-forward adds ~5 ms,
 * and all of a thread's snapshots together take 0.3-1x the bytes of its log; K = 250 halves the
 * fold but doubles the storage, K = 1000 the reverse.
 */
import type { EventLog } from "../log/types.js";
import { SeqOutOfRangeError } from "../log/errors.js";
import {
  IncompatibleSnapshotError,
  deserializeState,
  evolve,
  initialState,
  serializeState,
  type ThreadState,
} from "../state/index.js";

export const DEFAULT_SNAPSHOT_EVERY = 500;
/** Threads whose latest computed state is kept in memory. */
const CACHED_THREADS = 64;

export interface ThreadStateStoreOptions {
  /** Entries between snapshots (K). */
  snapshotEvery?: number;
}

export class ThreadStateStore {
  readonly snapshotEvery: number;
  readonly #log: EventLog;
  /** The newest state computed per thread: states never change, so it is reusable for any later seq. */
  readonly #latest = new Map<string, ThreadState>();
  /** Seq of the newest snapshot known to exist per thread. */
  readonly #snapshotted = new Map<string, number>();

  constructor(log: EventLog, options: ThreadStateStoreOptions = {}) {
    const every = options.snapshotEvery ?? DEFAULT_SNAPSHOT_EVERY;
    if (!Number.isInteger(every) || every < 1) throw new RangeError(`snapshotEvery must be a positive integer, got ${every}`);
    this.#log = log;
    this.snapshotEvery = every;
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
    const snapshot = target > 0 ? await this.#log.getSnapshot(threadId, target) : undefined;
    let base = initialState(threadId);
    if (snapshot) {
      try {
        // A fork reads its parent's snapshots: the data is the same, the thread is not.
        base = { ...deserializeState(snapshot.data), threadId };
        this.#noteSnapshot(threadId, snapshot.seq);
      } catch (error) {
        if (!(error instanceof IncompatibleSnapshotError)) throw error;
      }
    }
    return cached && cached.seq <= target && cached.seq > base.seq ? cached : base;
  }

  async #put(threadId: string, state: ThreadState): Promise<void> {
    await this.#log.putSnapshot(threadId, state.seq, serializeState(state));
    this.#noteSnapshot(threadId, state.seq);
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
