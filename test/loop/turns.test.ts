// Scenario tests of the agent loop through the embedding API, against a fake Responses server.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { collectUntil, nextEvent, startLoom, type LoomHarness } from "../support/loom.js";
import {
  evAssistantMessage,
  evCompleted,
  evCreated,
  evFunctionCall,
  httpError,
  earlyClose,
  inputItems,
  messageTexts,
  textTurn,
  toolCallTurn,
} from "../support/fake-responses.js";

let loom: LoomHarness;
beforeEach(async () => {
  loom = await startLoom();
});
afterEach(async () => {
  await loom.close();
});

describe("a text turn", () => {
  it("streams the answer, records it and completes the turn", async () => {
    loom.server.enqueue(textTurn("Hello there.", { usage: { input_tokens: 10, output_tokens: 3, total_tokens: 13 } }));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    const events = collectUntil(thread.events$, "task_complete");
    const result = await thread.run("hi");
    expect(result.finalResponse).toBe("Hello there.");
    expect(result.usage?.total_tokens).toBe(13);
    const types = (await events).map((e) => e.msg.type);
    expect(types[0]).toBe("task_started");
    expect(types).toContain("agent_message_delta");
    expect(types).toContain("agent_message");
    expect(types).toContain("token_count");
    expect(types.at(-1)).toBe("task_complete");

    const request = loom.server.requests[0]!;
    expect(request.body.store).toBe(false);
    expect(request.body.stream).toBe(true);
    expect(typeof request.body.instructions).toBe("string");
    expect(messageTexts(request, "user").at(-1)).toBe("hi");
    expect(inputItems(request).some((item) => JSON.stringify(item).includes("<environment_context>"))).toBe(true);
    loom.server.assertAllUsed();
  });

  it("resends the whole history on every turn", async () => {
    loom.server.enqueue(textTurn("one"), textTurn("two"), textTurn("three"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    await thread.run("first");
    await thread.run("second");
    await thread.run("third");
    const [r1, r2, r3] = loom.server.requests;
    const i1 = inputItems(r1!);
    const i2 = inputItems(r2!);
    const i3 = inputItems(r3!);
    expect(i2.slice(0, i1.length)).toEqual(i1);
    expect(i3.slice(0, i2.length)).toEqual(i2);
    expect(messageTexts(r3!, "user").slice(-3)).toEqual(["first", "second", "third"]);
    expect(messageTexts(r3!, "assistant")).toEqual(["one", "two"]);
  });
});

describe("tool calls", () => {
  it("runs a shell call and sends its output back to the model", async () => {
    loom.server.enqueue(toolCallTurn("call_1", "shell", { command: ["echo", "hi from shell"] }), textTurn("done"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    const end = nextEvent(thread.events$, "exec_command_end");
    const result = await thread.run("run echo");
    expect(result.finalResponse).toBe("done");
    expect((await end).exit_code).toBe(0);
    // Recorded in Codex's structured form for `shell` (the shell-argv capture shows it)...
    const recorded = (await thread.entries()).find((e) => e.kind === "response_item" && e.payload.type === "function_call_output");
    expect((recorded!.payload as { output: string }).output).toMatch(/^\{"output":"hi from shell\\n","metadata":\{"exit_code":0,"duration_seconds":[\d.]+\}\}$/);
    // ...and sent as text, since the request offers the freeform apply_patch (Codex's `reserialize_shell_outputs`).
    const output = inputItems(loom.server.requests[1]!).find((item) => item.type === "function_call_output");
    expect(output.call_id).toBe("call_1");
    expect(loom.server.requests[1]!.body.tools).toContainEqual(expect.objectContaining({ type: "custom", name: "apply_patch" }));
    expect(output.output).toMatch(/^Exit code: 0\nWall time: [\d.]+ seconds\nOutput:\nhi from shell\n$/);
  });

  it("runs the calls of one response in parallel and records outputs in call order", async () => {
    // The first call waits until the second has written its file: only a parallel run finishes.
    const slow = ["bash", "-c", "while [ ! -f second ]; do sleep 0.01; done; echo first"];
    const fast = ["bash", "-c", "touch second; echo second"];
    loom.server.enqueue(
      [
        evCreated("r1"),
        evFunctionCall("call_a", "shell", JSON.stringify({ command: slow })),
        evFunctionCall("call_b", "shell", JSON.stringify({ command: fast })),
        evCompleted("r1"),
      ],
      textTurn("both done"),
    );
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    const result = await thread.run("run both");
    expect(result.finalResponse).toBe("both done");
    const items = inputItems(loom.server.requests[1]!);
    const outputs = items.filter((item) => item.type === "function_call_output");
    expect(outputs.map((o) => o.call_id)).toEqual(["call_a", "call_b"]);
    expect(outputs[0].output).toContain("first");
    expect(outputs[1].output).toContain("second");
  });

  it("returns a failed output for malformed arguments and goes on", async () => {
    loom.server.enqueue(toolCallTurn("call_1", "shell", "{not json"), textTurn("recovered"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    const result = await thread.run("go");
    expect(result.finalResponse).toBe("recovered");
    const output = inputItems(loom.server.requests[1]!).find((item) => item.type === "function_call_output");
    expect(output.output).toMatch(/^failed to parse function arguments: /);
  });

  it("tells the model about an unknown tool and goes on", async () => {
    loom.server.enqueue(toolCallTurn("call_1", "no_such_tool", {}), textTurn("ok"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    const result = await thread.run("go");
    expect(result.finalResponse).toBe("ok");
    const output = inputItems(loom.server.requests[1]!).find((item) => item.type === "function_call_output");
    expect(output.output).toBe("unsupported call: no_such_tool");
  });
});

describe("model failures", () => {
  it("retries a stream closed before response.completed", async () => {
    loom.server.enqueue(earlyClose([evCreated("r1"), evAssistantMessage("m1", "partial")]), textTurn("complete"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    const reconnect = nextEvent(thread.events$, "stream_error");
    const result = await thread.run("go");
    expect(result.finalResponse).toBe("complete");
    expect((await reconnect).message).toMatch(/^Reconnecting\.\.\. 1\/\d+/);
    expect(loom.server.requests).toHaveLength(2);
  });

  it("retries a 500 and then succeeds", async () => {
    loom.server.enqueue(httpError(500, { message: "boom" }), textTurn("fine"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    const result = await thread.run("go");
    expect(result.finalResponse).toBe("fine");
    expect(loom.server.requests).toHaveLength(2);
  });

  it("retries a 429 and then succeeds", async () => {
    loom.server.enqueue(httpError(429, { message: "Rate limit reached. Please try again in 0.001s." }, { retryAfterSeconds: 0 }), textTurn("after limit"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    const result = await thread.run("go");
    expect(result.finalResponse).toBe("after limit");
  });

  it("ends the turn with an error on context_length_exceeded and stays usable", async () => {
    loom.server.enqueue(
      [evCreated("r1"), { type: "response.failed", response: { id: "r1", error: { code: "context_length_exceeded", message: "too long" } } }],
      // Codex marks the window full, so the next turn compacts before it samples.
      textTurn("summary of the thread"),
      textTurn("still here"),
    );
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    const error = nextEvent(thread.events$, "error");
    await expect(thread.run("go")).rejects.toThrow();
    expect((await error).message.length).toBeGreaterThan(0);
    expect(loom.server.requests).toHaveLength(1);
    const result = await thread.run("again");
    expect(result.finalResponse).toBe("still here");
    expect(loom.server.requests[1]!.body.tools).toEqual([]);
  });
});

describe("shutdown", () => {
  it("answers shutdown with shutdown_complete and stops the thread", async () => {
    const thread = await loom.rt.startThread({ cwd: loom.cwd });
    const done = nextEvent(thread.events$, "shutdown_complete");
    await thread.submit({ type: "shutdown" });
    await done;
    await thread.close();
    expect(thread.closed).toBe(true);
  });
});
