/** Unified exec: long-running processes the model starts, polls and types into (PTY or pipes). */

/** `ProcessManager`: a thread's kept processes; exec_command / write_stdin semantics and limits. */
export {
  ProcessManager,
  ExecSessionError,
  MAX_PROCESSES,
  WARNING_PROCESSES,
  MIN_YIELD_TIME_MS,
  MAX_YIELD_TIME_MS,
  MIN_EMPTY_YIELD_TIME_MS,
  MAX_POLL_YIELD_TIME_MS,
} from "./manager.js";
export type { ExecCommandRequest, WriteStdinRequest, ProcessObserver, ManagerOptions } from "./manager.js";
/** `spawnProcess(request)`: the one function that starts a process (PTY when asked and available). */
export { spawnProcess, loadPty, SpawnError } from "./spawn.js";
export type { SpawnRequest, SpawnedProcess } from "./spawn.js";
/** The model-facing text of a call's result, and its token budget. */
export { execOutputText, truncatedOutput, effectiveMaxOutputTokens, chunkId, DEFAULT_MAX_OUTPUT_TOKENS } from "./output.js";
export type { ExecOutput } from "./output.js";
/** Tool specs and argument schemas of exec_command and write_stdin. */
export { EXEC_COMMAND_SPEC, WRITE_STDIN_SPEC, ExecCommandArgs, WriteStdinArgs, parseArgs } from "./tool-spec.js";
/** argv from a command string and a shell; the process environment. */
export { shellArgv, userShell, execEnv, UNIFIED_EXEC_ENV, LOOM_THREAD_ID_ENV_VAR } from "./shell.js";
/** Bounded head+tail output buffer. */
export { HeadTailBuffer, UNIFIED_EXEC_OUTPUT_MAX_BYTES } from "./head-tail-buffer.js";
/** Kills what Loom started if Loom dies without cleaning up. */
export { reaper, Reaper } from "./reaper.js";
