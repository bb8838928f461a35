// Codex's approval decisions, case by case. Each case is named after the Codex test or
// approvals.rs scenario it comes from, so a divergence points at the behaviour it breaks.
// Scenarios run commands the way Codex's shell_command tool does on a bash user shell:
// ["/bin/bash", "-lc", <script>]. Outcomes after a sandbox denial (on-failure retries) are out of
// scope here: these rules decide the first attempt.
import { describe, expect, it } from "vitest";
import type { AskForApproval, SandboxPolicy } from "../../src/events/index.js";
import {
  approvalKeyForCommand,
  approvalKeyForPatch,
  canonicalizeCommandForApproval,
  checkSandboxPermissionsRequest,
  execApprovalRequirement,
  isDangerousCommand,
  isKnownSafeCommand,
  patchSafety,
  type ExecApprovalInput,
  type PatchSafetyInput,
} from "../../src/safety/index.js";

const DFA: SandboxPolicy = { type: "danger-full-access" };
const RO: SandboxPolicy = { type: "read-only" };
const WW: SandboxPolicy = { type: "workspace-write" };
const EXT: SandboxPolicy = { type: "external-sandbox" };
const WW_ONLY_CWD: SandboxPolicy = { type: "workspace-write", exclude_slash_tmp: true, exclude_tmpdir_env_var: true };
const granular = (sandbox_approval: boolean): AskForApproval => ({
  granular: { sandbox_approval, rules: true, skill_approval: true, request_permissions: true, mcp_elicitations: true },
});
const sh = (script: string) => ["/bin/bash", "-lc", script];
const PY_WRITE = sh(`python3 -c "open('/elsewhere/out.txt', 'w').write('x')"`);

describe("isKnownSafeCommand (is_safe_command.rs)", () => {
  it.each<[string, string[], boolean]>([
    ["known_safe_examples: ls", ["ls"], true],
    ["known_safe_examples: git status", ["git", "status"], true],
    ["known_safe_examples: git branch --show-current", ["git", "branch", "--show-current"], true],
    ["known_safe_examples: sed -n 1,5p", ["sed", "-n", "1,5p", "file.txt"], true],
    ["known_safe_examples: nl -nrz", ["nl", "-nrz", "Cargo.toml"], true],
    ["known_safe_examples: find without unsafe options", ["find", ".", "-name", "file.txt"], true],
    ["known_safe_examples: numfmt and tac on Linux", ["tac", "Cargo.toml"], true],
    ["git_branch_mutating_flags_are_not_safe: -d", ["git", "branch", "-d", "feature"], false],
    ["git_branch_mutating_flags_are_not_safe: new branch", ["git", "branch", "new-branch"], false],
    // Codex says safe; Loom asks: `-C DIR` applies DIR's config and hooks (issue 12).
    ["git_branch_global_options_respect_safety_rules: -C . (Loom: not safe)", ["git", "-C", ".", "branch", "--show-current"], false],
    ["git_first_positional_is_the_subcommand", ["git", "checkout", "status"], false],
    ["git_output_flags_are_not_safe", ["git", "log", "--output=/tmp/git-log-out-test", "-n", "1"], false],
    ["git_global_override_flags_are_not_safe: -c", ["git", "-c", "core.pager=cat", "log", "-n", "1"], false],
    ["git_global_override_flags_are_not_safe: --git-dir", ["git", "--git-dir=.evil-git", "diff", "HEAD~1..HEAD"], false],
    ["cargo_check_is_not_safe", ["cargo", "check"], false],
    ["zsh_lc_safe_command_sequence", ["zsh", "-lc", "ls"], true],
    ["unknown_or_partial: git fetch", ["git", "fetch"], false],
    ["unknown_or_partial: sed -n xp", ["sed", "-n", "xp", "file.txt"], false],
    ["unknown_or_partial: find -exec", ["find", ".", "-name", "file.txt", "-exec", "rm", "{}", ";"], false],
    ["unknown_or_partial: find -delete", ["find", ".", "-delete", "-name", "file.txt"], false],
    ["base64_output_options_are_unsafe", ["base64", "-ob64.txt"], false],
    ["ripgrep_rules: safe", ["rg", "Cargo.toml", "-n"], true],
    ["ripgrep_rules: --pre", ["rg", "--pre=pwned", "files"], false],
    ["ripgrep_rules: -z", ["rg", "-z", "files"], false],
    ["bash_lc_safe_examples: grep -R", ["bash", "-lc", 'grep -R "Cargo.toml" -n'], true],
    ["bash_lc_safe_examples: quoted sed range", ["bash", "-lc", "sed -n '1,5p' file.txt"], true],
    ["bash_lc_safe_examples_with_operators: || true", ["bash", "-lc", 'grep -R "Cargo.toml" -n || true'], true],
    ["bash_lc_safe_examples_with_operators: pipe", ["bash", "-lc", "ls | wc -l"], true],
    ["bash_lc_unsafe_examples: four args", ["bash", "-lc", "git", "status"], false],
    ["bash_lc_unsafe_examples: quoted program name", ["bash", "-lc", "'git status'"], false],
    ["bash_lc_unsafe_examples: find -delete", ["bash", "-lc", "find . -name file.txt -delete"], false],
    ["bash_lc_unsafe_examples: unsafe command in sequence", ["bash", "-lc", "ls && rm -rf /"], false],
    ["bash_lc_unsafe_examples: subshell", ["bash", "-lc", "(ls)"], false],
    ["bash_lc_unsafe_examples: redirection", ["bash", "-lc", "ls > out.txt"], false],
  ])("%s", (_name, argv, expected) => {
    expect(isKnownSafeCommand(argv)).toBe(expected);
  });
});

describe("isDangerousCommand (is_dangerous_command.rs)", () => {
  it.each<[string, string[], boolean]>([
    ["rm_rf_is_dangerous", ["rm", "-rf", "/"], true],
    ["rm_f_is_dangerous", ["rm", "-f", "/"], true],
    ["sudo rm -rf checks the wrapped command", ["sudo", "rm", "-rf", "/tmp/x"], true],
    ["bash -lc sequence containing rm -rf", ["bash", "-lc", "ls && rm -rf /tmp/x"], true],
    ["plain rm is not flagged", ["rm", "file.txt"], false],
    ["rm -rf hidden behind a substitution is not parsed", ["bash", "-lc", "echo $(rm -rf /)"], false],
  ])("%s", (_name, argv, expected) => {
    expect(isDangerousCommand(argv)).toBe(expected);
  });
});

type ExecCase = [string, Omit<ExecApprovalInput, "approvedForSession">, Record<string, unknown>];

describe("execApprovalRequirement: approvals.rs scenario matrix (first attempt)", () => {
  it.each<ExecCase>([
    ["danger_full_access_on_request_allows_outside_write", { command: PY_WRITE, approvalPolicy: "on-request", sandboxPolicy: DFA }, { type: "skip" }],
    ["danger_full_access_on_failure_allows_outside_write", { command: PY_WRITE, approvalPolicy: "on-failure", sandboxPolicy: DFA }, { type: "skip" }],
    ["danger_full_access_unless_trusted_requests_approval", { command: PY_WRITE, approvalPolicy: "untrusted", sandboxPolicy: DFA }, { type: "needs_approval" }],
    ["danger_full_access_never_allows_outside_write", { command: PY_WRITE, approvalPolicy: "never", sandboxPolicy: DFA }, { type: "skip" }],
    ["trusted_command_unless_trusted_runs_without_prompt", { command: sh("echo trusted-unless"), approvalPolicy: "untrusted", sandboxPolicy: DFA }, { type: "skip" }],
    ["cat_redirect_unless_trusted_requires_approval", { command: sh('cat < "hello" > /var/test.txt'), approvalPolicy: "untrusted", sandboxPolicy: WW }, { type: "needs_approval" }],
    ["cat_redirect_on_request_requires_approval", { command: sh('cat < "hello" > /var/test.txt'), approvalPolicy: "on-request", sandboxPolicy: WW, sandboxPermissions: "require_escalated" }, { type: "needs_approval" }],
    ["read_only_on_request_requires_approval", { command: PY_WRITE, approvalPolicy: "on-request", sandboxPolicy: RO, sandboxPermissions: "require_escalated" }, { type: "needs_approval" }],
    ["trusted_command_on_request_read_only_runs_without_prompt", { command: sh("echo trusted-read-only"), approvalPolicy: "on-request", sandboxPolicy: RO }, { type: "skip" }],
    ["read_only_on_request_blocks_network (no prompt; the sandbox refuses)", { command: sh("curl -s http://127.0.0.1:9/"), approvalPolicy: "on-request", sandboxPolicy: RO }, { type: "skip" }],
    ["read_only_on_failure_escalates_after_sandbox_error (first attempt runs)", { command: PY_WRITE, approvalPolicy: "on-failure", sandboxPolicy: RO }, { type: "skip" }],
    ["read_only_unless_trusted_requires_approval", { command: PY_WRITE, approvalPolicy: "untrusted", sandboxPolicy: RO }, { type: "needs_approval" }],
    ["read_only_never_reports_sandbox_failure (runs, sandbox refuses)", { command: PY_WRITE, approvalPolicy: "never", sandboxPolicy: RO }, { type: "skip" }],
    ["trusted_command_never_runs_without_prompt", { command: sh("echo trusted-never"), approvalPolicy: "never", sandboxPolicy: RO }, { type: "skip" }],
    ["workspace_write_on_request_allows_workspace_write", { command: PY_WRITE, approvalPolicy: "on-request", sandboxPolicy: WW }, { type: "skip" }],
    ["workspace_write_on_request_requires_approval_outside_workspace", { command: PY_WRITE, approvalPolicy: "on-request", sandboxPolicy: WW, sandboxPermissions: "require_escalated" }, { type: "needs_approval" }],
    ["workspace_write_on_failure_escalates_outside_workspace (first attempt runs)", { command: PY_WRITE, approvalPolicy: "on-failure", sandboxPolicy: WW }, { type: "skip" }],
    ["workspace_write_unless_trusted_requires_approval_outside_workspace", { command: PY_WRITE, approvalPolicy: "untrusted", sandboxPolicy: WW }, { type: "needs_approval" }],
    ["workspace_write_never_blocks_outside_workspace (runs, sandbox refuses)", { command: PY_WRITE, approvalPolicy: "never", sandboxPolicy: WW }, { type: "skip" }],
    ["unified exec on request no approval for safe command", { command: sh('echo "hello unified exec"'), approvalPolicy: "on-request", sandboxPolicy: DFA }, { type: "skip" }],
    ["unified exec on request requires approval unless trusted", { command: sh("git reset --hard"), approvalPolicy: "untrusted", sandboxPolicy: DFA }, { type: "needs_approval" }],
    [
      "compound_command_with_one_safe_command_still_requires_approval",
      { command: sh("touch ./test.txt && rm ./test.txt"), approvalPolicy: "untrusted", sandboxPolicy: WW },
      { type: "needs_approval", proposedExecpolicyAmendment: ["touch", "./test.txt"] },
    ],
    [
      "compound command with one safe command (escalated, on-request)",
      { command: sh("cat ./one.txt && touch ./two.txt"), approvalPolicy: "on-request", sandboxPolicy: WW, sandboxPermissions: "require_escalated" },
      { type: "needs_approval", proposedExecpolicyAmendment: ["touch", "./two.txt"] },
    ],
  ])("%s", (_name, input, expected) => {
    expect(execApprovalRequirement(input)).toMatchObject(expected);
  });
});

describe("execApprovalRequirement: exec_policy_tests.rs (exact)", () => {
  it.each<ExecCase>([
    ["exec_approval_requirement_falls_back_to_heuristics", { command: ["cargo", "build"], approvalPolicy: "untrusted", sandboxPolicy: RO }, { type: "needs_approval", proposedExecpolicyAmendment: ["cargo", "build"] }],
    ["empty_bash_lc_script_falls_back_to_original_command", { command: ["bash", "-lc", ""], approvalPolicy: "untrusted", sandboxPolicy: RO }, { type: "needs_approval", proposedExecpolicyAmendment: ["bash", "-lc", ""] }],
    ["whitespace_bash_lc_script_falls_back_to_original_command", { command: ["bash", "-lc", "  \n\t  "], approvalPolicy: "untrusted", sandboxPolicy: RO }, { type: "needs_approval", proposedExecpolicyAmendment: ["bash", "-lc", "  \n\t  "] }],
    ["proposed_execpolicy_amendment_is_present_for_multi_command_scripts", { command: ["bash", "-lc", "cargo build && echo ok"], approvalPolicy: "untrusted", sandboxPolicy: RO }, { type: "needs_approval", proposedExecpolicyAmendment: ["cargo", "build"] }],
    ["proposed_execpolicy_amendment_is_present_when_heuristics_allow", { command: ["echo", "safe"], approvalPolicy: "on-request", sandboxPolicy: RO }, { type: "skip", bypassSandbox: false, proposedExecpolicyAmendment: ["echo", "safe"] }],
    ["request_rule_uses_prefix_rule", { command: ["cargo", "install", "cargo-insta"], approvalPolicy: "on-request", sandboxPolicy: RO, sandboxPermissions: "require_escalated", prefixRule: ["cargo", "install"] }, { type: "needs_approval", proposedExecpolicyAmendment: ["cargo", "install"] }],
    ["request_rule_falls_back_when_prefix_rule_does_not_approve_all_commands", { command: ["bash", "-lc", "cargo install cargo-insta && rm -rf /tmp/codex"], approvalPolicy: "on-request", sandboxPolicy: DFA, sandboxPermissions: "require_escalated", prefixRule: ["cargo", "install"] }, { type: "needs_approval", proposedExecpolicyAmendment: ["rm", "-rf", "/tmp/codex"] }],
    ["derive_requested_execpolicy_amendment_returns_none_for_exact_banned_prefix_rule", { command: ["python3", "-c", "print(1)"], approvalPolicy: "untrusted", sandboxPolicy: RO, prefixRule: ["python3", "-c"] }, { type: "needs_approval", proposedExecpolicyAmendment: ["python3", "-c", "print(1)"] }],
    ["dangerous_rm_rf_requires_approval_in_danger_full_access", { command: ["rm", "-rf", "/tmp/nonexistent"], approvalPolicy: "on-request", sandboxPolicy: DFA }, { type: "needs_approval", proposedExecpolicyAmendment: ["rm", "-rf", "/tmp/nonexistent"] }],
    ["dangerous_command_allowed_when_sandbox_is_explicitly_disabled", { command: ["rm", "-rf", "/tmp/nonexistent"], approvalPolicy: "never", sandboxPolicy: EXT }, { type: "skip", bypassSandbox: false, proposedExecpolicyAmendment: ["rm", "-rf", "/tmp/nonexistent"] }],
    ["dangerous command under never with a sandbox is forbidden", { command: sh("rm -rf /tmp/x"), approvalPolicy: "never", sandboxPolicy: WW }, { type: "forbidden", reason: "`/bin/bash -lc 'rm -rf /tmp/x'` rejected: blocked by policy" }],
    ["unmatched_granular_policy_still_prompts_for_restricted_sandbox_escalation", { command: ["madeup-cmd"], approvalPolicy: granular(true), sandboxPolicy: RO, sandboxPermissions: "require_escalated" }, { type: "needs_approval", proposedExecpolicyAmendment: ["madeup-cmd"] }],
    ["exec_approval_requirement_rejects_unmatched_sandbox_escalation_when_granular_sandbox_is_disabled", { command: ["madeup-cmd"], approvalPolicy: granular(false), sandboxPolicy: RO, sandboxPermissions: "require_escalated" }, { type: "forbidden", reason: "approval required by policy, but AskForApproval::Granular.sandbox_approval is false" }],
    [
      "safe command with heredoc and redirect still requires approval (omits_auto_amendment_for_heredoc_fallback_prompts)",
      { command: sh("cat <<'EOF' > /tmp/out.txt \nhello\nEOF"), approvalPolicy: "on-request", sandboxPolicy: WW, sandboxPermissions: "require_escalated" },
      { type: "needs_approval" },
    ],
    ["justification becomes the prompt's reason", { command: ["git", "pull"], approvalPolicy: "on-request", sandboxPolicy: WW, sandboxPermissions: "require_escalated", justification: "Do you want to pull?" }, { type: "needs_approval", reason: "Do you want to pull?", proposedExecpolicyAmendment: ["git", "pull"] }],
  ])("%s", (_name, input, expected) => {
    expect(execApprovalRequirement(input)).toEqual(expected);
  });

  it("with_cached_approval: approved_for_session skips the prompt for the same command and cwd only", () => {
    const input = { command: sh("cargo test"), approvalPolicy: "untrusted" as const, sandboxPolicy: WW, cwd: "/repo" };
    const approved = new Set([approvalKeyForCommand(["bash", "-lc", "cargo   test"], { cwd: "/repo" })]);
    expect(execApprovalRequirement({ ...input, approvedForSession: approved })).toEqual({
      type: "skip",
      bypassSandbox: false,
      alreadyApproved: true,
    });
    expect(execApprovalRequirement({ ...input, cwd: "/other", approvedForSession: approved }).type).toBe("needs_approval");
  });
});

describe("checkSandboxPermissionsRequest (shell handler guard)", () => {
  it.each<[string, Parameters<typeof checkSandboxPermissionsRequest>[0], string | null]>([
    ["escalation under on-request is allowed to ask", { approvalPolicy: "on-request", sandboxPermissions: "require_escalated" }, null],
    ["escalation under untrusted is refused", { approvalPolicy: "untrusted", sandboxPermissions: "require_escalated" }, "approval policy is UnlessTrusted; reject command — you should not ask for escalated permissions if the approval policy is UnlessTrusted"],
    ["escalation under never is refused", { approvalPolicy: "never", sandboxPermissions: "require_escalated" }, "approval policy is Never; reject command — you should not ask for escalated permissions if the approval policy is Never"],
    ["additional permissions need a feature Loom lacks", { approvalPolicy: "on-request", sandboxPermissions: "with_additional_permissions" }, "additional permissions are disabled; enable `features.exec_permission_approvals` before using `with_additional_permissions`"],
    ["use_default is never refused", { approvalPolicy: "never" }, null],
  ])("%s", (_name, input, expected) => {
    expect(checkSandboxPermissionsRequest(input)).toBe(expected);
  });
});

type PatchCase = [string, Omit<PatchSafetyInput, "cwd">, Record<string, unknown>];
const CWD = "/work/repo";

describe("patchSafety (safety.rs, approvals.rs apply_patch scenarios)", () => {
  it.each<PatchCase>([
    ["apply_patch_shell_command_requires_patch_approval (untrusted)", { paths: ["apply_patch_shell.txt"], approvalPolicy: "untrusted", sandboxPolicy: WW }, { type: "ask_user" }],
    ["apply_patch_function_auto_inside_workspace (danger-full-access)", { paths: ["apply_patch_function.txt"], approvalPolicy: "on-request", sandboxPolicy: DFA }, { type: "auto_approve", userExplicitlyApproved: false }],
    ["apply_patch_function_danger_allows_outside_workspace", { paths: ["/elsewhere/danger.txt"], approvalPolicy: "on-request", sandboxPolicy: DFA }, { type: "auto_approve", userExplicitlyApproved: false }],
    ["apply_patch_function_outside_requires_patch_approval", { paths: ["/elsewhere/outside.txt"], approvalPolicy: "on-request", sandboxPolicy: WW }, { type: "ask_user" }],
    ["apply_patch_function_unless_trusted_requires_patch_approval", { paths: ["inside.txt"], approvalPolicy: "untrusted", sandboxPolicy: WW }, { type: "ask_user" }],
    ["apply_patch_function_never_rejects_outside_workspace", { paths: ["/elsewhere/never.txt"], approvalPolicy: "never", sandboxPolicy: WW }, { type: "reject", reason: "writing outside of the project; rejected by user approval settings" }],
    ["external_sandbox_auto_approves_in_on_request", { paths: ["/anywhere/x.txt"], approvalPolicy: "on-request", sandboxPolicy: EXT }, { type: "auto_approve", userExplicitlyApproved: false }],
    ["read_only_policy_rejects_patch_with_read_only_reason", { paths: ["inside.txt"], approvalPolicy: "never", sandboxPolicy: RO }, { type: "reject", reason: "writing is blocked by read-only sandbox; rejected by user approval settings" }],
    ["granular_with_all_flags_true_matches_on_request_for_out_of_root_patch", { paths: ["/elsewhere/x.txt"], approvalPolicy: granular(true), sandboxPolicy: WW_ONLY_CWD }, { type: "ask_user" }],
    ["granular_sandbox_approval_false_rejects_out_of_root_patch", { paths: ["/elsewhere/x.txt"], approvalPolicy: granular(false), sandboxPolicy: WW_ONLY_CWD }, { type: "reject", reason: "writing outside of the project; rejected by user approval settings" }],
    ["missing_project_dot_codex_config_requires_approval", { paths: [".codex/config.toml"], approvalPolicy: "on-request", sandboxPolicy: WW_ONLY_CWD, platformSandbox: true }, { type: "ask_user" }],
    ["test_writable_roots_constraint: inside with a platform sandbox", { paths: ["inner.txt"], approvalPolicy: "on-request", sandboxPolicy: WW_ONLY_CWD, platformSandbox: true }, { type: "auto_approve", userExplicitlyApproved: false }],
    ["test_writable_roots_constraint: parent added as a writable root", { paths: ["../outside.txt"], approvalPolicy: "on-request", sandboxPolicy: { type: "workspace-write", writable_roots: ["/work"], exclude_slash_tmp: true, exclude_tmpdir_env_var: true }, platformSandbox: true }, { type: "auto_approve", userExplicitlyApproved: false }],
    ["inside workspace without a platform sandbox asks (Loom default)", { paths: ["src/lib.rs"], approvalPolicy: "on-request", sandboxPolicy: WW }, { type: "ask_user" }],
    ["inside workspace under never without a platform sandbox is rejected", { paths: ["src/lib.rs"], approvalPolicy: "never", sandboxPolicy: WW }, { type: "reject", reason: "writing outside of the project; rejected by user approval settings" }],
    ["on-failure skips the writable-roots check and relies on the sandbox", { paths: ["/elsewhere/x.txt"], approvalPolicy: "on-failure", sandboxPolicy: RO, platformSandbox: true }, { type: "auto_approve", userExplicitlyApproved: false }],
    [".git stays read-only inside the workspace", { paths: [".git/config"], approvalPolicy: "on-request", sandboxPolicy: WW, platformSandbox: true }, { type: "ask_user" }],
    ["/tmp is writable under workspace-write unless excluded", { paths: ["/tmp/scratch.txt"], approvalPolicy: "on-request", sandboxPolicy: WW, platformSandbox: true }, { type: "auto_approve", userExplicitlyApproved: false }],
    ["a move destination outside the workspace is outside", { paths: ["a.txt", "../../escape.txt"], approvalPolicy: "on-request", sandboxPolicy: WW_ONLY_CWD, platformSandbox: true }, { type: "ask_user" }],
    ["empty patch", { paths: [], approvalPolicy: "on-request", sandboxPolicy: WW }, { type: "reject", reason: "empty patch" }],
  ])("%s", (_name, input, expected) => {
    expect(patchSafety({ cwd: CWD, ...input })).toEqual(expected);
  });

  it("approving_apply_patch_for_session_skips_future_prompts_for_same_file", () => {
    const input = { cwd: CWD, approvalPolicy: "on-request" as const, sandboxPolicy: WW };
    const approved = new Set([approvalKeyForPatch(`${CWD}/a.txt`)]);
    expect(patchSafety({ ...input, paths: ["a.txt"], approvedForSession: approved })).toEqual({
      type: "auto_approve",
      userExplicitlyApproved: true,
    });
    expect(patchSafety({ ...input, paths: ["a.txt", "b.txt"], approvedForSession: approved })).toEqual({ type: "ask_user" });
  });
});

describe("approval keys (command_canonicalization_tests.rs)", () => {
  it("canonicalizes_word_only_shell_scripts_to_inner_command", () => {
    const a = ["/bin/bash", "-lc", "cargo test -p codex-core"];
    const b = ["bash", "-lc", "cargo   test   -p codex-core"];
    expect(canonicalizeCommandForApproval(a)).toEqual(["cargo", "test", "-p", "codex-core"]);
    expect(approvalKeyForCommand(a, { cwd: "/r" })).toBe(approvalKeyForCommand(b, { cwd: "/r" }));
  });

  it("canonicalizes_heredoc_scripts_to_stable_script_key", () => {
    const script = "python3 <<'PY'\nprint('hello')\nPY";
    expect(canonicalizeCommandForApproval(["/bin/zsh", "-lc", script])).toEqual(["__codex_shell_script__", "-lc", script]);
    expect(approvalKeyForCommand(["/bin/zsh", "-lc", script])).toBe(approvalKeyForCommand(["zsh", "-lc", script]));
  });

  it("keys differ by cwd and by sandbox permissions", () => {
    const argv = ["cargo", "build"];
    expect(approvalKeyForCommand(argv, { cwd: "/a" })).not.toBe(approvalKeyForCommand(argv, { cwd: "/b" }));
    expect(approvalKeyForCommand(argv, { sandboxPermissions: "require_escalated" })).not.toBe(approvalKeyForCommand(argv));
  });
});
