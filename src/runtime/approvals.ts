/**
 * The approval engine behind the tool-call machine: each tool states its need under the thread's
 * policy (`ToolHandler.approval`, a pure rule from src/safety); PermissionRequest hooks may answer
 * it first (their runs and verdict are logged); otherwise this module records the request and maps
 * the user's decision, both through the log, so a pending approval survives a restart.
 */
import type { EventMsg, ReviewDecision } from "../events/index.js";
import type { ApprovalOutcome, ToolCallInput } from "../machines/tool-call.js";
import type { AnswerEvent, ToolAssessment } from "../machines/types.js";
import { outputFor, type ToolHandler } from "../actors/tools/index.js";
import { runPermissionRequestHooks } from "./hook-runtime.js";
import type { ThreadServices } from "./services.js";
import { formatAllowPrefixes } from "../context/index.js";

export interface ApprovalPolicyHooks {
  assess(services: ThreadServices, input: ToolCallInput, signal?: AbortSignal): Promise<ToolAssessment>;
  request(services: ThreadServices, input: ToolCallInput & { approvalId: string }): Promise<void>;
  decide(services: ThreadServices, input: ToolCallInput & { answer: AnswerEvent }): Promise<ApprovalOutcome>;
}

/** The request event a call is waiting on, by call id (kept until the call ends). */
const requests = new WeakMap<ThreadServices, Map<string, EventMsg>>();

function requestsOf(services: ThreadServices): Map<string, EventMsg> {
  let map = requests.get(services);
  if (!map) requests.set(services, (map = new Map()));
  return map;
}

/** Remembers a request already in the log (a resumed thread re-asks it). */
export function rememberRequest(services: ThreadServices, callId: string, request: EventMsg): void {
  requestsOf(services).set(callId, request);
}

const DEFAULT_DENIAL = "rejected by user";

function decisionName(decision: ReviewDecision | undefined): string {
  if (decision === undefined) return "denied";
  if (typeof decision === "string") return decision;
  return Object.keys(decision)[0] ?? "denied";
}

/** Codex's rules: every tool decides for itself; requests and answers go through the log. */
export const codexApprovals: ApprovalPolicyHooks = {
  async assess(services, { turnId, call }, signal) {
    const handler = services.tools.get(call.name);
    const turn = services.turns.get(turnId);
    if (!handler?.approval || !turn) return { type: "run" };
    const need = await handler.approval({
      turnId,
      call,
      settings: turn.settings,
      approvedForSession: services.state().approvedForSession,
      execPolicy: services.rules?.current(),
    });
    switch (need.type) {
      case "run":
        return { type: "run" };
      case "reject":
        if (need.declined) await recordDeclined(services, turnId, handler, call, need.output);
        return { type: "reject", output: outputFor(call, need.output) };
      case "ask": {
        // Codex's `request_approval`: PermissionRequest hooks answer first; the user only without a verdict.
        const verdict = await runPermissionRequestHooks(services, turnId, call, call.callId, signal ?? new AbortController().signal);
        if (verdict?.behavior === "allow") return { type: "approved" };
        if (verdict?.behavior === "deny") {
          await recordDeclined(services, turnId, handler, call, verdict.message);
          return { type: "reject", output: outputFor(call, rejectedText(handler, call, verdict.message)) };
        }
        requestsOf(services).set(call.callId, need.request);
        return { type: "needs_approval", approvalId: call.callId };
      }
    }
  },

  async request(services, { turnId, call }) {
    const request = requestsOf(services).get(call.callId);
    if (!request) throw new Error(`no approval request was prepared for call ${call.callId}`);
    await services.bus.event(turnId, request);
  },

  async decide(services, { turnId, call, answer }) {
    const request = requestsOf(services).get(call.callId);
    requestsOf(services).delete(call.callId);
    const handler = services.tools.get(call.name);
    const verdict = answer.hookVerdict;
    if (verdict?.behavior === "allow") return { type: "run" };
    if (verdict) {
      await recordDeclined(services, turnId, handler, call, verdict.message);
      return { type: "output", output: outputFor(call, rejectedText(handler, call, verdict.message)) };
    }
    const decision = decisionName(answer.decision);
    switch (decision) {
      case "approved_execpolicy_amendment": {
        const prefix = (answer.decision as { approved_execpolicy_amendment: { proposed_execpolicy_amendment: string[] } })
          .approved_execpolicy_amendment.proposed_execpolicy_amendment;
        await rememberPrefix(services, turnId, prefix);
        return { type: "run" };
      }
      case "network_policy_amendment":
        // Codex's `reject_if_not_approved`: a deny rule is a denial.
        if (networkAction(answer.decision) === "allow") return { type: "run" };
        await recordDeclined(services, turnId, handler, call, null);
        return { type: "output", output: outputFor(call, handler?.deniedOutput?.(call) ?? DEFAULT_DENIAL) };
      case "approved":
      // An MCP tool approval is asked as an elicitation (Codex 0.125) and answered "accept".
      case "accept":
      case "approved_for_session":
        return { type: "run" };
      case "abort":
        await recordDeclined(services, turnId, handler, call, null);
        return { type: "abort_turn", output: outputFor(call, handler?.deniedOutput?.(call) ?? DEFAULT_DENIAL) };
      default:
        // denied, timed_out: the model is told and the turn goes on.
        void request;
        await recordDeclined(services, turnId, handler, call, null);
        return { type: "output", output: outputFor(call, handler?.deniedOutput?.(call) ?? DEFAULT_DENIAL) };
    }
  },
};

/**
 * A call refused at its approval ends as Codex's emitter ends it: the tool's begin and a declined end
 * (Codex begins most tools' events before it asks), recorded before the output the model reads.
 * `message` null: the user declined.
 */
async function recordDeclined(services: ThreadServices, turnId: string, handler: ToolHandler | undefined, call: ToolCallInput["call"], message: string | null): Promise<void> {
  const turn = services.turns.get(turnId);
  if (!turn || !handler?.declinedEvents) return;
  const events = await handler.declinedEvents({ turnId, call, settings: turn.settings }, message);
  if (events.length > 0) await services.bus.record(events.map((payload) => ({ kind: "event_msg" as const, payload })), turnId);
}

/** What the model reads when a hook refuses the call (Codex's `ToolError::Rejected(message)`). */
function rejectedText(handler: ToolHandler | undefined, call: ToolCallInput["call"], message: string): string {
  return handler?.rejectedOutput?.(call, message) ?? message;
}

function networkAction(decision: ReviewDecision | undefined): string | undefined {
  return (decision as { network_policy_amendment?: { network_policy_amendment?: { action?: string } } } | undefined)
    ?.network_policy_amendment?.network_policy_amendment?.action;
}

/**
 * `approved_execpolicy_amendment` (Codex `session/handlers.rs::exec_approval`): the prefix is
 * appended to `<data dir>/rules/default.rules` and allowed in this thread, and the model is told
 * with Codex's developer message; when that fails, a warning says why and the command still runs.
 */
export async function rememberPrefix(services: ThreadServices, turnId: string, prefix: readonly string[]): Promise<void> {
  if (!services.rules || prefix.length === 0) return;
  try {
    await services.rules.remember(prefix);
  } catch (error) {
    await services.bus.event(turnId, { type: "warning", message: `Failed to apply execpolicy amendment: ${(error as Error).message}` });
    return;
  }
  const text = `Approved command prefix saved:\n${formatAllowPrefixes([[...prefix]])}`;
  await services.bus.record([{ kind: "response_item", payload: { type: "message", role: "developer", content: [{ type: "input_text", text }] } }], turnId);
}

/** No tool ever asks (an embedding that does its own gating). */
export const runWithoutApproval: ApprovalPolicyHooks = {
  assess: async () => ({ type: "run" }),
  request: async () => undefined,
  decide: async () => ({ type: "run" }),
};
