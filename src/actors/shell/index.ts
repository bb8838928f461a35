/** The shell tool: running a command as a child process and presenting it like Codex does. */

/** `runShell(options)`: spawn argv in its own process group; timeout/abort kill the group; never throws for a bad command. */
export {
  runShell,
  effectiveTimeout,
  aggregateOutput,
  DEFAULT_EXEC_TIMEOUT_MS,
  MAX_EXEC_TIMEOUT_MS,
  EXEC_OUTPUT_MAX_BYTES,
  EXEC_TIMEOUT_EXIT_CODE,
  IO_DRAIN_TIMEOUT_MS,
  MAX_EXEC_OUTPUT_DELTAS_PER_CALL,
  MAX_EXEC_OUTPUT_DELTA_BYTES,
} from "./run-shell.js";
/** `lookupProgram(argv0, cwd, PATH)`: execvp's lookup, done before a launcher hides a missing program. */
export { lookupProgram } from "./program.js";
export type { RunShellOptions, ShellResult, ShellOutputChunk } from "./types.js";
/** `formatExecOutputForModel(result)`: the function_call_output text; `formatExecOutputStr` for exec_command_end. */
export { formatExecOutputForModel, formatExecOutputStr, formatAbortedShellOutput } from "./format-output.js";
export type { FormatOptions } from "./format-output.js";
/** Codex's head+tail truncation of model-bound output. */
export {
  DEFAULT_TRUNCATION_POLICY,
  truncateText,
  formattedTruncateText,
  truncateMiddleChars,
  truncateMiddleWithTokenBudget,
  approxTokenCount,
  countLines,
} from "./truncate.js";
export type { TruncationPolicy } from "./truncate.js";
/** `SHELL_TOOL_SPEC` for the Responses API; `parseShellArguments(json)` validates a call's arguments. */
export {
  SHELL_TOOL_SPEC,
  ShellToolCallParams,
  ShellArgumentsError,
  parseShellArguments,
  resolveWorkdir,
  JUSTIFICATION_DESCRIPTION,
  PREFIX_RULE_DESCRIPTION,
  SANDBOX_PERMISSIONS_DESCRIPTION,
} from "./tool-spec.js";
export type { ParsedShellArguments } from "./tool-spec.js";
/** `parseCommandForDisplay(argv)`: exec_command_begin.parsed_cmd. */
export { parseCommandForDisplay } from "./parse-command.js";
export type { ParsedCommand } from "./parse-command.js";
