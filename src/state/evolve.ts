/**
 * `evolve(state, entry)`: the pure fold of a thread's log. No IO, no clock; the same entries always
 * give the same state. Each entry kind, event type and op is handled or ignored by name, so a new
 * one in the vocabulary fails to compile until someone decides what it means here.
 */
import type { CompactedItem, EventMsg, LogEntry, Op, ResponseItem, TurnContextItem } from "../events/index.js";
import { addPending, answer, clearTurn, pendingFor } from "./approvals.js";
import { isUserTurnBoundary } from "./contextual.js";
import { appendItem, applyCompaction, dropUserTurns } from "./history.js";
import { initialState, type ThreadState } from "./thread-state.js";
import * as segments from "./turn-segments.js";
import { endTurn, rollBackTurns, startTurn, userMessage } from "./turns.js";
import { inputSubmitted, inputTaken, steeringRecorded } from "./pending-input.js";

/** An entry folded out of order: a gap or a duplicate would silently corrupt the state. */
export class OutOfOrderEntryError extends Error {
  override readonly name = "OutOfOrderEntryError";
  constructor(
    readonly threadId: string | null,
    readonly seq: number,
    readonly expected: number,
  ) {
    super(`thread ${threadId ?? "(unnamed)"}: cannot fold entry seq ${seq} into the state at seq ${expected - 1}; expected seq ${expected}`);
  }
}

export function evolve(state: ThreadState, entry: LogEntry): ThreadState {
  if (entry.seq !== state.seq + 1) throw new OutOfOrderEntryError(state.threadId, entry.seq, state.seq + 1);
  const next = apply(state, entry);
  return { ...next, seq: entry.seq };
}

/** Folds `entries` onto `from` (default: the empty state of the first entry's thread). */
export function foldEntries(entries: Iterable<LogEntry>, from?: ThreadState): ThreadState {
  let state = from;
  for (const entry of entries) state = evolve(state ?? initialState(entry.threadId), entry);
  return state ?? initialState();
}

function apply(state: ThreadState, entry: LogEntry): ThreadState {
  switch (entry.kind) {
    case "session_meta":
      return state.sessionMeta
        ? state
        : { ...state, sessionMeta: entry.payload, baseInstructions: entry.payload.base_instructions?.text ?? null };
    case "submission": {
      const next = onOp(state, entry.payload.op);
      const pendingInput = inputSubmitted(next.pendingInput, entry.payload.id, entry.seq, entry.payload.op);
      return pendingInput === next.pendingInput ? next : { ...next, pendingInput };
    }
    case "event_msg":
      return onEvent(state, entry.payload, entry.seq, entry.sub);
    case "response_item":
      return onResponseItem(state, entry.payload);
    case "turn_context":
      return { ...onTurnContext(state, entry.payload), settingsSeq: entry.seq };
    case "compacted":
      return onCompacted(state, entry.payload);
    default:
      return entry satisfies never;
  }
}

/** Re-derives what Codex's reconstruction reports from the segment decision. */
function withSegments(state: ThreadState, next: segments.TurnSegments, legacyCompaction = state.internal.legacyCompaction): ThreadState {
  const internal = { ...state.internal, segments: next, legacyCompaction };
  const { settings, baseline } = next.decision;
  const referenceContext = legacyCompaction || typeof baseline === "string" ? null : baseline;
  return { ...state, internal, previousTurnSettings: settings, referenceContext };
}

function onResponseItem(state: ThreadState, item: ResponseItem): ThreadState {
  const next = segments.segmentItem(state.internal.segments, isUserTurnBoundary(item));
  const recorded = appendItem(state, item);
  return next === state.internal.segments ? recorded : withSegments(recorded, next);
}

function onTurnContext(state: ThreadState, context: TurnContextItem): ThreadState {
  return withSegments(state, segments.turnContext(state.internal.segments, context));
}

function onCompacted(state: ThreadState, compaction: CompactedItem): ThreadState {
  const legacy = compaction.replacement_history == null;
  const next = withSegments(applyCompaction(state, compaction), segments.compacted(state.internal.segments), legacy);
  return { ...next, compactions: state.compactions + 1 };
}

function onTurnStarted(state: ThreadState, turnId: string, seq: number): ThreadState {
  return {
    ...withSegments(state, segments.turnStarted(state.internal.segments, turnId)),
    turns: startTurn(state.turns, turnId, seq),
    activeTurn: turnId,
    pendingInput: inputTaken(state.pendingInput, turnId),
  };
}

function onUserMessage(state: ThreadState, message: string): ThreadState {
  // A running turn that already has its own message is recording steering input.
  const running = state.activeTurn === null ? undefined : state.turns.findLast((t) => t.id === state.activeTurn && t.status === "running");
  const steering = running !== undefined && running.userMessage !== null;
  return {
    ...withSegments(state, segments.segmentItem(state.internal.segments, true)),
    turns: userMessage(state.turns, state.activeTurn, message),
    pendingInput: steering ? steeringRecorded(state.pendingInput) : state.pendingInput,
  };
}

function onTurnEnded(state: ThreadState, turnId: string | null, aborted: boolean, seq: number): ThreadState {
  const ended = withSegments(state, segments.turnEnded(state.internal.segments, turnId, aborted));
  const closes = turnId === null || turnId === state.activeTurn;
  return {
    ...ended,
    turns: endTurn(state.turns, turnId ?? state.activeTurn, aborted ? "aborted" : "completed", seq),
    activeTurn: closes ? null : state.activeTurn,
    pendingApprovals: clearTurn(state.pendingApprovals, turnId ?? state.activeTurn),
  };
}

function onRollback(state: ThreadState, numTurns: number): ThreadState {
  const cut = dropUserTurns(state, numTurns);
  return { ...withSegments(cut, segments.rolledBack(state.internal.segments, numTurns)), turns: rollBackTurns(state.turns, numTurns) };
}

function onEvent(state: ThreadState, msg: EventMsg, seq: number, sub: string | undefined): ThreadState {
  switch (msg.type) {
    case "task_started":
      return onTurnStarted(state, msg.turn_id, seq);
    case "task_complete":
      return onTurnEnded(state, msg.turn_id, false, seq);
    case "turn_aborted":
      return onTurnEnded(state, msg.turn_id ?? null, true, seq);
    case "user_message":
      return onUserMessage(state, msg.message);
    case "thread_rolled_back":
      return onRollback(state, msg.num_turns);
    case "token_count":
      return msg.info ? { ...state, tokenUsage: msg.info } : state;
    case "thread_name_updated":
      return { ...state, name: msg.thread_name ?? null };
    case "exec_approval_request":
    case "apply_patch_approval_request":
    case "request_user_input":
    case "dynamic_tool_call_request":
    case "elicitation_request":
      return { ...state, pendingApprovals: addPending(state.pendingApprovals, pendingFor(msg, seq, state.activeTurn)) };
    // The rest changes nothing the fold keeps: UI progress, streaming deltas, and events whose
    // effects reach the log as response items or submissions.
    case "session_configured":
      // Loom records the instructions a reopened thread runs with; Codex's event has no such field.
      return {
        ...state,
        settingsSeq: seq,
        baseInstructions: msg.base_instructions === undefined ? state.baseInstructions : msg.base_instructions,
      };
    case "error": {
      // An error answering a queued input (it will not run) takes it off the list.
      const pendingInput = inputTaken(state.pendingInput, sub);
      return pendingInput === state.pendingInput ? state : { ...state, pendingInput };
    }
    case "warning":
    case "stream_error":
    case "background_event":
    case "deprecation_notice":
    case "agent_message":
    case "agent_message_delta":
    case "agent_reasoning":
    case "agent_reasoning_delta":
    case "agent_reasoning_raw_content":
    case "agent_reasoning_raw_content_delta":
    case "agent_reasoning_section_break":
    case "item_started":
    case "item_completed":
    case "agent_message_content_delta":
    case "reasoning_content_delta":
    case "reasoning_raw_content_delta":
    case "plan_delta":
    case "raw_response_item":
    case "model_request":
    case "context_compacted":
    case "exec_command_begin":
    case "exec_command_output_delta":
    case "exec_command_end":
    case "terminal_interaction":
    case "patch_apply_begin":
    case "patch_apply_updated":
    case "patch_apply_end":
    case "turn_diff":
    case "plan_update":
    case "request_permissions":
    case "dynamic_tool_call_response":
    case "mcp_tool_call_begin":
    case "mcp_tool_call_end":
    case "mcp_list_tools_response":
    case "mcp_startup_update":
    case "mcp_startup_complete":
    case "view_image_tool_call":
    case "web_search_begin":
    case "web_search_end":
    case "image_generation_begin":
    case "image_generation_end":
    case "undo_started":
    case "undo_completed":
    case "shutdown_complete":
    case "entered_review_mode":
    case "exited_review_mode":
    case "get_history_entry_response":
    case "list_skills_response":
    case "skills_update_available":
    case "model_reroute":
    case "model_verification":
    case "guardian_warning":
    case "guardian_assessment":
    case "thread_goal_updated":
    case "hook_started":
    case "hook_completed":
    case "realtime_conversation_started":
    case "realtime_conversation_realtime":
    case "realtime_conversation_closed":
    case "realtime_conversation_sdp":
    case "realtime_conversation_list_voices_response":
    case "collab_agent_spawn_begin":
    case "collab_agent_spawn_end":
    case "collab_agent_interaction_begin":
    case "collab_agent_interaction_end":
    case "collab_waiting_begin":
    case "collab_waiting_end":
    case "collab_close_begin":
    case "collab_close_end":
    case "collab_resume_begin":
    case "collab_resume_end":
      return state;
    default:
      return msg satisfies never;
  }
}

/** The `sandbox_permissions` argument of a call still waiting (a function call's JSON arguments). */
function sandboxPermissionsOf(state: ThreadState, callId: string): string {
  const call = state.unansweredCalls.find((item) => "call_id" in item && item.call_id === callId);
  if (call?.type !== "function_call") return "use_default";
  try {
    const value = (JSON.parse(call.arguments) as { sandbox_permissions?: unknown }).sandbox_permissions;
    return typeof value === "string" ? value : "use_default";
  } catch {
    return "use_default";
  }
}

function onOp(state: ThreadState, op: Op): ThreadState {
  switch (op.type) {
    case "exec_approval":
    case "patch_approval":
    case "user_input_answer":
    case "request_user_input_response":
    case "dynamic_tool_response":
    case "resolve_elicitation": {
      const answered = answer(state.pendingApprovals, state.approvedForSession, op, (callId) => sandboxPermissionsOf(state, callId));
      return answered.pending === state.pendingApprovals && answered.approvedForSession === state.approvedForSession
        ? state
        : { ...state, pendingApprovals: answered.pending, approvedForSession: answered.approvedForSession };
    }
    // Requests whose effects arrive as events (turns, rollbacks, names, compactions) or that
    // change nothing folded here (settings are read from turn contexts).
    case "interrupt":
    case "user_input":
    case "user_input_with_turn_context":
    case "user_turn":
    case "override_turn_context":
    case "request_permissions_response":
    case "add_to_history":
    case "get_history_entry_request":
    case "list_mcp_tools":
    case "refresh_mcp_servers":
    case "reload_user_config":
    case "list_skills":
    case "compact":
    case "drop_memories":
    case "update_memories":
    case "set_thread_name":
    case "set_thread_memory_mode":
    case "undo":
    case "thread_rollback":
    case "review":
    case "shutdown":
    case "run_user_shell_command":
    case "list_models":
    case "clean_background_terminals":
    case "inter_agent_communication":
    case "approve_guardian_denied_action":
    case "register_dynamic_tools":
    case "inject_response_items":
      return state;
    default:
      return op satisfies never;
  }
}
