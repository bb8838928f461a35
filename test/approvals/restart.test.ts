// A pending approval survives the runtime going away: resume re-asks it and the same turn goes on.
import { afterEach, beforeEach, expect, it } from "vitest";
import { createRuntime } from "../../src/runtime/runtime.js";
import { nextEvent, startLoom, type LoomHarness } from "../support/loom.js";
import { evCompleted, evCreated, evFunctionCall, inputItems, textTurn } from "../support/fake-responses.js";
import { outputFor, type ToolHandler } from "../../src/actors/tools/index.js";

function tools(runs: string[]): ToolHandler[] {
  const spec = (name: string) => ({ type: "function", name, description: name, parameters: { type: "object", properties: {} } });
  return [
    {
      name: "guarded",
      spec: () => spec("guarded"),
      approval: ({ call, turnId, settings }) => ({
        type: "ask",
        request: { type: "exec_approval_request", call_id: call.callId, turn_id: turnId, command: ["guarded", call.input], cwd: settings.cwd, parsed_cmd: [] },
      }),
      async execute({ call }) {
        runs.push(call.callId);
        return outputFor(call, `guarded ran ${call.input}`);
      },
    },
    {
      name: "free",
      spec: () => spec("free"),
      async execute({ call }) {
        runs.push(call.callId);
        return outputFor(call, `free ran ${call.input}`);
      },
    },
  ];
}

let loom: LoomHarness;
let runs: string[];
beforeEach(async () => {
  runs = [];
  loom = await startLoom({ tools: tools(runs) });
});
afterEach(async () => {
  await loom.close();
});

it("re-emits pending requests after a restart; answering them continues the same turn", async () => {
  loom.server.enqueue([
    evCreated("r1"),
    evFunctionCall("free_1", "free", "F"),
    evFunctionCall("ask_a", "guarded", "A"),
    evFunctionCall("ask_b", "guarded", "B"),
    evCompleted("r1"),
  ]);
  const thread = await loom.rt.startThread({ cwd: loom.cwd });
  const askedB = nextEvent(thread.events$, "exec_approval_request", (m) => m.call_id === "ask_b");
  const freeDone = nextEvent(thread.events$, "raw_response_item", (m) => (m.item as any).call_id === "free_1");
  void thread.run("three calls").catch(() => undefined);
  await Promise.all([askedB, freeDone]);
  const turnId = thread.state.activeTurn;
  // The runtime goes away without writing anything more: to the log this is a crash.
  await loom.rt.close();

  const rt = await createRuntime({
    dataDir: loom.dataDir,
    config: {},
    env: {},
    durable: false,
    model: { apiKey: "test", baseURL: loom.server.baseURL },
    tools: tools(runs),
  });
  try {
    const reasked: string[] = [];
    const headBefore = (await rt.log.getThread(thread.id))!.headSeq;
    const resumed = await rt.resumeThread(thread.id);
    expect(resumed.state.activeTurn).toBe(turnId);
    const entries = await resumed.entries({ from: headBefore + 1 });
    for (const entry of entries) {
      if (entry.kind === "event_msg" && entry.payload.type === "exec_approval_request") reasked.push(entry.payload.call_id);
    }
    expect(reasked).toEqual(["ask_a", "ask_b"]);
    expect(resumed.state.pendingApprovals.map((p) => p.id).sort()).toEqual(["ask_a", "ask_b"]);

    loom.server.enqueue(textTurn("all answered"));
    const complete = nextEvent(resumed.events$, "task_complete");
    await resumed.submit({ type: "exec_approval", id: "ask_b", decision: "approved" });
    await resumed.submit({ type: "exec_approval", id: "ask_a", decision: "denied" });
    const done = await complete;
    expect(done.turn_id).toBe(turnId);
    expect(done.last_agent_message).toBe("all answered");
    // The call that had finished before the restart ran once; the approved one ran after it.
    expect(runs).toEqual(["free_1", "ask_b"]);
    const items = inputItems(loom.server.requests[1]!);
    const outputs = items.filter((i: any) => i.type === "function_call_output");
    expect(outputs.map((o: any) => [o.call_id, o.output])).toEqual([
      ["free_1", "free ran F"],
      ["ask_a", "rejected by user"],
      ["ask_b", "guarded ran B"],
    ]);
  } finally {
    await rt.close();
  }
});

it("closes a turn as aborted on resume when a call was still running", async () => {
  loom.server.enqueue([evCreated("r1"), evFunctionCall("sleepy", "shell", JSON.stringify({ command: ["sleep", "30"] })), evCompleted("r1")]);
  const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
  const began = nextEvent(thread.events$, "exec_command_begin");
  void thread.run("sleep").catch(() => undefined);
  await began;
  await loom.rt.close();

  const rt = await createRuntime({ dataDir: loom.dataDir, config: {}, env: {}, durable: false, model: { apiKey: "t", baseURL: loom.server.baseURL } });
  try {
    const resumed = await rt.resumeThread(thread.id);
    expect(resumed.state.activeTurn).toBeNull();
    expect(resumed.state.turns.at(-1)?.status).toBe("aborted");
  } finally {
    await rt.close();
  }
});
