/**
 * `toTurnContextItem`: the `turn_context` entry Codex persists once per real user turn, with its
 * fields in Codex's order and its optional fields left out exactly when Codex leaves them out, so an
 * exported rollout reads like Codex's own.
 */
import type { TurnContextItem } from "../events/index.js";
import { modelInfo } from "./models.js";
import { normalizeSandboxPolicy, permissionProfile } from "./sandbox.js";
import type { TurnSettings } from "./settings.js";

/** The approval policy as Codex serializes it (granular fields in declaration order, defaults filled). */
function normalizeApprovalPolicy(policy: TurnSettings["approvalPolicy"]): TurnSettings["approvalPolicy"] {
  if (typeof policy === "string") return policy;
  const g = policy.granular as Record<string, boolean | undefined>;
  return {
    granular: {
      sandbox_approval: g.sandbox_approval ?? false,
      rules: g.rules ?? false,
      skill_approval: g.skill_approval ?? false,
      request_permissions: g.request_permissions ?? false,
      mcp_elicitations: g.mcp_elicitations ?? false,
    },
  };
}

export interface TurnContextOptions {
  traceId?: string;
  /** The turn's JSON output schema (`final_output_json_schema`), when the caller asked for one. */
  finalOutputJsonSchema?: unknown;
}

export function toTurnContextItem(settings: TurnSettings, turnId: string, options: TurnContextOptions = {}): TurnContextItem {
  const info = modelInfo(settings.model);
  const item: TurnContextItem = {
    turn_id: turnId,
    ...(options.traceId !== undefined ? { trace_id: options.traceId } : {}),
    cwd: settings.cwd,
    current_date: settings.currentDate,
    timezone: settings.timezone,
    approval_policy: normalizeApprovalPolicy(settings.approvalPolicy),
    sandbox_policy: normalizeSandboxPolicy(settings.sandboxPolicy),
    permission_profile: permissionProfile(settings.sandboxPolicy, settings.cwd, settings.host),
    ...(settings.network !== undefined
      ? { network: { allowed_domains: settings.network.allowedDomains, denied_domains: settings.network.deniedDomains } }
      : {}),
    model: settings.model,
    ...(settings.personality !== undefined ? { personality: settings.personality } : {}),
    collaboration_mode: {
      mode: settings.collaborationMode?.mode ?? "default",
      settings: {
        model: settings.model,
        reasoning_effort: settings.effort ?? null,
        developer_instructions: settings.collaborationMode?.developerInstructions ?? null,
      },
    },
    realtime_active: false,
    ...(settings.effort !== undefined ? { effort: settings.effort } : {}),
    summary: settings.summary ?? info.defaultReasoningSummary,
    ...(settings.userInstructions !== undefined ? { user_instructions: settings.userInstructions } : {}),
    ...(settings.developerInstructions !== undefined ? { developer_instructions: settings.developerInstructions } : {}),
    ...(options.finalOutputJsonSchema !== undefined ? { final_output_json_schema: options.finalOutputJsonSchema } : {}),
    truncation_policy: { ...info.truncationPolicy },
  };
  return item;
}
