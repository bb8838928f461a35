/**
 * The lifecycle-hook vocabulary of Codex's protocol (`HookRunSummary`, `HookStartedEvent`,
 * `HookCompletedEvent`): what the log keeps of every hook run, so resume and replay see the same
 * decisions. Wire names are Codex's (snake_case enums).
 */
import { z } from "zod";

export const HookEventName = z.enum(["pre_tool_use", "permission_request", "post_tool_use", "session_start", "user_prompt_submit", "stop"]);
export type HookEventName = z.infer<typeof HookEventName>;

export const HookRunStatus = z.enum(["running", "completed", "failed", "blocked", "stopped"]);
export type HookRunStatus = z.infer<typeof HookRunStatus>;

export const HookSource = z.enum([
  "system",
  "user",
  "project",
  "mdm",
  "session_flags",
  "legacy_managed_config_file",
  "legacy_managed_config_mdm",
  "unknown",
]);
export type HookSource = z.infer<typeof HookSource>;

export const HookOutputEntry = z.object({
  kind: z.enum(["warning", "stop", "feedback", "context", "error"]),
  text: z.string(),
});
export type HookOutputEntry = z.infer<typeof HookOutputEntry>;

/** A PermissionRequest hook's verdict on an approval (Loom keeps it on the run: see `HookRunSummary`). */
export const PermissionDecision = z.enum(["allow", "deny"]);
export type PermissionDecision = z.infer<typeof PermissionDecision>;

export const HookRunSummary = z.looseObject({
  id: z.string(),
  event_name: HookEventName,
  handler_type: z.enum(["command", "prompt", "agent"]),
  execution_mode: z.enum(["sync", "async"]),
  scope: z.enum(["thread", "turn"]),
  source_path: z.string(),
  source: HookSource.default("unknown"),
  display_order: z.number().int(),
  status: HookRunStatus,
  status_message: z.string().nullable(),
  started_at: z.number().int(),
  completed_at: z.number().int().nullable(),
  duration_ms: z.number().int().nullable(),
  entries: z.array(HookOutputEntry),
  /**
   * Loom's addition, on a completed PermissionRequest run that decided: Codex's summary shows a
   * deny (blocked, with its message) but not an allow, and resume and replay read the verdict here.
   */
  permission_decision: PermissionDecision.optional(),
});
export type HookRunSummary = z.infer<typeof HookRunSummary>;

/** `hook_started` and `hook_completed` carry the same shape: the turn (null at thread scope) and the run. */
export const HookRunEvent = { turn_id: z.string().nullable(), run: HookRunSummary };
