/**
 * Which confinement a command gets (Codex `SandboxManager::select_initial`), and the no-sandbox
 * fallback: when the policy wants a sandbox the host cannot give, the command is not quietly run
 * unconfined; the approval rules are told, and decide as Codex does with `SandboxType::None`.
 */
import type { PlatformSandbox, SandboxPolicy } from "../events/index.js";
import { policyNeedsSandbox } from "./launch.js";

/**
 * Confine or not: never for a policy that confines nothing or an escalated call (the user approved
 * running it outside), else bubblewrap when the host has it.
 */
export function selectSandbox(
  policy: SandboxPolicy,
  platform: PlatformSandbox | undefined,
  options: { bypass?: boolean } = {},
): "bubblewrap" | "none" {
  if (options.bypass || !policyNeedsSandbox(policy)) return "none";
  return platform?.type === "none" ? "none" : "bubblewrap";
}

/**
 * Why commands of this policy would run unprotected here, or null when they are protected (or the
 * policy asks for no protection). A missing `platform` means the host has a sandbox.
 */
export function missingSandboxReason(policy: SandboxPolicy, platform: PlatformSandbox | undefined): string | null {
  if (!policyNeedsSandbox(policy) || platform === undefined || platform.type !== "none") return null;
  return platform.reason;
}

/** What confines a session under `policy` on this host, as `session_configured.sandbox` reports it. */
export function sandboxInForce(policy: SandboxPolicy, platform: PlatformSandbox): PlatformSandbox {
  if (policyNeedsSandbox(policy)) return platform;
  return { type: "none", reason: `the sandbox policy is ${policy.type}: commands run unconfined` };
}

/** One line for people: `loom exec`'s opening, `loom sandbox`'s errors. */
export function describeSandbox(policy: SandboxPolicy, platform: PlatformSandbox): string {
  const inForce = sandboxInForce(policy, platform);
  if (inForce.type === "bubblewrap") {
    const network = policy.type === "workspace-write" || policy.type === "read-only" ? (policy.network_access ? "network on" : "network off") : "";
    return `sandbox: ${policy.type} under bubblewrap (${inForce.path}${network ? `, ${network}` : ""})`;
  }
  if (policyNeedsSandbox(policy)) {
    return `sandbox: none (${inForce.reason}); commands the ${policy.type} sandbox would have contained need approval`;
  }
  return `sandbox: none (${inForce.reason})`;
}
