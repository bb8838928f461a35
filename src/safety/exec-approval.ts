/**
 * Whether a shell command may run, must be approved, or is forbidden (Codex
 * `exec_policy.rs::create_exec_approval_requirement_for_command` with no `.rules` files loaded,
 * so every command takes the "unmatched" heuristics of `render_decision_for_unmatched_command`).
 *
 * Codex's special case for a host without a sandbox (its Windows branch, where a restricted policy
 * is not enforced) applies wherever Loom finds no sandbox: `noSandbox` says so, and then every
 * command that is not known-safe needs an approval, or is refused under `never`.
 */
import type { AskForApproval, SandboxPolicy } from "../events/index.js";
import { approvalKeyForCommand } from "./approval-keys.js";
import { parseBashLcHeredocPrefix, parseBashLcPlainCommands } from "./bash.js";
import { isDangerousCommand } from "./dangerous-command.js";
import {
  approvalPolicyDebug,
  fileSystemKind,
  granularAllowsSandboxApproval,
  granularConfig,
  type SandboxPermissions,
} from "./policy.js";
import { isKnownSafeCommand } from "./safe-command.js";
import { shlexTryJoin } from "./shlex.js";

export type ExecApprovalRequirement =
  | {
      type: "skip";
      /** Run outside the sandbox on the first attempt (only an explicit allow rule grants it). */
      bypassSandbox: boolean;
      /** The user already answered `approved_for_session` for this key: no prompt, no re-ask. */
      alreadyApproved?: boolean;
      proposedExecpolicyAmendment?: string[];
    }
  | {
      type: "needs_approval";
      /** Shown in `exec_approval_request.reason`: the model's justification, if any. */
      reason?: string;
      /** A prefix the user may approve for good (`approved_execpolicy_amendment`). */
      proposedExecpolicyAmendment?: string[];
    }
  | { type: "forbidden"; reason: string };

export interface ExecApprovalInput {
  command: readonly string[];
  approvalPolicy: AskForApproval;
  sandboxPolicy: SandboxPolicy;
  sandboxPermissions?: SandboxPermissions;
  /** The model's suggested `prefix_rule` argument. */
  prefixRule?: readonly string[] | null;
  /** The model's `justification` argument, used as the prompt's reason. */
  justification?: string | null;
  /** Where the command runs; part of the session approval key. */
  cwd?: string | null;
  /** Keys (see approvalKeyForCommand) the user approved for the session. */
  approvedForSession?: ReadonlySet<string>;
  /**
   * Why no sandbox can enforce this (restricted) policy on this host, when none can: Codex's
   * `SandboxType::None`. Absent or null: the platform sandbox confines the command.
   */
  noSandbox?: string | null;
}

type Decision = "allow" | "prompt" | "forbidden";
const RANK: Record<Decision, number> = { allow: 0, prompt: 1, forbidden: 2 };

const PROMPT_CONFLICT_REASON = "approval required by policy, but AskForApproval is set to Never";
const REJECT_SANDBOX_APPROVAL_REASON =
  "approval required by policy, but AskForApproval::Granular.sandbox_approval is false";

// Prefixes too broad to remember as "always allow" (they would allow any program).
const BANNED_PREFIX_SUGGESTIONS: readonly string[][] = [
  ["python3"], ["python3", "-"], ["python3", "-c"], ["python"], ["python", "-"], ["python", "-c"],
  ["py"], ["py", "-3"], ["pythonw"], ["pyw"], ["pypy"], ["pypy3"], ["git"], ["bash"], ["bash", "-lc"],
  ["sh"], ["sh", "-c"], ["sh", "-lc"], ["zsh"], ["zsh", "-lc"], ["/bin/zsh"], ["/bin/zsh", "-lc"],
  ["/bin/bash"], ["/bin/bash", "-lc"], ["pwsh"], ["pwsh", "-Command"], ["pwsh", "-c"], ["powershell"],
  ["powershell", "-Command"], ["powershell", "-c"], ["powershell.exe"], ["powershell.exe", "-Command"],
  ["powershell.exe", "-c"], ["env"], ["sudo"], ["node"], ["node", "-e"], ["perl"], ["perl", "-e"],
  ["ruby"], ["ruby", "-e"], ["php"], ["php", "-r"], ["lua"], ["lua", "-e"], ["osascript"],
];

/** The decision for one command that no execpolicy rule matches. */
export function renderDecisionForUnmatchedCommand(
  command: readonly string[],
  approvalPolicy: AskForApproval,
  sandboxPolicy: SandboxPolicy,
  sandboxPermissions: SandboxPermissions,
  usedComplexParsing: boolean,
  environmentLacksSandbox = false,
): Decision {
  if (isKnownSafeCommand(command) && !usedComplexParsing) return "allow";
  // Dangerous, or nothing would contain it: never run without a person saying so.
  if (isDangerousCommand(command) || environmentLacksSandbox) {
    if (approvalPolicy === "never") {
      // With prompts disabled a dangerous command is refused, unless the user switched the
      // sandbox off entirely and so accepted whatever runs.
      const sandboxDisabled = sandboxPolicy.type === "danger-full-access" || sandboxPolicy.type === "external-sandbox";
      return sandboxDisabled ? "allow" : "forbidden";
    }
    return "prompt";
  }
  if (approvalPolicy === "never" || approvalPolicy === "on-failure") return "allow"; // the sandbox protects
  if (approvalPolicy === "untrusted") return "prompt";
  // on-request and granular: unrestricted filesystems just run; restricted ones prompt only when
  // the model asked to leave the sandbox.
  if (fileSystemKind(sandboxPolicy) !== "restricted") return "allow";
  return sandboxPermissions === "use_default" ? "allow" : "prompt";
}

/** The commands Codex evaluates for argv, and whether the heredoc fallback produced them. */
export function commandsForExecPolicy(argv: readonly string[]): { commands: string[][]; complex: boolean } {
  const plain = parseBashLcPlainCommands(argv);
  if (plain !== null && plain.length > 0) return { commands: plain, complex: false };
  const heredoc = parseBashLcHeredocPrefix(argv);
  if (heredoc !== null) return { commands: [heredoc], complex: true };
  return { commands: [[...argv]], complex: false };
}

export function execApprovalRequirement(input: ExecApprovalInput): ExecApprovalRequirement {
  const { approvalPolicy, sandboxPolicy } = input;
  const sandboxPermissions = input.sandboxPermissions ?? "use_default";
  const { commands, complex } = commandsForExecPolicy(input.command);
  const lacksSandbox = Boolean(input.noSandbox) && fileSystemKind(sandboxPolicy) === "restricted";
  const decide = (cmd: readonly string[]) =>
    renderDecisionForUnmatchedCommand(cmd, approvalPolicy, sandboxPolicy, sandboxPermissions, complex, lacksSandbox);
  const decisions = commands.map(decide);
  const overall = decisions.reduce<Decision>((a, b) => (RANK[b] > RANK[a] ? b : a), "allow");
  // Only the missing sandbox made it ask: the person (or the refusal) is told so.
  const becauseNoSandbox = lacksSandbox && !commands.some((cmd) => isDangerousCommand(cmd));

  switch (overall) {
    case "forbidden":
      if (becauseNoSandbox) {
        return {
          type: "forbidden",
          reason: `\`${renderCommand(input.command)}\` rejected: no sandbox can contain it here (${input.noSandbox}) and approval policy is never, so it cannot be approved`,
        };
      }
      return { type: "forbidden", reason: `\`${renderCommand(input.command)}\` rejected: blocked by policy` };
    case "prompt": {
      // An unmatched prompt is a sandbox prompt, which granular configs may switch off.
      if (approvalPolicy === "never") return { type: "forbidden", reason: PROMPT_CONFLICT_REASON };
      if (granularConfig(approvalPolicy) !== null && !granularAllowsSandboxApproval(approvalPolicy)) {
        return { type: "forbidden", reason: REJECT_SANDBOX_APPROVAL_REASON };
      }
      const key = approvalKeyForCommand(input.command, { cwd: input.cwd, sandboxPermissions });
      if (input.approvedForSession?.has(key)) return { type: "skip", bypassSandbox: false, alreadyApproved: true };
      const amendment =
        requestedAmendment(input.prefixRule, commands, decide) ??
        (complex ? undefined : commands[decisions.indexOf("prompt")]);
      const reason = input.justification || (becauseNoSandbox ? `no sandbox can contain this command here (${input.noSandbox}): approve to run it unconfined` : undefined);
      return {
        type: "needs_approval",
        ...(reason ? { reason } : {}),
        ...(amendment ? { proposedExecpolicyAmendment: amendment } : {}),
      };
    }
    case "allow": {
      const amendment = complex ? undefined : commands[decisions.indexOf("allow")];
      return { type: "skip", bypassSandbox: false, ...(amendment ? { proposedExecpolicyAmendment: amendment } : {}) };
    }
  }
}

// The model's `prefix_rule` becomes the proposed amendment only when allowing that prefix would
// let every command of this call run.
function requestedAmendment(
  prefixRule: readonly string[] | null | undefined,
  commands: string[][],
  decide: (cmd: readonly string[]) => Decision,
): string[] | undefined {
  if (!prefixRule || prefixRule.length === 0) return undefined;
  if (BANNED_PREFIX_SUGGESTIONS.some((banned) => sameWords(banned, prefixRule))) return undefined;
  const allowedByPrefix = (cmd: string[]) =>
    cmd.length >= prefixRule.length && sameWords(cmd.slice(0, prefixRule.length), prefixRule);
  return commands.every((cmd) => allowedByPrefix(cmd) || decide(cmd) === "allow") ? [...prefixRule] : undefined;
}

function sameWords(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((w, i) => w === b[i]);
}

function renderCommand(argv: readonly string[]): string {
  return shlexTryJoin(argv) ?? argv.join(" ");
}

/**
 * Whether a command the sandbox denied may be retried outside it after asking (Codex
 * `wants_no_sandbox_approval`): under `on-failure` and `untrusted`, and granular configs that allow
 * sandbox prompts. Under `never` and `on-request` the denial goes back to the model.
 */
export function wantsNoSandboxApproval(approvalPolicy: AskForApproval): boolean {
  if (approvalPolicy === "on-failure" || approvalPolicy === "untrusted") return true;
  if (granularConfig(approvalPolicy) !== null) return granularAllowsSandboxApproval(approvalPolicy);
  return false;
}

/**
 * Codex's default when a tool has no command-specific rule (`default_exec_approval_requirement`):
 * `never`/`on-failure` skip, `on-request`/granular ask only under a restricted filesystem,
 * `untrusted` always asks.
 */
export function defaultExecApprovalRequirement(
  approvalPolicy: AskForApproval,
  sandboxPolicy: SandboxPolicy,
): ExecApprovalRequirement {
  let needsApproval: boolean;
  if (approvalPolicy === "never" || approvalPolicy === "on-failure") needsApproval = false;
  else if (approvalPolicy === "untrusted") needsApproval = true;
  else needsApproval = fileSystemKind(sandboxPolicy) === "restricted";
  if (needsApproval && granularConfig(approvalPolicy) !== null && !granularAllowsSandboxApproval(approvalPolicy)) {
    return { type: "forbidden", reason: "approval policy disallowed sandbox approval prompt" };
  }
  return needsApproval ? { type: "needs_approval" } : { type: "skip", bypassSandbox: false };
}

/**
 * The shell handler's checks on the call's own permission request, made before anything is
 * announced (no exec_command_begin): the message to return to the model as a failed tool
 * output, or null. Loom has no `exec_permission_approvals` feature, so extra permissions are
 * always refused, and escalation may only be asked for under `on-request`.
 */
export function checkSandboxPermissionsRequest(input: {
  approvalPolicy: AskForApproval;
  sandboxPermissions?: SandboxPermissions;
  hasAdditionalPermissions?: boolean;
}): string | null {
  const permissions = input.sandboxPermissions ?? "use_default";
  if (permissions === "with_additional_permissions" || input.hasAdditionalPermissions) {
    return "additional permissions are disabled; enable `features.exec_permission_approvals` before using `with_additional_permissions`";
  }
  if (permissions === "require_escalated" && input.approvalPolicy !== "on-request") {
    const policy = approvalPolicyDebug(input.approvalPolicy);
    return `approval policy is ${policy}; reject command — you should not ask for escalated permissions if the approval policy is ${policy}`;
  }
  return null;
}
