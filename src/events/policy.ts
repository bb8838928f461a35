/** Approval and sandbox policy values, with Codex's wire spellings (codex-core.md §4.2). */
import { z } from "zod";

export const AskForApproval = z.union([
  z.enum(["untrusted", "on-failure", "on-request", "never"]),
  z.looseObject({ granular: z.looseObject({}) }),
]);
export type AskForApproval = z.infer<typeof AskForApproval>;

export const SandboxMode = z.enum(["read-only", "workspace-write", "danger-full-access"]);
export type SandboxMode = z.infer<typeof SandboxMode>;

export const SandboxPolicy = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("danger-full-access") }),
  z.looseObject({ type: z.literal("read-only"), network_access: z.boolean().optional() }),
  z.looseObject({ type: z.literal("external-sandbox"), network_access: z.enum(["restricted", "enabled"]).optional() }),
  z.looseObject({
    type: z.literal("workspace-write"),
    writable_roots: z.array(z.string()).optional(),
    network_access: z.boolean().optional(),
    exclude_tmpdir_env_var: z.boolean().optional(),
    exclude_slash_tmp: z.boolean().optional(),
  }),
]);
export type SandboxPolicy = z.infer<typeof SandboxPolicy>;

/**
 * The confinement a host gives commands (Loom's): bubblewrap at `path`, or none and why. A session
 * reports the one in force in `session_configured.sandbox`; a turn's approvals read the host's.
 */
export const PlatformSandbox = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("bubblewrap"), path: z.string() }),
  z.looseObject({ type: z.literal("none"), reason: z.string() }),
]);
export type PlatformSandbox = z.infer<typeof PlatformSandbox>;

export const ReviewDecision = z.union([
  z.enum(["approved", "approved_for_session", "denied", "timed_out", "abort"]),
  z.looseObject({
    approved_execpolicy_amendment: z.looseObject({ proposed_execpolicy_amendment: z.array(z.string()) }),
  }),
  z.looseObject({
    network_policy_amendment: z.looseObject({
      network_policy_amendment: z.looseObject({ host: z.string(), action: z.enum(["allow", "deny"]) }),
    }),
  }),
]);
export type ReviewDecision = z.infer<typeof ReviewDecision>;

export const ReasoningEffort = z.enum(["none", "minimal", "low", "medium", "high", "xhigh"]);
export type ReasoningEffort = z.infer<typeof ReasoningEffort>;

export const ReasoningSummary = z.enum(["auto", "concise", "detailed", "none"]);
export type ReasoningSummary = z.infer<typeof ReasoningSummary>;
