/**
 * Whether a shell command may run, must be approved, or is forbidden (Codex
 * `exec_policy.rs::create_exec_approval_requirement_for_command`): the exec policy's `.rules` are
 * evaluated first, for every command of a plain `bash -lc` script, and only commands no rule matches
 * take the heuristics of `render_decision_for_unmatched_command`; the strictest decision wins.
 *
 * Codex's special case for a host without a sandbox (its Windows branch, where a restricted policy
 * is not enforced) applies wherever Loom finds no sandbox: `noSandbox` says so, and then every
 * command that is not known-safe needs an approval, or is refused under `never`.
 */
import type { AskForApproval, SandboxPolicy } from "../events/index.js";
import { isPolicyMatch, matchDecision, Policy, type Decision, type Evaluation, type RuleMatch } from "../execpolicy/index.js";
import { approvalKeyForCommand } from "./approval-keys.js";
import { bashLcScriptHasGlob, parseBashLcHeredocPrefix, parseBashLcPlainCommands } from "./bash.js";
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
  /** The thread's `.rules` (none: every command takes the heuristics). */
  execPolicy?: Policy;
}

const PROMPT_CONFLICT_REASON = "approval required by policy, but AskForApproval is set to Never";
const REJECT_SANDBOX_APPROVAL_REASON =
  "approval required by policy, but AskForApproval::Granular.sandbox_approval is false";
const REJECT_RULES_APPROVAL_REASON = "approval required by policy rule, but AskForApproval::Granular.rules is false";
const EMPTY_POLICY = Policy.empty();
const MATCH_OPTIONS = { resolveHostExecutables: true };

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
  const policy = input.execPolicy ?? EMPTY_POLICY;
  const sandboxPermissions = input.sandboxPermissions ?? "use_default";
  const { commands, complex } = commandsForExecPolicy(input.command);
  const lacksSandbox = Boolean(input.noSandbox) && fileSystemKind(sandboxPolicy) === "restricted";
  // Loom: a script whose words a glob may expand proves nothing known-safe (`git diff *` may become `--output=FILE`).
  const unprovable = complex || bashLcScriptHasGlob(input.command);
  const fallback = (cmd: readonly string[]) =>
    renderDecisionForUnmatchedCommand(cmd, approvalPolicy, sandboxPolicy, sandboxPermissions, unprovable, lacksSandbox);
  const evaluation = policy.checkMultiple(commands, fallback, MATCH_OPTIONS);
  const ruleMatched = evaluation.matchedRules.some(isPolicyMatch);
  // Only the missing sandbox made it ask: the person (or the refusal) is told so.
  const becauseNoSandbox = lacksSandbox && !ruleMatched && !commands.some((cmd) => isDangerousCommand(cmd));
  const requested = requestedAmendment(input.prefixRule, evaluation.matchedRules, policy, commands, fallback);

  switch (evaluation.decision) {
    case "forbidden":
      if (becauseNoSandbox) {
        return {
          type: "forbidden",
          reason: `\`${renderCommand(input.command)}\` rejected: no sandbox can contain it here (${input.noSandbox}) and approval policy is never, so it cannot be approved`,
        };
      }
      return { type: "forbidden", reason: forbiddenReason(input.command, evaluation) };
    case "prompt": {
      const promptIsRule = evaluation.matchedRules.some((m) => isPolicyMatch(m) && matchDecision(m) === "prompt");
      const rejected = promptRejectedByPolicy(approvalPolicy, promptIsRule);
      if (rejected !== null) return { type: "forbidden", reason: rejected };
      const key = approvalKeyForCommand(input.command, { cwd: input.cwd, sandboxPermissions });
      if (input.approvedForSession?.has(key)) return { type: "skip", bypassSandbox: false, alreadyApproved: true };
      const amendment = requested ?? (complex ? undefined : amendmentForPrompt(evaluation.matchedRules));
      const reason =
        promptReason(input.command, evaluation) ??
        (input.justification || (becauseNoSandbox ? `no sandbox can contain this command here (${input.noSandbox}): approve to run it unconfined` : undefined));
      return {
        type: "needs_approval",
        ...(reason ? { reason } : {}),
        ...(amendment ? { proposedExecpolicyAmendment: amendment } : {}),
      };
    }
    case "allow": {
      // Outside the sandbox only when an explicit allow rule covers every command of the call.
      const bypassSandbox = commands.every((cmd) =>
        policy.matchesFor(cmd, undefined, MATCH_OPTIONS).some((m) => isPolicyMatch(m) && matchDecision(m) === "allow"),
      );
      const amendment = complex || ruleMatched ? undefined : heuristicsCommand(evaluation.matchedRules, "allow");
      return { type: "skip", bypassSandbox, ...(amendment ? { proposedExecpolicyAmendment: amendment } : {}) };
    }
  }
}

/** Codex `prompt_is_rejected_by_policy`: `never` refuses every prompt; granular per category. */
function promptRejectedByPolicy(approvalPolicy: AskForApproval, promptIsRule: boolean): string | null {
  if (approvalPolicy === "never") return PROMPT_CONFLICT_REASON;
  const granular = granularConfig(approvalPolicy);
  if (granular === null) return null;
  if (promptIsRule) return granular.rules === true ? null : REJECT_RULES_APPROVAL_REASON;
  return granularAllowsSandboxApproval(approvalPolicy) ? null : REJECT_SANDBOX_APPROVAL_REASON;
}

/** `try_derive_execpolicy_amendment_for_prompt_rules`: none while a rule itself prompts. */
function amendmentForPrompt(matches: readonly RuleMatch[]): string[] | undefined {
  if (matches.some((m) => isPolicyMatch(m) && matchDecision(m) === "prompt")) return undefined;
  return heuristicsCommand(matches, "prompt");
}

function heuristicsCommand(matches: readonly RuleMatch[], decision: Decision): string[] | undefined {
  for (const m of matches) {
    if ("heuristicsRuleMatch" in m && m.heuristicsRuleMatch.decision === decision) return [...m.heuristicsRuleMatch.command];
  }
  return undefined;
}

// The longest matching prefix with this decision: its justification, or null when it has none.
function mostSpecific(evaluation: Evaluation, decision: Decision) {
  let best: { prefix: string[]; justification?: string } | undefined;
  for (const m of evaluation.matchedRules) {
    if (!("prefixRuleMatch" in m) || m.prefixRuleMatch.decision !== decision) continue;
    if (best === undefined || m.prefixRuleMatch.matchedPrefix.length > best.prefix.length) {
      best = { prefix: m.prefixRuleMatch.matchedPrefix, justification: m.prefixRuleMatch.justification };
    }
  }
  return best;
}

/** Codex `derive_prompt_reason`: only a prompt rule gives the request a reason. */
function promptReason(command: readonly string[], evaluation: Evaluation): string | undefined {
  const rule = mostSpecific(evaluation, "prompt");
  if (rule === undefined) return undefined;
  const rendered = renderCommand(command);
  return rule.justification !== undefined ? `\`${rendered}\` requires approval: ${rule.justification}` : `\`${rendered}\` requires approval by policy`;
}

/** Codex `derive_forbidden_reason`: the most specific forbidding rule's justification. */
function forbiddenReason(command: readonly string[], evaluation: Evaluation): string {
  const rendered = renderCommand(command);
  const rule = mostSpecific(evaluation, "forbidden");
  if (rule === undefined) return `\`${rendered}\` rejected: blocked by policy`;
  if (rule.justification !== undefined) return `\`${rendered}\` rejected: ${rule.justification}`;
  return `\`${rendered}\` rejected: policy forbids commands starting with \`${renderCommand(rule.prefix)}\``;
}

// The model's `prefix_rule` becomes the proposed amendment only when no rule matched already and
// allowing that prefix would let every command of this call run
// (`derive_requested_execpolicy_amendment_from_prefix_rule`).
function requestedAmendment(
  prefixRule: readonly string[] | null | undefined,
  matches: readonly RuleMatch[],
  policy: Policy,
  commands: string[][],
  fallback: (cmd: readonly string[]) => Decision,
): string[] | undefined {
  if (!prefixRule || prefixRule.length === 0) return undefined;
  if (BANNED_PREFIX_SUGGESTIONS.some((banned) => sameWords(banned, prefixRule))) return undefined;
  if (matches.some(isPolicyMatch)) return undefined;
  const amended = policy.withPrefixRule(prefixRule, "allow");
  const approvesAll = commands.every((cmd) => amended.checkMultiple([cmd], fallback, MATCH_OPTIONS).decision === "allow");
  return approvesAll ? [...prefixRule] : undefined;
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
