/**
 * `EventLog` over any `LogStore`: the behaviour every backend shares. Heads live in memory (one
 * writer per process), so `expectedSeq` checks and seq assignment happen synchronously in `append`
 * and pipelined appends get consecutive seqs; the writes themselves go out by group commit.
 *
 * Two heads per thread: `assigned` counts appends accepted but not yet written (what `expectedSeq`
 * is checked against); `meta.headSeq` counts committed entries (what `head`, `read` and forks see).
 */
import { randomUUID } from "node:crypto";
import type { LogEntry, NewEntry } from "../events/index.js";
import { flatten } from "./chunks.js";
import { follow } from "./follow.js";
import {
  ConcurrencyError,
  LogClosedError,
  LogWriteError,
  SeqOutOfRangeError,
  ThreadExistsError,
  ThreadNotFoundError,
} from "./errors.js";
import { GroupCommit } from "./group-commit.js";
import { assertThreadId } from "./keys.js";
import { LiveQueue } from "./live-queue.js";
import { buildEntries, isoClock } from "./new-entries.js";
import { RecordEncoder } from "./record-codec.js";
import type { LogStore, WriteSet } from "./store.js";
import type {
  AppendOptions,
  CreateThreadOptions,
  EventLog,
  ReadRange,
  Snapshot,
  SubscribeOptions,
  ThreadMeta,
} from "./types.js";
import { byCreation } from "./types.js";

export interface EventLogOptions {
  /** Source of `ts` for entries appended without one, and of `createdAt`. Default: real time. */
  clock?: () => Date;
  /** Source of ids for threads created without one. Default: random UUIDs. */
  newId?: () => string;
}

export interface EventLogStats {
  /** Batches written (one per group commit). */
  commits: number;
  entries: number;
}

interface ThreadState {
  meta: ThreadMeta;
  assigned: number;
  listeners: Set<(entries: readonly LogEntry[]) => void>;
}

interface Settle<T> {
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

type Write =
  | ({ type: "append"; thread: ThreadState; entries: LogEntry[]; encoded: string[] } & Settle<LogEntry[]>)
  | ({ type: "create"; record: ThreadMeta } & Settle<ThreadMeta>)
  | ({ type: "rename"; thread: ThreadState; name: string } & Settle<ThreadMeta>)
  | ({ type: "snapshot"; thread: ThreadState; seq: number; json: string; parts?: ReadonlyMap<string, string> } & Settle<void>);

interface Segment {
  threadId: string;
  from: number;
  to: number;
}

export class StoreEventLog implements EventLog {
  readonly #store: LogStore;
  readonly #clock: () => Date;
  readonly #now: () => string;
  readonly #encoder = new RecordEncoder();
  readonly #newId: () => string;
  readonly #threads = new Map<string, ThreadState>();
  /** Ids of threads whose creation is queued, so a second create with the same id fails at once. */
  readonly #creating = new Set<string>();
  readonly #subscriptions = new Set<LiveQueue<LogEntry>>();
  readonly #commits = new GroupCommit<Write>((group) => this.#writeGroup(group));
  readonly #stats: EventLogStats = { commits: 0, entries: 0 };
  #closing: Promise<void> | undefined;

  protected constructor(store: LogStore, threads: readonly ThreadMeta[], options: EventLogOptions = {}) {
    this.#store = store;
    this.#clock = options.clock ?? (() => new Date());
    this.#now = isoClock(options.clock);
    this.#newId = options.newId ?? randomUUID;
    for (const meta of threads) this.#threads.set(meta.id, { meta, assigned: meta.headSeq, listeners: new Set() });
  }

  /** Counters for benchmarks and tests: how appends were grouped into batches. */
  get stats(): EventLogStats {
    return { ...this.#stats };
  }

  createThread(options: CreateThreadOptions = {}): Promise<ThreadMeta> {
    return attempt(() => {
      this.#assertOpen("create a thread");
      const record = this.#newRecord(options, { headSeq: 0 });
      return this.#enqueue<ThreadMeta>((settle) => ({ type: "create", record, ...settle }));
    });
  }

  async getThread(threadId: string): Promise<ThreadMeta | undefined> {
    this.#assertOpen("get a thread");
    const thread = this.#threads.get(threadId);
    return thread && { ...thread.meta };
  }

  async listThreads(): Promise<ThreadMeta[]> {
    this.#assertOpen("list threads");
    return [...this.#threads.values()]
      .map((thread) => ({ ...thread.meta }))
      .sort(byCreation);
  }

  updateThread(threadId: string, patch: { name?: string }): Promise<ThreadMeta> {
    return attempt(() => {
      this.#assertOpen("update a thread");
      const thread = this.#thread(threadId, "update");
      if (patch.name === undefined) return Promise.resolve({ ...thread.meta });
      if (typeof patch.name !== "string") throw new TypeError(`thread ${threadId}: name must be a string`);
      const name = patch.name;
      return this.#enqueue<ThreadMeta>((settle) => ({ type: "rename", thread, name, ...settle }));
    });
  }

  // Not async: a rejected check must not cost extra ticks, and the seq assignment below must happen
  // synchronously so that appends issued back to back get consecutive seqs.
  append(threadId: string, entries: readonly NewEntry[], options: AppendOptions = {}): Promise<LogEntry[]> {
    // The hot path: no closures or spreads beyond the promise itself.
    let write: Write & { type: "append" };
    try {
      this.#assertOpen("append");
      const thread = this.#thread(threadId, "append to");
      const { expectedSeq } = options;
      if (expectedSeq !== undefined && expectedSeq !== thread.assigned) {
        throw new ConcurrencyError(threadId, expectedSeq, thread.assigned);
      }
      const built = buildEntries(threadId, thread.assigned + 1, entries, this.#now, this.#encoder);
      if (built.entries.length === 0) return Promise.resolve([]);
      thread.assigned += built.entries.length;
      write = { type: "append", thread, entries: built.entries, encoded: built.encoded, resolve: unset, reject: unset };
    } catch (err) {
      return Promise.reject(err);
    }
    const written = new Promise<LogEntry[]>((resolve, reject) => {
      write.resolve = resolve;
      write.reject = reject;
    });
    this.#commits.enqueue(write);
    return written;
  }

  async head(threadId: string): Promise<number> {
    this.#assertOpen("read the head");
    return this.#thread(threadId, "read the head of").meta.headSeq;
  }

  /** Entries read through a fork keep the `threadId` of the thread that wrote them (nothing is copied). */
  read(threadId: string, range: ReadRange = {}): AsyncIterable<LogEntry> {
    return { [Symbol.asyncIterator]: () => flatten(this.#readChunks(threadId, range)) };
  }

  subscribe(threadId: string, fromSeq: number, options: SubscribeOptions = {}): AsyncIterable<LogEntry> {
    return { [Symbol.asyncIterator]: () => this.#follow(threadId, fromSeq, options.signal) };
  }

  fork(sourceThreadId: string, atSeq: number, options: CreateThreadOptions = {}): Promise<ThreadMeta> {
    return attempt(() => {
      this.#assertOpen("fork");
      const source = this.#thread(sourceThreadId, "fork");
      const head = source.meta.headSeq;
      if (!Number.isInteger(atSeq) || atSeq < 0 || atSeq > head) {
        throw new SeqOutOfRangeError(sourceThreadId, atSeq, head, "fork");
      }
      const record = this.#newRecord(options, { parentId: sourceThreadId, forkSeq: atSeq, headSeq: atSeq });
      return this.#enqueue<ThreadMeta>((settle) => ({ type: "create", record, ...settle }));
    });
  }

  putSnapshot(threadId: string, seq: number, data: unknown, parts?: ReadonlyMap<string, string>): Promise<void> {
    return attempt(() => {
      this.#assertOpen("put a snapshot");
      const thread = this.#thread(threadId, "put a snapshot on");
      // Up to the assigned head: a writer may snapshot the state its own queued appends produce.
      if (!Number.isInteger(seq) || seq < 1 || seq > thread.assigned) {
        throw new SeqOutOfRangeError(threadId, seq, thread.assigned, "put a snapshot on");
      }
      const json = JSON.stringify(data);
      if (json === undefined) throw new TypeError(`snapshot of thread ${threadId} at seq ${seq} is not JSON data`);
      return this.#enqueue<void>((settle) => ({ type: "snapshot", thread, seq, json, parts, ...settle }));
    });
  }

  async getSnapshot<T = unknown>(threadId: string, atOrBeforeSeq: number): Promise<Snapshot<T> | undefined> {
    this.#assertOpen("get a snapshot");
    let thread: ThreadState | undefined = this.#thread(threadId, "get a snapshot of");
    let bound = atOrBeforeSeq;
    let best: { seq: number; json: string } | undefined;
    // Walk up the fork chain: each parent only counts up to the fork point of its child.
    while (thread && bound >= 1) {
      const own = await this.#store.findSnapshot(thread.meta.id, bound);
      if (own && (!best || own.seq > best.seq)) best = own;
      const forkSeq = thread.meta.forkSeq ?? 0;
      if (thread.meta.parentId === undefined || (best && best.seq > forkSeq)) break;
      bound = Math.min(bound, forkSeq);
      thread = this.#threads.get(thread.meta.parentId);
    }
    return best && { seq: best.seq, data: JSON.parse(best.json) as T };
  }

  getSnapshotParts(keys: readonly string[]): Promise<Array<string | undefined>> {
    return attempt(() => {
      this.#assertOpen("get snapshot parts");
      return keys.length === 0 ? Promise.resolve([]) : this.#store.getParts(keys);
    });
  }

  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    for (const live of this.#subscriptions) live.end();
    // Appends already accepted are written before the store closes: their callers were promised that.
    this.#closing = this.#commits.drained().then(() => this.#store.close());
    return this.#closing;
  }

  #assertOpen(action: string): void {
    if (this.#closing) throw new LogClosedError(action);
  }

  #thread(threadId: string, action: string): ThreadState {
    const thread = this.#threads.get(threadId);
    if (!thread) throw new ThreadNotFoundError(threadId, action);
    return thread;
  }

  #newRecord(options: CreateThreadOptions, fields: Pick<ThreadMeta, "parentId" | "forkSeq" | "headSeq">): ThreadMeta {
    const id = options.id ?? this.#newId();
    assertThreadId(id);
    if (this.#threads.has(id) || this.#creating.has(id)) throw new ThreadExistsError(id);
    if (options.name !== undefined && typeof options.name !== "string") throw new TypeError("thread name must be a string");
    this.#creating.add(id);
    const record: ThreadMeta = { id, ...fields, createdAt: this.#clock().toISOString() };
    if (options.name !== undefined) record.name = options.name;
    return record;
  }

  #enqueue<T>(make: (settle: Settle<T>) => Write): Promise<T> {
    return new Promise<T>((resolve, reject) => this.#commits.enqueue(make({ resolve, reject })));
  }

  async *#readChunks(threadId: string, range: ReadRange): AsyncGenerator<readonly LogEntry[]> {
    this.#assertOpen("read");
    const thread = this.#thread(threadId, "read");
    const head = thread.meta.headSeq;
    if (!isSeqBound(range.from) || !isSeqBound(range.to)) {
      throw new RangeError(`read thread ${threadId}: from and to must be integers, got ${range.from} and ${range.to}`);
    }
    const from = Math.max(1, range.from ?? 1);
    const to = Math.min(head, range.to ?? head);
    for (const segment of this.#segments(thread, from, to)) {
      yield* this.#store.readOwn(segment.threadId, segment.from, segment.to);
    }
  }

  /** Where seqs `from..to` of a thread live: its ancestors' entries up to each fork point, then its own. */
  #segments(thread: ThreadState, from: number, to: number): Segment[] {
    const segments: Segment[] = [];
    let current: ThreadState | undefined = thread;
    let upper = to;
    while (current && upper >= from) {
      const forkSeq = current.meta.forkSeq ?? 0;
      const lower = Math.max(from, forkSeq + 1);
      if (lower <= upper) segments.unshift({ threadId: current.meta.id, from: lower, to: upper });
      upper = Math.min(upper, forkSeq);
      const parentId: string | undefined = current.meta.parentId;
      current = parentId === undefined ? undefined : this.#threads.get(parentId);
      if (parentId !== undefined && !current) throw new ThreadNotFoundError(parentId, "read the parent");
    }
    return segments;
  }

  async *#follow(threadId: string, fromSeq: number, signal: AbortSignal | undefined): AsyncGenerator<LogEntry> {
    this.#assertOpen("subscribe");
    const thread = this.#thread(threadId, "subscribe to");
    if (!Number.isInteger(fromSeq) || fromSeq < 1) {
      throw new RangeError(`subscribe to thread ${threadId}: fromSeq must be an integer >= 1, got ${fromSeq}`);
    }
    if (signal?.aborted) return;
    const live = new LiveQueue<LogEntry>(signal);
    this.#subscriptions.add(live);
    try {
      yield* follow(
        {
          attach: (listener) => {
            thread.listeners.add(listener);
            return { head: thread.meta.headSeq, detach: () => thread.listeners.delete(listener) };
          },
          read: (from, to) => this.read(threadId, { from, to }),
        },
        fromSeq,
        live,
      );
    } finally {
      this.#subscriptions.delete(live);
    }
  }

  async #writeGroup(group: Write[]): Promise<void> {
    const set: WriteSet = { entries: [], encoded: [], threads: [], snapshots: [], parts: [] };
    // The newest record of each touched thread, so a batch carries its head updates atomically.
    const records = new Map<string, ThreadMeta>();
    const recordOf = (thread: ThreadState): ThreadMeta => {
      let record = records.get(thread.meta.id);
      if (!record) records.set(thread.meta.id, (record = { ...thread.meta }));
      return record;
    };
    for (const write of group) {
      switch (write.type) {
        case "append":
          for (let i = 0; i < write.entries.length; i++) {
            set.entries.push(write.entries[i]);
            set.encoded.push(write.encoded[i]);
          }
          recordOf(write.thread).headSeq = write.entries[write.entries.length - 1].seq;
          break;
        case "create":
          records.set(write.record.id, write.record);
          break;
        case "rename":
          recordOf(write.thread).name = write.name;
          break;
        case "snapshot":
          set.snapshots.push({ threadId: write.thread.meta.id, seq: write.seq, json: write.json });
          for (const [key, json] of write.parts ?? []) set.parts.push({ key, json });
          break;
        default:
          write satisfies never;
      }
    }
    set.threads = [...records.values()];
    try {
      await this.#store.write(set);
    } catch (cause) {
      this.#fail(group, cause);
      return;
    }
    this.#stats.commits++;
    this.#stats.entries += set.entries.length;
    for (const record of set.threads) {
      const thread = this.#threads.get(record.id);
      if (thread) thread.meta = record;
      else this.#threads.set(record.id, { meta: record, assigned: record.headSeq, listeners: new Set() });
      this.#creating.delete(record.id);
    }
    for (const write of group) {
      switch (write.type) {
        case "append":
          for (const listener of write.thread.listeners) listener(write.entries);
          write.resolve(write.entries);
          break;
        case "create":
          write.resolve({ ...write.record });
          break;
        case "rename":
          write.resolve({ ...write.thread.meta });
          break;
        case "snapshot":
          write.resolve();
          break;
        default:
          write satisfies never;
      }
    }
  }

  /** A failed batch rejects all of it, and queued writes to the same threads (their seqs assumed it). */
  #fail(group: Write[], cause: unknown): void {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const error = new LogWriteError(`the event log could not write a batch of ${group.length} writes: ${reason}`, { cause });
    const failed = new Set<ThreadState>();
    for (const write of group) if (write.type !== "create") failed.add(write.thread);
    const followers = this.#commits.take((write) => write.type !== "create" && failed.has(write.thread));
    for (const thread of failed) {
      thread.assigned = thread.meta.headSeq;
      this.#encoder.failed(thread.meta.id);
    }
    for (const write of [...group, ...followers]) {
      if (write.type === "create") this.#creating.delete(write.record.id);
      write.reject(error);
    }
  }
}

function unset(): void {}

function isSeqBound(value: number | undefined): boolean {
  return value === undefined || Number.isInteger(value);
}

/** Runs `start`, turning a synchronous throw into a rejected promise. */
function attempt<T>(start: () => Promise<T>): Promise<T> {
  try {
    return start();
  } catch (err) {
    return Promise.reject(err);
  }
}
