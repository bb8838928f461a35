// A command the sandbox denies, through the whole loop (fake model, real bubblewrap): Codex's
// retry outside the sandbox under on-failure and untrusted, the model's own escalation request
// under on-request, the denial going back to the model under never; each step in the log, and the
// thread replaying without divergence.
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { collectUntil, nextEvent, startLoom, type LoomHarness } from "../support/loom.js";
import { inputItems, textTurn, toolCallTurn } from "../support/fake-responses.js";
import { expectReplay } from "../../src/testing/index.js";
import { TurnAbortedError } from "../../src/runtime/errors.js";
import { createRuntime } from "../../src/runtime/runtime.js";
import type { AskForApproval } from "../../src/events/index.js";
import { RETRY_WITHOUT_SANDBOX_REASON } from "../../src/actors/tools/index.js";
import { outsideDir } from "./support.js";

let loom: LoomHarness;
let outside: string;
beforeEach(async () => {
  loom = await startLoom();
  outside = await outsideDir();
});
afterEach(async () => {
  await loom.close();
  await rm(outside, { recursive: true, force: true });
});

function outputOf(requestIndex: number, callId: string): string {
  return inputItems(loom.server.requests[requestIndex]!).find((item: any) => item.type === "function_call_output" && item.call_id === callId)?.output;
}

async function startThread(approvalPolicy: AskForApproval) {
  return loom.rt.startThread({ cwd: loom.cwd, approvalPolicy, sandboxPolicy: { type: "workspace-write" } });
}

describe("a write outside the workspace, denied by the sandbox", () => {
  it("on-failure: asks to retry without the sandbox, reruns it once approved, and replays", async () => {
    const target = join(outside, "made");
    loom.server.enqueue(toolCallTurn("c1", "shell", { command: ["touch", target] }), textTurn("done"));
    const thread = await startThread("on-failure");
    const asked = nextEvent(thread.events$, "exec_approval_request");
    const run = thread.run("make the file");
    const request = await asked;
    expect(request).toMatchObject({ call_id: "c1", command: ["touch", target], reason: RETRY_WITHOUT_SANDBOX_REASON });
    // The sandboxed attempt has run (and failed) before anyone was asked.
    expect(existsSync(target)).toBe(false);
    await thread.submit({ type: "exec_approval", id: "c1", decision: "approved" });
    await run;
    expect(existsSync(target)).toBe(true);
    // `shell` answers in Codex's structured form (JSON), which the request sends as text because
    // it offers the freeform apply_patch (Codex's `reserialize_shell_outputs`).
    expect(outputOf(1, "c1")).toMatch(/^Exit code: 0\nWall time: [\d.]+ seconds\nOutput:\n/);

    const entries = await thread.entries();
    const types = entries.flatMap((e) => (e.kind === "event_msg" ? [e.payload.type] : e.kind === "submission" ? [`op:${e.payload.op.type}`] : []));
    const begin = types.indexOf("exec_command_begin");
    expect(types.slice(begin).filter((t) => /exec_command_(begin|end)|exec_approval/.test(t))).toEqual([
      "exec_command_begin",
      "exec_approval_request",
      "op:exec_approval",
      "exec_command_end",
    ]);
    // The log holds the first attempt's denial as output, before the request.
    const requestSeq = entries.find((e) => e.kind === "event_msg" && e.payload.type === "exec_approval_request")!.seq;
    const firstAttempt = entries
      .filter((e) => e.seq < requestSeq && e.kind === "event_msg" && e.payload.type === "exec_command_output_delta")
      .map((e) => Buffer.from((e as any).payload.chunk, "base64").toString())
      .join("");
    expect(firstAttempt).toContain("Read-only file system");
    await expectReplay({ log: loom.rt.log, threadId: thread.id });
  });

  it("exec_command, on-failure: the exited, denied process runs again outside once approved; on-request the model reads the denial", async () => {
    const target = join(outside, "made-by-exec");
    loom.server.enqueue(toolCallTurn("c1", "exec_command", { cmd: `touch '${target}'`, login: false }), textTurn("done"));
    const thread = await startThread("on-failure");
    const asked = nextEvent(thread.events$, "exec_approval_request");
    const run = thread.run("make the file");
    expect(await asked).toMatchObject({ call_id: "c1", reason: RETRY_WITHOUT_SANDBOX_REASON });
    expect(existsSync(target)).toBe(false);
    await thread.submit({ type: "exec_approval", id: "c1", decision: "approved" });
    await run;
    expect(existsSync(target)).toBe(true);
    expect(outputOf(1, "c1")).toMatch(/Process exited with code 0/);
    await expectReplay({ log: loom.rt.log, threadId: thread.id });

    const other = join(outside, "not-made");
    loom.server.enqueue(toolCallTurn("c2", "exec_command", { cmd: `touch '${other}'`, login: false }), textTurn("denied"));
    const onRequest = await startThread("on-request");
    let askedAgain = false;
    onRequest.events$.subscribe((event) => {
      if (event.msg.type === "exec_approval_request") askedAgain = true;
    });
    await onRequest.run("make another");
    expect(askedAgain).toBe(false);
    expect(existsSync(other)).toBe(false);
    expect(outputOf(3, "c2")).toMatch(/Read-only file system/);
  });

  it("on-failure, declined: nothing is written, the model reads Codex's rejection, and it replays", async () => {
    const target = join(outside, "made");
    loom.server.enqueue(toolCallTurn("c1", "shell", { command: ["touch", target] }), textTurn("ok"));
    const thread = await startThread("on-failure");
    const asked = nextEvent(thread.events$, "exec_approval_request");
    const ended = nextEvent(thread.events$, "exec_command_end");
    const run = thread.run("make the file");
    await asked;
    await thread.submit({ type: "exec_approval", id: "c1", decision: "denied" });
    await run;
    expect(existsSync(target)).toBe(false);
    expect(await ended).toMatchObject({ status: "declined", exit_code: -1, aggregated_output: "exec command rejected by user" });
    expect(outputOf(1, "c1")).toBe("exec command rejected by user");
    await expectReplay({ log: loom.rt.log, threadId: thread.id });
  });

  it("on-failure, abort: the turn ends as interrupted", async () => {
    loom.server.enqueue(toolCallTurn("c1", "shell", { command: ["touch", join(outside, "made")] }));
    const thread = await startThread("on-failure");
    const asked = nextEvent(thread.events$, "exec_approval_request");
    const run = thread.run("make the file");
    await asked;
    await thread.submit({ type: "exec_approval", id: "c1", decision: "abort" });
    await expect(run).rejects.toBeInstanceOf(TurnAbortedError);
    expect(existsSync(join(outside, "made"))).toBe(false);
    await expectReplay({ log: loom.rt.log, threadId: thread.id });
  });

  it("untrusted: approved once before it ran, it is retried outside the sandbox without a second question", async () => {
    const target = join(outside, "made");
    loom.server.enqueue(toolCallTurn("c1", "shell", { command: ["touch", target] }), textTurn("done"));
    const thread = await startThread("untrusted");
    const asked = nextEvent(thread.events$, "exec_approval_request");
    const events = collectUntil(thread.events$, "task_complete");
    const run = thread.run("make the file");
    expect((await asked).reason).toBeUndefined();
    await thread.submit({ type: "exec_approval", id: "c1", decision: "approved" });
    await run;
    expect((await events).filter((e) => e.msg.type === "exec_approval_request")).toHaveLength(1);
    expect(existsSync(target)).toBe(true);
    await expectReplay({ log: loom.rt.log, threadId: thread.id });
  });

  it("never: the denial goes back to the model and nobody is asked", async () => {
    const target = join(outside, "made");
    loom.server.enqueue(toolCallTurn("c1", "shell", { command: ["touch", target] }), textTurn("could not"));
    const thread = await startThread("never");
    const events = collectUntil(thread.events$, "task_complete");
    await thread.run("make the file");
    expect((await events).some((e) => e.msg.type === "exec_approval_request")).toBe(false);
    expect(existsSync(target)).toBe(false);
    const denied = outputOf(1, "c1");
    expect(denied).toMatch(/^Exit code: 1\nWall time: [\d.]+ seconds\nOutput:\n/);
    expect(denied).toMatch(/Read-only file system/);
    await expectReplay({ log: loom.rt.log, threadId: thread.id });
  });

  it("on-request: the model reads the denial, asks to escalate with a justification, and runs outside once approved", async () => {
    const target = join(outside, "made");
    loom.server.enqueue(
      toolCallTurn("c1", "shell", { command: ["touch", target] }),
      toolCallTurn("c2", "shell", { command: ["touch", target], sandbox_permissions: "require_escalated", justification: "Create the file outside the project?" }),
      textTurn("done"),
    );
    const thread = await startThread("on-request");
    const asked = nextEvent(thread.events$, "exec_approval_request");
    const run = thread.run("make the file");
    const request = await asked;
    // Only the escalation is asked about: the denied first call was not retried.
    expect(request).toMatchObject({ call_id: "c2", reason: "Create the file outside the project?" });
    expect(outputOf(1, "c1")).toContain("Read-only file system");
    await thread.submit({ type: "exec_approval", id: "c2", decision: "approved" });
    await run;
    expect(existsSync(target)).toBe(true);
    await expectReplay({ log: loom.rt.log, threadId: thread.id });
  });
});

describe("a retry request pending when the runtime goes away", () => {
  it("closes the call as interrupted on resume (it had already run once), and the thread replays", async () => {
    const target = join(outside, "made");
    loom.server.enqueue(toolCallTurn("c1", "shell", { command: ["touch", target] }));
    const thread = await startThread("on-failure");
    const asked = nextEvent(thread.events$, "exec_approval_request");
    void thread.run("make the file").catch(() => undefined);
    await asked;
    // The runtime goes away with the question open: to the log this is a crash.
    await loom.rt.close();

    const rt = await createRuntime({ dataDir: loom.dataDir, config: {}, env: {}, durable: false, model: { apiKey: "test", baseURL: loom.server.baseURL } });
    try {
      const resumed = await rt.resumeThread(thread.id);
      // Codex's repair of a call that was running: the turn ends, nothing is pending.
      expect(resumed.state.activeTurn).toBeNull();
      expect(resumed.state.pendingApprovals).toEqual([]);
      const entries = await resumed.entries();
      expect(entries.some((e) => e.kind === "event_msg" && e.payload.type === "turn_aborted")).toBe(true);
      expect(existsSync(target)).toBe(false);
      await expectReplay({ log: rt.log, threadId: thread.id });
    } finally {
      await rt.close();
    }
  });
});
