/** Loom's public API: the runtime, its threads, the vocabulary and the log backends. */

/** `createRuntime(options)`: open a data dir (LevelDB) or an injected log; start, resume and fork threads. */
export { createRuntime, Runtime, defaultDataDir } from "./runtime/runtime.js";
export type { RuntimeOptions, StartThreadOptions, ForkOptions, ModelOptions } from "./runtime/runtime.js";
/** A live thread: submit ops, run turns, interrupt, rollback, time travel, its events. */
export { Thread } from "./runtime/thread.js";
export type { RunResult, RunOptions } from "./runtime/thread.js";
/** Errors the API raises. */
export { UserError, TurnFailedError, TurnAbortedError, OpRejectedError } from "./runtime/errors.js";
/** The vocabulary (zod schemas and inferred types, Codex wire names). */
export * from "./events/index.js";
/** Event log backends and their errors. */
export { MemoryEventLog, LevelEventLog, openEventLog, ConcurrencyError } from "./log/index.js";
export type { EventLog, ThreadMeta } from "./log/index.js";
/** PostgreSQL, shared by many workers: leases (one writer per thread), takeover, and their errors. */
export { PostgresEventLog, isLeasingLog, ThreadBusyError, LeaseLostError, LogUnavailableError, SchemaVersionError } from "./log/index.js";
export type { PostgresEventLogOptions, LeaseInfo, ThreadLease, LeasingEventLog } from "./log/index.js";
/** The folded state and the prompt projection. */
export { initialState, evolve, foldEntries, projectPrompt } from "./state/index.js";
export type { ThreadState, TurnRecord } from "./state/index.js";
/** Tools: the handler interface for host tools implemented in-process. */
export type { ToolHandler, ToolContext } from "./actors/tools/index.js";
/** Clock and ids (inject deterministic ones in tests). */
export { systemClock, randomIds, counterIds, manualClock } from "./actors/clock.js";
export type { Clock, IdSource } from "./actors/clock.js";
/** The sandbox port: wrap any argv for a policy (bubblewrap, or unconfined but tied to Loom's life), probe the host, recognise denials. */
export {
  wrapCommand,
  probeHostSandbox,
  isLikelySandboxDenied,
  selectSandbox,
  missingSandboxReason,
  policyNeedsSandbox,
  SandboxUnavailableError,
} from "./sandbox/index.js";
export type { Launch, WrapOptions, HostSandbox, SandboxAvailability, Lifetime } from "./sandbox/index.js";
/** Configuration loading (config.toml + -c overrides). */
export { loadConfig, applyOverrides, ConfigError } from "./config/index.js";
export type { LoomConfig } from "./config/index.js";
