/**
 * Which entries Codex writes to a rollout file (`codex-rs/rollout/src/policy.rs`, codex-core.md §1.2
 * and §2.2). The one table of it in Loom: export filters with it, and its tests pin it.
 *
 * Every response item, `compacted`, `turn_context` and `session_meta` is written; a Loom
 * `submission` never is (Codex keeps ops out of rollouts); an `event_msg` is written when its
 * type's level is within the recorder's mode. The table is typed over every event type of our
 * vocabulary, so a new event type does not compile until someone decides whether Codex keeps it.
 */
import type { EventMsg, EventMsgType, LogEntry, NewEntry } from "../../events/index.js";

/** Codex's `EventPersistenceMode`: `limited` is the default; `extended` is app-server's `persist_extended_history`. */
export type PersistenceMode = "limited" | "extended";

/** The least mode that keeps an event: `limited` (L), `extended` (X), or `never` (—). */
export type EventPersistence = "limited" | "extended" | "never";

export const EVENT_PERSISTENCE: Readonly<Record<EventMsgType, EventPersistence>> = {
  // Turn lifecycle and what the user and the model said: what a resumed Codex replays.
  task_started: "limited",
  task_complete: "limited",
  turn_aborted: "limited",
  user_message: "limited",
  agent_message: "limited",
  agent_reasoning: "limited",
  agent_reasoning_raw_content: "limited",
  token_count: "limited",
  context_compacted: "limited",
  thread_rolled_back: "limited",
  thread_name_updated: "limited",
  entered_review_mode: "limited",
  exited_review_mode: "limited",
  undo_completed: "limited",
  image_generation_end: "limited",
  // `item_completed` depends on its item (see `eventPersistence`); listed here as its default.
  item_completed: "never",

  // Tool results and errors: only with extended history.
  error: "extended",
  exec_command_end: "extended",
  patch_apply_end: "extended",
  mcp_tool_call_end: "extended",
  web_search_end: "extended",
  view_image_tool_call: "extended",
  dynamic_tool_call_request: "extended",
  dynamic_tool_call_response: "extended",
  guardian_assessment: "extended",
  collab_agent_spawn_end: "extended",
  collab_agent_interaction_end: "extended",
  collab_waiting_end: "extended",
  collab_close_end: "extended",
  collab_resume_end: "extended",

  // Streaming, requests for a live client, and notices: never written.
  warning: "never",
  stream_error: "never",
  background_event: "never",
  deprecation_notice: "never",
  session_configured: "never",
  agent_message_delta: "never",
  agent_reasoning_delta: "never",
  agent_reasoning_raw_content_delta: "never",
  agent_reasoning_section_break: "never",
  item_started: "never",
  agent_message_content_delta: "never",
  reasoning_content_delta: "never",
  reasoning_raw_content_delta: "never",
  plan_delta: "never",
  raw_response_item: "never",
  model_request: "never",
  exec_command_begin: "never",
  exec_command_output_delta: "never",
  terminal_interaction: "never",
  exec_approval_request: "never",
  apply_patch_approval_request: "never",
  patch_apply_begin: "never",
  patch_apply_updated: "never",
  turn_diff: "never",
  plan_update: "never",
  request_user_input: "never",
  request_permissions: "never",
  elicitation_request: "never",
  mcp_tool_call_begin: "never",
  mcp_list_tools_response: "never",
  mcp_startup_update: "never",
  mcp_startup_complete: "never",
  web_search_begin: "never",
  image_generation_begin: "never",
  undo_started: "never",
  shutdown_complete: "never",
  get_history_entry_response: "never",
  list_skills_response: "never",
  skills_update_available: "never",
  model_reroute: "never",
  model_verification: "never",
  guardian_warning: "never",
  thread_goal_updated: "never",
  hook_started: "never",
  hook_completed: "never",
  realtime_conversation_started: "never",
  realtime_conversation_realtime: "never",
  realtime_conversation_closed: "never",
  realtime_conversation_sdp: "never",
  realtime_conversation_list_voices_response: "never",
  collab_agent_spawn_begin: "never",
  collab_agent_interaction_begin: "never",
  collab_waiting_begin: "never",
  collab_close_begin: "never",
  collab_resume_begin: "never",
};

/** The level of one event: the table, except that a completed `Plan` item is kept (it has no other record). */
export function eventPersistence(msg: EventMsg): EventPersistence {
  if (msg.type === "item_completed" && msg.item.type === "Plan") return "limited";
  return EVENT_PERSISTENCE[msg.type] ?? "never";
}

export function isEventPersisted(msg: EventMsg, mode: PersistenceMode = "limited"): boolean {
  const level = eventPersistence(msg);
  return level === "limited" || (level === "extended" && mode === "extended");
}

/** Whether Codex would write this entry to a rollout recorded in `mode`. */
export function isPersisted(entry: LogEntry | NewEntry, mode: PersistenceMode = "limited"): boolean {
  switch (entry.kind) {
    case "session_meta":
    case "response_item":
    case "turn_context":
    case "compacted":
      return true;
    case "submission":
      return false;
    case "event_msg":
      return isEventPersisted(entry.payload, mode);
    default: {
      const unknown: never = entry;
      throw new TypeError(`unknown entry kind ${JSON.stringify((unknown as { kind: unknown }).kind)}`);
    }
  }
}
