// One sampling request against the fake Responses server through the real openai SDK: the events
// and items come out in Codex's order and shapes, and the request body is Codex's.
import { afterEach, describe, expect, it } from "vitest";
import { buildResponsesRequest, sampleOnce, type ResponsesRequest } from "../../src/actors/model/index.js";
import type { ResponseItem } from "../../src/events/index.js";
import {
  evAssistantMessage,
  evCompleted,
  evCreated,
  evCustomToolCall,
  evFunctionCall,
  evMessageAdded,
  evOutputTextDelta,
  evReasoning,
  evReasoningAdded,
  evReasoningSummaryDelta,
  evReasoningTextDelta,
  textTurn,
} from "../support/fake-responses.js";
import { Recorder, startHarness, THREAD, TURN, type Harness } from "./harness.js";

const userMessage = (text: string): ResponseItem => ({ type: "message", role: "user", content: [{ type: "input_text", text }] });

function request(input: ResponseItem[] = [userMessage("hi")], extra: Partial<Parameters<typeof buildResponsesRequest>[0]> = {}): ResponsesRequest {
  return buildResponsesRequest({
    model: "gpt-test",
    instructions: "You are a coding agent.",
    input,
    tools: [],
    parallelToolCalls: false,
    promptCacheKey: THREAD,
    ...extra,
  });
}

let harness: Harness | undefined;
afterEach(async () => {
  harness?.server.assertAllUsed();
  await harness?.server.close();
  harness = undefined;
});

async function sample(replies: Parameters<typeof startHarness>[0], options: { showRawAgentReasoning?: boolean; body?: ResponsesRequest } = {}) {
  harness = await startHarness(replies);
  const recorder = new Recorder();
  const result = await sampleOnce(harness.client, options.body ?? request(), {
    signal: new AbortController().signal,
    onEvent: recorder.onEvent,
    threadId: THREAD,
    turnId: TURN,
    showRawAgentReasoning: options.showRawAgentReasoning,
  });
  return { result, recorder };
}

describe("sampleOnce", () => {
  it("streams a text answer as Codex's item, delta and message events, then records the item", async () => {
    const usage = { input_tokens: 10, cached_tokens: 2, output_tokens: 5, reasoning_tokens: 1 };
    const { result, recorder } = await sample([textTurn("hello", { responseId: "resp_t", messageId: "msg_t", usage })]);

    const ids = { thread_id: THREAD, turn_id: TURN };
    const assistant = { type: "message", role: "assistant", content: [{ type: "output_text", text: "hello" }] };
    expect(recorder.outputs).toEqual([
      { kind: "event", msg: { type: "item_started", ...ids, item: { type: "AgentMessage", id: "msg_t", content: [{ type: "Text", text: "" }] } } },
      { kind: "event", msg: { type: "agent_message_content_delta", ...ids, item_id: "msg_t", delta: "hello" } },
      { kind: "event", msg: { type: "agent_message_delta", delta: "hello" } },
      { kind: "event", msg: { type: "item_completed", ...ids, item: { type: "AgentMessage", id: "msg_t", content: [{ type: "Text", text: "hello" }] } } },
      { kind: "event", msg: { type: "agent_message", message: "hello", phase: null, memory_citation: null } },
      { kind: "item", item: assistant },
    ]);
    expect(result).toEqual({
      responseId: "resp_t",
      items: [assistant],
      usage: { input_tokens: 10, cached_input_tokens: 2, output_tokens: 5, reasoning_output_tokens: 1, total_tokens: 15 },
      lastAgentMessage: "hello",
    });
  });

  it("starts the turn item at output_item.done when the stream never announced it", async () => {
    const { recorder } = await sample([[evCreated("r"), evAssistantMessage("msg_1", "done"), evCompleted("r")]]);
    expect(recorder.sequence()).toEqual(["event:item_started", "event:item_completed", "event:agent_message", "item:message"]);
    expect(recorder.ofType("item_started")[0].item).toEqual({ type: "AgentMessage", id: "msg_1", content: [{ type: "Text", text: "done" }] });
  });

  it("records a function call as an item only, without its id or status", async () => {
    // The real API adds an id and a status that Codex's ResponseItem does not keep.
    const call = evFunctionCall("call_1", "shell", '{"command":["ls"]}');
    const withApiFields = { ...call, item: { id: "fc_1", status: "completed", ...(call.item as object) } };
    const { result, recorder } = await sample([[evCreated("resp_f"), withApiFields, evCompleted("resp_f")]]);

    const recorded = { type: "function_call", name: "shell", arguments: '{"command":["ls"]}', call_id: "call_1" };
    expect(recorder.outputs).toEqual([{ kind: "item", item: recorded }]);
    expect(Object.keys(result.items[0])).toEqual(["type", "name", "arguments", "call_id"]);
    expect(result.lastAgentMessage).toBeNull();
    expect(result.usage).toEqual({ input_tokens: 0, cached_input_tokens: 0, output_tokens: 0, reasoning_output_tokens: 0, total_tokens: 0 });
  });

  it("records a custom (freeform) tool call with its raw input", async () => {
    const patch = "*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch";
    const { result, recorder } = await sample([[evCreated("r"), evCustomToolCall("call_2", "apply_patch", patch), evCompleted("r")]]);
    expect(recorder.outputs).toEqual([{ kind: "item", item: { type: "custom_tool_call", call_id: "call_2", name: "apply_patch", input: patch } }]);
    expect(result.items).toHaveLength(1);
  });

  it("streams reasoning summaries, section breaks and raw content, then the answer", async () => {
    const { result, recorder } = await sample(
      [
        [
          evCreated("resp_r"),
          evReasoningAdded("rs_1"),
          evReasoningSummaryDelta("Think", 0),
          { type: "response.reasoning_summary_part.added", summary_index: 1 },
          evReasoningSummaryDelta("More", 1),
          evReasoningTextDelta("raw thought"),
          evReasoning("rs_1", ["Think", "More"], { content: ["raw thought"], encryptedContent: "enc==" }),
          evMessageAdded("msg_r"),
          evOutputTextDelta("answer"),
          evAssistantMessage("msg_r", "answer"),
          evCompleted("resp_r", { input_tokens: 3, output_tokens: 7, reasoning_tokens: 4 }),
        ],
      ],
      { showRawAgentReasoning: true },
    );

    const ids = { thread_id: THREAD, turn_id: TURN };
    expect(recorder.events().slice(0, 11)).toEqual([
      { type: "item_started", ...ids, item: { type: "Reasoning", id: "rs_1", summary_text: [], raw_content: [] } },
      { type: "reasoning_content_delta", ...ids, item_id: "rs_1", delta: "Think", summary_index: 0 },
      { type: "agent_reasoning_delta", delta: "Think" },
      { type: "agent_reasoning_section_break", item_id: "rs_1", summary_index: 1 },
      { type: "reasoning_content_delta", ...ids, item_id: "rs_1", delta: "More", summary_index: 1 },
      { type: "agent_reasoning_delta", delta: "More" },
      { type: "reasoning_raw_content_delta", ...ids, item_id: "rs_1", delta: "raw thought", content_index: 0 },
      { type: "agent_reasoning_raw_content_delta", delta: "raw thought" },
      { type: "item_completed", ...ids, item: { type: "Reasoning", id: "rs_1", summary_text: ["Think", "More"], raw_content: ["raw thought"] } },
      { type: "agent_reasoning", text: "Think" },
      { type: "agent_reasoning", text: "More" },
    ]);
    expect(recorder.ofType("agent_reasoning_raw_content")).toEqual([{ type: "agent_reasoning_raw_content", text: "raw thought" }]);
    expect(recorder.sequence().indexOf("item:reasoning")).toBe(12);
    expect(result.items).toEqual([
      {
        type: "reasoning",
        summary: [
          { type: "summary_text", text: "Think" },
          { type: "summary_text", text: "More" },
        ],
        content: [{ type: "reasoning_text", text: "raw thought" }],
        encrypted_content: "enc==",
      },
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "answer" }] },
    ]);
    expect(result.usage?.reasoning_output_tokens).toBe(4);
  });

  it("sends the request body Codex sends: its fields, in its order, with no item ids", async () => {
    const input: ResponseItem[] = [
      userMessage("hi"),
      { type: "message", id: "msg_old", role: "assistant", content: [{ type: "output_text", text: "earlier" }] },
      { type: "function_call", id: "fc_old", name: "shell", arguments: "{}", call_id: "c0" },
      { type: "function_call_output", call_id: "c0", output: "ok" },
    ];
    const tools = [{ type: "function", name: "shell", description: "run", strict: false, parameters: { type: "object", properties: {} } }];
    const body = request(input, { tools, parallelToolCalls: true, reasoning: { effort: "medium", summary: "auto" } });
    await sample([textTurn("ok")], { body });

    const sent = harness!.server.requests[0];
    expect(sent.path).toBe("/v1/responses");
    expect(sent.headers.authorization).toBe("Bearer sk-test");
    expect(Object.keys(sent.body)).toEqual([
      "model",
      "instructions",
      "input",
      "tools",
      "tool_choice",
      "parallel_tool_calls",
      "reasoning",
      "store",
      "stream",
      "include",
      "prompt_cache_key",
    ]);
    expect(sent.body).toEqual({
      model: "gpt-test",
      instructions: "You are a coding agent.",
      input: [
        userMessage("hi"),
        { type: "message", role: "assistant", content: [{ type: "output_text", text: "earlier" }] },
        { type: "function_call", name: "shell", arguments: "{}", call_id: "c0" },
        { type: "function_call_output", call_id: "c0", output: "ok" },
      ],
      tools,
      tool_choice: "auto",
      parallel_tool_calls: true,
      reasoning: { effort: "medium", summary: "auto" },
      store: false,
      stream: true,
      include: ["reasoning.encrypted_content"],
      prompt_cache_key: THREAD,
    });
  });

  it("sends reasoning as null and includes nothing when the model has no reasoning, and omits empty instructions", async () => {
    await sample([textTurn("ok")], { body: request([userMessage("hi")], { instructions: "" }) });
    const body = harness!.server.requests[0].body;
    expect("instructions" in body).toBe(false);
    expect(body.reasoning).toBeNull();
    expect(body.include).toEqual([]);
  });
});
