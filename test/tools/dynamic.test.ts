// Host tools: schemas as Codex sends them, and calls answered by the host with dynamic_tool_response.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { collectUntil, nextEvent, startLoom, type LoomHarness } from "../support/loom.js";
import { inputItems, textTurn, toolCallTurn } from "../support/fake-responses.js";
import { dynamicToolHandlers, InvalidToolSchemaError, toolInputSchema } from "../../src/actors/tools/dynamic.js";
import type { DynamicToolSpec } from "../../src/events/index.js";
import { TurnAbortedError } from "../../src/runtime/errors.js";

describe("toolInputSchema (Codex's parse_tool_input_schema)", () => {
  it("coerces boolean schemas to strings", () => {
    expect(toolInputSchema(true)).toEqual({ type: "string" });
  });

  it("infers an object from properties and a string for an untyped property", () => {
    expect(toolInputSchema({ properties: { query: { description: "search query" } } })).toEqual({
      type: "object",
      properties: { query: { type: "string", description: "search query" } },
    });
  });

  it("keeps integer, and gives arrays without items string items", () => {
    expect(toolInputSchema({ type: "object", properties: { tags: { type: "array" }, page: { type: "integer" } } })).toEqual({
      type: "object",
      properties: { page: { type: "integer" }, tags: { type: "array", items: { type: "string" } } },
    });
  });

  it("sanitizes additionalProperties schemas and keeps anyOf", () => {
    const schema = toolInputSchema({
      type: "object",
      additionalProperties: { required: ["value"], properties: { value: { anyOf: [{ type: "string" }, { type: "number" }] } } },
    });
    expect(schema).toEqual({
      type: "object",
      properties: {},
      additionalProperties: {
        type: "object",
        properties: { value: { anyOf: [{ type: "string" }, { type: "number" }] } },
        required: ["value"],
      },
    });
  });

  it("infers from numeric, enum, const and format keywords", () => {
    expect(toolInputSchema({ additionalProperties: false })).toEqual({ type: "object", properties: {}, additionalProperties: false });
    expect(toolInputSchema({ minimum: 1 })).toEqual({ type: "number" });
    expect(toolInputSchema({ multipleOf: 5 })).toEqual({ type: "number" });
    expect(toolInputSchema({ enum: ["fast", "safe"] })).toEqual({ type: "string", enum: ["fast", "safe"] });
    expect(toolInputSchema({ const: "file" })).toEqual({ type: "string", enum: ["file"] });
    expect(toolInputSchema({ format: "date-time" })).toEqual({ type: "string" });
  });

  it("writes keys in Codex's order, properties sorted, unknown keywords dropped", () => {
    const schema = toolInputSchema({
      additionalProperties: false,
      required: ["b"],
      properties: { b: { type: "string", minLength: 1 }, a: { type: "number" } },
      description: "args",
      $schema: "http://json-schema.org/draft-07/schema#",
      type: "object",
    });
    expect(JSON.stringify(schema)).toBe(
      '{"type":"object","description":"args","properties":{"a":{"type":"number"},"b":{"type":"string"}},"required":["b"],"additionalProperties":false}',
    );
  });

  it("refuses a null schema and keywords of the wrong shape", () => {
    expect(() => toolInputSchema({ type: "null" })).toThrow(InvalidToolSchemaError);
    expect(() => toolInputSchema({ type: "object", required: "id" })).toThrow(InvalidToolSchemaError);
  });
});

const lookup: DynamicToolSpec = {
  name: "lookup_ticket",
  description: "Fetch a ticket",
  inputSchema: { type: "object", properties: { id: { type: "string" } }, required: ["id"] },
};

describe("dynamicToolHandlers", () => {
  it("offers one function per tool and one namespace tool per namespace, leaving out invalid schemas", () => {
    const handlers = dynamicToolHandlers([
      lookup,
      { namespace: "crm", name: "find_contact", description: "Find", inputSchema: { type: "object", properties: {} } },
      { namespace: "crm", name: "add_note", description: "Note", inputSchema: { type: "object", properties: {} }, deferLoading: true },
      { name: "broken", description: "Bad", inputSchema: { type: "null" } },
    ]);
    expect(handlers.map((h) => h.name)).toEqual(["lookup_ticket", "find_contact", "add_note"]);
    const specs = handlers.map((h) => h.spec({} as never)).filter((s) => s !== undefined);
    expect(specs).toEqual([
      { type: "function", name: "lookup_ticket", description: "Fetch a ticket", strict: false, parameters: lookup.inputSchema },
      {
        type: "namespace",
        name: "crm",
        description: "Tools in the crm namespace.",
        tools: [
          { type: "function", name: "find_contact", description: "Find", strict: false, parameters: { type: "object", properties: {} } },
          { type: "function", name: "add_note", description: "Note", strict: false, defer_loading: true, parameters: { type: "object", properties: {} } },
        ],
      },
    ]);
  });
});

describe("host tools through the runtime", () => {
  let loom: LoomHarness;
  beforeEach(async () => {
    loom = await startLoom();
  });
  afterEach(async () => {
    await loom.close();
  });

  const outputOf = (request: any, callId: string) =>
    inputItems(request).find((item: any) => item.type === "function_call_output" && item.call_id === callId)?.output;

  it("asks the host, records its response, and gives the model the content", async () => {
    loom.server.enqueue(toolCallTurn("d1", "lookup_ticket", { id: "T-7" }), textTurn("Ticket T-7 is open."));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never", dynamicTools: [lookup] });
    const requested = nextEvent(thread.events$, "dynamic_tool_call_request");
    const events = collectUntil(thread.events$, "task_complete");
    const run = thread.run("status of T-7?");
    const request = await requested;
    expect(request).toMatchObject({ callId: "d1", tool: "lookup_ticket", namespace: null, arguments: { id: "T-7" } });
    expect(thread.state.pendingApprovals.map((p) => p.kind)).toEqual(["dynamic_tool"]);
    await thread.submit({
      type: "dynamic_tool_response",
      id: "d1",
      response: { content_items: [{ type: "inputText", text: "T-7: open" }], success: true },
    });
    expect((await run).finalResponse).toBe("Ticket T-7 is open.");
    expect(outputOf(loom.server.requests[1], "d1")).toBe("T-7: open");
    const response = (await events).map((e) => e.msg).find((m) => m.type === "dynamic_tool_call_response");
    expect(response).toMatchObject({ call_id: "d1", tool: "lookup_ticket", success: true, error: null, content_items: [{ type: "inputText", text: "T-7: open" }] });
    expect(loom.server.requests[0]!.body.tools).toContainEqual(expect.objectContaining({ type: "function", name: "lookup_ticket" }));
  });

  it("passes several parts, images included, as a list", async () => {
    loom.server.enqueue(toolCallTurn("d1", "lookup_ticket", { id: "T-8" }), textTurn("seen"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never", dynamicTools: [lookup] });
    const requested = nextEvent(thread.events$, "dynamic_tool_call_request");
    const run = thread.run("show T-8");
    await requested;
    await thread.submit({
      type: "dynamic_tool_response",
      id: "d1",
      response: {
        content_items: [
          { type: "inputText", text: "screenshot:" },
          { type: "inputImage", imageUrl: "data:image/png;base64,AAAA" },
        ],
        success: true,
      },
    });
    await run;
    expect(outputOf(loom.server.requests[1], "d1")).toEqual([
      { type: "input_text", text: "screenshot:" },
      { type: "input_image", image_url: "data:image/png;base64,AAAA", detail: "high" },
    ]);
  });

  it("is still offered after the thread is resumed", async () => {
    loom.server.enqueue(textTurn("one"), textTurn("two"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never", dynamicTools: [lookup] });
    await thread.run("first");
    await thread.close();
    const resumed = await loom.rt.resumeThread(thread.id);
    await resumed.run("second");
    expect(loom.server.requests[1]!.body.tools).toContainEqual(expect.objectContaining({ name: "lookup_ticket" }));
  });

  it("ends with Codex's aborted text when the turn is interrupted while the host works", async () => {
    loom.server.enqueue(toolCallTurn("d1", "lookup_ticket", { id: "T-9" }), textTurn("next"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never", dynamicTools: [lookup] });
    const requested = nextEvent(thread.events$, "dynamic_tool_call_request");
    const responded = nextEvent(thread.events$, "dynamic_tool_call_response");
    const run = thread.run("look it up");
    await requested;
    await thread.interrupt();
    await expect(run).rejects.toBeInstanceOf(TurnAbortedError);
    expect(await responded).toMatchObject({ success: false, error: "dynamic tool call was cancelled before receiving a response" });
    await thread.run("again");
    expect(outputOf(loom.server.requests[1], "d1")).toMatch(/^aborted by user after \d+\.\ds$/);
  });
});
