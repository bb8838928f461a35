/**
 * Elicitations: a server asking the user for input in the middle of a request. Codex's rules
 * (`ElicitationRequestManager` in mcp_connection_manager.rs): under `never` the request is
 * declined without asking (or accepted, empty, when it asks for nothing and the sandbox is full
 * access); otherwise it becomes an `elicitation_request` event, answered by `resolve_elicitation`.
 *
 * Restarts: the request and its answer are log entries, and while its turn is open the fold lists
 * the request among the pending approvals. It does not outlive Loom, though. The tool call that
 * made the server ask was running, and a resumed thread closes such a turn as aborted (Codex's
 * repair), which withdraws the request; a late answer is then refused. Over stdio the server dies
 * with Loom anyway (its stdin closes; a server still waiting on a timer of its own may linger until
 * it fires). Over streamable HTTP the server keeps the session, and the SDK could reattach to it
 * (session id, then a Last-Event-ID replay from the server's event store) to answer and collect the
 * call's result; Loom does not, because a resumed turn cannot continue a call that was running.
 */
import type { ElicitResult } from "@modelcontextprotocol/sdk/types.js";
import type { AskForApproval, EventMsg, OpOf, SandboxPolicy } from "../../events/index.js";
import type { ElicitParams } from "./connection.js";

/** Codex's `mcp_permission_prompt_is_auto_approved`. */
export function mcpPromptAutoApproved(approvalPolicy: AskForApproval, sandboxPolicy: SandboxPolicy): boolean {
  return approvalPolicy === "never" && (sandboxPolicy.type === "danger-full-access" || sandboxPolicy.type === "external-sandbox");
}

function rejectedByPolicy(approvalPolicy: AskForApproval): boolean {
  if (approvalPolicy === "never") return true;
  if (typeof approvalPolicy === "object") return (approvalPolicy.granular as { mcp_elicitations?: unknown }).mcp_elicitations !== true;
  return false;
}

/** The answer the policy gives without asking anyone, if any. */
export function elicitationPolicyAnswer(
  params: ElicitParams,
  approvalPolicy: AskForApproval,
  sandboxPolicy: SandboxPolicy,
): ElicitResult | undefined {
  const isForm = params.mode === undefined || params.mode === "form";
  const asksNothing = isForm && Object.keys((params as { requestedSchema?: { properties?: object } }).requestedSchema?.properties ?? {}).length === 0;
  if (mcpPromptAutoApproved(approvalPolicy, sandboxPolicy) && asksNothing) return { action: "accept", content: {} };
  if (rejectedByPolicy(approvalPolicy)) return { action: "decline" };
  return undefined;
}

/**
 * The `elicitation_request` event: Codex 0.125's shape (`turn_id`, `server_name`, `id`, and the
 * `request` with its mode), plus `message` and `requested_schema` at the top for readers of the
 * older shape.
 */
export function elicitationRequestEvent(
  server: string,
  requestId: string | number,
  params: ElicitParams,
  turnId: string | null,
): EventMsg {
  const p = params as Record<string, unknown>;
  const meta = p._meta === undefined ? {} : { _meta: p._meta };
  const request =
    p.mode === "url"
      ? { mode: "url", ...meta, message: params.message, url: p.url, elicitation_id: p.elicitationId }
      : { mode: "form", ...meta, message: params.message, requested_schema: p.requestedSchema };
  return {
    type: "elicitation_request",
    ...(turnId ? { turn_id: turnId } : {}),
    server_name: server,
    id: requestId,
    message: params.message,
    ...(p.mode === "url" ? {} : { requested_schema: p.requestedSchema }),
    request,
  };
}

/** Codex's `resolve_elicitation` handler: an accept without content still accepts (`{}`). */
export function elicitResultOf(op: OpOf<"resolve_elicitation">): ElicitResult {
  const meta = op.meta === undefined || op.meta === null ? {} : { _meta: op.meta as Record<string, unknown> };
  if (op.decision === "accept") {
    return { action: "accept", content: (op.content ?? {}) as ElicitResult["content"], ...meta };
  }
  return { action: op.decision, ...meta };
}
