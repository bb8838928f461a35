// Replay tells the truth: threads however interrupted or resumed replay with no divergence.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { nextEvent, startLoom, type LoomHarness } from "../support/loom.js";
import { evCreated, evFunctionCall, sseFailed, textTurn, toolCallTurn } from "../support/fake-responses.js";
import { createRuntime, type Runtime } from "../../src/runtime/runtime.js";
import { replayRecording } from "../../src/testing/index.js";
import { formatDivergence } from "../../src/replay/reexecute/index.js";

let loom: LoomHarness;
const extra: Runtime[] = [];
beforeEach(async () => {
  loom = await startLoom();
});
afterEach(async () => {
  for (const rt of extra.splice(0)) await rt.close();
  await loom.close();
});

/** A second process on the same data dir (the first one must be closed). */
async function reopen(): Promise<Runtime> {
  const rt = await createRuntime({
    dataDir: loom.dataDir,
    durable: false,
    config: {},
    env: {},
    model: { apiKey: "test-key", baseURL: loom.server.baseURL },
    retry: { baseDelayMs: 1 },
  });
  extra.push(rt);
  return rt;
}

async function expectNoDivergence(rt: Runtime, threadId: string, options: { fromSeq?: number } = {}) {
  const report = await replayRecording({ log: rt.log, threadId }, options);
  if (report.divergence) throw new Error(formatDivergence(report.divergence));
  return report;
}

describe("replay tells the truth", () => {
  it("replays a thread recovered from a crash in the middle of a command", async () => {
    loom.server.enqueue(toolCallTurn("call_sleep", "shell", { command: ["sleep", "30"] }));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    const began = nextEvent(thread.events$, "exec_command_begin");
    void thread.run("sleep").catch(() => undefined);
    await began;
    await loom.rt.close();

    const rt = await reopen();
    const resumed = await rt.resumeThread(thread.id);
    loom.server.enqueue(textTurn("after the crash"));
    await resumed.run("go on");
    await expectNoDivergence(rt, thread.id);
  });

  it("replays a thread recovered from a crash while the model was streaming", async () => {
    loom.server.enqueue([evCreated("r1"), evFunctionCall("c1", "shell", JSON.stringify({ command: ["echo", "hi"] }))]);
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    const ended = nextEvent(thread.events$, "raw_response_item");
    void thread.run("echo").catch(() => undefined);
    await ended;
    await loom.rt.close();
    const rt = await reopen();
    await rt.resumeThread(thread.id);
    await expectNoDivergence(rt, thread.id);
  });

  it("replays a thread resumed with another model", async () => {
    loom.server.enqueue(textTurn("one"), textTurn("two"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    await thread.run("first");
    await loom.rt.close();
    const rt = await reopen();
    const resumed = await rt.resumeThread(thread.id, { model: "gpt-5.1-codex" });
    await resumed.run("second");
    await expectNoDivergence(rt, thread.id);
  });

  it("re-executes from a seq inside the first turn", async () => {
    loom.server.enqueue(toolCallTurn("call_echo", "shell", { command: ["echo", "x"] }), textTurn("done"), textTurn("two"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    await thread.run("first");
    await thread.run("second");
    for (const from of [3, 5, 8]) await expectNoDivergence(loom.rt, thread.id, { fromSeq: from });
  });

  it("replays duplicate and unknown approval answers", async () => {
    // exec_command: a declined one writes no events (its begin comes only once its process runs).
    loom.server.enqueue(toolCallTurn("c1", "exec_command", { cmd: "touch made.txt" }), textTurn("made"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "untrusted" });
    const asked = nextEvent(thread.events$, "exec_approval_request");
    const done = nextEvent(thread.events$, "task_complete");
    void thread.run("make").catch(() => undefined);
    await asked;
    await thread.submit({ type: "exec_approval", id: "nope", decision: "approved" });
    await thread.submit({ type: "exec_approval", id: "c1", decision: "approved" });
    await thread.submit({ type: "exec_approval", id: "c1", decision: "approved" });
    await done;
    await thread.submit({ type: "exec_approval", id: "c1", decision: "denied" });
    await thread.whenIdle();
    await expectNoDivergence(loom.rt, thread.id);
  });

  it("replays a session that only sets the thread name", async () => {
    const thread = await loom.rt.startThread({ cwd: loom.cwd });
    const done = nextEvent(thread.events$, "shutdown_complete");
    await thread.submit({ type: "set_thread_name", name: "named" });
    await thread.submit({ type: "shutdown" });
    await done;
    await expectNoDivergence(loom.rt, thread.id);
  });

  it("replays a turn that exceeded the context window", async () => {
    loom.server.enqueue(
      textTurn("first"),
      [evCreated("r-fail"), sseFailed("r-fail", "context_length_exceeded", "too long")],
      textTurn("SUMMARY"),
      textTurn("next"),
    );
    const thread = await loom.rt.startThread({ cwd: loom.cwd });
    await thread.run("first");
    await expect(thread.run("too long")).rejects.toThrow();
    await thread.run("again");
    await expectNoDivergence(loom.rt, thread.id);
  });

  it("replays a turn continued after a restart (its duration included)", async () => {
    loom.server.enqueue(toolCallTurn("c1", "shell", { command: ["touch", "made.txt"] }));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "untrusted" });
    const asked = nextEvent(thread.events$, "exec_approval_request");
    void thread.run("make").catch(() => undefined);
    await asked;
    await loom.rt.close();
    const rt = await reopen();
    const resumed = await rt.resumeThread(thread.id);
    loom.server.enqueue(textTurn("made"));
    const done = nextEvent(resumed.events$, "task_complete");
    await resumed.submit({ type: "exec_approval", id: "c1", decision: "approved" });
    await done;
    await resumed.whenIdle();
    await expectNoDivergence(rt, thread.id);
  });
});

describe("a real divergence is still reported", () => {
  it("names what the machines wrote instead of the recorded entry, when it is another kind of write", async () => {
    // exec_command: a declined one writes no events (its begin comes only once its process runs).
    loom.server.enqueue(toolCallTurn("c1", "exec_command", { cmd: "touch made.txt" }), textTurn("made"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "untrusted" });
    const asked = nextEvent(thread.events$, "exec_approval_request");
    const run = thread.run("make");
    await asked;
    await thread.submit({ type: "exec_approval", id: "c1", decision: "approved" });
    await run;
    const entries = await thread.entries();
    // As if the person had said no: the command does not run, its refusal goes to the model.
    const altered = entries.map((entry) =>
      entry.kind === "submission" && entry.payload.op.type === "exec_approval"
        ? { ...entry, payload: { ...entry.payload, op: { ...entry.payload.op, decision: "denied" as const } } }
        : entry,
    );
    const begin = entries.find((e) => e.kind === "event_msg" && e.payload.type === "exec_command_begin")!;
    const report = await replayRecording(altered, { stallMs: 300 });
    expect(report.divergence?.seq).toBe(begin.seq);
    const text = formatDivergence(report.divergence!);
    expect(text).toContain("recorded: event_msg exec_command_begin");
    expect(text).toContain("now:      response_item function_call_output");
  });
});
