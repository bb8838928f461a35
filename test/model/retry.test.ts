// Codex's retry policy over real HTTP: what is retried (silently or with "Reconnecting... n/N"),
// how long it waits, what is fatal, and that an abort closes the connection at once.
import { afterEach, describe, expect, it } from "vitest";
import {
  ModelAbortedError,
  ModelError,
  buildResponsesRequest,
  createModelClient,
  sampleWithRetry,
  toErrorEvent,
  type ModelClient,
  type ResponsesRequest,
  type RetryOptions,
} from "../../src/actors/model/index.js";
import {
  earlyClose,
  evCreated,
  evFunctionCall,
  evMessageAdded,
  evOutputTextDelta,
  hanging,
  httpError,
  sseFailed,
  textTurn,
  type Reply,
} from "../support/fake-responses.js";
import { closedPort, instantSleep, Recorder, startHarness, THREAD, TURN, type Harness } from "./harness.js";

const body: ResponsesRequest = buildResponsesRequest({
  model: "gpt-test",
  instructions: "",
  input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] }],
  tools: [],
  parallelToolCalls: false,
});

let harness: Harness | undefined;
afterEach(async () => {
  harness?.server.assertAllUsed();
  await harness?.server.close();
  harness = undefined;
});

interface Run {
  recorder: Recorder;
  delays: number[];
  outcome: Promise<Awaited<ReturnType<typeof sampleWithRetry>>>;
  controller: AbortController;
}

/** Starts sampleWithRetry against `replies`; the client does no silent request retries unless asked. */
async function run(replies: Reply[], options: Partial<RetryOptions> & { requestRetries?: number; idleMs?: number } = {}): Promise<Run> {
  harness = await startHarness(replies, { maxRetries: options.requestRetries ?? 0, streamIdleTimeoutMs: options.idleMs });
  return runOn(harness.client, options);
}

function runOn(client: ModelClient, options: Partial<RetryOptions> = {}): Run {
  const recorder = new Recorder();
  const { sleep, delays } = instantSleep();
  const controller = new AbortController();
  const outcome = sampleWithRetry(client, body, {
    signal: controller.signal,
    onEvent: recorder.onEvent,
    threadId: THREAD,
    turnId: TURN,
    backoff: (attempt) => attempt * 10,
    sleep,
    ...options,
  });
  return { recorder, delays, outcome, controller };
}

async function failure(promise: Promise<unknown>): Promise<ModelError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ModelError);
  return error as ModelError;
}

describe("sampleWithRetry", () => {
  it("retries a stream closed before response.completed, announcing it as Codex does", async () => {
    const { recorder, delays, outcome } = await run([earlyClose([evCreated("r1"), evMessageAdded("m1")]), textTurn("hi", { responseId: "r2" })]);
    const result = await outcome;

    expect(result.responseId).toBe("r2");
    expect(recorder.ofType("stream_error")).toEqual([
      {
        type: "stream_error",
        message: "Reconnecting... 1/5",
        codex_error_info: { response_stream_disconnected: { http_status_code: null } },
        additional_details: "stream disconnected before completion: stream closed before response.completed",
      },
    ]);
    expect(delays).toEqual([10]);
    expect(harness!.server.requests).toHaveLength(2);
  });

  it("retries a connection reset mid-stream", async () => {
    const { recorder, outcome } = await run([earlyClose([evCreated("r1")], { abrupt: true }), textTurn("hi")]);
    await outcome;
    const [streamError] = recorder.ofType("stream_error");
    expect(streamError.message).toBe("Reconnecting... 1/5");
    expect(streamError.additional_details).toMatch(/^stream disconnected before completion: /);
  });

  it("keeps what a failed attempt delivered, returns only the successful attempt's items, and lets the caller rebuild the retry", async () => {
    harness = await startHarness([earlyClose([evCreated("r1"), evFunctionCall("call_a", "shell", "{}")]), textTurn("done")], { maxRetries: 0 });
    const attempts: number[] = [];
    const recorder = new Recorder();
    const result = await sampleWithRetry(
      harness.client,
      (attempt) => {
        attempts.push(attempt);
        const recorded = recorder.items();
        return { ...body, input: [...body.input, ...recorded] };
      },
      { signal: new AbortController().signal, onEvent: recorder.onEvent, threadId: THREAD, turnId: TURN, backoff: () => 0, sleep: instantSleep().sleep },
    );

    expect(attempts).toEqual([0, 1]);
    expect(recorder.sequence()).toEqual([
      "item:function_call",
      "event:stream_error",
      "event:item_started",
      "event:agent_message_content_delta",
      "event:agent_message_delta",
      "event:item_completed",
      "event:agent_message",
      "item:message",
    ]);
    expect(result.items.map((item) => item.type)).toEqual(["message"]);
    expect(harness.server.requests[1].body.input.at(-1)).toEqual({ type: "function_call", name: "shell", arguments: "{}", call_id: "call_a" });
  });

  it("retries a 500 silently at the request level first, as Codex's transport does", async () => {
    const { recorder, delays, outcome } = await run([httpError(500), textTurn("hi")], { requestRetries: 4 });
    await outcome;
    expect(recorder.ofType("stream_error")).toEqual([]);
    expect(delays).toEqual([10]);
    expect(harness!.server.requests).toHaveLength(2);
  });

  it("retries a 500 at the stream level once request retries are spent", async () => {
    const { recorder, outcome } = await run([httpError(500), textTurn("hi")]);
    await outcome;
    expect(recorder.ofType("stream_error")).toEqual([
      {
        type: "stream_error",
        message: "Reconnecting... 1/5",
        codex_error_info: { response_stream_disconnected: { http_status_code: null } },
        additional_details: "We're currently experiencing high demand, which may cause temporary errors.",
      },
    ]);
  });

  it("waits as long as a 429's retry-after asks before retrying", async () => {
    const { recorder, delays, outcome } = await run([httpError(429, { message: "Rate limit reached" }, { retryAfterSeconds: 7 }), textTurn("hi")], {
      requestRetries: 4,
    });
    await outcome;
    expect(delays).toEqual([7000]);
    expect(recorder.ofType("stream_error")).toEqual([
      {
        type: "stream_error",
        message: "Reconnecting... 1/5",
        codex_error_info: { response_stream_disconnected: { http_status_code: 429 } },
        additional_details: "exceeded retry limit, last status: 429 Too Many Requests",
      },
    ]);
  });

  it("waits as long as a failed response's 'try again in' asks", async () => {
    const limited = sseFailed("r1", "rate_limit_exceeded", "Rate limit reached for gpt-test. Please try again in 1.5s.");
    const { recorder, delays, outcome } = await run([[evCreated("r1"), limited], textTurn("hi")]);
    await outcome;
    expect(delays).toEqual([1500]);
    expect(recorder.ofType("stream_error")[0].additional_details).toBe(
      "stream disconnected before completion: Rate limit reached for gpt-test. Please try again in 1.5s.",
    );
  });

  it("gives up after stream_max_retries and throws the last failure", async () => {
    const { recorder, delays, outcome } = await run([earlyClose([]), earlyClose([]), earlyClose([])], { maxStreamRetries: 2 });
    const error = await failure(outcome);

    expect(error.kind).toBe("stream");
    expect(toErrorEvent(error)).toEqual({
      type: "error",
      message: "stream disconnected before completion: stream closed before response.completed",
      codex_error_info: "other",
    });
    expect(recorder.ofType("stream_error").map((event) => event.message)).toEqual(["Reconnecting... 1/2", "Reconnecting... 2/2"]);
    expect(delays).toEqual([10, 20]);
    expect(harness!.server.requests).toHaveLength(3);
  });

  it("fails at once on context_length_exceeded, with Codex's message", async () => {
    const { recorder, outcome } = await run([[evCreated("r1"), sseFailed("r1", "context_length_exceeded", "too long")]]);
    const error = await failure(outcome);

    expect(error.kind).toBe("context_window_exceeded");
    expect(error.retryable).toBe(false);
    expect(toErrorEvent(error)).toEqual({
      type: "error",
      message: "Codex ran out of room in the model's context window. Start a new thread or clear earlier history before retrying.",
      codex_error_info: "context_window_exceeded",
    });
    expect(recorder.outputs).toEqual([]);
    expect(harness!.server.requests).toHaveLength(1);
  });

  it("fails at once on a 400, quoting the body", async () => {
    const { outcome } = await run([httpError(400, { message: "bad tool schema", type: "invalid_request_error" })]);
    const error = await failure(outcome);
    expect(error.kind).toBe("invalid_request");
    expect(JSON.parse(error.message)).toEqual({ error: { message: "bad tool schema", type: "invalid_request_error", param: null, code: null } });
    expect(toErrorEvent(error).codex_error_info).toBe("other");
  });

  it("fails at once when the server is overloaded", async () => {
    const { outcome } = await run([httpError(503, { code: "server_is_overloaded", message: "busy" })]);
    const error = await failure(outcome);
    expect(toErrorEvent(error)).toEqual({
      type: "error",
      message: "Selected model is at capacity. Please try a different model.",
      codex_error_info: "server_overloaded",
    });
  });

  it("reports other statuses as Codex's unexpected status, with the URL", async () => {
    const { outcome } = await run([httpError(401, { message: "Incorrect API key provided", type: "invalid_request_error" })], { maxStreamRetries: 0 });
    const error = await failure(outcome);
    expect(error.kind).toBe("unexpected_status");
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(`unexpected status 401 Unauthorized: Incorrect API key provided, url: ${harness!.server.baseURL}/responses`);
  });

  it("reports a refused connection once the request retries are spent, without stream retries", async () => {
    const port = await closedPort();
    const client = createModelClient({ apiKey: "sk-test", baseURL: `http://127.0.0.1:${port}/v1`, model: "gpt-test", maxRetries: 1 });
    const { delays, outcome } = runOn(client, { maxStreamRetries: 1 });
    const error = await failure(outcome);
    // Codex would go on to its stream retries; nothing listening there is a wrong URL far more often.
    expect(error.kind).toBe("connection_failed");
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/^cannot connect to http:\/\/127\.0\.0\.1:\d+\/v1 \(from the configured base URL\): .*ECONNREFUSED/);
    expect(toErrorEvent(error).codex_error_info).toEqual({ http_connection_failed: { http_status_code: null } });
    // One silent request retry, then the failure.
    expect(delays).toEqual([10]);
  });

  it("fails without a request when no API key is configured, naming the variable as Codex does", async () => {
    const client = createModelClient({ model: "gpt-test", baseURL: "http://127.0.0.1:9/v1", apiKeyEnvVar: "MY_KEY" });
    const { recorder, outcome } = runOn(client);
    const error = await failure(outcome);
    expect(toErrorEvent(error)).toEqual({ type: "error", message: "Missing environment variable: `MY_KEY`.", codex_error_info: "other" });
    expect(recorder.outputs).toEqual([]);
  });

  it("treats a silent stream as dropped after the idle timeout and closes it", async () => {
    const silent = hanging([evCreated("r1")]);
    // Long enough for the good reply's headers and events however loaded the machine is.
    const { recorder, outcome } = await run([silent.reply, textTurn("hi")], { idleMs: 1000 });
    await outcome;
    await silent.disconnected;
    expect(recorder.ofType("stream_error")[0].additional_details).toBe("stream disconnected before completion: idle timeout waiting for SSE");
  });

  it("aborts mid-stream at once and the server sees the connection close", async () => {
    const open = hanging([evCreated("r1"), evMessageAdded("m1"), evOutputTextDelta("par")]);
    const { recorder, outcome, controller } = await run([open.reply]);
    recorder.onOutput = (output) => {
      if (output.kind === "event" && output.msg.type === "agent_message_delta") controller.abort();
    };

    await expect(outcome).rejects.toBeInstanceOf(ModelAbortedError);
    await open.disconnected;
    expect(recorder.ofType("agent_message_delta")).toEqual([{ type: "agent_message_delta", delta: "par" }]);
    expect(harness!.server.requests).toHaveLength(1);
  });

  it("aborts while waiting to retry, without sending another request", async () => {
    harness = await startHarness([earlyClose([])], { maxRetries: 0 });
    const controller = new AbortController();
    const recorder = new Recorder();
    recorder.onOutput = (output) => {
      if (output.kind === "event" && output.msg.type === "stream_error") controller.abort();
    };
    // The real sleep with an hour-long backoff: only the abort can end this wait.
    const outcome = sampleWithRetry(harness.client, body, {
      signal: controller.signal,
      onEvent: recorder.onEvent,
      threadId: THREAD,
      turnId: TURN,
      backoff: () => 3_600_000,
    });
    await expect(outcome).rejects.toBeInstanceOf(ModelAbortedError);
    expect(harness.server.requests).toHaveLength(1);
  });

  it("does not retry when onEvent itself fails", async () => {
    const { outcome, recorder } = await run([textTurn("hi")]);
    recorder.onOutput = () => {
      throw new Error("log is closed");
    };
    await expect(outcome).rejects.toThrow("log is closed");
    expect(harness!.server.requests).toHaveLength(1);
  });
});
