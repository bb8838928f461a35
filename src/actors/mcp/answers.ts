/**
 * Where a `resolve_elicitation` goes. An approval Loom asked for an MCP tool call is answered like
 * any approval: the tool call waiting on it gets the answer. A server's own elicitation is
 * answered by the MCP manager, which holds the server's request. Anything else answers nothing
 * and is reported.
 */
import type { OpOf } from "../../events/index.js";
import type { PendingApproval } from "../../state/index.js";
import type { McpManager } from "./manager.js";

export type ElicitationRoute = { targetId: string } | { resolve(): void } | { error: string };

export function routeElicitationAnswer(
  op: OpOf<"resolve_elicitation">,
  pending: readonly PendingApproval[],
  mcp: McpManager | undefined,
  answered: Set<string>,
): ElicitationRoute {
  const id = String(op.request_id);
  const request = pending.find((p) => p.kind === "elicitation" && p.request.server_name === op.server_name && p.id === id);
  const callId = request ? (request.request as { call_id?: unknown }).call_id : undefined;
  const answeredKey = `elicitation:${op.server_name}:${id}`;
  if (typeof callId === "string" && !answered.has(answeredKey)) {
    answered.add(answeredKey);
    mcp?.approvalAnswered(op);
    return { targetId: callId };
  }
  if (mcp?.hasElicitation(op.server_name, op.request_id)) return { resolve: () => void mcp.resolveElicitation(op) };
  return {
    error: `resolve_elicitation: no pending elicitation request with id ${JSON.stringify(op.request_id)} from MCP server ${JSON.stringify(op.server_name)} (unknown or already answered)`,
  };
}
