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
import type { TurnSettings } from "../context/index.js";

/** The part of a turn's settings the session carries between turns (the rest is read per turn). */
export type SessionSettings = Pick<
  TurnSettings,
  "cwd" | "approvalPolicy" | "sandboxPolicy" | "model" | "effort" | "summary" | "developerInstructions" | "baseInstructions"
>;

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
  };
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

/** Applies the settings a submission carries (override_turn_context, user_turn, ...). Pure. */
export function applySubmission(settings: SessionSettings, submission: Submission): SessionSettings {
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
      return next;
    }
    default:
      return settings;
  }
}
