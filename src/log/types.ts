/**
 * The port every log backend implements: a per-thread, append-only, gapless sequence of entries,
 * with forks that read through their parent and snapshots for the state fold.
 */
import type { LogEntry, NewEntry } from "../events/index.js";

export interface ThreadMeta {
  id: string;
  /** The thread this one was forked from, and the last parent seq it reads through. */
  parentId?: string;
  forkSeq?: number;
  /** Seq of the newest entry (0 for an empty thread). Includes the inherited prefix of a fork. */
  headSeq: number;
  name?: string;
  /** ISO-8601 time the thread was created (from the injected clock). */
  createdAt: string;
}

export interface CreateThreadOptions {
  id?: string;
  name?: string;
}

export interface AppendOptions {
  /** The head seq the writer believes is current; a mismatch rejects with `ConcurrencyError`. */
  expectedSeq?: number;
}

export interface ReadRange {
  /** First seq, inclusive (default 1). */
  from?: number;
  /** Last seq, inclusive (default the head at the time of reading). */
  to?: number;
}

export interface SubscribeOptions {
  signal?: AbortSignal;
}

export interface Snapshot<T = unknown> {
  seq: number;
  data: T;
}

export interface EventLog {
  createThread(options?: CreateThreadOptions): Promise<ThreadMeta>;
  getThread(threadId: string): Promise<ThreadMeta | undefined>;
  listThreads(): Promise<ThreadMeta[]>;
  /** Sets mutable metadata (the name). */
  updateThread(threadId: string, patch: { name?: string }): Promise<ThreadMeta>;

  /** Appends entries with gapless seqs after the head; resolves with the stored entries once durable. */
  append(threadId: string, entries: readonly NewEntry[], options?: AppendOptions): Promise<LogEntry[]>;
  head(threadId: string): Promise<number>;
  read(threadId: string, range?: ReadRange): AsyncIterable<LogEntry>;
  /** Every entry from `fromSeq` on, then live appends, in order, with no gaps or duplicates. */
  subscribe(threadId: string, fromSeq: number, options?: SubscribeOptions): AsyncIterable<LogEntry>;

  /** A new thread reading `sourceThreadId` up to `atSeq`, continuing with its own from `atSeq + 1`. */
  fork(sourceThreadId: string, atSeq: number, options?: CreateThreadOptions): Promise<ThreadMeta>;

  /**
   * Stores the folded state at `seq`. `parts` (key -> JSON) are pieces of it stored by content:
   * written in the same commit, kept once per key for every snapshot of every thread that names it.
   */
  putSnapshot(threadId: string, seq: number, data: unknown, parts?: ReadonlyMap<string, string>): Promise<void>;
  /** The newest snapshot at or before `seq` (a fork sees its parent's snapshots up to the fork point). */
  getSnapshot<T = unknown>(threadId: string, atOrBeforeSeq: number): Promise<Snapshot<T> | undefined>;
  /**
   * The JSON of stored snapshot parts, by key (undefined for a key not stored). A backend without
   * it ignores `parts`, and its readers are given whole snapshots.
   */
  getSnapshotParts?(keys: readonly string[]): Promise<Array<string | undefined>>;

  close(): Promise<void>;
}

/**
 * The right to write one thread, held by one worker at a time on a backend many processes share.
 * Every append the holder makes to the thread carries `token` (a fencing token: it grows with each
 * acquisition), and the database refuses it once another worker has taken the thread over.
 */
export interface ThreadLease {
  threadId: string;
  owner: string;
  token: number;
  /** Aborted when the lease is lost (expired, taken over) or released; its reason says which. */
  readonly signal: AbortSignal;
  /** Gives the thread up: another worker may take it at once. */
  release(): Promise<void>;
}

/** A log shared by many processes: a thread is written only under a lease (PostgreSQL). */
export interface LeasingEventLog extends EventLog {
  /** Takes the lease on a thread, or rejects with `ThreadBusyError` naming the worker that holds it. */
  acquireLease(threadId: string): Promise<ThreadLease>;
}

export function isLeasingLog(log: EventLog): log is LeasingEventLog {
  return typeof (log as Partial<LeasingEventLog>).acquireLease === "function";
}

/**
 * The order `listThreads` returns: oldest first, then by id. Compared by code unit, not with
 * `localeCompare`: ISO times and ids need no collation, and ICU's first collator costs a read
 * command more time than everything else it does.
 */
export function byCreation(a: ThreadMeta, b: ThreadMeta): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
