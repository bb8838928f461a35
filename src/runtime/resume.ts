/**
 * What to do with a turn the log left open (the process died mid-turn). Codex closes such a turn
 * as aborted; Loom does too, except when the turn was only waiting for people: the model's
 * response had completed and every unanswered call had either finished, was waiting for an
 * approval, or had its approval answered (by the user or a PermissionRequest hook) without having
 * started, or was a wait on sub-agents.
 * Then the turn continues where it stopped: open requests are asked again, answers already logged
 * are acted on (an approved command runs, once), a wait on sub-agents waits again (until its first
 * deadline), and no finished call runs again. A turn the person interrupted is closed as aborted.
 */
import type { EventMsg, HookRunSummary, LogEntry, NewEntry, ResponseItem, ReviewDecision, Submission } from "../events/index.js";
import { permissionRequestVerdict, toolUseIdOfRun } from "../hooks/index.js";
import type { EventLog } from "../log/index.js";
import type { ThreadState } from "../state/index.js";
import type { TurnInput } from "../machines/turn.js";
import { userItemsOf } from "../machines/session.js";
import { toolCallRequestOf, type AnswerEvent, type PendingInput, type ToolCallRequest, type ToolCallResult } from "../machines/types.js";
import { abortEntries } from "./turn-entries.js";
import { undeliveredEntry } from "./undelivered.js";

export type OpenTurnPlan =
  | { kind: "continue"; turn: TurnInput; reask: { callId: string; request: EventMsg }[]; startedAt?: number }
  | { kind: "abort"; entries: NewEntry[] };

/** Output items the model produces: after one of these, a response is open until its usage arrives. */
const MODEL_OUTPUT = new Set(["message", "reasoning", "function_call", "custom_tool_call", "local_shell_call"]);

/**
 * Events a tool records once it has begun its work (each records it before acting, so a call without
 * one never ran). A call with one may have run when the process died: it is never run again.
 */
const STARTED = new Set([
  "exec_command_begin",
  "patch_apply_begin",
  "mcp_tool_call_begin",
  "dynamic_tool_call_request",
  "request_user_input",
  "view_image_tool_call",
]);

/** A call that only waits (on sub-agents): after a restart it simply waits again. */
const RERUNNABLE = "wait_agent";

function isModelOutput(entry: LogEntry): boolean {
  if (entry.kind !== "response_item") return false;
  const item = entry.payload;
  return MODEL_OUTPUT.has(item.type) && !(item.type === "message" && item.role !== "assistant");
}

/** What the open turn's entries say about its calls. */
interface TurnFacts {
  samplingOpen: boolean;
  startedAt?: number;
  /** An interrupt (or shutdown) was logged after the turn began: the person stopped it. */
  interrupted: boolean;
  finished: Map<string, ResponseItem>;
  started: Set<string>;
  /** Approval requests by the id an answer names, with the call they are for. */
  requests: Map<string, string>;
  /** The first answer logged for each call's approval request. */
  answers: Map<string, AnswerEvent>;
  /** PermissionRequest runs completed on each call's approval (not its retry), in log order. */
  permissionRuns: Map<string, HookRunSummary[]>;
}

async function readTurn(log: EventLog, threadId: string, state: ThreadState, turnId: string): Promise<TurnFacts> {
  const turn = state.turns.find((t) => t.id === turnId);
  const facts: TurnFacts = {
    samplingOpen: false,
    interrupted: false,
    finished: new Map(),
    started: new Set(),
    requests: new Map(),
    answers: new Map(),
    permissionRuns: new Map(),
  };
  for await (const entry of log.read(threadId, { from: turn?.firstSeq ?? 1, to: state.seq })) {
    if (isModelOutput(entry)) facts.samplingOpen = true;
    if (entry.kind === "submission") {
      const op = entry.payload.op;
      if (op.type === "interrupt" || op.type === "shutdown") facts.interrupted = true;
      if (op.type === "exec_approval" || op.type === "patch_approval") {
        const callId = facts.requests.get(`${op.type}:${op.id}`);
        if (callId !== undefined && !facts.answers.has(callId)) {
          facts.answers.set(callId, { type: "ANSWER", targetId: callId, submission: entry.payload, decision: op.decision as ReviewDecision });
        }
      }
      continue;
    }
    if (entry.kind !== "event_msg") continue;
    const msg = entry.payload;
    // The turn's start as its entry was stamped (ms); `started_at` is in whole seconds.
    if (msg.type === "task_started" && msg.turn_id === turnId) facts.startedAt = Date.parse(entry.ts);
    if (msg.type === "token_count") facts.samplingOpen = false;
    if (msg.type === "exec_approval_request") facts.requests.set(`exec_approval:${msg.approval_id ?? msg.call_id}`, msg.call_id);
    if (msg.type === "apply_patch_approval_request") facts.requests.set(`patch_approval:${msg.call_id}`, msg.call_id);
    if (msg.type === "hook_completed" && msg.run.event_name === "permission_request") {
      const callId = toolUseIdOfRun(msg.run);
      if (callId !== undefined) facts.permissionRuns.set(callId, [...(facts.permissionRuns.get(callId) ?? []), msg.run]);
    }
    if (STARTED.has(msg.type)) {
      const callId = (msg as { call_id?: unknown; callId?: unknown }).call_id ?? (msg as { callId?: unknown }).callId;
      if (typeof callId === "string") facts.started.add(callId);
    }
    if (msg.type === "raw_response_item") {
      const callId = (msg.item as { call_id?: unknown }).call_id;
      if (typeof callId === "string") facts.finished.set(callId, msg.item as ResponseItem);
    }
  }
  // An approval a PermissionRequest hook decided is acted on like a logged answer: the hook does not run again.
  for (const [callId, runs] of facts.permissionRuns) {
    const verdict = permissionRequestVerdict(runs);
    if (!verdict || facts.answers.has(callId)) continue;
    // Never logged: the in-memory answer the approval machine acts on, saying what the hook decided.
    const op = { type: "exec_approval" as const, id: callId, decision: verdict.behavior === "allow" ? ("approved" as const) : ("denied" as const) };
    facts.answers.set(callId, { type: "ANSWER", targetId: callId, submission: { id: runs[0]!.id, op }, decision: op.decision, hookVerdict: verdict });
  }
  return facts;
}

export async function planOpenTurn(log: EventLog, threadId: string, state: ThreadState, now: number): Promise<OpenTurnPlan> {
  const turnId = state.activeTurn!;
  const facts = await readTurn(log, threadId, state, turnId);

  const calls = state.unansweredCalls
    .map((item) => toolCallRequestOf(item))
    .filter((call): call is ToolCallRequest => call !== undefined && call.callId !== "");
  // Exec and patch approvals, and MCP tool approvals (an elicitation-shaped request naming its call).
  const approvals = new Map<string, EventMsg>();
  for (const p of state.pendingApprovals) {
    if (p.turnId !== turnId) continue;
    if ((p.kind === "exec" || p.kind === "patch") && !facts.started.has(p.request.call_id)) approvals.set(p.request.call_id, p.request);
    const callId = (p.request as { call_id?: unknown }).call_id;
    if (p.kind === "elicitation" && typeof callId === "string") approvals.set(callId, p.request);
  }
  // Answered before the crash and not begun (its output not recorded either): the answer is acted
  // on now, since the command has not run.
  const answered = new Map(
    calls
      .filter((call) => facts.answers.has(call.callId) && !facts.started.has(call.callId) && !facts.finished.has(call.callId))
      .map((call) => [call.callId, facts.answers.get(call.callId)!]),
  );
  // Waiting on sub-agents changes nothing: such a call runs again (the agents are resumed with the thread).
  const rerun = new Set(calls.filter((call) => call.name === RERUNNABLE && !facts.finished.has(call.callId)).map((call) => call.callId));
  const waitingOnly = calls.every(
    (call) => facts.finished.has(call.callId) || approvals.has(call.callId) || answered.has(call.callId) || rerun.has(call.callId),
  );
  const awaiting = calls.filter((call) => !facts.finished.has(call.callId)).map((call) => call.callId);
  if (!facts.samplingOpen && !facts.interrupted && awaiting.length > 0 && waitingOnly) {
    const results: Record<string, ToolCallResult> = {};
    for (const call of calls) {
      const output = facts.finished.get(call.callId);
      if (output) results[call.callId] = { callId: call.callId, output };
    }
    return {
      kind: "continue",
      turn: {
        turnId,
        items: [],
        resume: {
          calls,
          results,
          awaiting,
          answers: awaiting.flatMap((id) => (answered.has(id) ? [answered.get(id)!] : [])),
          ...(rerun.size > 0 ? { rerun: [...rerun] } : {}),
        },
      },
      reask: awaiting.filter((callId) => approvals.has(callId)).map((callId) => ({ callId, request: approvals.get(callId)! })),
      startedAt: facts.startedAt,
    };
  }

  // Codex's repair: finished calls keep their results; the rest are reported aborted.
  const outputs = calls.map(
    (call): ResponseItem =>
      facts.finished.get(call.callId) ??
      (call.kind === "custom"
        ? { type: "custom_tool_call_output", call_id: call.callId, output: "aborted" }
        : { type: "function_call_output", call_id: call.callId, output: "aborted" }),
  );
  const ts = new Date(now).toISOString();
  return { kind: "abort", entries: abortEntries(turnId, outputs, now, facts.startedAt).map((entry) => ({ ...entry, sub: turnId, ts })) };
}

/** What becomes of the user input the log holds but no turn took (see state/pending-input.ts). */
export interface InputPlan {
  /** Submissions for the session's queue, in log order: each runs as a turn unless a turn takes it. */
  queue: Submission[];
  /** Steering input for the turn that continues. */
  steer: PendingInput[];
  /** Answers to the input that will not run. */
  reports: NewEntry[];
}

/**
 * A resumed thread delivers its pending input: as steering of the turn that continues, else as new
 * turns, in log order. Input the person interrupted (or shut the thread down after) is reported, as
 * it would have been without the crash; a fork reports all of it rather than start turns by itself.
 */
export async function planPendingInput(
  log: EventLog,
  threadId: string,
  state: ThreadState,
  options: { continuing: boolean; fork: boolean },
): Promise<InputPlan> {
  const plan: InputPlan = { queue: [], steer: [], reports: [] };
  const pending = state.pendingInput;
  if (pending.length === 0) return plan;
  const bySeq = new Map(pending.map((p) => [p.seq, p]));
  for await (const entry of log.read(threadId, { from: pending[0]!.seq, to: pending.at(-1)!.seq })) {
    const input = bySeq.get(entry.seq);
    if (!input || entry.kind !== "submission") continue;
    const submission = entry.payload;
    if (options.fork || input.cancelledBy !== null) {
      const reason = options.fork ? "fork" : input.cancelledBy === "shutdown" ? "shutdown" : "interrupted";
      plan.reports.push(undeliveredEntry(submission.id, submission.op.type, reason));
      continue;
    }
    plan.queue.push(submission);
    if (options.continuing) plan.steer.push({ subId: submission.id, items: userItemsOf(submission) });
  }
  return plan;
}

/** How a thread reopens over its log (see `planOpenTurn` and `planPendingInput`). */
export interface ReopenPlan {
  /** Entries recorded after `session_configured`: the repair of an open turn, re-asked requests, reports. */
  firstEntries: NewEntry[];
  /** The open turn, when it continues. */
  resumeTurn?: TurnInput;
  /** When that turn started (ms, from its logged `task_started`). */
  resumedStart?: number;
  /** Requests asked again, by call. */
  reask: { callId: string; request: EventMsg }[];
  /** Logged submissions no one acted on yet: the session starts with them queued. */
  queue: Submission[];
  /** The queued input the continuing turn was given as steering. */
  steering: string[];
}

export async function planReopen(
  log: EventLog,
  threadId: string,
  state: ThreadState,
  options: { now: number; fork: boolean },
): Promise<ReopenPlan> {
  const plan: ReopenPlan = { firstEntries: [], reask: [], queue: [], steering: [] };
  if (state.activeTurn) {
    const open = await planOpenTurn(log, threadId, state, options.now);
    if (open.kind === "abort") plan.firstEntries = open.entries;
    else {
      plan.resumeTurn = open.turn;
      plan.resumedStart = open.startedAt;
      plan.reask = open.reask;
      // The open requests are asked again, so whoever drives the thread now sees them.
      plan.firstEntries = open.reask.map(({ request }) => ({ kind: "event_msg", payload: request, sub: open.turn.turnId }));
    }
  }
  const input = await planPendingInput(log, threadId, state, { continuing: plan.resumeTurn !== undefined, fork: options.fork });
  if (plan.resumeTurn?.resume && input.steer.length > 0) {
    plan.resumeTurn = { ...plan.resumeTurn, resume: { ...plan.resumeTurn.resume, pendingInput: input.steer } };
    plan.steering = input.steer.map((steer) => steer.subId);
  }
  plan.firstEntries.push(...input.reports);
  plan.queue = input.queue;
  return plan;
}
