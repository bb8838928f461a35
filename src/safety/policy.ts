/**
 * Small readings of the policy values that several rules share: the filesystem sandbox kind,
 * granular approval switches, and Codex's Debug spelling of an approval policy (it appears in
 * messages the model reads).
 */
import type { AskForApproval, SandboxPolicy } from "../events/index.js";

/** How a shell tool call asks to relate to the sandbox (`sandbox_permissions` argument). */
export type SandboxPermissions = "use_default" | "require_escalated" | "with_additional_permissions";

/** Codex's `FileSystemSandboxKind` derived from a legacy `SandboxPolicy`. */
export type FileSystemKind = "restricted" | "unrestricted" | "external";

export function fileSystemKind(policy: SandboxPolicy): FileSystemKind {
  switch (policy.type) {
    case "danger-full-access":
      return "unrestricted";
    case "external-sandbox":
      return "external";
    case "read-only":
    case "workspace-write":
      return "restricted";
    default: {
      const never: never = policy;
      throw new Error(`unknown sandbox policy ${JSON.stringify(never)}`);
    }
  }
}

/** The granular configuration when the policy is `{ granular: {...} }`. */
export function granularConfig(policy: AskForApproval): Record<string, unknown> | null {
  return typeof policy === "object" && policy !== null ? (policy.granular as Record<string, unknown>) : null;
}

/** Granular `sandbox_approval`; Codex requires the field, so anything but `true` denies. */
export function granularAllowsSandboxApproval(policy: AskForApproval): boolean {
  const granular = granularConfig(policy);
  return granular !== null && granular.sandbox_approval === true;
}

/** `{approval_policy:?}` as Rust prints it: `OnRequest`, `UnlessTrusted`, `Granular(...)`. */
export function approvalPolicyDebug(policy: AskForApproval): string {
  if (typeof policy === "string") {
    switch (policy) {
      case "untrusted":
        return "UnlessTrusted";
      case "on-failure":
        return "OnFailure";
      case "on-request":
        return "OnRequest";
      case "never":
        return "Never";
    }
  }
  const g = granularConfig(policy) ?? {};
  const flag = (name: string) => `${name}: ${g[name] === true}`;
  return `Granular(GranularApprovalConfig { ${[
    flag("sandbox_approval"),
    flag("rules"),
    flag("skill_approval"),
    flag("request_permissions"),
    flag("mcp_elicitations"),
  ].join(", ")} })`;
}
