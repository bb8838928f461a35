/** Lifecycle hooks (Codex's hooks engine), function hooks of the embedding API, and legacy `notify`. */

/** `discoverHooks(layers)` / `hookLayers(dataDir, cwd)`: command hooks from `hooks.json` and `[hooks]` in each config layer, with warnings. */
export { discoverHooks, hookLayers, HooksFile, HookEventsConfig, DEFAULT_HOOK_TIMEOUT_SEC } from "./config.js";
export type { CommandHandler, ConfigLayer, Discovery } from "./config.js";
/** `HookEngine`: selects, runs and summarizes the handlers of one event; `functionHandlers` adapts embedder functions. */
export { HookEngine, functionHandlers, runId, toolUseIdOfRun } from "./engine.js";
export type { HookFunction, HookFunctions, HookHandler, HookRequest, HookDispatch, HookPort, FunctionHandler } from "./engine.js";
/** `parseRun(event, run)`: Codex's reading of a hook's exit code and output, as a status and entries. */
export { parseRun, PERMISSION_REQUEST_DEFAULT_DENIAL } from "./parse.js";
export type { HandlerRun, ParsedRun } from "./parse.js";
/** Decisions read back from run summaries (the same live and in replay), and the messages they add. */
export {
  sessionStartOutcome,
  userPromptSubmitOutcome,
  preToolUseBlockReason,
  blockedCallMessage,
  postToolUseOutcome,
  stopOutcome,
  hookPromptMessage,
  additionalContextMessages,
  permissionRequestVerdict,
} from "./outcome.js";
export type { ContextOutcome, PostToolUseOutcome, StopOutcome, PermissionVerdict } from "./outcome.js";
/** `matches(matcher, input)`: Codex's matcher rules. */
export { matches, validMatcher } from "./matcher.js";
/** `runCommandHook`: one command hook under the sandbox, payload on stdin. */
export { runCommandHook } from "./command.js";
/** Legacy `notify`: the `agent-turn-complete` JSON appended to a program's argv. */
export { runNotify, notificationJson, notifyArgv } from "./notify.js";
export type { TurnCompleteNotification } from "./notify.js";
