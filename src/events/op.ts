/** `Submission { id, op }` and the `Op` vocabulary, with Codex's snake_case tags (codex-core.md §1.1). */
import { z } from "zod";
import { DynamicToolSpec } from "./items.js";
import { AskForApproval, ReasoningEffort, ReasoningSummary, ReviewDecision, SandboxPolicy } from "./policy.js";
import { parseTagged, unionOf } from "./tagged.js";

export const UserInputItem = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("text"), text: z.string(), text_elements: z.array(z.unknown()).optional() }),
  z.looseObject({ type: z.literal("image"), image_url: z.string() }),
  z.looseObject({ type: z.literal("local_image"), path: z.string() }),
  z.looseObject({ type: z.literal("skill"), name: z.string(), path: z.string() }),
  z.looseObject({ type: z.literal("mention"), name: z.string(), path: z.string() }),
]);
export type UserInputItem = z.infer<typeof UserInputItem>;

/** Codex's `ServiceTier` (`fast` goes out as "priority"). */
export const ServiceTier = z.enum(["fast", "flex"]);
export type ServiceTier = z.infer<typeof ServiceTier>;

/** Codex's `Personality`. */
export const Personality = z.enum(["none", "friendly", "pragmatic"]);
export type Personality = z.infer<typeof Personality>;

/**
 * Codex's `CollaborationMode`: the mode, and the model, effort and instructions it runs with.
 * Null instructions mean the mode's built-in ones.
 */
export const CollaborationMode = z.looseObject({
  mode: z.enum(["default", "plan"]),
  settings: z.looseObject({
    model: z.string(),
    reasoning_effort: ReasoningEffort.nullish(),
    developer_instructions: z.string().nullish(),
  }),
});
export type CollaborationMode = z.infer<typeof CollaborationMode>;

/** A JSON schema the final answer must follow: a JSON object (a schema), or null for none. */
const OutputSchema = z.record(z.string(), z.unknown()).nullish();

/** Settings a turn may carry or override; all optional so overrides name only what changes. */
const TurnSettings = {
  cwd: z.string().optional(),
  approval_policy: AskForApproval.optional(),
  sandbox_policy: SandboxPolicy.optional(),
  model: z.string().optional(),
  effort: ReasoningEffort.nullish(),
  summary: ReasoningSummary.optional(),
  service_tier: ServiceTier.nullish(),
  collaboration_mode: CollaborationMode.nullish(),
  personality: Personality.nullish(),
  developer_instructions: z.string().nullish(),
};

const op = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.looseObject({ type: z.literal(type), ...shape });

export const OpSchemas = {
  interrupt: op("interrupt", {}),
  user_input: op("user_input", {
    items: z.array(UserInputItem),
    final_output_json_schema: OutputSchema,
  }),
  user_input_with_turn_context: op("user_input_with_turn_context", {
    items: z.array(UserInputItem),
    final_output_json_schema: OutputSchema,
    ...TurnSettings,
  }),
  user_turn: op("user_turn", {
    items: z.array(UserInputItem),
    final_output_json_schema: OutputSchema,
    ...TurnSettings,
    cwd: z.string(),
    approval_policy: AskForApproval,
    sandbox_policy: SandboxPolicy,
    model: z.string(),
  }),
  override_turn_context: op("override_turn_context", TurnSettings),
  exec_approval: op("exec_approval", { id: z.string(), turn_id: z.string().nullish(), decision: ReviewDecision }),
  patch_approval: op("patch_approval", { id: z.string(), decision: ReviewDecision }),
  resolve_elicitation: op("resolve_elicitation", {
    server_name: z.string(),
    request_id: z.union([z.string(), z.number()]),
    decision: z.enum(["accept", "decline", "cancel"]),
    content: z.unknown().optional(),
    meta: z.unknown().optional(),
  }),
  user_input_answer: op("user_input_answer", { id: z.string(), response: z.looseObject({}) }),
  request_user_input_response: op("request_user_input_response", { id: z.string(), response: z.looseObject({}) }),
  request_permissions_response: op("request_permissions_response", { id: z.string(), response: z.unknown() }),
  dynamic_tool_response: op("dynamic_tool_response", {
    id: z.string(),
    response: z.looseObject({
      content_items: z.array(z.looseObject({ type: z.string() })),
      success: z.boolean(),
    }),
  }),
  add_to_history: op("add_to_history", { text: z.string() }),
  get_history_entry_request: op("get_history_entry_request", { offset: z.number(), log_id: z.number() }),
  list_mcp_tools: op("list_mcp_tools", {}),
  refresh_mcp_servers: op("refresh_mcp_servers", { config: z.unknown() }),
  reload_user_config: op("reload_user_config", {}),
  list_skills: op("list_skills", { cwds: z.array(z.string()).optional(), force_reload: z.boolean().optional() }),
  compact: op("compact", {}),
  drop_memories: op("drop_memories", {}),
  update_memories: op("update_memories", {}),
  set_thread_name: op("set_thread_name", { name: z.string() }),
  set_thread_memory_mode: op("set_thread_memory_mode", { mode: z.enum(["enabled", "disabled"]) }),
  undo: op("undo", {}),
  thread_rollback: op("thread_rollback", { num_turns: z.number().int() }),
  review: op("review", { review_request: z.unknown() }),
  shutdown: op("shutdown", {}),
  run_user_shell_command: op("run_user_shell_command", { command: z.string() }),
  list_models: op("list_models", {}),
  clean_background_terminals: op("clean_background_terminals", {}),
  inter_agent_communication: op("inter_agent_communication", { communication: z.unknown() }),
  approve_guardian_denied_action: op("approve_guardian_denied_action", { event: z.unknown() }),
  /**
   * Loom: items put into the model's history without a user turn (Codex's
   * `inject_user_message_without_turn`, how a parent hears that a sub-agent finished): given to
   * the running turn before its next request, else recorded at once.
   */
  inject_response_items: op("inject_response_items", { items: z.array(z.looseObject({ type: z.string() })).min(1) }),
  /** Loom: host tools are declared when a thread starts; kept here so a resumed thread re-offers them. */
  register_dynamic_tools: op("register_dynamic_tools", { tools: z.array(DynamicToolSpec) }),
};

export const Op = unionOf(OpSchemas);
export type Op = z.infer<typeof Op>;
export type OpType = Op["type"];
export type OpOf<T extends OpType> = Extract<Op, { type: T }>;

export const Submission = z.looseObject({
  id: z.string(),
  op: Op,
  trace: z.unknown().optional(),
});
export type Submission = z.infer<typeof Submission>;

export function parseOp(value: unknown): Op {
  return parseTagged<Op>(OpSchemas, value, "op");
}

export function parseSubmission(value: unknown): Submission {
  if (typeof value !== "object" || value === null) throw new TypeError("a submission must be an object { id, op }");
  const { id, op: rawOp } = value as { id?: unknown; op?: unknown };
  if (typeof id !== "string" || id.length === 0) throw new TypeError("a submission needs a non-empty string id");
  return { ...(value as object), id, op: parseOp(rawOp) } as Submission;
}
