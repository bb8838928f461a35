// Approvals that mean what they say (issue 12), through the runtime with real shell calls:
// a prefix approved for good is saved in <data dir>/rules/default.rules and never asked again (this
// thread, new threads, a new runtime); approved_for_session is keyed by command, cwd and sandbox
// permissions; a network deny amendment denies; a request_permissions_response never answers an
// exec approval; a rules file that does not parse opens no thread.
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ReviewDecision } from "../../src/events/index.js";
import type { Thread } from "../../src/runtime/thread.js";
import { createRuntime } from "../../src/runtime/runtime.js";
import { UserError } from "../../src/runtime/errors.js";
import { nextEvent, startLoom, type LoomHarness } from "../support/loom.js";
import { inputItems, messageTexts, textTurn, toolCallTurn } from "../support/fake-responses.js";
import { runMain } from "../support/cli.js";

let loom: LoomHarness;
beforeEach(async () => {
  loom = await startLoom({ rules: { systemDir: null } });
});
afterEach(async () => {
  await loom.close();
});

let counter = 0;

/**
 * One turn in which the model runs `command` with the shell tool; any approval request is answered
 * with `answer`. What was asked (the request), and whether the command started.
 */
async function shellTurn(thread: Thread, command: string[], answer: ReviewDecision, args: Record<string, unknown> = {}) {
  const callId = `call-${++counter}`;
  loom.server.enqueue(toolCallTurn(callId, "shell", { command, ...args }), textTurn("done"));
  let request: any;
  let ran = false;
  const subscription = thread.events$.subscribe((event) => {
    if (event.msg.type === "exec_approval_request" && event.msg.call_id === callId) {
      request = event.msg;
      void thread.submit({ type: "exec_approval", id: callId, decision: answer });
    }
    // A declined command begins and ends declined (Codex's emitter): only another end ran it.
    if (event.msg.type === "exec_command_end" && event.msg.call_id === callId && event.msg.status !== "declined") ran = true;
  });
  try {
    await thread.run("go");
  } finally {
    subscription.unsubscribe();
  }
  return { request, ran, callId };
}

describe("remembered prefixes (approved_execpolicy_amendment)", () => {
  it("saves the prefix, tells the model, and never asks again: this thread, a new one, a new runtime", async () => {
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "untrusted" });
    const first = await shellTurn(thread, ["mkdir", "-p", "made"], "approved");
    // render_decision_for_unmatched_command prompts; the proposal is the command itself.
    expect(first.request.proposed_execpolicy_amendment).toEqual(["mkdir", "-p", "made"]);
    const amendment: ReviewDecision = { approved_execpolicy_amendment: { proposed_execpolicy_amendment: ["mkdir", "-p"] } };
    const second = await shellTurn(thread, ["mkdir", "-p", "made2"], amendment);
    expect(second.request).toBeDefined();
    expect(second.ran).toBe(true);
    expect(existsSync(join(loom.cwd, "made2"))).toBe(true);
    expect(await readFile(join(loom.dataDir, "rules", "default.rules"), "utf8")).toBe(`prefix_rule(pattern=["mkdir", "-p"], decision="allow")\n`);
    // Codex's developer message (ApprovedCommandPrefixSaved), in what the model reads next.
    const next = loom.server.requests.at(-1)!;
    expect(messageTexts(next, "developer")).toContain(`Approved command prefix saved:\n- ["mkdir", "-p"]`);

    const again = await shellTurn(thread, ["mkdir", "-p", "made3"], "denied");
    expect(again.request).toBeUndefined();
    expect(again.ran).toBe(true);

    const fresh = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "untrusted" });
    const inNew = await shellTurn(fresh, ["mkdir", "-p", "made4"], "denied");
    expect(inNew.request).toBeUndefined();
    expect(existsSync(join(loom.cwd, "made4"))).toBe(true);
    // Only that prefix: another mkdir is still asked.
    const other = await shellTurn(fresh, ["mkdir", "other"], "denied");
    expect(other.request).toBeDefined();
    expect(other.ran).toBe(false);

    await loom.rt.close();
    const rt = await createRuntime({ dataDir: loom.dataDir, durable: false, config: {}, env: {}, rules: { systemDir: null }, model: { apiKey: "k", baseURL: loom.server.baseURL } });
    try {
      loom.rt = rt;
      const later = await rt.startThread({ cwd: loom.cwd, approvalPolicy: "untrusted" });
      const inLater = await shellTurn(later, ["mkdir", "-p", "made5"], "denied");
      expect(inLater.request).toBeUndefined();
      expect(existsSync(join(loom.cwd, "made5"))).toBe(true);
    } finally {
      await rt.close();
    }
  });
});

describe("approved_for_session is keyed by command, cwd and sandbox permissions (ApprovalKey)", () => {
  it("approving rm -rf build in one folder does not delete build in another", async () => {
    const a = join(loom.cwd, "a");
    const b = join(loom.cwd, "b");
    for (const dir of [a, b]) await mkdir(join(dir, "build"), { recursive: true });
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "on-request" });
    const inA = await shellTurn(thread, ["rm", "-rf", "build"], "approved_for_session", { workdir: a });
    expect(inA.request).toBeDefined();
    expect(existsSync(join(a, "build"))).toBe(false);
    const inB = await shellTurn(thread, ["rm", "-rf", "build"], "denied", { workdir: b });
    expect(inB.request?.cwd).toBe(b);
    expect(inB.ran).toBe(false);
    expect(existsSync(join(b, "build"))).toBe(true);
    // In the approved folder it is remembered.
    await mkdir(join(a, "build"));
    const againInA = await shellTurn(thread, ["rm", "-rf", "build"], "denied", { workdir: a });
    expect(againInA.request).toBeUndefined();
    expect(existsSync(join(a, "build"))).toBe(false);
    // Asking to leave the sandbox is another key: asked again.
    await mkdir(join(a, "build"));
    const escalated = await shellTurn(thread, ["rm", "-rf", "build"], "denied", { workdir: a, sandbox_permissions: "require_escalated", justification: "x" });
    expect(escalated.request).toBeDefined();
    expect(existsSync(join(a, "build"))).toBe(true);
  });
});

describe("decisions that must not run the command", () => {
  it("a network_policy_amendment with action deny is a denial (Codex reject_if_not_approved)", async () => {
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "untrusted" });
    const deny: ReviewDecision = { network_policy_amendment: { network_policy_amendment: { host: "example.com", action: "deny" } } };
    const result = await shellTurn(thread, ["touch", "denied.txt"], deny);
    expect(result.request).toBeDefined();
    expect(result.ran).toBe(false);
    expect(existsSync(join(loom.cwd, "denied.txt"))).toBe(false);
    const output = inputItems(loom.server.requests.at(-1)!).find((item: any) => item.type === "function_call_output" && item.call_id === result.callId)?.output;
    expect(output).toBe("exec command rejected by user");
  });

  it("a request_permissions_response with a waiting exec call's id leaves that call waiting", async () => {
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "untrusted" });
    loom.server.enqueue(toolCallTurn("clash", "shell", { command: ["touch", "clash.txt"] }), textTurn("done"));
    const asked = nextEvent(thread.events$, "exec_approval_request");
    const run = thread.run("go");
    await asked;
    const stray = nextEvent(thread.events$, "error");
    await thread.submit({ type: "request_permissions_response", id: "clash", response: { permissions: {} } });
    expect((await stray).message).toMatch(/request_permissions_response: no request_permissions call "clash" is waiting/);
    expect(thread.state.pendingApprovals.map((p) => p.id)).toEqual(["clash"]);
    await thread.submit({ type: "exec_approval", id: "clash", decision: "approved" });
    await run;
    expect(existsSync(join(loom.cwd, "clash.txt"))).toBe(true);
  });
});

describe("a rules file that does not parse", () => {
  it("opens no thread and says which file, line and problem", async () => {
    await mkdir(join(loom.dataDir, "rules"), { recursive: true });
    await writeFile(join(loom.dataDir, "rules", "default.rules"), `prefix_rule(pattern=["rm"], decision="forbidden")\n`);
    await writeFile(join(loom.dataDir, "rules", "team.rules"), `prefix_rule(pattern=["ls"])\nprefix_rule(pattern=["git"], decision="allways")\n`);
    const before = await loom.rt.listThreads();
    const error = await loom.rt.startThread({ cwd: loom.cwd }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe(
      `error loading rules: ${join(loom.dataDir, "rules", "team.rules")}:2: invalid decision: allways (problem is on or around line 2)`,
    );
    expect(await loom.rt.listThreads()).toEqual(before);
    expect(loom.server.requests).toHaveLength(0);
  });

  it("stops loom exec with one line before the model is asked anything", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "loom-badrules-"));
    try {
      await mkdir(join(dataDir, "rules"), { recursive: true });
      await writeFile(join(dataDir, "rules", "default.rules"), `prefix_rule(pattern=["a"], match=["b"])\n`);
      const result = await runMain(["exec", "--data-dir", dataDir, "--cwd", loom.cwd, "hi"], {
        env: { OPENAI_API_KEY: "k", OPENAI_BASE_URL: loom.server.baseURL, LOOM_STORAGE: "" },
      });
      expect(result.code).toBe(2);
      // (A new data dir's notice may come first.) The error is one line.
      expect(result.err.at(-1)).toContain(`${join(dataDir, "rules", "default.rules")}:1: expected every example to match at least one rule`);
      expect(loom.server.requests).toHaveLength(0);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
