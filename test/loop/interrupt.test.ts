// Interrupt and steer: the active turn is cancelled or fed mid-flight, with Codex's records.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { nextEvent, startLoom, type LoomHarness } from "../support/loom.js";
import { evCreated, evMessageAdded, evOutputTextDelta, hanging, inputItems, messageTexts, textTurn, toolCallTurn } from "../support/fake-responses.js";
import { TurnAbortedError } from "../../src/runtime/errors.js";

let loom: LoomHarness;
beforeEach(async () => {
  loom = await startLoom();
});
afterEach(async () => {
  await loom.close();
});

const isMarker = (item: any) =>
  item.type === "message" && item.role === "user" && String(item.content?.[0]?.text).startsWith("<turn_aborted>");

describe("interrupt", () => {
  it("ends a turn mid-stream, closes the request and records the marker", async () => {
    const stream = hanging([evCreated("r1"), evMessageAdded("m1"), evOutputTextDelta("partial ans")]);
    loom.server.enqueue(stream.reply, textTurn("next answer"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    const delta = nextEvent(thread.events$, "agent_message_delta");
    const aborted = nextEvent(thread.events$, "turn_aborted");
    const run = thread.run("tell me a story");
    await delta;
    await thread.interrupt();
    expect((await aborted).reason).toBe("interrupted");
    await expect(run).rejects.toBeInstanceOf(TurnAbortedError);
    await stream.disconnected;

    await thread.run("again");
    const next = inputItems(loom.server.requests[1]!);
    expect(next.some(isMarker)).toBe(true);
    expect(messageTexts(loom.server.requests[1]!, "user").at(-1)).toBe("again");
    expect(thread.state.activeTurn ?? null).toBeNull();
  });

  it("kills a running command's process group and tells the model it was aborted", async () => {
    loom.server.enqueue(toolCallTurn("call_sleep", "shell", { command: ["bash", "-c", "sleep 30; echo never"] }), textTurn("ok"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    const begin = nextEvent(thread.events$, "exec_command_begin");
    const end = nextEvent(thread.events$, "exec_command_end");
    const aborted = nextEvent(thread.events$, "turn_aborted");
    const run = thread.run("sleep");
    await begin;
    await thread.interrupt();
    await aborted;
    await expect(run).rejects.toBeInstanceOf(TurnAbortedError);
    expect((await end).aggregated_output).not.toContain("never");

    await thread.run("continue");
    const items = inputItems(loom.server.requests[1]!);
    const output = items.find((item) => item.type === "function_call_output" && item.call_id === "call_sleep");
    expect(output.output).toMatch(/^Wall time: [\d.]+ seconds\naborted by user$/);
    const outputIndex = items.indexOf(output);
    expect(isMarker(items[outputIndex + 1])).toBe(true);
  });
});

describe("steer", () => {
  it("records input sent during a command before the next sampling request", async () => {
    const script = "while [ ! -f go ]; do sleep 0.01; done; echo finished";
    loom.server.enqueue(toolCallTurn("call_wait", "shell", { command: ["bash", "-c", script] }), textTurn("saw it"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    const begin = nextEvent(thread.events$, "exec_command_begin");
    const run = thread.run("wait for go");
    await begin;
    const steered = nextEvent(thread.events$, "user_message", (msg) => msg.message === "also say hi");
    await thread.submit({ type: "user_input", items: [{ type: "text", text: "also say hi" }] });
    await writeFile(join(loom.cwd, "go"), "");
    const result = await run;
    await steered;
    expect(result.finalResponse).toBe("saw it");
    expect(loom.server.requests).toHaveLength(2);
    const items = inputItems(loom.server.requests[1]!);
    const outputIndex = items.findIndex((item) => item.type === "function_call_output");
    expect(items[outputIndex].output).toContain("finished");
    expect(items[outputIndex + 1]).toMatchObject({ type: "message", role: "user", content: [{ type: "input_text", text: "also say hi" }] });
  });
});
