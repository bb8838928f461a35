/** Records that are not events: per-turn context, compaction checkpoints and session metadata (§2.1). */
import { z } from "zod";
import { AskForApproval, ReasoningEffort, ReasoningSummary, SandboxPolicy } from "./policy.js";
import { ResponseItem } from "./response-item.js";

export const TurnContextItem = z.looseObject({
  turn_id: z.string().nullish(),
  trace_id: z.string().nullish(),
  cwd: z.string(),
  current_date: z.string().nullish(),
  timezone: z.string().nullish(),
  approval_policy: AskForApproval,
  sandbox_policy: SandboxPolicy,
  permission_profile: z.unknown().optional(),
  network: z.unknown().optional(),
  file_system_sandbox_policy: z.unknown().optional(),
  model: z.string(),
  personality: z.string().nullish(),
  collaboration_mode: z.unknown().optional(),
  realtime_active: z.boolean().nullish(),
  effort: ReasoningEffort.nullish(),
  summary: ReasoningSummary,
  user_instructions: z.string().nullish(),
  developer_instructions: z.string().nullish(),
  final_output_json_schema: z.unknown().optional(),
  truncation_policy: z.looseObject({ mode: z.enum(["bytes", "tokens"]), limit: z.number() }).nullish(),
});
export type TurnContextItem = z.infer<typeof TurnContextItem>;

export const CompactedItem = z.looseObject({
  message: z.string(),
  replacement_history: z.array(ResponseItem).nullish(),
});
export type CompactedItem = z.infer<typeof CompactedItem>;

/** A host tool declared when a thread starts (Codex's `DynamicToolSpec`). */
export const DynamicToolSpec = z.looseObject({
  namespace: z.string().nullish(),
  name: z.string(),
  description: z.string(),
  inputSchema: z.unknown(),
  deferLoading: z.boolean().optional(),
});
export type DynamicToolSpec = z.infer<typeof DynamicToolSpec>;

export const SessionMeta = z.looseObject({
  id: z.string(),
  forked_from_id: z.string().nullish(),
  timestamp: z.string(),
  cwd: z.string(),
  originator: z.string(),
  cli_version: z.string(),
  source: z.unknown().optional(),
  agent_nickname: z.string().nullish(),
  agent_role: z.string().nullish(),
  agent_path: z.string().nullish(),
  model_provider: z.string().nullish(),
  base_instructions: z.looseObject({ text: z.string() }).nullish(),
  dynamic_tools: z.array(DynamicToolSpec).nullish(),
  memory_mode: z.string().nullish(),
  git: z.unknown().optional(),
});
export type SessionMeta = z.infer<typeof SessionMeta>;
