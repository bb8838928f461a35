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
import { ModelAbortedError, missingEnvVar, streamDisconnected } from "./errors.js";
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

type EventStream = AsyncIterable<unknown>;

/** Opens the stream, retrying what Codex's transport retries before any event arrived. */
async function openStream(
  client: ModelClient,
  request: ResponsesRequest,
  attemptSignal: AbortSignal,
  options: SampleOptions,
): Promise<EventStream> {
  const backoff = options.backoff ?? codexBackoff;
  const sleep = options.sleep ?? abortableSleep;
  const body = { ...request, stream: true } as unknown as ResponseCreateParamsStreaming;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await client.openai.responses.create(body, { signal: attemptSignal, headers: options.headers });
    } catch (error) {
      if (options.signal.aborted) throw new ModelAbortedError({ cause: error });
      if (attempt < client.requestMaxRetries && isTransportRetryable(error)) {
        await sleep(backoff(attempt + 1), options.signal);
        continue;
      }
      throw classifyRequestError(error, client.responsesURL, options.clock ?? systemClock);
    }
  }
}

/** Reads events until `response.completed`, the end of the stream, an abort or the idle timeout. */
async function readStream(
  client: ModelClient,
  stream: EventStream,
  attempt: AbortController,
  options: SampleOptions,
): Promise<SampleResult> {
  const mapper = new ResponseStreamMapper({
    threadId: options.threadId,
    turnId: options.turnId,
    showRawAgentReasoning: options.showRawAgentReasoning,
    ids: options.ids ?? randomIds,
  });
  const iterator = stream[Symbol.asyncIterator]();
  let idle = false;
  try {
    for (;;) {
      // The idle clock runs only while we wait on the server, never while the caller records.
      const timer = setTimeout(() => {
        idle = true;
        attempt.abort();
      }, client.streamIdleTimeoutMs);
      let next: IteratorResult<unknown>;
      try {
        next = await iterator.next();
      } catch (error) {
        if (options.signal.aborted) throw new ModelAbortedError({ cause: error });
        if (idle) throw streamDisconnected("idle timeout waiting for SSE");
        throw classifyStreamReadError(error);
      } finally {
        clearTimeout(timer);
      }
      // The SDK ends the iteration quietly when its request is aborted, so look at why it ended.
      if (options.signal.aborted) throw new ModelAbortedError();
      if (idle) throw streamDisconnected("idle timeout waiting for SSE");
      if (next.done) break;
      for (const output of mapper.push(next.value)) await options.onEvent(output);
      if (options.signal.aborted) throw new ModelAbortedError();
      if (mapper.done) break;
    }
  } finally {
    // Stops the SDK's generator, which aborts the HTTP request if it is still open.
    await iterator.return?.();
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
  // One controller per attempt: the caller's signal and our idle timer both cut the request.
  const attempt = new AbortController();
  const forwardAbort = (): void => attempt.abort();
  signal.addEventListener("abort", forwardAbort, { once: true });
  try {
    const stream = await openStream(client, request, attempt.signal, options);
    return await readStream(client, stream, attempt, options);
  } finally {
    signal.removeEventListener("abort", forwardAbort);
    attempt.abort();
  }
}
