// The fake Responses server must speak the wire format the real openai SDK (and Codex) expects:
// these tests drive it with the SDK itself, over loopback, with no retries.
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import {
  earlyClose,
  evCreated,
  evOutputTextDelta,
  gated,
  hanging,
  httpError,
  lastInputItem,
  messageTexts,
  startFakeResponses,
  textTurn,
  toolCallTurn,
  toolNames,
  type FakeResponses,
} from "./support/fake-responses.js";

let server: FakeResponses | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(...replies: Parameters<FakeResponses["enqueue"]>): Promise<{ fake: FakeResponses; client: OpenAI }> {
  server = await startFakeResponses({ replies });
  return { fake: server, client: new OpenAI({ baseURL: server.baseURL, apiKey: "x", maxRetries: 0 }) };
}

function ask(client: OpenAI, text: string, signal?: AbortSignal) {
  return client.responses.create(
    {
      model: "gpt-5.5",
      input: [{ type: "message", role: "user", content: [{ type: "input_text", text }] }],
      tools: [{ type: "function", name: "shell_command", parameters: { type: "object" }, strict: false }],
      stream: true,
    },
    { signal },
  );
}

async function collect(stream: AsyncIterable<{ type: string }>): Promise<any[]> {
  const events: any[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

describe("fake Responses server with the openai SDK", () => {
  it("streams a text turn", async () => {
    const { fake, client } = await start(textTurn("hello there", { usage: { input_tokens: 10, output_tokens: 3 } }));
    const events = await collect(await ask(client, "hi"));

    expect(events.map((event) => event.type)).toEqual([
      "response.created",
      "response.output_item.added",
      "response.output_text.delta",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(events[3].item).toMatchObject({ type: "message", role: "assistant", content: [{ type: "output_text", text: "hello there" }] });
    expect(events[4].response.usage).toEqual({
      input_tokens: 10,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 3,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 13,
    });
    fake.assertAllUsed();
  });

  it("streams a function call", async () => {
    const { fake, client } = await start(toolCallTurn("call_1", "shell_command", { command: "ls" }));
    const events = await collect(await ask(client, "list files"));

    const done = events.find((event) => event.type === "response.output_item.done");
    expect(done.item).toEqual({ type: "function_call", call_id: "call_1", name: "shell_command", arguments: '{"command":"ls"}' });
    expect(events.at(-1).type).toBe("response.completed");
    fake.assertAllUsed();
  });

  it("surfaces a 500 and a 429 with retry-after as SDK errors", async () => {
    const { fake, client } = await start(
      httpError(500, { message: "boom" }),
      httpError(429, { message: "slow down", code: "rate_limit_exceeded" }, { retryAfterSeconds: 7 }),
    );

    const serverError = await ask(client, "hi").catch((error: unknown) => error);
    expect(serverError).toBeInstanceOf(OpenAI.InternalServerError);
    expect((serverError as InstanceType<typeof OpenAI.APIError>).message).toContain("boom");

    const rateLimited = await ask(client, "hi").catch((error: unknown) => error);
    expect(rateLimited).toBeInstanceOf(OpenAI.RateLimitError);
    const { headers, code } = rateLimited as InstanceType<typeof OpenAI.RateLimitError>;
    expect(headers.get("retry-after")).toBe("7");
    expect(code).toBe("rate_limit_exceeded");
    fake.assertAllUsed();
  });

  it("ends a stream before response.completed", async () => {
    const { client } = await start(earlyClose([evCreated("resp_1"), evOutputTextDelta("partial")]));
    const events = await collect(await ask(client, "hi"));
    expect(events.map((event) => event.type)).toEqual(["response.created", "response.output_text.delta"]);
  });

  it("resets the connection mid-stream when asked to", async () => {
    const { client } = await start(earlyClose([evCreated("resp_1")], { abrupt: true }));
    const seen: string[] = [];
    const failure = await (async () => {
      for await (const event of await ask(client, "hi")) seen.push(event.type);
    })().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(seen).not.toContain("response.completed");
  });

  it("holds a gated stream until release", async () => {
    const gate = gated([evCreated("resp_1"), evOutputTextDelta("thinking")], textTurn("done").slice(1));
    const { fake, client } = await start(gate.reply);
    const stream = await ask(client, "hi");
    const iterator = stream[Symbol.asyncIterator]();

    expect((await iterator.next()).value.type).toBe("response.created");
    expect((await iterator.next()).value.type).toBe("response.output_text.delta");
    await gate.reached;
    gate.release();
    const rest: string[] = [];
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) rest.push(next.value.type);
    expect(rest.at(-1)).toBe("response.completed");
    fake.assertAllUsed();
  });

  it("keeps a hanging stream open until the client aborts", async () => {
    const hang = hanging([evCreated("resp_1")]);
    const { client } = await start(hang.reply);
    const controller = new AbortController();
    const stream = await ask(client, "hi", controller.signal);
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).value.type).toBe("response.created");

    // The SDK treats its own abort as the end of the stream; the server sees the hang-up.
    const pending = iterator.next();
    controller.abort();
    expect(await pending).toEqual({ value: undefined, done: true });
    await hang.disconnected;
  });

  it("records each request and lets a function choose replies from it", async () => {
    server = await startFakeResponses({
      handler: (request) =>
        lastInputItem(request)?.type === "function_call_output"
          ? textTurn("ran it")
          : toolCallTurn("call_9", toolNames(request)[0], { command: "echo hi" }),
    });
    const client = new OpenAI({ baseURL: server.baseURL, apiKey: "x", maxRetries: 0 });

    await collect(await ask(client, "run echo"));
    const first = await server.waitForRequest(0);
    expect(first.method).toBe("POST");
    expect(first.path).toBe("/v1/responses");
    expect(first.headers.authorization).toBe("Bearer x");
    expect(first.body).toMatchObject({ model: "gpt-5.5", stream: true });
    expect(messageTexts(first, "user")).toEqual(["run echo"]);

    const followUp = client.responses.create({
      model: "gpt-5.5",
      input: [{ type: "function_call_output", call_id: "call_9", output: "hi" }],
      stream: true,
    });
    const second = await server.waitForRequest(1);
    const events = await collect(await followUp);
    expect(second.body.input[0].type).toBe("function_call_output");
    expect(events.find((event) => event.type === "response.output_item.done").item.content[0].text).toBe("ran it");
    expect(server.requests).toHaveLength(2);
    server.assertAllUsed();
  });

  it("answers unscripted requests with a 500 and reports them", async () => {
    const { fake, client } = await start();
    const error = await ask(client, "hi").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as Error).message).toContain("unscripted request #0");
    expect(fake.failures).toHaveLength(1);
    expect(() => fake.assertAllUsed()).toThrow(/unscripted request #0/);
  });

  it("reports queued replies that were never used", async () => {
    const { fake } = await start(textTurn("never asked for"));
    expect(() => fake.assertAllUsed()).toThrow(/1 queued reply was never used/);
  });
});
