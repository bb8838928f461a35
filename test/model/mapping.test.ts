// The pure pieces of the sampler, checked with plain data: Codex's error classification, its
// serialized form of output items, its backoff curve, and the stream mapping's edge cases.
import { describe, expect, it } from "vitest";
import {
  ModelError,
  ResponseStreamMapper,
  classifyResponseFailed,
  codexBackoff,
  createTextControls,
  modelEndpointFromEnv,
  ModelConfigError,
  parseTryAgainIn,
  reasoningParams,
  toErrorEvent,
  toHistoryItem,
} from "../../src/actors/model/index.js";
import { counterIds } from "../../src/actors/clock.js";

describe("classifyResponseFailed", () => {
  const failed = (code: string, message = "m") => classifyResponseFailed({ id: "r", error: { code, message } });

  it("maps Codex's fatal codes to their errors and messages", () => {
    expect(toErrorEvent(failed("insufficient_quota"))).toEqual({
      type: "error",
      message: "Quota exceeded. Check your plan and billing details.",
      codex_error_info: "usage_limit_exceeded",
    });
    expect(failed("usage_not_included").kind).toBe("usage_not_included");
    expect(failed("invalid_prompt", "prompt flagged").message).toBe("prompt flagged");
    expect(failed("slow_down").kind).toBe("server_overloaded");
    for (const code of ["insufficient_quota", "usage_not_included", "invalid_prompt", "server_is_overloaded", "context_length_exceeded"]) {
      expect(failed(code).retryable).toBe(false);
    }
  });

  it("retries every other code, with a delay only for rate limits", () => {
    const other = failed("server_error", "oops, try again in 2s");
    expect(other.kind).toBe("stream");
    expect(other.retryable).toBe(true);
    expect(other.retryAfterMs).toBeNull();
    expect(failed("rate_limit_exceeded", "Please try again in 2s").retryAfterMs).toBe(2000);
    expect(classifyResponseFailed({ id: "r" }).message).toBe("stream disconnected before completion: response.failed event received");
  });

  it("parses Codex's 'try again in' forms", () => {
    expect(parseTryAgainIn("Please try again in 1.5s.")).toBe(1500);
    expect(parseTryAgainIn("try again in 300ms")).toBe(300);
    expect(parseTryAgainIn("Try Again In 20 seconds")).toBe(20_000);
    expect(parseTryAgainIn("wait a minute")).toBeNull();
  });
});

describe("toHistoryItem", () => {
  it("keeps only what Codex's ResponseItem serializes, in its field order", () => {
    const message = toHistoryItem({
      id: "msg_1",
      type: "message",
      status: "completed",
      role: "assistant",
      content: [{ type: "output_text", text: "hi", annotations: [], logprobs: [] }],
      phase: "final_answer",
    });
    expect(message).toEqual({ type: "message", role: "assistant", content: [{ type: "output_text", text: "hi" }], phase: "final_answer" });
    expect(Object.keys(message!)).toEqual(["type", "role", "content", "phase"]);
  });

  it("writes reasoning content as null when absent and drops it when it holds no reasoning_text", () => {
    expect(toHistoryItem({ type: "reasoning", id: "rs", summary: [] })).toEqual({ type: "reasoning", summary: [], content: null, encrypted_content: null });
    expect(toHistoryItem({ type: "reasoning", summary: [], content: [{ type: "text", text: "x" }], encrypted_content: "e" })).toEqual({
      type: "reasoning",
      summary: [],
      encrypted_content: "e",
    });
  });

  it("ignores what Codex cannot parse: unknown item types and unknown content parts", () => {
    expect(toHistoryItem({ type: "mcp_list_tools", id: "x" })).toBeNull();
    expect(toHistoryItem({ type: "message", role: "assistant", content: [{ type: "refusal", refusal: "no" }] })).toBeNull();
    expect(toHistoryItem({ type: "function_call", name: "f", call_id: "c" })).toBeNull();
  });

  it("keeps the id of an image generation call, which Codex sends back", () => {
    expect(toHistoryItem({ type: "image_generation_call", id: "ig_1", status: "completed", result: "b64" })).toEqual({
      type: "image_generation_call",
      id: "ig_1",
      status: "completed",
      result: "b64",
    });
  });
});

describe("ResponseStreamMapper", () => {
  const mapper = () => new ResponseStreamMapper({ threadId: "t", turnId: "u", ids: counterIds() });

  it("drops text deltas that arrive before any item started, as Codex does", () => {
    const m = mapper();
    expect(m.push({ type: "response.output_text.delta", delta: "lost" })).toEqual([]);
  });

  it("raises the failure only when the stream ends, and lets a later completion win", () => {
    const m = mapper();
    m.push({ type: "response.incomplete", response: { incomplete_details: { reason: "max_output_tokens" } } });
    expect(() => m.finish()).toThrow("stream disconnected before completion: Incomplete response returned, reason: max_output_tokens");
    m.push({ type: "response.completed", response: { id: "r" } });
    expect(m.finish()).toEqual({ responseId: "r", items: [], usage: null, lastAgentMessage: null });
  });

  it("reports a completion it cannot parse", () => {
    const m = mapper();
    m.push({ type: "response.completed", response: { usage: {} } });
    const error = (() => {
      try {
        m.finish();
      } catch (caught) {
        return caught as ModelError;
      }
    })();
    expect(error?.message).toMatch(/^stream disconnected before completion: failed to parse ResponseCompleted: /);
  });

  it("invents an id for an item the API sent without one", () => {
    const m = mapper();
    const outputs = m.push({ type: "response.output_item.done", item: { type: "message", role: "assistant", content: [] } });
    expect(outputs[0]).toMatchObject({ kind: "event", msg: { type: "item_started", item: { id: "item-1" } } });
    expect(m.finish.bind(m)).toThrow();
  });
});

describe("request helpers and configuration", () => {
  it("follows Codex's backoff curve: 200 ms doubling, ±10% jitter", () => {
    expect([1, 2, 3, 4].map((attempt) => codexBackoff(attempt, () => 0.5))).toEqual([200, 400, 800, 1600]);
    expect(codexBackoff(1, () => 0)).toBe(180);
    expect(codexBackoff(1, () => 0.999999)).toBe(219);
  });

  it("builds Codex's reasoning and text controls", () => {
    expect(reasoningParams("high", "none")).toEqual({ effort: "high" });
    expect(reasoningParams(undefined, "auto")).toEqual({ summary: "auto" });
    expect(createTextControls(undefined, undefined)).toBeUndefined();
    expect(createTextControls("low", { type: "object" })).toEqual({
      verbosity: "low",
      format: { type: "json_schema", strict: true, schema: { type: "object" }, name: "codex_output_schema" },
    });
  });

  it("reads the endpoint from the environment it is given", () => {
    expect(modelEndpointFromEnv({ OPENAI_API_KEY: "k" })).toEqual({ apiKey: "k", baseURL: "https://api.openai.com/v1" });
    expect(modelEndpointFromEnv({ OPENAI_API_KEY: "k", OPENAI_BASE_URL: "http://h/v1" }).baseURL).toBe("http://h/v1");
    expect(() => modelEndpointFromEnv({})).toThrow(ModelConfigError);
  });
});
