/**
 * Codex's approval rules as pure functions: no IO, no clock, no environment. Machines call them to
 * decide whether a tool call runs, asks the user, or is refused.
 */

/** `isKnownSafeCommand(argv)`: read-only commands that run without approval even under `untrusted`. */
export { isKnownSafeCommand, isSedPrintRange } from "./safe-command.js";
/** `isDangerousCommand(argv)`: `rm -f`/`rm -rf` (also via sudo or inside `bash -lc`), always prompted. */
export { isDangerousCommand, executableName, findGitSubcommand } from "./dangerous-command.js";
/** `parseBashLcPlainCommands(argv)`: the plain commands of a `bash|zsh|sh -lc|-c` script, or null. */
export { parseBashLcPlainCommands, parseBashLcHeredocPrefix, extractBashCommand, parsePlainScript, bashLcScriptHasGlob } from "./bash.js";
export type { PlainCommands } from "./bash.js";
/** `execApprovalRequirement(input)`: skip / needs_approval / forbidden for a shell command. */
export {
  execApprovalRequirement,
  renderDecisionForUnmatchedCommand,
  commandsForExecPolicy,
  defaultExecApprovalRequirement,
  checkSandboxPermissionsRequest,
  wantsNoSandboxApproval,
} from "./exec-approval.js";
export type { ExecApprovalRequirement, ExecApprovalInput } from "./exec-approval.js";
/** `patchSafety(input)`: auto_approve / ask_user / reject for an apply_patch, given the files it writes. */
export { patchSafety, writableRoots, isWritable } from "./patch-safety.js";
export type { PatchSafety, PatchSafetyInput } from "./patch-safety.js";
/** Keys that `approved_for_session` decisions are remembered under. */
export { approvalKeyForCommand, approvalKeyForPatch, canonicalizeCommandForApproval, sessionApprovalKeys } from "./approval-keys.js";
export type { CommandApprovalKeyOptions } from "./approval-keys.js";
/** Policy readings shared by the rules. */
export { fileSystemKind, approvalPolicyDebug, granularAllowsSandboxApproval } from "./policy.js";
export type { SandboxPermissions, FileSystemKind } from "./policy.js";
/** shlex quoting/splitting as Codex renders commands for people. */
export { shlexJoin, shlexTryJoin, shlexQuote, shlexSplit } from "./shlex.js";
