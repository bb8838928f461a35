/**
 * Codex's stream retry loop (core/src/session/turn.rs `run_sampling_request`): a retryable failure
 * is announced with `stream_error` "Reconnecting... n/N", waited out (the server's requested delay,
 * else the backoff curve) and tried again, up to `stream_max_retries`; anything else, or the last
 * failure once the budget is spent, is thrown as it is.
 */
import { abortableSleep, codexBackoff, type Backoff, type Sleep } from "./backoff.js";
import { DEFAULT_STREAM_MAX_RETRIES, MAX_CONFIGURED_RETRIES, type ModelClient } from "./client.js";
import { ModelError, toStreamErrorEvent } from "./errors.js";
import type { ResponsesRequest } from "./request.js";
import { sampleOnce, type SampleOptions } from "./sample.js";
import type { SampleResult } from "./stream-mapper.js";

/**
 * The longest wait between two attempts, whatever the server asks (a 429's retry-after, "try again
 * in") or the backoff curve reaches. Codex has no cap (it never retries a 429 at all); a server
 * that asks for an hour would hold the turn for an hour with no way to tell it from a hang.
 */
export const MAX_RETRY_WAIT_MS = 60_000;

/**
 * Retries after a timeout (no headers, or a stream silent for the idle timeout), whatever
 * `stream_max_retries` says: each costs a whole idle timeout (300 s by default), so Codex's five
 * would keep a dead endpoint's turn open for half an hour. Two more tries cover a one-off hang.
 */
export const MAX_TIMEOUT_RETRIES = 2;

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
  const maxRetries = Math.max(0, Math.min(options.maxStreamRetries ?? DEFAULT_STREAM_MAX_RETRIES, MAX_CONFIGURED_RETRIES));
  const backoff = options.backoff ?? codexBackoff;
  const sleep = options.sleep ?? abortableSleep;
  let timeouts = 0;
  for (let retries = 0; ; ) {
    const body = typeof request === "function" ? await request(retries) : request;
    try {
      return await sampleOnce(client, body, options);
    } catch (error) {
      // Aborts, the caller's own failures (onEvent) and fatal errors are not ours to retry.
      if (!(error instanceof ModelError) || !error.retryable || retries >= maxRetries) throw error;
      if (error.timedOut && ++timeouts > MAX_TIMEOUT_RETRIES) throw error;
      retries += 1;
      const delay = Math.min(error.retryAfterMs ?? backoff(retries), MAX_RETRY_WAIT_MS);
      await options.onEvent({ kind: "event", msg: toStreamErrorEvent(`Reconnecting... ${retries}/${maxRetries}`, error) });
      await sleep(delay, options.signal);
    }
  }
}
