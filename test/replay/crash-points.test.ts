// A process that dies mid-turn leaves a log that stops at any entry; a later process resumes it.
// Replay must stop the machines exactly where the recording's process stopped: nothing recorded
// after the restart (the next turn's model answer, the repair's "aborted" output) may be handed to
// the process that died.
import { afterEach, beforeEach, expect, it } from "vitest";
import { createRuntime, type Runtime } from "../../src/runtime/runtime.js";
import { formatDivergence, replayThread } from "../../src/replay/reexecute/index.js";
import type { LogEntry } from "../../src/events/index.js";
import { startLoom, type LoomHarness } from "../support/loom.js";
import { textTurn, toolCallTurn } from "../support/fake-responses.js";

let loom: LoomHarness;
beforeEach(async () => {
  loom = await startLoom();
});
afterEach(async () => {
  await loom.close();
});

/** Runs a turn with two shell calls, and stops the runtime (as a crash: nothing more written) at the first entry `dies` picks. */
async function crashAt(dies: (entry: LogEntry) => boolean): Promise<string> {
  loom.server.enqueue(
    toolCallTurn("call_1", "shell", { command: ["echo", "one"] }),
    toolCallTurn("call_2", "shell", { command: ["echo", "two"] }),
    textTurn("never sent"),
  );
  const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
  const died = new Promise<void>((resolve) => {
    thread.entries$.subscribe((entry) => {
      if (!dies(entry)) return;
      void loom.rt.close();
      resolve();
    });
  });
  void thread.run("run both").catch(() => undefined);
  await died;
  return thread.id;
}

async function resumeAndFinish(threadId: string, options: Parameters<Runtime["resumeThread"]>[1] = {}): Promise<void> {
  const rt = await createRuntime({ dataDir: loom.dataDir, config: {}, env: {}, durable: false, model: { apiKey: "t", baseURL: loom.server.baseURL } });
  try {
    const thread = await rt.resumeThread(threadId, options);
    loom.server.enqueue(textTurn("finished after the restart"));
    await thread.run("again");
    const report = await replayThread(rt.log, threadId);
    expect(report.divergence && formatDivergence(report.divergence)).toBeUndefined();
  } finally {
    await rt.close();
  }
}

it("replays a thread whose process died after a tool's output, before the next model request", async () => {
  const id = await crashAt((entry) => entry.kind === "response_item" && entry.payload.type === "function_call_output" && entry.payload.call_id === "call_2");
  await resumeAndFinish(id);
});

it("replays a thread whose process died after the model's call, before the tool started", async () => {
  const id = await crashAt((entry) => entry.kind === "response_item" && entry.payload.type === "function_call" && entry.payload.call_id === "call_2");
  await resumeAndFinish(id);
});

it("replays a thread whose process died after a tool's result was durable, before the turn took it", async () => {
  const id = await crashAt((entry) => entry.kind === "event_msg" && entry.payload.type === "raw_response_item");
  await resumeAndFinish(id);
});

it("replays a thread resumed with other settings than it had", async () => {
  const id = await crashAt((entry) => entry.kind === "event_msg" && entry.payload.type === "exec_command_begin");
  await resumeAndFinish(id, { approvalPolicy: "on-failure", sandboxMode: "danger-full-access" });
});

it("starts a thread whose creator died before its first entry when it is resumed, and replays it", async () => {
  // What a process leaves when it dies between creating the thread and writing its metadata.
  const { id } = await loom.rt.log.createThread({ id: "created-then-died" });
  const thread = await loom.rt.resumeThread(id, { cwd: loom.cwd, approvalPolicy: "never" });
  expect(thread.state.sessionMeta?.cwd).toBe(loom.cwd);
  loom.server.enqueue(textTurn("started late"));
  expect((await thread.run("hello")).finalResponse).toBe("started late");
  const entries = await thread.entries();
  expect(entries.slice(0, 2).map((e) => (e.kind === "event_msg" ? e.payload.type : e.kind))).toEqual(["session_meta", "session_configured"]);
  const report = await replayThread(loom.rt.log, id);
  expect(report.divergence && formatDivergence(report.divergence)).toBeUndefined();
});
