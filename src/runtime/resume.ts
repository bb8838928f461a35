/**
 * What to do with a turn the log left open (the process died mid-turn). Codex closes such a turn
 * as aborted; Loom does too, except when the turn was only waiting for people: the model's
 * response had completed and every unanswered call had either finished or was waiting for an
 * approval. Then the turn continues where it stopped: the open requests are asked again, and
 * answering them goes on with the same turn, without running any finished call again.
 */
import type { EventMsg, LogEntry, NewEntry, ResponseItem } from "../events/index.js";
import type { EventLog } from "../log/index.js";
import type { ThreadState } from "../state/index.js";
import type { TurnInput } from "../machines/turn.js";
import { toolCallRequestOf, type ToolCallRequest, type ToolCallResult } from "../machines/types.js";
import { abortEntries } from "./turn-actors.js";

export type OpenTurnPlan =
  | { kind: "continue"; turn: TurnInput; reask: { callId: string; request: EventMsg }[] }
  | { kind: "abort"; entries: NewEntry[] };

/** Output items the model produces: after one of these, a response is open until its usage arrives. */
const MODEL_OUTPUT = new Set(["message", "reasoning", "function_call", "custom_tool_call", "local_shell_call"]);

function isModelOutput(entry: LogEntry): boolean {
  if (entry.kind !== "response_item") return false;
  const item = entry.payload;
  return MODEL_OUTPUT.has(item.type) && !(item.type === "message" && item.role !== "assistant");
}

export async function planOpenTurn(log: EventLog, threadId: string, state: ThreadState, now: number): Promise<OpenTurnPlan> {
  const turnId = state.activeTurn!;
  const turn = state.turns.find((t) => t.id === turnId);
  let samplingOpen = false;
  let startedAt: number | undefined;
  const finished = new Map<string, ResponseItem>();
  // Calls that had started running: a request they made then (a retry outside the sandbox) is not
  // an approval the call waits on before it runs, so the call is repaired like any running one.
  const started = new Set<string>();
  for await (const entry of log.read(threadId, { from: turn?.firstSeq ?? 1, to: state.seq })) {
    if (isModelOutput(entry)) samplingOpen = true;
    if (entry.kind !== "event_msg") continue;
    const msg = entry.payload;
    if (msg.type === "task_started" && msg.turn_id === turnId && typeof msg.started_at === "number") startedAt = msg.started_at * 1000;
    if (msg.type === "token_count") samplingOpen = false;
    if (msg.type === "exec_command_begin") started.add(msg.call_id);
    if (msg.type === "raw_response_item") {
      const callId = (msg.item as { call_id?: unknown }).call_id;
      if (typeof callId === "string") finished.set(callId, msg.item as ResponseItem);
    }
  }

  const calls = state.unansweredCalls
    .map((item) => toolCallRequestOf(item))
    .filter((call): call is ToolCallRequest => call !== undefined && call.callId !== "");
  // Exec and patch approvals, and MCP tool approvals (an elicitation-shaped request naming its call).
  const approvals = new Map<string, EventMsg>();
  for (const p of state.pendingApprovals) {
    if (p.turnId !== turnId) continue;
    if ((p.kind === "exec" || p.kind === "patch") && !started.has(p.request.call_id)) approvals.set(p.request.call_id, p.request);
    const callId = (p.request as { call_id?: unknown }).call_id;
    if (p.kind === "elicitation" && typeof callId === "string") approvals.set(callId, p.request);
  }
  const waitingOnly = calls.every((call) => finished.has(call.callId) || approvals.has(call.callId));
  if (!samplingOpen && approvals.size > 0 && waitingOnly) {
    const results: Record<string, ToolCallResult> = {};
    for (const call of calls) {
      const output = finished.get(call.callId);
      if (output) results[call.callId] = { callId: call.callId, output };
    }
    const awaiting = calls.filter((call) => !results[call.callId]).map((call) => call.callId);
    return {
      kind: "continue",
      turn: { turnId, items: [], resume: { calls, results, awaiting } },
      reask: awaiting.map((callId) => ({ callId, request: approvals.get(callId)! })),
    };
  }

  // Codex's repair: finished calls keep their results; the rest are reported aborted.
  const outputs = calls.map(
    (call): ResponseItem =>
      finished.get(call.callId) ??
      (call.kind === "custom"
        ? { type: "custom_tool_call_output", call_id: call.callId, output: "aborted" }
        : { type: "function_call_output", call_id: call.callId, output: "aborted" }),
  );
  const ts = new Date(now).toISOString();
  return { kind: "abort", entries: abortEntries(turnId, outputs, now, startedAt).map((entry) => ({ ...entry, sub: turnId, ts })) };
}
