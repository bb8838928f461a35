/**
 * The `shell` tool (and the Responses built-in `local_shell`): a real child process under the
 * thread's sandbox policy, with exec_command_begin / output deltas / end events and Codex's
 * structured output (`{"output":…,"metadata":{…}}`, as Codex gives `shell`; `shell_command`, which
 * runs through here too, reads as text). Before it runs, Codex's exec approval rule (the thread's `.rules`, then heuristics) decides whether
 * the command runs, asks the user with an `exec_approval_request`, or is refused; a run the sandbox
 * denies may be retried outside it (see shell-attempts.ts).
 */
import type { EventMsg, EventMsgOf, ReviewDecision } from "../../events/index.js";
import type { ToolCallRequest } from "../../machines/types.js";
import { approvalPolicyDebug, checkSandboxPermissionsRequest, execApprovalRequirement, sessionApprovalKeys } from "../../safety/index.js";
import { missingSandboxReason } from "../../sandbox/index.js";
import { SHELL_TOOL_SPEC, formatExecOutputForModel, formatExecOutputStr, parseShellArguments, resolveWorkdir, type ShellResult } from "../shell/index.js";
import { parseCommandForDisplay } from "../shell/index.js";
import type { ApprovalContext, ApprovalNeed, DeclineContext, ToolContext, ToolHandler } from "./registry.js";
import { outputFor } from "./registry.js";
import { EXEC_REJECTED_BY_USER, runShellAttempts } from "./shell-attempts.js";

export { EXEC_REJECTED_BY_USER } from "./shell-attempts.js";

/** A duration as Rust's serde writes `std::time::Duration`. */
/** Codex's `exec_command_end` for a finished run (the agent's or the user's). */
export function execCommandEnd(
  common: { call_id: string; turn_id: string; command: string[]; cwd: string; parsed_cmd: unknown[]; source?: string },
  result: ShellResult,
  formattedOutput: string,
): EventMsgOf<"exec_command_end"> {
  return {
    type: "exec_command_end",
    ...common,
    stdout: result.stdout,
    stderr: result.stderr,
    aggregated_output: result.aggregatedOutput,
    exit_code: result.exitCode,
    duration: durationOf(result.durationMs),
    formatted_output: formattedOutput,
    status: result.exitCode === 0 && !result.aborted ? "completed" : "failed",
  };
}

export function durationOf(ms: number): { secs: number; nanos: number } {
  const secs = Math.floor(ms / 1000);
  return { secs, nanos: Math.round((ms - secs * 1000) * 1e6) };
}

/** A shell-like call, its arguments already read: what runs, where, and how its output reads. */
export interface CommandCall {
  command: string[];
  workdir?: string | null;
  timeoutMs?: number | null;
  sandboxPermissions?: CommandPermissions["sandbox_permissions"];
  /** "json" for `shell` (Codex's structured output), "text" for `shell_command` (freeform). */
  style: "json" | "text";
}

export async function runShellCall(context: ToolContext, input: string) {
  const parsed = parseShellArguments(input);
  if (!parsed.ok) return outputFor(context.call, parsed.error.message);
  const { params } = parsed;
  if (params.command.length === 0) return outputFor(context.call, "failed to parse function arguments: command must not be empty");
  return runCommandCall(context, {
    command: params.command,
    workdir: params.workdir,
    timeoutMs: params.timeout_ms,
    sandboxPermissions: params.sandbox_permissions,
    style: "json",
  });
}

/** What a model command's exec_command_begin and _end share. */
function commandCommon(call: ToolCallRequest, turnId: string, command: string[], cwd: string) {
  return { call_id: call.callId, turn_id: turnId, command, cwd, parsed_cmd: parseCommandForDisplay(command), source: "agent" };
}

/** Codex's `ToolEventFailure::Rejected`: the message as output, exit -1, status declined. */
function declinedEnd(common: ReturnType<typeof commandCommon>, message: string): EventMsgOf<"exec_command_end"> {
  const declined: ShellResult = { exitCode: -1, stdout: "", stderr: message, aggregatedOutput: message, durationMs: 0, timedOut: false, aborted: false };
  return { ...execCommandEnd(common, declined, message), status: "declined" };
}

/**
 * A shell command refused after Codex's emitter began (before its approval): exec_command_begin,
 * then the declined end. `message` null: the user declined ("exec command rejected by user").
 */
export function declinedCommandEvents(context: DeclineContext, command: string[], workdir: string | null | undefined, message: string | null): EventMsg[] {
  const common = commandCommon(context.call, context.turnId, command, resolveWorkdir(context.settings.cwd, workdir));
  return [{ type: "exec_command_begin", ...common }, declinedEnd(common, message ?? EXEC_REJECTED_BY_USER)];
}

/** Runs one command to its end under the sandbox, with Codex's exec events, and gives the model its output. */
export async function runCommandCall(context: ToolContext, params: CommandCall) {
  const { call } = context;
  const cwd = resolveWorkdir(context.settings.cwd, params.workdir);
  const common = commandCommon(call, context.turnId, params.command, cwd);
  await context.event({ type: "exec_command_begin", ...common });
  const deltas: Promise<unknown>[] = [];
  const sandboxPermissions = params.sandboxPermissions ?? "use_default";
  const attempts = () => runShellAttempts(context, {
    command: params.command,
    cwd,
    timeoutMs: params.timeoutMs ?? undefined,
    escalated: sandboxPermissions === "require_escalated",
    sandboxPermissions,
    proposedAmendment: retryAmendment(context, params.command, cwd),
    retryRequest: (reason, amendment) =>
      execApprovalRequest({ callId: call.callId, turnId: context.turnId, command: params.command, cwd, reason, amendment }),
    onOutput: (chunk) => {
      deltas.push(
        context
          .event({ type: "exec_command_output_delta", call_id: call.callId, stream: chunk.stream, chunk: chunk.chunk.toString("base64") })
          .catch(() => undefined),
      );
    },
  });
  const outcome = context.shared ? await context.shared(attempts) : await attempts();
  await Promise.all(deltas);
  if (outcome.type === "rejected") {
    await context.event(declinedEnd(common, outcome.message));
    return outputFor(call, outcome.message);
  }
  const { result } = outcome;
  const policy = context.model.truncationPolicy;
  await context.event(execCommandEnd(common, result, formatExecOutputStr(result, policy)));
  return outputFor(call, formatExecOutputForModel(result, { truncationPolicy: policy, style: params.style }));
}

/** The permissions a shell-like call asks for, as every shell tool takes them. */
export interface CommandPermissions {
  workdir?: string | null;
  sandbox_permissions?: "use_default" | "require_escalated" | "with_additional_permissions" | null;
  additional_permissions?: unknown;
  prefix_rule?: string[] | null;
  justification?: string | null;
}

/** The prefix a retry request offers to allow for good: what the exec policy proposed for the call. */
export function retryAmendment(context: ToolContext, command: string[], cwd: string): string[] | undefined {
  const requirement = execApprovalRequirement({
    command,
    approvalPolicy: context.settings.approvalPolicy,
    sandboxPolicy: context.settings.sandboxPolicy,
    cwd,
    execPolicy: context.execPolicy?.(),
  });
  return requirement.type === "forbidden" ? undefined : requirement.proposedExecpolicyAmendment;
}

/**
 * Codex's decision for one shell call: the handler's own checks on the permissions it asks for,
 * then the exec policy's verdict. Malformed arguments run, so `execute` reports them as Codex does
 * (before anything is asked).
 */
export function shellApproval(context: ApprovalContext): ApprovalNeed {
  const parsed = parseShellArguments(context.call.input);
  if (!parsed.ok || parsed.params.command.length === 0) return { type: "run" };
  return commandApproval(context, parsed.params.command, parsed.params);
}

/** The exec policy's verdict on `command` run with `params`' permissions (every shell-like tool). */
export function commandApproval(
  context: ApprovalContext,
  command: string[],
  params: CommandPermissions,
  refusal: (policy: string) => string = (policy) =>
    `approval policy is ${policy}; reject command — you should not ask for escalated permissions if the approval policy is ${policy}`,
): ApprovalNeed {
  const { approvalPolicy, sandboxPolicy } = context.settings;
  const sandboxPermissions = params.sandbox_permissions ?? "use_default";
  const refused = checkSandboxPermissionsRequest({
    approvalPolicy,
    sandboxPermissions,
    hasAdditionalPermissions: params.additional_permissions !== undefined && params.additional_permissions !== null,
  });
  if (refused !== null) {
    const escalation = refused.startsWith("approval policy is ");
    return { type: "reject", output: escalation ? refusal(approvalPolicyDebug(approvalPolicy)) : refused };
  }
  const cwd = resolveWorkdir(context.settings.cwd, params.workdir);
  const requirement = execApprovalRequirement({
    command,
    approvalPolicy,
    sandboxPolicy,
    sandboxPermissions,
    prefixRule: params.prefix_rule,
    justification: params.justification,
    cwd,
    noSandbox: missingSandboxReason(sandboxPolicy, context.settings.platformSandbox),
    execPolicy: context.execPolicy,
    // Codex's approval key: the same command in another folder, or asking to leave the sandbox, is asked again.
    approvedForSession: sessionApprovalKeys(context.approvedForSession.commands),
  });
  switch (requirement.type) {
    case "skip":
      return { type: "run" };
    case "forbidden":
      return { type: "reject", output: requirement.reason, declined: true };
    case "needs_approval": {
      return {
        type: "ask",
        request: execApprovalRequest({
          callId: context.call.callId,
          turnId: context.turnId,
          command,
          cwd,
          reason: requirement.reason,
          amendment: requirement.proposedExecpolicyAmendment,
        }),
      };
    }
  }
}

/**
 * Codex's `exec_approval_request` for a command, keys in its order; the decisions offered are its
 * default set: approve once, approve the proposed prefix for good (when there is one), or abort.
 */
export function execApprovalRequest(input: {
  callId: string;
  turnId: string;
  command: string[];
  cwd: string;
  reason?: string;
  amendment?: string[];
}): EventMsgOf<"exec_approval_request"> {
  const decisions: ReviewDecision[] = ["approved"];
  if (input.amendment) decisions.push({ approved_execpolicy_amendment: { proposed_execpolicy_amendment: input.amendment } });
  decisions.push("abort");
  return {
    type: "exec_approval_request",
    call_id: input.callId,
    turn_id: input.turnId,
    command: input.command,
    cwd: input.cwd,
    ...(input.reason !== undefined ? { reason: input.reason } : {}),
    ...(input.amendment !== undefined ? { proposed_execpolicy_amendment: input.amendment } : {}),
    available_decisions: decisions,
    parsed_cmd: parseCommandForDisplay(input.command),
  };
}

function shellDeclinedEvents(context: DeclineContext, message: string | null): EventMsg[] {
  const parsed = parseShellArguments(context.call.input);
  return parsed.ok ? declinedCommandEvents(context, parsed.params.command, parsed.params.workdir, message) : [];
}

export const shellTool: ToolHandler = {
  name: "shell",
  spec: (config) => (config.shellType === "default" ? SHELL_TOOL_SPEC : undefined),
  approval: shellApproval,
  deniedOutput: () => EXEC_REJECTED_BY_USER,
  declinedEvents: shellDeclinedEvents,
  execute: (context) => runShellCall(context, context.call.input),
};

/** The Responses API's built-in shell call; its action arrives already shaped as shell arguments. */
export const localShellTool: ToolHandler = {
  name: "local_shell",
  spec: () => undefined,
  approval: shellApproval,
  deniedOutput: () => EXEC_REJECTED_BY_USER,
  declinedEvents: shellDeclinedEvents,
  execute: (context) => runShellCall(context, context.call.input),
};
