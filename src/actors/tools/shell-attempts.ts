/**
 * One shell call's attempts (Codex `tools/orchestrator.rs`): the first under the sandbox (unless the
 * call was approved to run outside it), and when the sandbox likely denied it, a second one
 * unsandboxed: at once when the call was already approved, after asking the user with Codex's
 * "command failed; retry without sandbox?" request under `on-failure` and `untrusted`, and never
 * under `on-request` or `never` (the model reads the denial and may ask to escalate). Each step is
 * an event in the log (the request, the answer as a submission), so a replay walks it again.
 */
import type { ReviewDecision } from "../../events/index.js";
import { approvalKeyForCommand, sessionApprovalKeys, wantsNoSandboxApproval, type SandboxPermissions } from "../../safety/index.js";
import { isLikelySandboxDenied, selectSandbox } from "../../sandbox/index.js";
import { runShell, type ShellOutputChunk, type ShellResult } from "../shell/index.js";
import type { ToolContext } from "./registry.js";
import { requestAndWait } from "./user-input.js";

/** Codex's reason on the retry request (`build_denial_reason_from_output`). */
export const RETRY_WITHOUT_SANDBOX_REASON = "command failed; retry without sandbox?";
/** Codex's `ToolError::Rejected` text when the user declines. */
export const REJECTED_BY_USER = "rejected by user";
/** What the model reads when the user declines a command (Codex's normalized rejection text). */
export const EXEC_REJECTED_BY_USER = "exec command rejected by user";

export interface ShellRequest {
  command: string[];
  cwd: string;
  timeoutMs?: number;
  /** The call asked to run outside the sandbox (`require_escalated`) and was approved to. */
  escalated: boolean;
  /** What the call asked of the sandbox (part of its session approval key). */
  sandboxPermissions?: SandboxPermissions;
  /** Offered with the retry request, as Codex offers the exec policy's proposal. */
  proposedAmendment?: string[];
  onOutput: (chunk: ShellOutputChunk) => void;
  /** Builds the retry's `exec_approval_request` (the shell tool's own builder). */
  retryRequest: (reason: string, amendment?: string[]) => import("../../events/index.js").EventMsg;
}

export type ShellOutcome =
  | { type: "ran"; result: ShellResult }
  /** The user (or a PermissionRequest hook) declined the retry: Codex's `Rejected` (exec_command_end is `declined`). */
  | { type: "rejected"; message: string };


export async function runShellAttempts(context: ToolContext, request: ShellRequest): Promise<ShellOutcome> {
  const { settings } = context;
  const policy = settings.sandboxPolicy;
  const attempt = (sandbox: "bubblewrap" | "none") =>
    runShell({
      command: request.command,
      cwd: request.cwd,
      timeoutMs: request.timeoutMs,
      signal: context.signal,
      onOutput: request.onOutput,
      sandbox: { policy, policyCwd: settings.cwd, confine: sandbox === "bubblewrap" },
    });

  const first = selectSandbox(policy, settings.platformSandbox, { bypass: request.escalated });
  const result = await attempt(first);
  const denied =
    first === "bubblewrap" &&
    !result.aborted &&
    !result.timedOut &&
    isLikelySandboxDenied({ sandboxed: true, networkRestricted: result.networkRestricted ?? false, ...result });
  if (!denied || !wantsNoSandboxApproval(settings.approvalPolicy)) return { type: "ran", result };

  const retry = await askToRetryOutsideSandbox(context, request);
  if (retry === "interrupted") return { type: "ran", result: { ...result, aborted: context.signal.aborted } };
  // Codex's `ToolEmitter::finish`: the user's plain "rejected by user" is said for commands; a hook's message as it is.
  if (retry !== "retry") return { type: "rejected", message: retry.rejected === REJECTED_BY_USER ? EXEC_REJECTED_BY_USER : retry.rejected };
  return { type: "ran", result: await attempt("none") };
}

/**
 * After the sandbox likely denied a command: may it run again outside? Codex does not ask again
 * when the call was already approved (before the first attempt, or for the session); otherwise it
 * asks with "command failed; retry without sandbox?" and the exec policy's proposed amendment.
 * PermissionRequest hooks answer before the user is asked (run id `<call id>:retry`, as in Codex);
 * a refusal carries Codex's `Rejected` message (each tool says it its way). Interrupted while asking: the call ends as aborted,
 * and the model reads the denial.
 */
export async function askToRetryOutsideSandbox(
  context: ToolContext,
  request: Pick<ShellRequest, "command" | "cwd" | "sandboxPermissions" | "proposedAmendment" | "retryRequest">,
): Promise<"retry" | "interrupted" | { rejected: string }> {
  const key = approvalKeyForCommand(request.command, { cwd: request.cwd, sandboxPermissions: request.sandboxPermissions });
  const approvedForSession = sessionApprovalKeys(context.approvedForSession?.().commands ?? []).has(key);
  if (context.approved || approvedForSession) return "retry";
  const verdict = await context.permissionHooks?.(`${context.call.callId}:retry`);
  if (context.signal.aborted) return "interrupted";
  if (verdict?.behavior === "allow") return "retry";
  if (verdict?.behavior === "deny") return { rejected: verdict.message };
  const startedAt = context.clock.now().getTime();
  const waited = await requestAndWait(
    context,
    context.call.callId,
    request.retryRequest(RETRY_WITHOUT_SANDBOX_REASON, request.proposedAmendment),
    startedAt,
    EXEC_REJECTED_BY_USER,
  );
  if (!waited.answered) return "interrupted";
  const decision = (waited.op as { decision?: ReviewDecision }).decision;
  if (!approves(decision)) return { rejected: REJECTED_BY_USER };
  const amendment = amendmentOf(decision);
  if (amendment && context.rememberPrefix) await context.rememberPrefix(amendment);
  return "retry";
}

function amendmentOf(decision: ReviewDecision | undefined): string[] | undefined {
  if (typeof decision !== "object" || decision === null || !("approved_execpolicy_amendment" in decision)) return undefined;
  return (decision as { approved_execpolicy_amendment: { proposed_execpolicy_amendment: string[] } }).approved_execpolicy_amendment
    .proposed_execpolicy_amendment;
}

/** Codex's `reject_if_not_approved`: denied, timed out, abort and a network deny rule do not run it. */
function approves(decision: ReviewDecision | undefined): boolean {
  if (decision === "approved" || decision === "approved_for_session") return true;
  if (typeof decision !== "object" || decision === null) return false;
  if ("approved_execpolicy_amendment" in decision) return true;
  if ("network_policy_amendment" in decision) return decision.network_policy_amendment.network_policy_amendment.action === "allow";
  return false;
}
