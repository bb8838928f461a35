/**
 * The `shell` tool (and the Responses built-in `local_shell`): a real child process under the
 * thread's sandbox policy, with exec_command_begin / output deltas / end events and Codex's output
 * text. Before it runs, Codex's exec approval rule (no execpolicy `.rules` loaded) decides whether
 * the command runs, asks the user with an `exec_approval_request`, or is refused; a run the sandbox
 * denies may be retried outside it (see shell-attempts.ts).
 */
import type { EventMsgOf, ReviewDecision } from "../../events/index.js";
import { checkSandboxPermissionsRequest, execApprovalRequirement } from "../../safety/index.js";
import { missingSandboxReason } from "../../sandbox/index.js";
import { SHELL_TOOL_SPEC, formatExecOutputForModel, formatExecOutputStr, parseShellArguments, resolveWorkdir, type ShellResult } from "../shell/index.js";
import { parseCommandForDisplay } from "../shell/index.js";
import type { ApprovalContext, ApprovalNeed, ToolContext, ToolHandler } from "./registry.js";
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

export async function runShellCall(context: ToolContext, input: string) {
  const { call } = context;
  const parsed = parseShellArguments(input);
  if (!parsed.ok) return outputFor(call, parsed.error.message);
  const { params } = parsed;
  if (params.command.length === 0) return outputFor(call, "failed to parse function arguments: command must not be empty");
  const cwd = resolveWorkdir(context.settings.cwd, params.workdir);
  const common = {
    call_id: call.callId,
    turn_id: context.turnId,
    command: params.command,
    cwd,
    parsed_cmd: parseCommandForDisplay(params.command),
    source: "agent",
  };
  await context.event({ type: "exec_command_begin", ...common });
  const deltas: Promise<unknown>[] = [];
  const sandboxPermissions = params.sandbox_permissions ?? "use_default";
  const attempts = () => runShellAttempts(context, {
    command: params.command,
    cwd,
    timeoutMs: params.timeout_ms ?? undefined,
    escalated: sandboxPermissions === "require_escalated",
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
    // Codex's `ToolEventFailure::Rejected`: the message as output, exit -1, status declined.
    const declined: ShellResult = { exitCode: -1, stdout: "", stderr: outcome.message, aggregatedOutput: outcome.message, durationMs: 0, timedOut: false, aborted: false };
    await context.event({ ...execCommandEnd(common, declined, outcome.message), status: "declined" });
    return outputFor(call, outcome.message);
  }
  const { result } = outcome;
  const policy = context.model.truncationPolicy;
  await context.event(execCommandEnd(common, result, formatExecOutputStr(result, policy)));
  return outputFor(call, formatExecOutputForModel(result, { truncationPolicy: policy }));
}

/** The prefix a retry request offers to allow for good: what the exec policy proposed for the call. */
function retryAmendment(context: ToolContext, command: string[], cwd: string): string[] | undefined {
  const requirement = execApprovalRequirement({
    command,
    approvalPolicy: context.settings.approvalPolicy,
    sandboxPolicy: context.settings.sandboxPolicy,
    cwd,
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
  const { params } = parsed;
  const { approvalPolicy, sandboxPolicy } = context.settings;
  const sandboxPermissions = params.sandbox_permissions ?? "use_default";
  const refusal = checkSandboxPermissionsRequest({
    approvalPolicy,
    sandboxPermissions,
    hasAdditionalPermissions: params.additional_permissions !== undefined && params.additional_permissions !== null,
  });
  if (refusal !== null) return { type: "reject", output: refusal };
  const cwd = resolveWorkdir(context.settings.cwd, params.workdir);
  const requirement = execApprovalRequirement({
    command: params.command,
    approvalPolicy,
    sandboxPolicy,
    sandboxPermissions,
    prefixRule: params.prefix_rule,
    justification: params.justification,
    cwd,
    noSandbox: missingSandboxReason(sandboxPolicy, context.settings.platformSandbox),
  });
  switch (requirement.type) {
    case "skip":
      return { type: "run" };
    case "forbidden":
      return { type: "reject", output: requirement.reason };
    case "needs_approval": {
      // The thread remembers `approved_for_session` commands by their exact argv.
      if (context.approvedForSession.commands.includes(JSON.stringify(params.command))) return { type: "run" };
      return {
        type: "ask",
        request: execApprovalRequest({
          callId: context.call.callId,
          turnId: context.turnId,
          command: params.command,
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

export const shellTool: ToolHandler = {
  name: "shell",
  spec: () => SHELL_TOOL_SPEC,
  approval: shellApproval,
  deniedOutput: () => EXEC_REJECTED_BY_USER,
  execute: (context) => runShellCall(context, context.call.input),
};

/** The Responses API's built-in shell call; its action arrives already shaped as shell arguments. */
export const localShellTool: ToolHandler = {
  name: "local_shell",
  spec: () => undefined,
  approval: shellApproval,
  deniedOutput: () => EXEC_REJECTED_BY_USER,
  execute: (context) => runShellCall(context, context.call.input),
};
