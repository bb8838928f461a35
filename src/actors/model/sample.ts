/**
 * One sampling request: POST /responses through the openai SDK, read the SSE stream, hand every
 * event and output item to `onEvent` in stream order, and end with the result or a `ModelError`.
 * Like Codex, a request that never got a stream is retried silently (`request_max_retries`, 5xx
 * and connection failures only); everything after that is `sampleWithRetry`'s call.
 */
import type { ResponseCreateParamsStreaming } from "openai/resources/responses/responses";
import { randomIds, systemClock, type Clock, type IdSource } from "../clock.js";
import { abortableSleep, codexBackoff, type Backoff, type Sleep } from "./backoff.js";
import { classifyRequestError, classifyStreamReadError, isTransportRetryable } from "./classify.js";
import type { ModelClient } from "./client.js";
import { ModelAbortedError, ModelError, missingEnvVar, streamDisconnected, streamTimedOut } from "./errors.js";
import { sseMessages, type SseMessage } from "./sse.js";
import type { ResponsesRequest } from "./request.js";
import { ResponseStreamMapper, type SampleOutput, type SampleResult } from "./stream-mapper.js";

export interface SampleOptions {
  /** Cancels the request, the stream and any wait at once; the call rejects with `ModelAbortedError`. */
  signal: AbortSignal;
  /** Receives events (for the bus) and output items (for history) in stream order; awaited. */
  onEvent: (output: SampleOutput) => void | Promise<void>;
  /** Stamped on `item_started` / `item_completed` and the v2 delta events. */
  threadId: string;
  turnId: string;
  showRawAgentReasoning?: boolean;
  /** Ids for output items the API sent without one (default: random UUIDs, as Codex). */
  ids?: IdSource;
  /** Reads "now" for retry-after dates. */
  clock?: Clock;
  /** Delay before request retry n (default: Codex's curve). */
  backoff?: Backoff;
  sleep?: Sleep;
  /** Extra request headers (Codex's identity headers, see identity.ts). */
  headers?: Record<string, string>;
}

/** Unparsable events reported as warnings per attempt; past `MAX_SKIPPED_EVENTS` the attempt fails. */
const WARNED_SKIPS = 3;
const MAX_SKIPPED_EVENTS = 100;

/** Undici's own header and body timeouts (300 s): they mean the server went silent too. */
const UNDICI_TIMEOUTS = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);

function hasCode(error: unknown, codes: ReadonlySet<string>): boolean {
  for (let current = error, depth = 0; depth < 6 && current instanceof Error; depth += 1, current = current.cause) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && codes.has(code)) return true;
  }
  return false;
}

function duration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}

function clip(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * Opens the stream (the HTTP response, headers read), retrying what Codex's transport retries
 * before any event arrived. A server that sends no headers within the idle timeout is not retried
 * here, silently: it fails the attempt as a timed-out stream, which the retry loop announces.
 */
async function openStream(
  client: ModelClient,
  request: ResponsesRequest,
  attemptSignal: AbortSignal,
  options: SampleOptions,
): Promise<Response> {
  const backoff = options.backoff ?? codexBackoff;
  const sleep = options.sleep ?? abortableSleep;
  const body = { ...request, stream: true } as unknown as ResponseCreateParamsStreaming;
  for (let attempt = 0; ; attempt += 1) {
    const headers = new AbortController();
    const timer = setTimeout(() => headers.abort(), client.streamIdleTimeoutMs);
    try {
      return await client.openai.responses
        .create(body, {
          signal: AbortSignal.any([attemptSignal, headers.signal]),
          timeout: client.streamIdleTimeoutMs + 1000,
          ...(options.headers ? { headers: options.headers } : {}),
        })
        .asResponse();
    } catch (error) {
      if (options.signal.aborted) throw new ModelAbortedError({ cause: error });
      if (headers.signal.aborted || hasCode(error, UNDICI_TIMEOUTS)) {
        throw streamTimedOut(`timeout waiting for response headers (${duration(client.streamIdleTimeoutMs)})`);
      }
      if (attempt < client.requestMaxRetries && isTransportRetryable(error)) {
        await sleep(backoff(attempt + 1), options.signal);
        continue;
      }
      throw classifyRequestError(error, client, options.clock ?? systemClock);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The event an SSE message carries, or a reason it carries none. */
function parseEvent(data: string): { event: unknown } | { skip: string } | { ignore: true } {
  if (data.startsWith("[DONE]")) return { ignore: true };
  let event: unknown;
  try {
    event = JSON.parse(data);
  } catch (error) {
    return { skip: `${(error as Error).message}: ${clip(data)}` };
  }
  // An `error` object on an event is how the API reports a failure outside `response.failed`
  // (the SDK raised it the same way).
  const failure = (event as { error?: unknown } | null)?.error;
  if (failure && typeof failure === "object") {
    const message = (failure as { message?: unknown }).message;
    throw streamDisconnected(typeof message === "string" ? message : JSON.stringify(failure));
  }
  return { event };
}

/** Reads events until `response.completed`, the end of the stream, an abort or the idle timeout. */
async function readStream(
  client: ModelClient,
  response: Response,
  attempt: AbortController,
  options: SampleOptions,
): Promise<SampleResult> {
  const mapper = new ResponseStreamMapper({
    threadId: options.threadId,
    turnId: options.turnId,
    showRawAgentReasoning: options.showRawAgentReasoning,
    ids: options.ids ?? randomIds,
  });
  if (!response.body) return mapper.finish();
  const iterator = sseMessages(response.body);
  let idle = false;
  let skipped = 0;
  try {
    for (;;) {
      // The idle clock runs only while we wait on the server, never while the caller records.
      const timer = setTimeout(() => {
        idle = true;
        attempt.abort();
      }, client.streamIdleTimeoutMs);
      let next: IteratorResult<SseMessage>;
      try {
        next = await iterator.next();
      } catch (error) {
        if (options.signal.aborted) throw new ModelAbortedError({ cause: error });
        if (idle || hasCode(error, UNDICI_TIMEOUTS)) throw streamTimedOut("idle timeout waiting for SSE");
        throw classifyStreamReadError(error);
      } finally {
        clearTimeout(timer);
      }
      if (options.signal.aborted) throw new ModelAbortedError();
      if (idle) throw streamTimedOut("idle timeout waiting for SSE");
      if (next.done) break;
      const parsed = parseEvent(next.value.data);
      if ("ignore" in parsed) continue;
      if ("skip" in parsed) {
        // Codex skips an event it cannot parse and reads on; one bad event must not cost the answer.
        skipped += 1;
        if (skipped > MAX_SKIPPED_EVENTS) throw streamDisconnected(`more than ${MAX_SKIPPED_EVENTS} unparsable events`);
        if (skipped <= WARNED_SKIPS) {
          await options.onEvent({ kind: "event", msg: { type: "warning", message: `skipped an unparsable event from the model stream: ${parsed.skip}` } });
        }
        continue;
      }
      for (const output of mapper.push(parsed.event)) await options.onEvent(output);
      if (options.signal.aborted) throw new ModelAbortedError();
      if (mapper.done) break;
    }
  } finally {
    // Cancels the body, which closes the HTTP request if it is still open.
    await iterator.return(undefined).catch(() => undefined);
  }
  return mapper.finish();
}

/**
 * Samples the model once. Resolves with the response id, its output items and usage; rejects
 * with a `ModelError` (see `retryable`) or `ModelAbortedError`. Whatever reached `onEvent` before a
 * failure stays delivered: as in Codex, it is already part of the history.
 */
export async function sampleOnce(
  client: ModelClient,
  request: ResponsesRequest,
  options: SampleOptions,
): Promise<SampleResult> {
  const { signal } = options;
  if (signal.aborted) throw new ModelAbortedError();
  if (client.missingApiKey) throw missingEnvVar(client.missingApiKey);
  if (client.invalidBaseURL) throw new ModelError("env_var", client.invalidBaseURL);
  // One controller per attempt: the caller's signal and our idle timer both cut the request.
  const attempt = new AbortController();
  const forwardAbort = (): void => attempt.abort();
  signal.addEventListener("abort", forwardAbort, { once: true });
  try {
    const response = await openStream(client, request, attempt.signal, options);
    return await readStream(client, response, attempt, options);
  } finally {
    signal.removeEventListener("abort", forwardAbort);
    attempt.abort();
  }
}
