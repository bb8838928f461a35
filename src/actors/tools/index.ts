/** The tools Loom offers the model, each a handler in a name-keyed registry. */
export { ToolRegistry, outputFor, unsupportedCall } from "./registry.js";
/** Codex's output for a call an interrupt stopped ("aborted by user after 1.2s"). */
export { abortedByUserText } from "./user-input.js";
export type { ToolContext, ToolHandler, ApprovalNeed, ApprovalContext } from "./registry.js";
export { shellTool, localShellTool, runShellCall } from "./shell.js";
/** One shell call's attempts: sandboxed first, then (denied, and allowed to) unsandboxed after asking. */
export { runShellAttempts, RETRY_WITHOUT_SANDBOX_REASON, EXEC_REJECTED_BY_USER } from "./shell-attempts.js";
export type { ShellRequest, ShellOutcome } from "./shell-attempts.js";
/** The per-thread lock: commands share it, apply_patch runs alone. */
export { RwLock } from "./rw-lock.js";
export { updatePlanTool, UPDATE_PLAN_SPEC } from "./plan.js";
export { defaultToolHandlers } from "./defaults.js";
/** Which tools a turn offers (Codex's ToolsConfig): shell family, web search, collaboration mode. */
export { toolsConfigFor, featuresFrom, webSearchModeFor, parseWebSearchMode, DEFAULT_FEATURES } from "./config.js";
export type { ToolsConfig, Features, WebSearchMode } from "./config.js";
/** `shell_command`: one command string run by the user's shell. */
export { shellCommandTool, SHELL_COMMAND_SPEC } from "./shell-command.js";
/** `exec_command` / `write_stdin` over a thread's `ProcessManager`. */
export { unifiedExecTools } from "./unified-exec.js";
