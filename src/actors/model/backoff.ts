/**
 * Waiting between attempts: Codex's backoff curve (core/src/util.rs `backoff`, and the same curve
 * for request retries in codex-client/src/retry.rs) and a sleep the AbortSignal cuts short. Both
 * are injected into the sampler so tests neither wait on the wall clock nor depend on jitter.
 */
import { setTimeout as delay } from "node:timers/promises";
import { ModelAbortedError } from "./errors.js";

/** Milliseconds to wait before retry `attempt` (1-based). */
export type Backoff = (attempt: number) => number;

/** Resolves after `ms`, or rejects with `ModelAbortedError` as soon as `signal` aborts. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

const INITIAL_DELAY_MS = 200;
const BACKOFF_FACTOR = 2;

/** 200 ms, 400 ms, 800 ms, ... each with ±10% jitter, as Codex. */
export function codexBackoff(attempt: number, random: () => number = Math.random): number {
  const base = INITIAL_DELAY_MS * BACKOFF_FACTOR ** Math.max(0, attempt - 1);
  const jitter = 0.9 + random() * 0.2;
  return Math.floor(base * jitter);
}

export const abortableSleep: Sleep = async (ms, signal) => {
  try {
    await delay(ms, undefined, { signal });
  } catch (error) {
    if (signal.aborted) throw new ModelAbortedError({ cause: error });
    throw error;
  }
};
