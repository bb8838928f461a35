// Model endpoints that misbehave, over real HTTP: one that never sends headers, a stream that stalls,
// a 429 asking for an absurd wait, a garbage SSE event, a refused connection, a malformed base URL.
// Every wait is bounded, every retry is announced, and the failure names what was wrong.
import { afterEach, describe, expect, it } from "vitest";
import {
  ModelConfigError,
  ModelError,
  buildResponsesRequest,
  createModelClient,
  sampleWithRetry,
  MAX_RETRY_WAIT_MS,
  checkBaseURL,
  type ResponsesRequest,
} from "../../src/actors/model/index.js";
import { evCreated, evMessageAdded, frame, hanging, httpError, rawSse, silent, textTurn, type Reply } from "../support/fake-responses.js";
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

async function run(replies: Reply[], client: { idleMs?: number; requestRetries?: number; fetch?: typeof fetch } = {}) {
  harness = await startHarness(replies, { maxRetries: client.requestRetries ?? 0, streamIdleTimeoutMs: client.idleMs, fetch: client.fetch });
  const recorder = new Recorder();
  const { sleep, delays } = instantSleep();
  const outcome = sampleWithRetry(harness.client, body, {
    signal: new AbortController().signal,
    onEvent: recorder.onEvent,
    threadId: THREAD,
    turnId: TURN,
    backoff: (attempt) => attempt * 10,
    sleep,
  });
  const settled = await outcome.then(
    (result) => ({ result, error: undefined }),
    (error: unknown) => ({ result: undefined, error }),
  );
  return { ...settled, recorder, delays };
}

describe("bounded waits", () => {
  it("gives up on an endpoint that never sends headers after the idle timeout, announcing each retry", async () => {
    const replies = [silent(), silent(), silent()];
    // Attempts are counted where the client makes them: on a loaded machine a request given up
    // after 150 ms may never reach the server.
    let attempts = 0;
    const counting: typeof fetch = (input, init) => {
      attempts += 1;
      return fetch(input, init);
    };
    const { error, recorder } = await run(
      replies.map((r) => r.reply),
      { idleMs: 150, requestRetries: 4, fetch: counting },
    );
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).message).toContain("timeout waiting for response headers");
    // Not retried silently at the request level: each timeout is a visible stream retry, and
    // timeouts get fewer retries than other failures (each one costs a whole idle timeout).
    expect(recorder.ofType("stream_error").map((e) => e.message)).toEqual(["Reconnecting... 1/5", "Reconnecting... 2/5"]);
    expect(recorder.ofType("stream_error")[0]!.additional_details).toContain("timeout waiting for response headers");
    expect(attempts).toBe(3);
    const arrived = harness!.server.requests.length;
    expect(arrived).toBeLessThanOrEqual(3);
    for (const reply of replies.slice(0, arrived)) await reply.disconnected;
    // Replies of requests that never arrived stay queued: close here rather than assert all used.
    await harness!.server.close();
    harness = undefined;
  });

  it("gives up on a stream that stalls after its first events within a bounded number of timeouts", async () => {
    const stalls = [hanging([evCreated("r1")]), hanging([evCreated("r2"), evMessageAdded("m2")]), hanging([])];
    const { error, recorder } = await run(
      stalls.map((s) => s.reply),
      { idleMs: 150 },
    );
    // Each attempt times out (on a loaded machine the headers themselves may be what is late).
    expect((error as ModelError).timedOut).toBe(true);
    expect((error as ModelError).message).toMatch(/^stream disconnected before completion: (idle timeout waiting for SSE|timeout waiting for response headers)/);
    expect(recorder.ofType("stream_error")).toHaveLength(2);
    for (const stall of stalls) await stall.disconnected;
  });

  it("recovers when a timed-out attempt is followed by a good one", async () => {
    const stall = silent();
    // Long enough for the good reply however loaded the machine is; the silent one costs it once.
    const { result, recorder } = await run([stall.reply, textTurn("late but fine")], { idleMs: 1000 });
    expect(result?.lastAgentMessage).toBe("late but fine");
    expect(recorder.ofType("stream_error")).toHaveLength(1);
  });

  it("caps a 429's retry-after, and the backoff, at MAX_RETRY_WAIT_MS", async () => {
    const { result, delays } = await run([httpError(429, {}, { retryAfterSeconds: 86_400 }), textTurn("ok")]);
    expect(result?.lastAgentMessage).toBe("ok");
    expect(delays).toEqual([MAX_RETRY_WAIT_MS]);
    expect(MAX_RETRY_WAIT_MS).toBeLessThanOrEqual(60_000);
  });
});

describe("a stream with a broken event", () => {
  it("skips one unparsable SSE event with a warning and completes the attempt", async () => {
    const good = textTurn("still here", { responseId: "r9", messageId: "m9" });
    const text = [frame(good[0]!), frame(good[1]!), "event: response.output_text.delta\ndata: {not json\n\n", ...good.slice(2).map(frame)].join("");
    const { result, recorder } = await run([rawSse(text)]);
    expect(result?.responseId).toBe("r9");
    expect(result?.lastAgentMessage).toBe("still here");
    const [warning, ...more] = recorder.ofType("warning");
    expect(more).toEqual([]);
    expect(warning!.message).toMatch(/skipped an unparsable event from the model stream: .*\{not json/);
    expect(recorder.ofType("stream_error")).toEqual([]);
    expect(harness!.server.requests).toHaveLength(1);
  });

  it("reads events split across CRLF line endings, comments and multi-line data", async () => {
    const [created, added, delta, done, completed] = textTurn("crlf", { responseId: "r8", messageId: "m8" });
    const multiLine = `data: ${JSON.stringify(done).replace('"type":', '\ndata: "type":')}`;
    const text = [
      ": keep-alive comment\r\n\r\n",
      `event: response.created\r\ndata: ${JSON.stringify(created)}\r\n\r\n`,
      frame(added!),
      frame(delta!),
      `event: response.output_item.done\n${multiLine}\n\n`,
      `data: ${JSON.stringify(completed)}\n\n`,
    ].join("");
    const { result } = await run([rawSse(text)]);
    expect(result?.responseId).toBe("r8");
    expect(result?.lastAgentMessage).toBe("crlf");
  });
});

describe("connection failures and the endpoint's configuration", () => {
  it("fails fast on a refused connection, naming the URL and where it came from", async () => {
    const port = await closedPort();
    const client = createModelClient({
      apiKey: "sk",
      baseURL: `http://127.0.0.1:${port}/v1`,
      baseURLSource: "OPENAI_BASE_URL",
      model: "m",
      maxRetries: 1,
    });
    const recorder = new Recorder();
    const { sleep, delays } = instantSleep();
    const error = await sampleWithRetry(client, body, {
      signal: new AbortController().signal,
      onEvent: recorder.onEvent,
      threadId: THREAD,
      turnId: TURN,
      backoff: () => 1,
      sleep,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).message).toContain(`cannot connect to http://127.0.0.1:${port}/v1 (from OPENAI_BASE_URL)`);
    expect((error as ModelError).message).toContain("ECONNREFUSED");
    // The request retries were tried (silently); no stream retries after them.
    expect(delays).toEqual([1]);
    expect(recorder.ofType("stream_error")).toEqual([]);
  });

  it("refuses a base URL that is not http(s), naming the variable, without a request or a retry", async () => {
    for (const bad of ["localhost:8080/v1", "ftp://example.com", "not a url", ""]) {
      expect(() => checkBaseURL(bad, "OPENAI_BASE_URL")).toThrow(ModelConfigError);
    }
    expect(() => checkBaseURL("https://api.example.com/v1", "OPENAI_BASE_URL")).not.toThrow();
    // The client is still built (a thread that never samples must not fail); each request fails at once.
    const client = createModelClient({ apiKey: "sk", baseURL: "localhost:8080/v1", baseURLSource: "OPENAI_BASE_URL", model: "m" });
    const recorder = new Recorder();
    const error = await sampleWithRetry(client, body, {
      signal: new AbortController().signal,
      onEvent: recorder.onEvent,
      threadId: THREAD,
      turnId: TURN,
      sleep: instantSleep().sleep,
    }).catch((caught: unknown) => caught);
    expect((error as ModelError).message).toBe('OPENAI_BASE_URL must be an http(s) URL, got "localhost:8080/v1"');
    expect(recorder.outputs).toEqual([]);
  });
});

describe("the provider keys, through the runtime", () => {
  it("reads stream_idle_timeout_ms and stream_max_retries from the active provider and ends the turn with an error", async () => {
    const { startLoom } = await import("../support/loom.js");
    const loom = await startLoom({
      config: { model_providers: { openai: { stream_idle_timeout_ms: 150, stream_max_retries: 1 } } },
    });
    try {
      const stalls = [silent(), silent()];
      loom.server.enqueue(...stalls.map((s) => s.reply));
      const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
      await expect(thread.run("hello?")).rejects.toThrow(/timeout waiting for response headers \(150 ms\)/);
      const types = (await thread.entries()).flatMap((e) => (e.kind === "event_msg" ? [e.payload.type] : []));
      expect(types.filter((t) => t === "stream_error")).toHaveLength(1);
      expect(types.at(-1)).toBe("task_complete");
      expect(types).toContain("error");
      expect(loom.server.requests).toHaveLength(2);
    } finally {
      await loom.close();
    }
  });

  it("rejects a provider key of the wrong type by name", async () => {
    const { validateConfig } = await import("../../src/config/index.js");
    expect(() => validateConfig({ model_providers: { openai: { stream_idle_timeout_ms: 0 } } })).toThrow(
      "model_providers.openai.stream_idle_timeout_ms must be a positive integer, got 0",
    );
    expect(() => validateConfig({ model_providers: { x: { stream_max_retries: "5" as never } } })).toThrow(
      'model_providers.x.stream_max_retries must be a non-negative integer, got "5"',
    );
  });
});

describe("replaying a thread whose stream had a broken event", () => {
  it("replays the skipped event's warning from the recording, with no divergence", async () => {
    const { startLoom } = await import("../support/loom.js");
    const { replayThread } = await import("../../src/replay/reexecute/index.js");
    const loom = await startLoom();
    try {
      const good = textTurn("fine", { responseId: "r1", messageId: "m1" });
      loom.server.enqueue(rawSse([frame(good[0]!), "data: {oops\n\n", ...good.slice(1).map(frame)].join("")));
      const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
      expect((await thread.run("hi")).finalResponse).toBe("fine");
      const report = await replayThread(loom.rt.log, thread.id);
      expect(report.divergence).toBeUndefined();
    } finally {
      await loom.close();
    }
  });
});
