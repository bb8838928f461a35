/** The event log: per-thread, gapless, append-only; forks read through their parent; snapshots for the fold. */
export type {
  EventLog,
  ThreadMeta,
  CreateThreadOptions,
  AppendOptions,
  ReadRange,
  SubscribeOptions,
  Snapshot,
  ThreadLease,
  LeasingEventLog,
} from "./types.js";
/** True for a log many processes share, where a thread is written under a lease (PostgreSQL). */
export { isLeasingLog } from "./types.js";
/** Options and counters shared by both backends (`clock`, `newId`; `stats.commits` / `stats.entries`). */
export type { EventLogOptions, EventLogStats } from "./store-event-log.js";
/** The in-memory backend: `new MemoryEventLog({ clock })`. */
export { MemoryEventLog } from "./memory.js";
/** The LevelDB backend: `await LevelEventLog.open(dir, { durable = true, clock })`. */
export { LevelEventLog } from "./level.js";
export type { LevelEventLogOptions } from "./level.js";
/** The PostgreSQL backend: `await PostgresEventLog.open(url, { schema, owner, leaseTtlMs })`, shared by many processes. */
export { PostgresEventLog, SCHEMA_VERSION } from "./postgres/index.js";
export type { PostgresEventLogOptions, LeaseInfo } from "./postgres/index.js";
/** Opens LevelDB at `dir` when one is given, else an in-memory log; `openLogForReading` never creates and reads through the holder when another process has the dir. */
export { openEventLog, openLogForReading, openLogForWriting } from "./open.js";
export type { OpenEventLogOptions, ReadLogOptions, WriteLogOptions } from "./open.js";
/** Seqs at which stored records start afresh (`1 + n·KEYFRAME`): a read from there needs no record before it. */
export { KEYFRAME } from "./record-ops.js";
/** Another process's log, read through its endpoint (a Unix socket beside the log directory). */
export { RemoteEventLog, ReadOnlyLogError, RemoteLogError, LogEndpoint, endpointPath } from "./remote/index.js";
export {
  ConcurrencyError,
  ThreadNotFoundError,
  ThreadExistsError,
  InvalidThreadIdError,
  InvalidEntryError,
  SeqOutOfRangeError,
  CorruptEntryError,
  CorruptThreadError,
  LogWriteError,
  LogClosedError,
  LogLockedError,
  ThreadBusyError,
  LeaseLostError,
  LogUnavailableError,
  SchemaVersionError,
  LogOpenError,
  LogMissingError,
} from "./errors.js";
