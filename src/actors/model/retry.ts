/**
 * Codex's stream retry loop (core/src/session/turn.rs `run_sampling_request`): a retryable failure
 * is announced with `stream_error` "Reconnecting... n/N", waited out (the server's requested delay,
 * else the backoff curve) and tried again, up to `stream_max_retries`; anything else, or the last
 * failure once the budget is spent, is thrown as it is.
 */
import { abortableSleep, codexBackoff, type Backoff, type Sleep } from "./backoff.js";
import { DEFAULT_STREAM_MAX_RETRIES, type ModelClient } from "./client.js";
import { ModelError, toStreamErrorEvent } from "./errors.js";
import type { ResponsesRequest } from "./request.js";
import { sampleOnce, type SampleOptions } from "./sample.js";
import type { SampleResult } from "./stream-mapper.js";

export interface RetryOptions extends SampleOptions {
  /** Codex's `stream_max_retries` (default 5). */
  maxStreamRetries?: number;
  /** Delay before stream retry n, 1-based (default: Codex's 200 ms doubling curve with jitter). */
  backoff?: Backoff;
  sleep?: Sleep;
}

/**
 * The request to send on attempt `attempt` (0 for the first). Codex rebuilds the prompt from
 * history before each retry, and history already holds what a failed attempt delivered (items, and
 * the outputs of tool calls among them): pass a function to do the same.
 */
export type RequestSource = ResponsesRequest | ((attempt: number) => ResponsesRequest | Promise<ResponsesRequest>);

export async function sampleWithRetry(
  client: ModelClient,
  request: RequestSource,
  options: RetryOptions,
): Promise<SampleResult> {
  const maxRetries = options.maxStreamRetries ?? DEFAULT_STREAM_MAX_RETRIES;
  const backoff = options.backoff ?? codexBackoff;
  const sleep = options.sleep ?? abortableSleep;
  for (let retries = 0; ; ) {
    const body = typeof request === "function" ? await request(retries) : request;
    try {
      return await sampleOnce(client, body, options);
    } catch (error) {
      // Aborts, the caller's own failures (onEvent) and fatal errors are not ours to retry.
      if (!(error instanceof ModelError) || !error.retryable || retries >= maxRetries) throw error;
      retries += 1;
      const delay = error.retryAfterMs ?? backoff(retries);
      await options.onEvent({ kind: "event", msg: toStreamErrorEvent(`Reconnecting... ${retries}/${maxRetries}`, error) });
      await sleep(delay, options.signal);
    }
  }
}
