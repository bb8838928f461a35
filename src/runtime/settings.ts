/**
 * A thread's session settings: what the next turn runs with. They start from the thread options and
 * configuration, then change only through logged submissions (`override_turn_context`, and the
 * fields a `user_turn` carries), so resume recovers them from the log.
 */
import type { AskForApproval, ReasoningEffort, ReasoningSummary, SandboxPolicy, Submission } from "../events/index.js";
import { AskForApproval as AskForApprovalSchema, SandboxMode } from "../events/index.js";
import type { EventMsgOf, TurnContextItem } from "../events/index.js";
import type { LoomConfig } from "../config/index.js";
import { UserError } from "./errors.js";
import { builtinModeInstructions, type Personality, type TurnSettings } from "../context/index.js";

/** The part of a turn's settings the session carries between turns (the rest is read per turn). */
export type SessionSettings = Pick<
  TurnSettings,
  | "cwd"
  | "approvalPolicy"
  | "sandboxPolicy"
  | "model"
  | "effort"
  | "summary"
  | "developerInstructions"
  | "baseInstructions"
  | "personality"
  | "collaborationMode"
  | "serviceTier"
>;

/** What applying a submission's settings depends on beyond the settings themselves. */
export interface ApplyOptions {
  /** `features.default_mode_request_user_input`: changes Default mode's built-in instructions. */
  defaultModeRequestUserInput?: boolean;
}

export const DEFAULT_MODEL = "gpt-5.5";

/** Codex's `[sandbox_workspace_write]` table: what workspace-write adds to the defaults. */
export interface WorkspaceWriteConfig {
  writable_roots?: string[];
  network_access?: boolean;
  exclude_tmpdir_env_var?: boolean;
  exclude_slash_tmp?: boolean;
}

export function sandboxPolicyFromMode(mode: string, workspaceWrite: WorkspaceWriteConfig = {}): SandboxPolicy {
  const parsed = SandboxMode.safeParse(mode);
  if (!parsed.success) {
    throw new UserError(`unknown sandbox mode ${JSON.stringify(mode)} (expected read-only, workspace-write or danger-full-access)`);
  }
  switch (parsed.data) {
    case "read-only":
      return { type: "read-only" };
    case "workspace-write":
      return {
        type: "workspace-write",
        writable_roots: workspaceWrite.writable_roots ?? [],
        network_access: workspaceWrite.network_access ?? false,
        exclude_tmpdir_env_var: workspaceWrite.exclude_tmpdir_env_var ?? false,
        exclude_slash_tmp: workspaceWrite.exclude_slash_tmp ?? false,
      };
    case "danger-full-access":
      return { type: "danger-full-access" };
  }
}

export function parseApprovalPolicy(value: unknown): AskForApproval {
  const parsed = AskForApprovalSchema.safeParse(value);
  if (!parsed.success) {
    throw new UserError(
      `unknown approval policy ${JSON.stringify(value)} (expected untrusted, on-failure, on-request or never)`,
    );
  }
  return parsed.data;
}

/** Options a caller may give when starting or resuming a thread (camelCase API names). */
export interface ThreadSettingsOptions {
  cwd?: string;
  model?: string;
  approvalPolicy?: AskForApproval;
  sandboxPolicy?: SandboxPolicy;
  sandboxMode?: string;
  effort?: ReasoningEffort;
  summary?: ReasoningSummary;
  developerInstructions?: string;
  baseInstructions?: string;
  personality?: Personality;
}

/** The `personality` setting, Codex's default (pragmatic) when unset. */
export function parsePersonality(value: unknown): Personality {
  if (value === undefined) return "pragmatic";
  if (value === "none" || value === "friendly" || value === "pragmatic") return value;
  throw new UserError(`unknown personality ${JSON.stringify(value)} (expected none, friendly or pragmatic)`);
}

export function initialSettings(config: LoomConfig, options: ThreadSettingsOptions, defaultCwd: string): SessionSettings {
  const sandboxPolicy =
    options.sandboxPolicy ??
    sandboxPolicyFromMode(options.sandboxMode ?? (config.sandbox_mode as string | undefined) ?? "workspace-write", config.sandbox_workspace_write);
  return {
    cwd: options.cwd ?? defaultCwd,
    approvalPolicy: options.approvalPolicy ?? parseApprovalPolicy(config.approval_policy ?? "on-request"),
    sandboxPolicy,
    model: options.model ?? config.model ?? DEFAULT_MODEL,
    effort: options.effort ?? (config.model_reasoning_effort as ReasoningEffort | undefined),
    summary: options.summary ?? (config.model_reasoning_summary as ReasoningSummary | undefined),
    developerInstructions: options.developerInstructions ?? config.developer_instructions,
    baseInstructions: options.baseInstructions ?? config.base_instructions,
    personality: options.personality ?? parsePersonality(config.personality),
    ...(config.service_tier !== undefined ? { serviceTier: parseServiceTier(config.service_tier) } : {}),
  };
}

function parseServiceTier(value: unknown): "fast" | "flex" {
  if (value === "fast" || value === "flex") return value;
  throw new UserError(`unknown service_tier ${JSON.stringify(value)} (expected fast or flex)`);
}

/** The settings a recorded `turn_context` implies (used when resuming a thread). */
export function settingsFromTurnContext(base: SessionSettings, item: TurnContextItem): SessionSettings {
  return {
    ...base,
    cwd: item.cwd,
    approvalPolicy: item.approval_policy,
    sandboxPolicy: item.sandbox_policy,
    model: item.model,
    effort: item.effort ?? undefined,
    summary: item.summary,
    developerInstructions: item.developer_instructions ?? base.developerInstructions,
    personality: (item.personality as Personality | null | undefined) ?? base.personality,
    collaborationMode: modeOfTurnContext(item.collaboration_mode) ?? base.collaborationMode,
  };
}

/** The settings a recorded `session_configured` states (the thread was opened, or reopened, with them). */
export function settingsFromConfigured(base: SessionSettings, msg: EventMsgOf<"session_configured">): SessionSettings {
  const next: SessionSettings = {
    ...base,
    cwd: msg.cwd,
    approvalPolicy: msg.approval_policy,
    sandboxPolicy: msg.sandbox_policy,
    model: msg.model,
    effort: msg.reasoning_effort ?? undefined,
  };
  // Loom's own fields: absent in logs written before them, where the base stays.
  if (msg.reasoning_summary !== undefined) next.summary = msg.reasoning_summary ?? undefined;
  if (msg.developer_instructions !== undefined) next.developerInstructions = msg.developer_instructions ?? undefined;
  if (msg.base_instructions !== undefined) next.baseInstructions = msg.base_instructions ?? undefined;
  return next;
}

/** The mode a recorded `turn_context` ran in; none when it carried no instructions (the default). */
function modeOfTurnContext(recorded: unknown): SessionSettings["collaborationMode"] {
  const mode = recorded as { mode?: unknown; settings?: { developer_instructions?: unknown } } | undefined;
  if (mode?.mode !== "default" && mode?.mode !== "plan") return undefined;
  const instructions = mode.settings?.developer_instructions;
  if (mode.mode === "default" && typeof instructions !== "string") return undefined;
  return { mode: mode.mode, developerInstructions: typeof instructions === "string" ? instructions : null };
}

/** Applies the settings a submission carries (override_turn_context, user_turn, ...). Pure. */
export function applySubmission(settings: SessionSettings, submission: Submission, options: ApplyOptions = {}): SessionSettings {
  const op = submission.op;
  switch (op.type) {
    case "override_turn_context":
    case "user_turn":
    case "user_input_with_turn_context": {
      const next = { ...settings };
      if (op.cwd !== undefined) next.cwd = op.cwd;
      if (op.approval_policy !== undefined) next.approvalPolicy = op.approval_policy;
      if (op.sandbox_policy !== undefined) next.sandboxPolicy = op.sandbox_policy;
      if (op.model !== undefined) next.model = op.model;
      if (op.effort !== undefined) next.effort = op.effort ?? undefined;
      if (op.summary !== undefined) next.summary = op.summary;
      if (op.developer_instructions !== undefined) next.developerInstructions = op.developer_instructions ?? undefined;
      if (op.personality !== undefined && op.personality !== null) next.personality = op.personality;
      if (op.service_tier !== undefined) {
        if (op.service_tier === null) delete next.serviceTier;
        else next.serviceTier = op.service_tier;
      }
      // A collaboration mode carries the model and effort it runs with, as in Codex, where they
      // take the place of the op's own model and effort fields.
      const mode = op.collaboration_mode;
      if (mode) {
        next.model = mode.settings.model;
        if (mode.settings.reasoning_effort === undefined || mode.settings.reasoning_effort === null) delete next.effort;
        else next.effort = mode.settings.reasoning_effort;
        next.collaborationMode = {
          mode: mode.mode,
          developerInstructions: mode.settings.developer_instructions ?? builtinModeInstructions(mode.mode, options.defaultModeRequestUserInput),
        };
      }
      return next;
    }
    default:
      return settings;
  }
}
