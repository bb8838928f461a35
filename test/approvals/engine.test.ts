// The approval engine through the runtime: a host tool that asks, answered by each decision.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { nextEvent, startLoom, type LoomHarness } from "../support/loom.js";
import { evCompleted, evCreated, evFunctionCall, inputItems, textTurn, toolCallTurn } from "../support/fake-responses.js";
import type { ToolHandler } from "../../src/actors/tools/index.js";
import { outputFor } from "../../src/actors/tools/index.js";
import { TurnAbortedError } from "../../src/runtime/errors.js";
import { approvalKeyForCommand, sessionApprovalKeys } from "../../src/safety/index.js";

/** A tool that asks before every run unless its command was approved for the session. */
function guardedTool(runs: string[]): ToolHandler {
  return {
    name: "guarded",
    spec: () => ({ type: "function", name: "guarded", description: "asks first", parameters: { type: "object", properties: {} } }),
    approval: ({ call, turnId, settings, approvedForSession }) => {
      const command = ["guarded", call.input];
      const key = approvalKeyForCommand(command, { cwd: settings.cwd });
      if (sessionApprovalKeys(approvedForSession.commands).has(key)) return { type: "run" };
      return {
        type: "ask",
        request: { type: "exec_approval_request", call_id: call.callId, turn_id: turnId, command, cwd: settings.cwd, parsed_cmd: [] },
      };
    },
    deniedOutput: () => "exec command rejected by user",
    async execute({ call }) {
      runs.push(call.callId);
      return outputFor(call, `ran ${call.input}`);
    },
  };
}

let loom: LoomHarness;
let runs: string[];
beforeEach(async () => {
  runs = [];
  loom = await startLoom({ tools: [guardedTool(runs)] });
});
afterEach(async () => {
  await loom.close();
});

const outputOf = (request: any, callId: string) =>
  inputItems(request).find((item: any) => item.type === "function_call_output" && item.call_id === callId)?.output;

describe("approval decisions", () => {
  it("approved: the call runs", async () => {
    loom.server.enqueue(toolCallTurn("c1", "guarded", "{}"), textTurn("done"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "on-request" });
    const asked = nextEvent(thread.events$, "exec_approval_request");
    const run = thread.run("go");
    expect((await asked).call_id).toBe("c1");
    expect(thread.state.pendingApprovals.map((p) => p.id)).toEqual(["c1"]);
    await thread.submit({ type: "exec_approval", id: "c1", decision: "approved" });
    expect((await run).finalResponse).toBe("done");
    expect(runs).toEqual(["c1"]);
    expect(outputOf(loom.server.requests[1], "c1")).toBe("ran {}");
    expect(thread.state.pendingApprovals).toEqual([]);
  });

  it("denied: the call does not run, the model is told and the turn goes on", async () => {
    loom.server.enqueue(toolCallTurn("c1", "guarded", "{}"), textTurn("ok, not running it"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd });
    const asked = nextEvent(thread.events$, "exec_approval_request");
    const run = thread.run("go");
    await asked;
    await thread.submit({ type: "exec_approval", id: "c1", decision: "denied" });
    expect((await run).finalResponse).toBe("ok, not running it");
    expect(runs).toEqual([]);
    expect(outputOf(loom.server.requests[1], "c1")).toBe("exec command rejected by user");
  });

  it("abort: the call does not run and the turn ends as interrupted", async () => {
    loom.server.enqueue(toolCallTurn("c1", "guarded", "{}"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd });
    const asked = nextEvent(thread.events$, "exec_approval_request");
    const aborted = nextEvent(thread.events$, "turn_aborted");
    const run = thread.run("go");
    await asked;
    await thread.submit({ type: "exec_approval", id: "c1", decision: "abort" });
    expect((await aborted).reason).toBe("interrupted");
    await expect(run).rejects.toBeInstanceOf(TurnAbortedError);
    expect(runs).toEqual([]);
    expect(loom.server.requests).toHaveLength(1);
  });

  it("approved_for_session: the same command later runs without a new request", async () => {
    loom.server.enqueue(toolCallTurn("c1", "guarded", "same"), textTurn("first"), toolCallTurn("c2", "guarded", "same"), textTurn("second"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd });
    const asked = nextEvent(thread.events$, "exec_approval_request");
    const first = thread.run("one");
    await asked;
    await thread.submit({ type: "exec_approval", id: "c1", decision: "approved_for_session" });
    await first;
    const requests: string[] = [];
    const subscription = thread.events$.subscribe((e) => e.msg.type === "exec_approval_request" && requests.push(e.msg.call_id));
    expect((await thread.run("two")).finalResponse).toBe("second");
    subscription.unsubscribe();
    expect(requests).toEqual([]);
    expect(runs).toEqual(["c1", "c2"]);
  });

  it("answers several pending requests by id, in any order", async () => {
    loom.server.enqueue(
      [evCreated("r1"), evFunctionCall("a", "guarded", "A"), evFunctionCall("b", "guarded", "B"), evCompleted("r1")],
      textTurn("both answered"),
    );
    const thread = await loom.rt.startThread({ cwd: loom.cwd });
    const second = nextEvent(thread.events$, "exec_approval_request", (msg) => msg.call_id === "b");
    const run = thread.run("two calls");
    await second;
    expect(thread.state.pendingApprovals.map((p) => p.id).sort()).toEqual(["a", "b"]);
    await thread.submit({ type: "exec_approval", id: "b", decision: "approved" });
    await thread.submit({ type: "exec_approval", id: "a", decision: "denied" });
    await run;
    expect(runs).toEqual(["b"]);
    expect(outputOf(loom.server.requests[1], "a")).toBe("exec command rejected by user");
    expect(outputOf(loom.server.requests[1], "b")).toBe("ran B");
  });

  it("reports an answer for an unknown or already-answered id and changes nothing", async () => {
    loom.server.enqueue(toolCallTurn("c1", "guarded", "{}"), textTurn("done"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd });
    const unknown = nextEvent(thread.events$, "error");
    const ghost = await thread.submit({ type: "exec_approval", id: "ghost", decision: "approved" });
    expect((await unknown).message).toMatch(/no pending exec approval request with id "ghost"/);
    expect(ghost).toBeTruthy();

    const asked = nextEvent(thread.events$, "exec_approval_request");
    const run = thread.run("go");
    await asked;
    await thread.submit({ type: "exec_approval", id: "c1", decision: "approved" });
    const repeated = nextEvent(thread.events$, "error");
    await thread.submit({ type: "exec_approval", id: "c1", decision: "denied" });
    expect((await repeated).message).toMatch(/already answered/);
    await run;
    expect(runs).toEqual(["c1"]);
  });
});
