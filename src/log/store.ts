/**
 * The storage port under `StoreEventLog`: what a backend must do, and nothing more. Seq assignment,
 * concurrency checks, fork resolution, group commit and subscriptions live above it, so every
 * backend behaves the same and the contract suite tests that shared behaviour once per backend.
 */
import type { LogEntry } from "../events/index.js";
import type { ThreadMeta } from "./types.js";

export interface StoredSnapshot {
  seq: number;
  /** The snapshot data as JSON, so each reader gets its own copy. */
  json: string;
}

/** One group commit: everything in it is written atomically, or nothing is. */
export interface WriteSet {
  /** New entries, in append order, and (at the same index) each one's JSON. */
  entries: LogEntry[];
  encoded: string[];
  /** Full thread records to store (created, renamed, or with a new head). */
  threads: ThreadMeta[];
  snapshots: Array<{ threadId: string; seq: number; json: string }>;
  /** Snapshot parts by content key: a key already stored holds the same JSON, so rewriting it is harmless. */
  parts: Array<{ key: string; json: string }>;
}

export interface LogStore {
  /** Every thread record, read once at open: the log keeps heads in memory afterwards. */
  loadThreads(): Promise<ThreadMeta[]>;
  write(set: WriteSet): Promise<void>;
  /**
   * The entries `threadId` itself wrote with seqs `from..to` (inclusive), in chunks. The range is
   * known to be gapless, so a missing or undecodable record throws `CorruptEntryError`.
   */
  readOwn(threadId: string, from: number, to: number): AsyncIterable<readonly LogEntry[]>;
  /** The newest snapshot stored under `threadId` itself with seq <= `atOrBefore`. */
  findSnapshot(threadId: string, atOrBefore: number): Promise<StoredSnapshot | undefined>;
  /** Stored snapshot parts by key, undefined where missing. */
  getParts(keys: readonly string[]): Promise<Array<string | undefined>>;
  close(): Promise<void>;
}
