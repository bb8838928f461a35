/**
 * The clock and the id source: the only places Loom reads time or makes randomness. Both are
 * injected, and what they return is written into events, so replay can hand back recorded values.
 */
import { randomUUID } from "node:crypto";

export interface Clock {
  now(): Date;
}

export interface IdSource {
  /** A fresh unique id; `kind` lets deterministic sources produce readable ids ("sub-3"). */
  next(kind: "thread" | "submission" | "item" | "call"): string;
}

export const systemClock: Clock = { now: () => new Date() };

export const randomIds: IdSource = { next: () => randomUUID() };

/** Deterministic ids for tests and replay: `${kind}-${n}`. */
export function counterIds(): IdSource {
  const counters = new Map<string, number>();
  return {
    next(kind) {
      const n = (counters.get(kind) ?? 0) + 1;
      counters.set(kind, n);
      return `${kind}-${n}`;
    },
  };
}

/** A clock that advances only when told to (tests). */
export function manualClock(start = new Date("2026-01-01T00:00:00.000Z")): Clock & { advance(ms: number): void } {
  let t = start.getTime();
  return { now: () => new Date(t), advance: (ms) => void (t += ms) };
}
