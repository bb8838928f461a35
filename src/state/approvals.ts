/**
 * Requests waiting for an answer (exec and patch approvals, user input, host tool calls, MCP
 * elicitations) and what was approved for the rest of the session. A request leaves the list when
 * a submission answers it or when its turn ends; a resumed thread sees exactly what is still open.
 */
import type { EventMsgOf, OpOf, ReviewDecision } from "../events/index.js";
import type { ApprovedForSession, PendingApproval } from "./thread-state.js";

type Request =
  | EventMsgOf<"exec_approval_request">
  | EventMsgOf<"apply_patch_approval_request">
  | EventMsgOf<"request_user_input">
  | EventMsgOf<"dynamic_tool_call_request">
  | EventMsgOf<"elicitation_request">;

/** The approval key Codex answers an exec request by: its approval id, else its call id. */
export function execApprovalId(request: EventMsgOf<"exec_approval_request">): string {
  return request.approval_id ?? request.call_id;
}

export function pendingFor(request: Request, seq: number, activeTurn: string | null): PendingApproval {
  switch (request.type) {
    case "exec_approval_request":
      return { kind: "exec", id: execApprovalId(request), turnId: request.turn_id, seq, request };
    case "apply_patch_approval_request":
      return { kind: "patch", id: request.call_id, turnId: request.turn_id, seq, request };
    case "request_user_input":
      return { kind: "user_input", id: request.call_id, turnId: request.turn_id, seq, request };
    case "dynamic_tool_call_request":
      return { kind: "dynamic_tool", id: request.callId, turnId: request.turnId, seq, request };
    case "elicitation_request":
      return { kind: "elicitation", id: String(request.id), turnId: activeTurn, seq, request };
    default:
      return request satisfies never;
  }
}

export function addPending(pending: readonly PendingApproval[], approval: PendingApproval): readonly PendingApproval[] {
  // A re-issued request replaces the earlier one with the same kind and id.
  return [...pending.filter((p) => !(p.kind === approval.kind && p.id === approval.id)), approval];
}

/** A submission that answers a pending request. */
export type Answer =
  | OpOf<"exec_approval">
  | OpOf<"patch_approval">
  | OpOf<"user_input_answer">
  | OpOf<"request_user_input_response">
  | OpOf<"dynamic_tool_response">
  | OpOf<"resolve_elicitation">;

function answers(op: Answer, p: PendingApproval): boolean {
  switch (op.type) {
    case "exec_approval":
      return p.kind === "exec" && p.id === op.id;
    case "patch_approval":
      return p.kind === "patch" && p.id === op.id;
    case "user_input_answer":
    case "request_user_input_response":
      // Codex answers request_user_input by turn id; accept the call id too.
      return p.kind === "user_input" && (p.id === op.id || p.turnId === op.id);
    case "dynamic_tool_response":
      return p.kind === "dynamic_tool" && p.id === op.id;
    case "resolve_elicitation":
      return p.kind === "elicitation" && p.request.server_name === op.server_name && p.id === String(op.request_id);
    default:
      return op satisfies never;
  }
}

export interface Answered {
  pending: readonly PendingApproval[];
  approvedForSession: ApprovedForSession;
}

/**
 * What an exec approval for the session is remembered by (Codex's approval key: command, cwd and
 * the sandbox permissions the call asked for), as JSON. src/safety canonicalizes it into the key.
 */
export function sessionCommandEntry(command: readonly string[], cwd: string, sandboxPermissions: string): string {
  return JSON.stringify({ command, cwd, sandbox_permissions: sandboxPermissions });
}

/**
 * Removes the first request `op` answers; an `approved_for_session` decision is remembered.
 * `sandboxPermissionsOf(callId)` reads what the waiting call asked for (its arguments).
 */
export function answer(
  pending: readonly PendingApproval[],
  approved: ApprovedForSession,
  op: Answer,
  sandboxPermissionsOf: (callId: string) => string = () => "use_default",
): Answered {
  const index = pending.findIndex((p) => answers(op, p));
  if (index < 0) return { pending, approvedForSession: approved };
  const request = pending[index];
  const rest = pending.filter((_, i) => i !== index);
  if (!isForSession(op)) return { pending: rest, approvedForSession: approved };
  if (request.kind === "exec") {
    const { command, cwd, call_id } = request.request;
    const entry = sessionCommandEntry(command, cwd, sandboxPermissionsOf(call_id));
    return { pending: rest, approvedForSession: addKeys(approved, "commands", [entry]) };
  }
  if (request.kind === "patch") {
    return { pending: rest, approvedForSession: addKeys(approved, "files", Object.keys(request.request.changes)) };
  }
  return { pending: rest, approvedForSession: approved };
}

function isForSession(op: Answer): boolean {
  return (op.type === "exec_approval" || op.type === "patch_approval") && op.decision === ("approved_for_session" satisfies ReviewDecision);
}

function addKeys(approved: ApprovedForSession, field: keyof ApprovedForSession, keys: readonly string[]): ApprovedForSession {
  const fresh = keys.filter((key) => !approved[field].includes(key));
  return fresh.length === 0 ? approved : { ...approved, [field]: [...approved[field], ...fresh] };
}

/** A turn ended: its requests can no longer be answered (nor can those outside any turn). */
export function clearTurn(pending: readonly PendingApproval[], turnId: string | null): readonly PendingApproval[] {
  if (pending.length === 0) return pending;
  const rest = pending.filter((p) => p.turnId !== null && turnId !== null && p.turnId !== turnId);
  return rest.length === pending.length ? pending : rest;
}
