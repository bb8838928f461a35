// A thread whose submissions carried a W3C trace replays without divergence: the trace id in its
// turn_context comes from the logged submission, so the replay must hand the trace on too.
import { afterEach, beforeEach, expect, it } from "vitest";
import { replayThread } from "../../src/replay/reexecute/index.js";
import { nextEvent, startLoom, type LoomHarness } from "../support/loom.js";
import { textTurn, toolCallTurn } from "../support/fake-responses.js";
import { createRuntime } from "../../src/runtime/runtime.js";

const TRACE_ID = "5b8aa5a2d2c872e8321cf37308d69df2";

let loom: LoomHarness;
beforeEach(async () => {
  loom = await startLoom();
});
afterEach(async () => {
  await loom.close();
});

it("replays a traced turn with no divergence, trace id included", async () => {
  loom.server.enqueue(textTurn("done"));
  const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
  const done = nextEvent(thread.events$, "task_complete");
  await thread.submit(
    { type: "user_input", items: [{ type: "text", text: "go" }] },
    { trace: { traceparent: `00-${TRACE_ID}-051581bf3cb55c13-01`, tracestate: "vendor=1" } },
  );
  await done;
  const entries = await thread.entries({ from: 1, to: 1000 });
  expect(entries.find((entry) => entry.kind === "submission")?.payload).toMatchObject({ trace: { tracestate: "vendor=1" } });
  expect(entries.find((entry) => entry.kind === "turn_context")?.payload).toMatchObject({ trace_id: TRACE_ID });
  await thread.close();
  const report = await replayThread(loom.rt.log, thread.id);
  expect(report.divergence).toBeUndefined();
  expect(report.replayed).toBeGreaterThan(5);
});

it("input queued before a restart keeps its trace id when its turn starts after it", async () => {
  loom.server.setHandler(() => textTurn("answered"));
  loom.server.enqueue(toolCallTurn("c1", "shell", { command: ["sleep", "30"] }));
  const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
  const began = nextEvent(thread.events$, "exec_command_begin");
  void thread.run("sleep").catch(() => undefined);
  await began;
  // Steering the running turn; the process dies before the turn takes it.
  const steer = await thread.submit(
    { type: "user_input", items: [{ type: "text", text: "steer" }] },
    { trace: { traceparent: `00-${TRACE_ID}-051581bf3cb55c13-01` } },
  );
  await loom.rt.close();
  const rt = await createRuntime({ dataDir: loom.dataDir, durable: false, config: {}, env: {}, model: { apiKey: "k", baseURL: loom.server.baseURL } });
  try {
    const resumed = await rt.resumeThread(thread.id);
    await resumed.whenIdle();
    const contexts = (await resumed.entries()).filter((entry) => entry.kind === "turn_context").map((entry) => entry.payload as { turn_id?: string; trace_id?: string });
    expect(contexts.find((context) => context.turn_id === steer)).toMatchObject({ trace_id: TRACE_ID });
  } finally {
    await rt.close();
  }
});
