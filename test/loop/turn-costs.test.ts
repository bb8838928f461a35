// What a turn costs the log and the host (issue 21): how many group commits a turn waits on, that a
// `run` queued behind submitted input does not steer it, and the per-turn facts read at each turn.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { nextEvent, startLoom, type LoomHarness } from "../support/loom.js";
import { inputItems, messageTexts, textTurn, toolCallTurn } from "../support/fake-responses.js";
import type { StoreEventLog } from "../../src/log/store-event-log.js";
import type { DynamicToolSpec, LogEntry } from "../../src/events/index.js";

let loom: LoomHarness;
beforeEach(async () => {
  loom = await startLoom();
});
afterEach(async () => {
  await loom.close();
});

const commits = () => (loom.rt.log as StoreEventLog).stats.commits;

const lookup: DynamicToolSpec = {
  name: "lookup",
  description: "Looks a ticket up.",
  inputSchema: { type: "object", properties: { id: { type: "string" } }, required: ["id"] },
};

describe("group commits per turn", () => {
  it("a plain turn waits on three: its input with its context, the request record, and the answer with the turn's end", async () => {
    loom.server.enqueue(textTurn("one"), textTurn("two"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    await thread.run("warm up");
    const before = commits();
    const entriesBefore = thread.state.seq;
    const result = await thread.run("hi");
    expect(result.finalResponse).toBe("two");
    // Submission, task_started, context, user message: one commit; model_request: one (while the
    // request is out); message, deltas, usage and task_complete: one.
    expect(commits() - before).toBeLessThanOrEqual(3);
    expect(thread.state.seq - entriesBefore).toBeGreaterThan(8);
    // Still in log order, nothing missing: the submission first, the end last.
    const entries = await thread.entries({ from: entriesBefore + 1 });
    expect(entries[0]!.kind).toBe("submission");
    const last = entries.at(-1)! as Extract<LogEntry, { kind: "event_msg" }>;
    expect(last.payload.type).toBe("task_complete");
  });

  it("a host tool's answer, its output and the round's outputs share one commit", async () => {
    loom.server.enqueue(toolCallTurn("d1", "lookup", { id: "T-7" }), textTurn("open"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never", dynamicTools: [lookup] });
    const asked = nextEvent(thread.events$, "dynamic_tool_call_request");
    const before = commits();
    const run = thread.run("status?");
    await asked;
    await thread.submit({ type: "dynamic_tool_response", id: "d1", response: { content_items: [{ type: "inputText", text: "T-7: open" }], success: true } });
    expect((await run).finalResponse).toBe("open");
    // input+context, request, call item, host request, host answer, answer+output+outputs, request, end.
    expect(commits() - before).toBeLessThanOrEqual(8);
    const output = inputItems(loom.server.requests[1]!).find((item: any) => item.type === "function_call_output");
    expect(output).toMatchObject({ call_id: "d1", output: "T-7: open" });
  });
});

describe("input that reaches the session before it is durable", () => {
  it("a run behind submitted input waits for that input's turn instead of steering it", async () => {
    loom.server.enqueue(textTurn("first answer"), textTurn("second answer"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    void thread.submit({ type: "user_input", items: [{ type: "text", text: "first" }] });
    const second = await thread.run("second");
    expect(second.finalResponse).toBe("second answer");
    expect(loom.server.requests).toHaveLength(2);
    expect(messageTexts(loom.server.requests[0]!, "user").at(-1)).toBe("first");
    expect(messageTexts(loom.server.requests[1]!, "assistant")).toContain("first answer");
    expect(thread.state.turns).toHaveLength(2);
  });
});

describe("facts read at each turn", () => {
  it("the date follows a TZ changed between turns", async () => {
    // UTC+14 and UTC-11 are 25 hours apart: their dates always differ.
    const saved = process.env.TZ;
    loom.server.enqueue(textTurn("a"), textTurn("b"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    try {
      process.env.TZ = "Pacific/Kiritimati";
      await thread.run("one");
      process.env.TZ = "Pacific/Pago_Pago";
      await thread.run("two");
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
    const dates = (await thread.entries())
      .filter((entry): entry is Extract<LogEntry, { kind: "turn_context" }> => entry.kind === "turn_context")
      .map((entry) => entry.payload.current_date);
    expect(dates).toHaveLength(2);
    expect(dates[0]).not.toBe(dates[1]);
  });
});
