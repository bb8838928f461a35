// Exec-policy decisions through the runtime: command x approval policy x rules x cwd -> ran / asked /
// refused. Every case runs a real `shell` call (a real child process under bubblewrap) in a thread
// whose rules files this test wrote: a system folder, the data dir's rules/, a trusted project's
// .codex/rules. Each case names the Codex function its decision comes from; the "Loom:" cases are
// the holes of issue 12, where Loom is deliberately stricter than Codex 0.125.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AskForApproval, SandboxPolicy } from "../../src/events/index.js";
import { startLoom, type LoomHarness } from "../support/loom.js";
import { inputItems, textTurn, toolCallTurn } from "../support/fake-responses.js";

type Outcome = "ran" | "asked" | "refused";
type Rules = "none" | "rules";
type Cwd = "work" | "trusted" | "trusted/nested" | "untrusted";

interface Case {
  name: string;
  command: string[];
  policy: AskForApproval;
  rules: Rules;
  cwd?: Cwd;
  sandbox?: SandboxPolicy;
  permissions?: "require_escalated";
  expected: Outcome;
  /** Part of the refusal or the request's reason. */
  says?: string;
}

const WW: SandboxPolicy = { type: "workspace-write" };
const RO: SandboxPolicy = { type: "read-only" };
const DFA: SandboxPolicy = { type: "danger-full-access" };
const granular = (sandbox_approval: boolean, rules: boolean): AskForApproval => ({
  granular: { sandbox_approval, rules, skill_approval: true, request_permissions: true, mcp_elicitations: true },
});
const sh = (script: string) => ["bash", "-lc", script];

const RULES = `# the user's rules (data dir)
prefix_rule(pattern=["git", ["push", "fetch"]], decision="prompt", justification="talks to the network",
            match=["git push origin main", ["git", "fetch"]], not_match=["git pull"])
prefix_rule(pattern=["git", "reset", "--hard"], decision="forbidden", justification="Use \`git stash\` instead.")
prefix_rule(pattern=["git", "commit"])
prefix_rule(pattern=["rm"], decision="forbidden")
prefix_rule(pattern=["printf"], decision="prompt")
prefix_rule(pattern=["ls"], decision="prompt")
prefix_rule(pattern=["touch"], decision="allow", match=["touch a"], not_match=["tou"])
prefix_rule(pattern=["python3"], decision="forbidden", justification="no python here")
host_executable(name="python3", paths=["/usr/bin/python3"])
`;
const MORE_RULES = `prefix_rule(pattern=["touch", "b"], decision="prompt")\n`;
const SYSTEM_RULES = `prefix_rule(pattern=["wc"], decision="forbidden", justification="the administrator says no")\n`;
const PROJECT_RULES = `prefix_rule(pattern=["head"], decision="forbidden", justification="the project says no")\n`;

const CASES: Case[] = [
  // No rules: render_decision_for_unmatched_command (exec_policy.rs) with is_known_safe_command.
  { name: "is_known_safe_command: ls runs under untrusted", command: ["ls"], policy: "untrusted", rules: "none", expected: "ran" },
  { name: "is_known_safe_command: echo runs under untrusted", command: ["echo", "hi"], policy: "untrusted", rules: "none", expected: "ran" },
  { name: "is_known_safe_command: git status runs under untrusted", command: ["git", "status"], policy: "untrusted", rules: "none", expected: "ran" },
  { name: "is_known_safe_command: sed -n 1p runs under untrusted", command: ["sed", "-n", "1p", "in.txt"], policy: "untrusted", rules: "none", expected: "ran" },
  { name: "is_known_safe_command: uniq INPUT runs under untrusted", command: ["uniq", "in.txt"], policy: "untrusted", rules: "none", expected: "ran" },
  { name: "is_known_safe_command: plain bash -lc sequence of safe commands", command: sh("ls && pwd"), policy: "untrusted", rules: "none", expected: "ran" },
  { name: "render_decision_for_unmatched_command: unknown command asks under untrusted", command: ["touch", "x"], policy: "untrusted", rules: "none", expected: "asked" },
  { name: "render_decision_for_unmatched_command: on-request in a restricted sandbox runs", command: ["touch", "x"], policy: "on-request", rules: "none", expected: "ran" },
  { name: "render_decision_for_unmatched_command: never runs (the sandbox protects)", command: ["touch", "x"], policy: "never", rules: "none", expected: "ran" },
  { name: "render_decision_for_unmatched_command: on-failure runs first", command: ["touch", "x"], policy: "on-failure", rules: "none", expected: "ran" },
  { name: "render_decision_for_unmatched_command: read-only sandbox, on-request still runs (sandboxed)", command: ["touch", "x"], policy: "on-request", rules: "none", sandbox: RO, expected: "ran" },
  { name: "render_decision_for_unmatched_command: python under untrusted asks", command: ["python3", "-c", "pass"], policy: "untrusted", rules: "none", expected: "asked" },
  { name: "render_decision_for_unmatched_command: one unsafe command in a sequence asks", command: sh("ls && touch y"), policy: "untrusted", rules: "none", expected: "asked" },
  { name: "render_decision_for_unmatched_command: a redirection is not plain, so not known safe", command: sh("ls > out.txt"), policy: "untrusted", rules: "none", expected: "asked" },
  { name: "render_decision_for_unmatched_command: a subshell is not plain", command: sh("(ls)"), policy: "untrusted", rules: "none", expected: "asked" },
  { name: "is_known_safe_command: find -delete asks", command: ["find", ".", "-name", "nothing", "-delete"], policy: "untrusted", rules: "none", expected: "asked" },
  { name: "is_known_safe_command: git branch -d asks", command: ["git", "branch", "-d", "nope"], policy: "untrusted", rules: "none", expected: "asked" },
  { name: "is_known_safe_command: base64 -o asks", command: ["base64", "-o", "out.b64", "in.txt"], policy: "untrusted", rules: "none", expected: "asked" },
  { name: "is_known_safe_command: rg --pre asks", command: ["rg", "--pre", "sh", "x"], policy: "untrusted", rules: "none", expected: "asked" },
  { name: "command_might_be_dangerous: rm -rf asks under on-request", command: ["rm", "-rf", "sub"], policy: "on-request", rules: "none", expected: "asked" },
  { name: "command_might_be_dangerous: rm -f asks under on-failure", command: ["rm", "-f", "gone"], policy: "on-failure", rules: "none", expected: "asked" },
  { name: "command_might_be_dangerous: sudo rm -rf asks", command: ["sudo", "rm", "-rf", "sub"], policy: "on-request", rules: "none", expected: "asked" },
  { name: "command_might_be_dangerous: rm -rf inside bash -lc asks", command: sh("ls && rm -rf sub"), policy: "on-request", rules: "none", expected: "asked" },
  { name: "command_might_be_dangerous: rm -rf under never is refused", command: ["rm", "-rf", "sub"], policy: "never", rules: "none", expected: "refused", says: "rejected: blocked by policy" },
  { name: "command_might_be_dangerous: rm -rf under never with the sandbox off runs", command: ["rm", "-rf", "sub-gone"], policy: "never", rules: "none", sandbox: DFA, expected: "ran" },
  { name: "prompt_is_rejected_by_policy: granular sandbox_approval=false refuses a dangerous prompt", command: ["rm", "-rf", "sub"], policy: granular(false, true), rules: "none", expected: "refused", says: "Granular.sandbox_approval is false" },
  { name: "render_decision_for_unmatched_command: require_escalated asks under on-request", command: ["touch", "x"], policy: "on-request", rules: "none", permissions: "require_escalated", expected: "asked" },
  { name: "shell handler: require_escalated under untrusted is refused", command: ["touch", "x"], policy: "untrusted", rules: "none", permissions: "require_escalated", expected: "refused", says: "you should not ask for escalated permissions" },
  // Loom: the "known safe" commands that are not (issue 12).
  { name: "Loom (Codex is_known_safe_command says safe): uniq IN OUT writes OUT, asks", command: ["uniq", "in.txt", "out.txt"], policy: "untrusted", rules: "none", expected: "asked" },
  { name: "Loom (Codex says safe): git diff runs diff.external, asks", command: ["git", "diff"], policy: "untrusted", rules: "none", expected: "asked" },
  { name: "Loom: git diff --no-ext-diff stays known safe", command: ["git", "diff", "--no-ext-diff"], policy: "untrusted", rules: "none", expected: "ran" },
  { name: "Loom (Codex says safe): git -C DIR status runs DIR's fsmonitor, asks", command: ["git", "-C", "sub", "status"], policy: "untrusted", rules: "none", expected: "asked" },
  { name: "Loom (Codex says safe): a glob may expand into --output=, asks", command: sh("git diff --no-ext-diff *"), policy: "untrusted", rules: "none", expected: "asked" },
  { name: "Loom: a quoted star is a literal word, still safe", command: sh("echo '*'"), policy: "untrusted", rules: "none", expected: "ran" },

  // Rules: Policy::check_multiple, then create_exec_approval_requirement_for_command maps the decision.
  { name: "create_exec_approval_requirement_for_command: a prompt rule asks, with its justification", command: ["git", "push", "origin"], policy: "on-request", rules: "rules", expected: "asked", says: "`git push origin` requires approval: talks to the network" },
  { name: "PrefixPattern::matches_prefix: an alternative in the pattern matches", command: ["git", "fetch"], policy: "on-request", rules: "rules", expected: "asked", says: "talks to the network" },
  { name: "prompt_is_rejected_by_policy: a prompt rule under never is refused", command: ["git", "fetch"], policy: "never", rules: "rules", expected: "refused", says: "AskForApproval is set to Never" },
  { name: "create_exec_approval_requirement_for_command: a prompt rule asks even under on-failure", command: ["printf", "hi"], policy: "on-failure", rules: "rules", expected: "asked", says: "requires approval by policy" },
  { name: "prompt_is_rejected_by_policy: granular rules=false refuses a rule's prompt", command: ["printf", "hi"], policy: granular(true, false), rules: "rules", expected: "refused", says: "Granular.rules is false" },
  { name: "prompt_is_rejected_by_policy: granular rules=true asks although sandbox_approval=false", command: ["printf", "hi"], policy: granular(false, true), rules: "rules", expected: "asked" },
  { name: "derive_forbidden_reason: a forbidden rule refuses with its justification", command: ["git", "reset", "--hard", "HEAD"], policy: "on-request", rules: "rules", expected: "refused", says: "rejected: Use `git stash` instead." },
  { name: "derive_forbidden_reason: forbidden beats never + danger-full-access", command: ["git", "reset", "--hard"], policy: "never", rules: "rules", sandbox: DFA, expected: "refused", says: "Use `git stash` instead." },
  { name: "derive_forbidden_reason: without a justification the prefix is named", command: ["rm", "file.txt"], policy: "untrusted", rules: "rules", expected: "refused", says: "policy forbids commands starting with `rm`" },
  { name: "check_multiple: a forbidden rule beats the heuristics' allow", command: ["rm", "-rf", "sub"], policy: "never", rules: "rules", sandbox: DFA, expected: "refused" },
  { name: "create_exec_approval_requirement_for_command: rules come before the safe list (ls prompts)", command: ["ls"], policy: "untrusted", rules: "rules", expected: "asked" },
  { name: "prompt_is_rejected_by_policy: ls's prompt rule under never is refused", command: ["ls"], policy: "never", rules: "rules", expected: "refused" },
  { name: "create_exec_approval_requirement_for_command: an allow rule runs under untrusted", command: ["touch", "a"], policy: "untrusted", rules: "rules", expected: "ran" },
  { name: "PolicyParser: decision defaults to allow", command: ["git", "commit", "--allow-empty", "-m", "x"], policy: "untrusted", rules: "rules", expected: "ran" },
  { name: "Evaluation::from_matches: the strictest match wins (touch allow, touch b prompt)", command: ["touch", "b"], policy: "untrusted", rules: "rules", expected: "asked" },
  { name: "check_multiple: every bash -lc command is checked (allow + prompt asks)", command: sh("touch a && git push"), policy: "on-request", rules: "rules", expected: "asked" },
  { name: "check_multiple: one forbidden command refuses the whole script", command: sh("touch a && rm b"), policy: "on-request", rules: "rules", expected: "refused" },
  { name: "check_multiple: allow rule plus a known-safe command runs", command: sh("touch a && pwd"), policy: "untrusted", rules: "rules", expected: "ran" },
  { name: "match_host_executable_rules: /usr/bin/git resolves to git's rules", command: ["/usr/bin/git", "push"], policy: "on-request", rules: "rules", expected: "asked", says: "talks to the network" },
  { name: "match_host_executable_rules: /usr/bin/touch resolves to touch's allow rule", command: ["/usr/bin/touch", "a"], policy: "untrusted", rules: "rules", expected: "ran" },
  { name: "match_host_executable_rules: a listed host_executable path is forbidden", command: ["/usr/bin/python3", "-c", "pass"], policy: "on-request", rules: "rules", expected: "refused", says: "no python here" },
  { name: "match_host_executable_rules: an unlisted path does not take the rule", command: ["/bin/python3", "-c", "pass"], policy: "on-request", rules: "rules", expected: "ran" },
  { name: "parse_shell_lc_single_command_prefix: a heredoc script is judged by its command", command: sh("python3 <<'PY'\nprint(1)\nPY"), policy: "on-request", rules: "rules", expected: "refused", says: "no python here" },
  { name: "render_decision_for_unmatched_command: unmatched commands keep the heuristics with rules loaded", command: ["mkdir", "-p", "d"], policy: "untrusted", rules: "rules", expected: "asked" },
  { name: "load_exec_policy: the system folder's rules apply", command: ["wc", "in.txt"], policy: "untrusted", rules: "rules", expected: "refused", says: "the administrator says no" },
  { name: "load_exec_policy: a trusted project's .codex/rules apply", command: ["head", "in.txt"], policy: "untrusted", rules: "rules", cwd: "trusted", expected: "refused", says: "the project says no" },
  { name: "load_exec_policy: a trusted project's rules apply in its subfolders", command: ["head", "in.txt"], policy: "untrusted", rules: "rules", cwd: "trusted/nested", expected: "refused" },
  { name: "load_exec_policy: an untrusted project's .codex/rules are not read", command: ["head", "in.txt"], policy: "untrusted", rules: "rules", cwd: "untrusted", expected: "ran" },
  { name: "load_exec_policy: the data dir's rules apply in any cwd", command: ["rm", "x"], policy: "on-request", rules: "rules", cwd: "untrusted", expected: "refused" },
];

let none: LoomHarness;
let ruled: LoomHarness;
let dirs: Record<Cwd, string>;
let scratch: string;

async function prepare(dir: string): Promise<void> {
  await mkdir(join(dir, "sub"), { recursive: true });
  await writeFile(join(dir, "in.txt"), "a\na\nb\n");
  await writeFile(join(dir, "file.txt"), "x\n");
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "loom-rules-table-"));
  const system = join(scratch, "etc-loom");
  await mkdir(join(system, "rules"), { recursive: true });
  await writeFile(join(system, "rules", "admin.rules"), SYSTEM_RULES);
  dirs = {
    work: join(scratch, "work"),
    trusted: join(scratch, "trusted"),
    "trusted/nested": join(scratch, "trusted", "nested"),
    untrusted: join(scratch, "untrusted"),
  };
  for (const dir of Object.values(dirs)) await prepare(dir);
  for (const project of [dirs.trusted, dirs.untrusted]) {
    await mkdir(join(project, ".git"), { recursive: true });
    await mkdir(join(project, ".codex", "rules"), { recursive: true });
    await writeFile(join(project, ".codex", "rules", "project.rules"), PROJECT_RULES);
  }
  none = await startLoom({ rules: { systemDir: null } });
  ruled = await startLoom({ rules: { systemDir: system }, config: { projects: { [dirs.trusted]: { trust_level: "trusted" } } } });
  await mkdir(join(ruled.dataDir, "rules"), { recursive: true });
  await writeFile(join(ruled.dataDir, "rules", "default.rules"), RULES);
  await writeFile(join(ruled.dataDir, "rules", "more.rules"), MORE_RULES);
}, 60_000);

afterAll(async () => {
  await none?.close();
  await ruled?.close();
  await rm(scratch, { recursive: true, force: true });
});

let counter = 0;

/** Runs the case's command as the model's one shell call; what happened to it, and what was said. */
async function decide(c: Case): Promise<{ outcome: Outcome; text: string }> {
  const loom = c.rules === "none" ? none : ruled;
  const cwd = dirs[c.cwd ?? "work"];
  const thread = await loom.rt.startThread({ cwd, approvalPolicy: c.policy, sandboxPolicy: c.sandbox ?? WW });
  const callId = `call-${++counter}`;
  const before = loom.server.requests.length;
  loom.server.enqueue(
    toolCallTurn(callId, "shell", { command: c.command, ...(c.permissions ? { sandbox_permissions: c.permissions, justification: "needs it" } : {}) }),
    textTurn("done"),
  );
  let asked: string | undefined;
  let ran = false;
  const subscription = thread.events$.subscribe((event) => {
    const msg = event.msg;
    if (msg.type === "exec_approval_request" && msg.call_id === callId) {
      asked = msg.reason ?? "";
      void thread.submit({ type: "exec_approval", id: callId, decision: "denied" });
    }
    // A refused command begins and ends declined (Codex's emitter): only another end ran it.
    if (msg.type === "exec_command_end" && msg.call_id === callId && msg.status !== "declined") ran = true;
  });
  try {
    await thread.run("go");
  } finally {
    subscription.unsubscribe();
    await thread.close();
  }
  const output = inputItems(loom.server.requests[before + 1]!).find((item: any) => item.type === "function_call_output" && item.call_id === callId)?.output ?? "";
  if (asked !== undefined) return { outcome: "asked", text: asked };
  return { outcome: ran ? "ran" : "refused", text: String(output) };
}

describe("exec-policy decisions through the runtime (command x policy x rules x cwd)", () => {
  it("has at least 60 cases", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
  });

  it.each(CASES.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const { outcome, text } = await decide(c);
    expect(outcome).toBe(c.expected);
    if (c.says) expect(text).toContain(c.says);
  });
});
