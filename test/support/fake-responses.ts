// A fake OpenAI Responses API on 127.0.0.1:0: scripted SSE replies in, recorded requests out.
// Agent-loop tests and the Codex fixture generator both drive a real HTTP client (the openai SDK,
// or the real Codex CLI) against it, so nothing of ours is mocked. Event builders mirror Codex's own
// test helpers (codex-rs/core/tests/common/responses.rs) so scenarios read the same on both sides.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** One SSE event: its `type` becomes the `event:` line, the whole object the `data:` line. */
export type SseEvent = { type: string; [key: string]: unknown };

/** One HTTP request the server received, in arrival order. */
export interface RecordedRequest {
  index: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, or undefined when the body was empty or not JSON. */
  body: any;
  rawBody: string;
}

/** Settles a gated or hanging reply from the test's side. */
export interface StreamControl {
  /** Resolves once the events before the gate have been written and flushed. */
  readonly reached: Promise<void>;
  /** Resolves when the client goes away before the reply finished. */
  readonly disconnected: Promise<void>;
}

export type ReplyFn = (request: RecordedRequest, index: number) => Reply | Promise<Reply>;

export type Reply =
  | SseEvent[]
  | { kind: "sse"; events: SseEvent[]; headers?: Record<string, string> }
  | { kind: "http_error"; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: "early_close"; events: SseEvent[]; abrupt: boolean }
  | { kind: "gated"; before: SseEvent[]; gate: Promise<unknown>; after: SseEvent[]; control: ControlHandle }
  | { kind: "hang"; events: SseEvent[]; control: ControlHandle }
  | { kind: "raw_sse"; text: string }
  | { kind: "silent"; control: ControlHandle }
  | ReplyFn;

/** A request the script did not expect, or a reply that could not be produced. */
export interface Failure {
  index: number;
  path: string;
  message: string;
}

export interface FakeResponsesOptions {
  /** Replies served in order, one per request. */
  replies?: Reply[];
  /** Answers every request once the queue is empty (one function can serve a whole scenario). */
  handler?: ReplyFn;
}

export interface FakeResponses {
  /** e.g. "http://127.0.0.1:PORT/v1": pass as the SDK's baseURL or a provider's base_url. */
  readonly baseURL: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  readonly failures: Failure[];
  /** Queues replies; each request takes the next one. */
  enqueue(...replies: Reply[]): void;
  /** Sets (or clears) the reply function used when the queue is empty. */
  setHandler(handler: ReplyFn | undefined): void;
  /** Resolves with request number `index` (0-based) once its body has been read. */
  waitForRequest(index: number, options?: { timeoutMs?: number }): Promise<RecordedRequest>;
  /** Throws when a request went unanswered by the script or queued replies were never used. */
  assertAllUsed(): void;
  /** Stops listening and cuts every open stream (hanging and gated ones included). */
  close(): Promise<void>;
}

// ---- reply builders ------------------------------------------------------------------------

export function sse(events: SseEvent[], headers?: Record<string, string>): Reply {
  return { kind: "sse", events, headers };
}

/** A non-2xx JSON reply, shaped like OpenAI's `{ error: { message, type, code } }`. */
export function httpError(
  status: number,
  error: { message?: string; type?: string; code?: string | null } = {},
  options: { retryAfterSeconds?: number; headers?: Record<string, string> } = {},
): Reply {
  const headers = { ...options.headers };
  if (options.retryAfterSeconds !== undefined) headers["retry-after"] = String(options.retryAfterSeconds);
  const body = {
    error: {
      message: error.message ?? `fake server error ${status}`,
      type: error.type ?? (status === 429 ? "rate_limit_error" : "server_error"),
      param: null,
      code: error.code ?? null,
    },
  };
  return { kind: "http_error", status, body, headers };
}

/** Sends `events` and ends the stream without `response.completed`; `abrupt` resets the socket. */
export function earlyClose(events: SseEvent[], options: { abrupt?: boolean } = {}): Reply {
  return { kind: "early_close", events, abrupt: options.abrupt ?? false };
}

/** The server's side of a StreamControl, carried inside gated and hanging replies. */
export interface ControlHandle extends StreamControl {
  markReached(): void;
  markDisconnected(): void;
}

function controlHandle(): ControlHandle {
  let markReached!: () => void;
  let markDisconnected!: () => void;
  const reached = new Promise<void>((resolve) => (markReached = resolve));
  const disconnected = new Promise<void>((resolve) => (markDisconnected = resolve));
  return { reached, disconnected, markReached, markDisconnected };
}

/**
 * Sends `before`, then holds the stream open until `release()` is called (or `until` settles),
 * then sends `after`. `reached` tells the test the client has seen `before`.
 */
export function gated(
  before: SseEvent[],
  after: SseEvent[],
  options: { until?: Promise<unknown> } = {},
): { reply: Reply; release: () => void } & StreamControl {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const gate = options.until ? Promise.race([released, options.until]) : released;
  const control = controlHandle();
  return {
    reply: { kind: "gated", before, gate, after, control },
    release,
    reached: control.reached,
    disconnected: control.disconnected,
  };
}

/** Sends `events` and never ends the stream; only the client hanging up (or close()) stops it. */
export function hanging(events: SseEvent[] = []): { reply: Reply } & StreamControl {
  const control = controlHandle();
  return { reply: { kind: "hang", events, control }, reached: control.reached, disconnected: control.disconnected };
}

/** Sends `text` as the SSE body as it is (malformed events, comments, odd line endings), then ends. */
export function rawSse(text: string): Reply {
  return { kind: "raw_sse", text };
}

/** Reads the request and never answers, not even with headers; only the client hanging up ends it. */
export function silent(): { reply: Reply } & StreamControl {
  const control = controlHandle();
  return { reply: { kind: "silent", control }, reached: control.reached, disconnected: control.disconnected };
}

/** One SSE frame as the server writes it. */
export function frame(event: SseEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

// ---- SSE event builders ----------------------------------------------------------------------

export interface Usage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export interface UsageInput {
  input_tokens?: number;
  cached_tokens?: number;
  output_tokens?: number;
  reasoning_tokens?: number;
  total_tokens?: number;
}

export function usage(input: UsageInput = {}): Usage {
  const inputTokens = input.input_tokens ?? 0;
  const outputTokens = input.output_tokens ?? 0;
  return {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: input.cached_tokens ?? 0 },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: input.reasoning_tokens ?? 0 },
    total_tokens: input.total_tokens ?? inputTokens + outputTokens,
  };
}

export const evCreated = (id: string): SseEvent => ({ type: "response.created", response: { id } });

export const evCompleted = (id: string, tokens: UsageInput | Usage = {}): SseEvent => ({
  type: "response.completed",
  response: { id, usage: "input_tokens_details" in tokens ? tokens : usage(tokens) },
});

/** Like Codex's ev_completed_with_tokens: a total large enough to trip auto-compaction. */
export const evCompletedWithTokens = (id: string, totalTokens: number): SseEvent =>
  evCompleted(id, { input_tokens: totalTokens, total_tokens: totalTokens });

export const evMessageAdded = (id: string): SseEvent => ({
  type: "response.output_item.added",
  item: { type: "message", role: "assistant", id, content: [] },
});

export const evOutputTextDelta = (delta: string): SseEvent => ({ type: "response.output_text.delta", delta });

export const evAssistantMessage = (id: string, text: string): SseEvent => ({
  type: "response.output_item.done",
  item: { type: "message", role: "assistant", id, content: [{ type: "output_text", text }] },
});

export const evFunctionCall = (callId: string, name: string, argsJson: string): SseEvent => ({
  type: "response.output_item.done",
  item: { type: "function_call", call_id: callId, name, arguments: argsJson },
});

export const evCustomToolCall = (callId: string, name: string, input: string): SseEvent => ({
  type: "response.output_item.done",
  item: { type: "custom_tool_call", call_id: callId, name, input },
});

export const evReasoningAdded = (id: string): SseEvent => ({
  type: "response.output_item.added",
  item: { type: "reasoning", id, summary: [] },
});

/** A finished reasoning item; `content` becomes reasoning_text parts, as in Codex's helper. */
export const evReasoning = (
  id: string,
  summary: string[],
  options: { content?: string[]; encryptedContent?: string } = {},
): SseEvent => {
  const item: Record<string, unknown> = {
    type: "reasoning",
    id,
    summary: summary.map((text) => ({ type: "summary_text", text })),
    encrypted_content: options.encryptedContent ?? Buffer.from(`reasoning:${id}`).toString("base64"),
  };
  if (options.content) item.content = options.content.map((text) => ({ type: "reasoning_text", text }));
  return { type: "response.output_item.done", item };
};

export const evReasoningSummaryDelta = (delta: string, summaryIndex = 0): SseEvent => ({
  type: "response.reasoning_summary_text.delta",
  delta,
  summary_index: summaryIndex,
});

export const evReasoningTextDelta = (delta: string, contentIndex = 0): SseEvent => ({
  type: "response.reasoning_text.delta",
  delta,
  content_index: contentIndex,
});

export const sseFailed = (id: string, code: string, message: string): SseEvent => ({
  type: "response.failed",
  response: { id, error: { code, message } },
});

export const evIncomplete = (id: string, reason: string): SseEvent => ({
  type: "response.incomplete",
  response: { id, incomplete_details: { reason } },
});

let turnCounter = 0;

/** A whole text answer: created, message added, one delta, message done, completed. */
export function textTurn(text: string, options: { responseId?: string; messageId?: string; usage?: UsageInput } = {}): SseEvent[] {
  turnCounter += 1;
  const responseId = options.responseId ?? `resp_${turnCounter}`;
  const messageId = options.messageId ?? `msg_${turnCounter}`;
  return [
    evCreated(responseId),
    evMessageAdded(messageId),
    evOutputTextDelta(text),
    evAssistantMessage(messageId, text),
    evCompleted(responseId, options.usage),
  ];
}

/** A turn whose only output is one function call; `args` is JSON-encoded unless already a string. */
export function toolCallTurn(
  callId: string,
  name: string,
  args: unknown,
  options: { responseId?: string; usage?: UsageInput } = {},
): SseEvent[] {
  turnCounter += 1;
  const responseId = options.responseId ?? `resp_${turnCounter}`;
  const argsJson = typeof args === "string" ? args : JSON.stringify(args);
  return [evCreated(responseId), evFunctionCall(callId, name, argsJson), evCompleted(responseId, options.usage)];
}

// ---- request inspection ----------------------------------------------------------------------

/** The `input` array of a Responses request body ([] when absent). */
export function inputItems(request: RecordedRequest): any[] {
  return Array.isArray(request.body?.input) ? request.body.input : [];
}

/** Texts of the message items with this role, one string per message (parts joined). */
export function messageTexts(request: RecordedRequest, role: string): string[] {
  return inputItems(request)
    .filter((item) => item.type === "message" && item.role === role)
    .map((item) =>
      (Array.isArray(item.content) ? item.content : [])
        .map((part: { text?: string }) => part.text ?? "")
        .join(""),
    );
}

/** The last input item, which tells a reply function where the conversation stands. */
export function lastInputItem(request: RecordedRequest): any {
  const items = inputItems(request);
  return items[items.length - 1];
}

/** Names of the tools the request advertises (function, custom and namespaced tools alike). */
export function toolNames(request: RecordedRequest): string[] {
  const tools: any[] = Array.isArray(request.body?.tools) ? request.body.tools : [];
  return tools.map((tool) => tool.name ?? tool.type).filter((name): name is string => typeof name === "string");
}

// ---- the server ------------------------------------------------------------------------------

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

export async function startFakeResponses(options: FakeResponsesOptions = {}): Promise<FakeResponses> {
  const queue: Reply[] = [...(options.replies ?? [])];
  let handler = options.handler;
  const requests: RecordedRequest[] = [];
  const failures: Failure[] = [];
  const waiters = new Map<number, Array<(request: RecordedRequest) => void>>();
  const sockets = new Set<Socket>();

  const fail = (response: ServerResponse, recorded: RecordedRequest, status: number, message: string): void => {
    failures.push({ index: recorded.index, path: recorded.path, message });
    if (response.headersSent) {
      response.destroy();
      return;
    }
    response.writeHead(status, { "content-type": "application/json" });
    response.end(JSON.stringify({ error: { message: `fake-responses: ${message}`, type: "fake_server_error", code: null } }));
  };

  const nextReply = (): Reply | undefined => (queue.length > 0 ? queue.shift() : handler);

  async function resolveReply(reply: Reply, recorded: RecordedRequest): Promise<Exclude<Reply, ReplyFn>> {
    let current: Reply = reply;
    while (typeof current === "function") current = await current(recorded, recorded.index);
    return current;
  }

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const rawBody = await readBody(request);
    const recorded: RecordedRequest = {
      index: requests.length,
      method: request.method ?? "",
      path: request.url ?? "",
      headers: request.headers,
      body: parseJson(rawBody),
      rawBody,
    };
    requests.push(recorded);
    for (const resolve of waiters.get(recorded.index) ?? []) resolve(recorded);
    waiters.delete(recorded.index);

    const pathname = recorded.path.split("?")[0];
    if (recorded.method !== "POST" || !pathname.endsWith("/responses")) {
      return fail(response, recorded, 404, `no route for ${recorded.method} ${recorded.path}`);
    }
    const scripted = nextReply();
    if (scripted === undefined) {
      return fail(response, recorded, 500, `unscripted request #${recorded.index} to ${recorded.path}: no reply queued and no handler`);
    }
    let reply: Exclude<Reply, ReplyFn>;
    try {
      reply = await resolveReply(scripted, recorded);
    } catch (error) {
      return fail(response, recorded, 500, `reply function threw on request #${recorded.index}: ${String(error)}`);
    }
    await send(reply, response);
  }

  // Resolves when the client has hung up, so long-lived replies can stop writing.
  const clientGone = (response: ServerResponse): Promise<void> =>
    new Promise((resolve) => {
      if (response.destroyed) resolve();
      response.on("close", () => resolve());
    });

  async function writeEvents(response: ServerResponse, events: SseEvent[]): Promise<void> {
    for (const event of events) {
      if (response.destroyed) return;
      if (!response.write(frame(event))) await new Promise((resolve) => response.once("drain", resolve));
    }
  }

  async function send(reply: Exclude<Reply, ReplyFn>, response: ServerResponse): Promise<void> {
    if (Array.isArray(reply)) reply = { kind: "sse", events: reply };
    if (reply.kind === "silent") {
      const gone = clientGone(response);
      reply.control.markReached();
      await gone;
      reply.control.markDisconnected();
      return;
    }
    if (reply.kind === "http_error") {
      response.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
      response.end(JSON.stringify(reply.body));
      return;
    }
    const extraHeaders = reply.kind === "sse" ? reply.headers : undefined;
    response.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      connection: "keep-alive",
      ...extraHeaders,
    });
    response.flushHeaders();
    switch (reply.kind) {
      case "sse":
        await writeEvents(response, reply.events);
        response.end();
        return;
      case "raw_sse":
        response.end(reply.text);
        return;
      case "early_close":
        await writeEvents(response, reply.events);
        if (reply.abrupt) response.socket?.resetAndDestroy();
        else response.end();
        return;
      case "gated": {
        const gone = clientGone(response);
        await writeEvents(response, reply.before);
        reply.control.markReached();
        const released = reply.gate.then(
          () => "released" as const,
          () => "released" as const,
        );
        const outcome = await Promise.race([released, gone.then(() => "gone" as const)]);
        if (outcome === "gone") return reply.control.markDisconnected();
        await writeEvents(response, reply.after);
        response.end();
        return;
      }
      case "hang": {
        const gone = clientGone(response);
        await writeEvents(response, reply.events);
        reply.control.markReached();
        await gone;
        reply.control.markDisconnected();
        return;
      }
      default: {
        const unreachable: never = reply;
        throw new Error(`unknown reply ${JSON.stringify(unreachable)}`);
      }
    }
  }

  const server = createServer((request, response) => {
    serve(request, response).catch((error: unknown) => {
      failures.push({ index: -1, path: request.url ?? "", message: `fake server crashed: ${String(error)}` });
      response.destroy();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    failures,
    enqueue: (...replies) => void queue.push(...replies),
    setHandler: (next) => void (handler = next),
    waitForRequest(index, { timeoutMs = 10_000 } = {}) {
      if (requests[index]) return Promise.resolve(requests[index]);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`fake-responses: request #${index} did not arrive within ${timeoutMs} ms (got ${requests.length})`)),
          timeoutMs,
        );
        const list = waiters.get(index) ?? [];
        list.push((request) => {
          clearTimeout(timer);
          resolve(request);
        });
        waiters.set(index, list);
      });
    },
    assertAllUsed() {
      const problems = failures.map((failure) => `request #${failure.index} ${failure.path}: ${failure.message}`);
      if (queue.length > 0) problems.push(`${queue.length} queued repl${queue.length === 1 ? "y was" : "ies were"} never used`);
      if (problems.length > 0) throw new Error(`fake-responses:\n  ${problems.join("\n  ")}`);
    },
    close() {
      return new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      });
    },
  };
}
