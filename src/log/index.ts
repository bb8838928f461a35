/** The event log: per-thread, gapless, append-only; forks read through their parent; snapshots for the fold. */
export type {
  EventLog,
  ThreadMeta,
  CreateThreadOptions,
  AppendOptions,
  ReadRange,
  SubscribeOptions,
  Snapshot,
} from "./types.js";
/** Options and counters shared by both backends (`clock`, `newId`; `stats.commits` / `stats.entries`). */
export type { EventLogOptions, EventLogStats } from "./store-event-log.js";
/** The in-memory backend: `new MemoryEventLog({ clock })`. */
export { MemoryEventLog } from "./memory.js";
/** The LevelDB backend: `await LevelEventLog.open(dir, { durable = true, clock })`. */
export { LevelEventLog } from "./level.js";
export type { LevelEventLogOptions } from "./level.js";
/** Opens LevelDB at `dir` when one is given, else an in-memory log. */
export { openEventLog } from "./open.js";
export type { OpenEventLogOptions } from "./open.js";
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
} from "./errors.js";
