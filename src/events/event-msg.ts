/**
 * `Event { id, msg }` and the `EventMsg` vocabulary with Codex's wire tags (codex-core.md §1.2).
 * Core events have their fields; product-specific ones are accepted with whatever they carry.
 */
import { z } from "zod";
import { AskForApproval, PlatformSandbox, ReasoningEffort, ReasoningSummary, ReviewDecision, SandboxPolicy } from "./policy.js";
import { parseTagged, unionOf } from "./tagged.js";
import { HookRunEvent } from "./hooks.js";

export const TokenUsage = z.looseObject({
  input_tokens: z.number(),
  cached_input_tokens: z.number(),
  output_tokens: z.number(),
  reasoning_output_tokens: z.number(),
  total_tokens: z.number(),
});
export type TokenUsage = z.infer<typeof TokenUsage>;

export const TokenUsageInfo = z.looseObject({
  total_token_usage: TokenUsage,
  last_token_usage: TokenUsage,
  model_context_window: z.number().nullish(),
});
export type TokenUsageInfo = z.infer<typeof TokenUsageInfo>;

export const TurnAbortReason = z.enum(["interrupted", "replaced", "review_ended", "budget_limited"]);
export type TurnAbortReason = z.infer<typeof TurnAbortReason>;

/** `TurnItem`, the v2 item carried by `item_started` / `item_completed`. */
export const TurnItem = z.looseObject({ type: z.string(), id: z.string() });
export type TurnItem = z.infer<typeof TurnItem>;

export const FileChange = z.union([
  z.looseObject({ add: z.looseObject({ content: z.string() }) }),
  z.looseObject({ delete: z.looseObject({ content: z.string() }) }),
  z.looseObject({ update: z.looseObject({ unified_diff: z.string(), move_path: z.string().nullish() }) }),
  z.looseObject({ type: z.string() }),
]);
export type FileChange = z.infer<typeof FileChange>;

const ev = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.looseObject({ type: z.literal(type), ...shape });
const loose = <T extends string>(type: T) => z.looseObject({ type: z.literal(type) });

const ExecCommon = {
  call_id: z.string(),
  process_id: z.string().nullish(),
  turn_id: z.string(),
  command: z.array(z.string()),
  cwd: z.string(),
  parsed_cmd: z.array(z.unknown()),
  source: z.string().optional(),
};

export const EventMsgSchemas = {
  error: ev("error", { message: z.string(), codex_error_info: z.unknown().optional() }),
  warning: ev("warning", { message: z.string() }),
  stream_error: ev("stream_error", {
    message: z.string(),
    codex_error_info: z.unknown().optional(),
    additional_details: z.string().nullish(),
  }),
  background_event: ev("background_event", { message: z.string() }),
  deprecation_notice: ev("deprecation_notice", { summary: z.string(), details: z.string().nullish() }),
  session_configured: ev("session_configured", {
    session_id: z.string(),
    forked_from_id: z.string().nullish(),
    thread_name: z.string().nullish(),
    model: z.string(),
    model_provider_id: z.string(),
    approval_policy: AskForApproval,
    sandbox_policy: SandboxPolicy,
    /** Loom: the sandbox that confines the session's commands (none, and why, when nothing does). */
    sandbox: PlatformSandbox.optional(),
    cwd: z.string(),
    reasoning_effort: ReasoningEffort.nullish(),
    history_log_id: z.number(),
    history_entry_count: z.number(),
    initial_messages: z.array(z.looseObject({ type: z.string() })).nullish(),
    rollout_path: z.string().nullish(),
    // Loom: the settings a session opened with that Codex's event leaves out, so a resume (and a
    // replay) recovers them from the log even before the thread's first turn records them.
    reasoning_summary: ReasoningSummary.nullish(),
    developer_instructions: z.string().nullish(),
    base_instructions: z.string().nullish(),
  }),
  task_started: ev("task_started", {
    turn_id: z.string(),
    started_at: z.number().nullish(),
    model_context_window: z.number().nullish(),
    collaboration_mode_kind: z.string().optional(),
  }),
  task_complete: ev("task_complete", {
    turn_id: z.string(),
    last_agent_message: z.string().nullish(),
    completed_at: z.number().nullish(),
    duration_ms: z.number().nullish(),
    time_to_first_token_ms: z.number().nullish(),
  }),
  turn_aborted: ev("turn_aborted", {
    turn_id: z.string().nullish(),
    reason: TurnAbortReason,
    completed_at: z.number().nullish(),
    duration_ms: z.number().nullish(),
  }),
  token_count: ev("token_count", { info: TokenUsageInfo.nullish(), rate_limits: z.unknown().optional() }),
  user_message: ev("user_message", {
    message: z.string(),
    images: z.array(z.string()).nullish(),
    local_images: z.array(z.string()).optional(),
    text_elements: z.array(z.unknown()).optional(),
  }),
  agent_message: ev("agent_message", {
    message: z.string(),
    phase: z.string().nullish(),
    memory_citation: z.unknown().optional(),
  }),
  agent_message_delta: ev("agent_message_delta", { delta: z.string() }),
  agent_reasoning: ev("agent_reasoning", { text: z.string() }),
  agent_reasoning_delta: ev("agent_reasoning_delta", { delta: z.string() }),
  agent_reasoning_raw_content: ev("agent_reasoning_raw_content", { text: z.string() }),
  agent_reasoning_raw_content_delta: ev("agent_reasoning_raw_content_delta", { delta: z.string() }),
  agent_reasoning_section_break: ev("agent_reasoning_section_break", {
    item_id: z.string().optional(),
    summary_index: z.number().optional(),
  }),
  item_started: ev("item_started", { thread_id: z.string(), turn_id: z.string(), item: TurnItem }),
  item_completed: ev("item_completed", { thread_id: z.string(), turn_id: z.string(), item: TurnItem }),
  agent_message_content_delta: ev("agent_message_content_delta", {
    thread_id: z.string().optional(),
    turn_id: z.string().optional(),
    item_id: z.string(),
    delta: z.string(),
  }),
  reasoning_content_delta: loose("reasoning_content_delta"),
  reasoning_raw_content_delta: loose("reasoning_raw_content_delta"),
  plan_delta: loose("plan_delta"),
  raw_response_item: ev("raw_response_item", { item: z.looseObject({ type: z.string() }) }),
  /**
   * Loom: a model request was sent. Digests of its parts (not the body: the history would make the
   * log quadratic) let replay notice a change of instructions, tools or prompt building.
   */
  model_request: ev("model_request", {
    turn_id: z.string(),
    /** "compaction" for a summary request; a turn's sampling otherwise. */
    purpose: z.enum(["turn", "compaction"]).optional(),
    model: z.string(),
    input_items: z.number().int(),
    digest: z.looseObject({ instructions: z.string(), tools: z.string(), input: z.string(), params: z.string() }),
  }),
  context_compacted: loose("context_compacted"),
  thread_rolled_back: ev("thread_rolled_back", { num_turns: z.number().int() }),
  thread_name_updated: ev("thread_name_updated", { thread_id: z.string().optional(), thread_name: z.string().nullish() }),
  exec_command_begin: ev("exec_command_begin", { ...ExecCommon, interaction_input: z.string().nullish() }),
  exec_command_output_delta: ev("exec_command_output_delta", {
    call_id: z.string(),
    stream: z.enum(["stdout", "stderr"]),
    chunk: z.string(),
  }),
  exec_command_end: ev("exec_command_end", {
    ...ExecCommon,
    stdout: z.string(),
    stderr: z.string(),
    aggregated_output: z.string(),
    exit_code: z.number(),
    duration: z.unknown(),
    formatted_output: z.string(),
    status: z.enum(["completed", "failed", "declined"]).optional(),
  }),
  terminal_interaction: loose("terminal_interaction"),
  exec_approval_request: ev("exec_approval_request", {
    call_id: z.string(),
    approval_id: z.string().nullish(),
    turn_id: z.string(),
    command: z.array(z.string()),
    cwd: z.string(),
    reason: z.string().nullish(),
    proposed_execpolicy_amendment: z.array(z.string()).nullish(),
    available_decisions: z.array(ReviewDecision).nullish(),
    parsed_cmd: z.array(z.unknown()).optional(),
  }),
  apply_patch_approval_request: ev("apply_patch_approval_request", {
    call_id: z.string(),
    turn_id: z.string(),
    changes: z.record(z.string(), FileChange),
    reason: z.string().nullish(),
    grant_root: z.string().nullish(),
  }),
  patch_apply_begin: ev("patch_apply_begin", {
    call_id: z.string(),
    turn_id: z.string(),
    auto_approved: z.boolean(),
    changes: z.record(z.string(), FileChange),
  }),
  patch_apply_updated: loose("patch_apply_updated"),
  patch_apply_end: ev("patch_apply_end", {
    call_id: z.string(),
    turn_id: z.string(),
    stdout: z.string(),
    stderr: z.string(),
    success: z.boolean(),
    changes: z.record(z.string(), FileChange).optional(),
    status: z.string().optional(),
  }),
  turn_diff: ev("turn_diff", { unified_diff: z.string() }),
  plan_update: ev("plan_update", {
    explanation: z.string().nullish(),
    plan: z.array(z.looseObject({ step: z.string(), status: z.enum(["pending", "in_progress", "completed"]) })),
  }),
  request_user_input: ev("request_user_input", {
    call_id: z.string(),
    turn_id: z.string(),
    questions: z.array(z.looseObject({ id: z.string(), question: z.string() })),
  }),
  request_permissions: loose("request_permissions"),
  dynamic_tool_call_request: ev("dynamic_tool_call_request", {
    callId: z.string(),
    turnId: z.string(),
    namespace: z.string().nullish(),
    tool: z.string(),
    arguments: z.unknown(),
  }),
  dynamic_tool_call_response: ev("dynamic_tool_call_response", {
    call_id: z.string(),
    turn_id: z.string().optional(),
    content_items: z.array(z.looseObject({ type: z.string() })),
    success: z.boolean(),
  }),
  elicitation_request: ev("elicitation_request", {
    server_name: z.string(),
    id: z.union([z.string(), z.number()]),
    message: z.string(),
  }),
  mcp_tool_call_begin: ev("mcp_tool_call_begin", {
    call_id: z.string(),
    invocation: z.looseObject({ server: z.string(), tool: z.string(), arguments: z.unknown().optional() }),
  }),
  mcp_tool_call_end: ev("mcp_tool_call_end", {
    call_id: z.string(),
    invocation: z.looseObject({ server: z.string(), tool: z.string(), arguments: z.unknown().optional() }),
    duration: z.unknown().optional(),
    result: z.unknown(),
  }),
  mcp_list_tools_response: ev("mcp_list_tools_response", { tools: z.record(z.string(), z.unknown()) }),
  mcp_startup_update: loose("mcp_startup_update"),
  mcp_startup_complete: loose("mcp_startup_complete"),
  view_image_tool_call: ev("view_image_tool_call", { call_id: z.string(), path: z.string() }),
  web_search_begin: loose("web_search_begin"),
  web_search_end: loose("web_search_end"),
  image_generation_begin: loose("image_generation_begin"),
  image_generation_end: loose("image_generation_end"),
  undo_started: loose("undo_started"),
  undo_completed: ev("undo_completed", { success: z.boolean(), message: z.string().nullish() }),
  shutdown_complete: loose("shutdown_complete"),
  entered_review_mode: loose("entered_review_mode"),
  exited_review_mode: loose("exited_review_mode"),
  get_history_entry_response: loose("get_history_entry_response"),
  list_skills_response: loose("list_skills_response"),
  skills_update_available: loose("skills_update_available"),
  model_reroute: loose("model_reroute"),
  model_verification: loose("model_verification"),
  guardian_warning: loose("guardian_warning"),
  guardian_assessment: loose("guardian_assessment"),
  thread_goal_updated: loose("thread_goal_updated"),
  hook_started: ev("hook_started", HookRunEvent),
  hook_completed: ev("hook_completed", HookRunEvent),
  realtime_conversation_started: loose("realtime_conversation_started"),
  realtime_conversation_realtime: loose("realtime_conversation_realtime"),
  realtime_conversation_closed: loose("realtime_conversation_closed"),
  realtime_conversation_sdp: loose("realtime_conversation_sdp"),
  realtime_conversation_list_voices_response: loose("realtime_conversation_list_voices_response"),
  collab_agent_spawn_begin: loose("collab_agent_spawn_begin"),
  collab_agent_spawn_end: loose("collab_agent_spawn_end"),
  collab_agent_interaction_begin: loose("collab_agent_interaction_begin"),
  collab_agent_interaction_end: loose("collab_agent_interaction_end"),
  collab_waiting_begin: loose("collab_waiting_begin"),
  collab_waiting_end: loose("collab_waiting_end"),
  collab_close_begin: loose("collab_close_begin"),
  collab_close_end: loose("collab_close_end"),
  collab_resume_begin: loose("collab_resume_begin"),
  collab_resume_end: loose("collab_resume_end"),
};

/** Codex accepts these older tags on input; we store the canonical one. */
const EVENT_ALIASES: Record<string, keyof typeof EventMsgSchemas> = {
  turn_started: "task_started",
  turn_complete: "task_complete",
};

export const EventMsg = unionOf(EventMsgSchemas);
export type EventMsg = z.infer<typeof EventMsg>;
export type EventMsgType = EventMsg["type"];
export type EventMsgOf<T extends EventMsgType> = Extract<EventMsg, { type: T }>;

export const Event = z.looseObject({ id: z.string(), msg: EventMsg });
export type Event = z.infer<typeof Event>;

export function parseEventMsg(value: unknown): EventMsg {
  const type = (value as { type?: unknown } | null)?.type;
  if (typeof type === "string" && Object.hasOwn(EVENT_ALIASES, type)) {
    value = { ...(value as object), type: EVENT_ALIASES[type] };
  }
  return parseTagged<EventMsg>(EventMsgSchemas, value, "event");
}
