/**
 * Turns what a writer hands to `append` into stored entries: every payload is validated (so an
 * invalid entry rejects the whole append before it takes a seq), then seqs and `ts` are assigned.
 *
 * The entry objects are not copied again or frozen (a JSON round trip would cost more than LevelDB's
 * own write): they are shared by the appender, live subscribers and the memory backend's readers,
 * so consumers treat them as immutable.
 */
import { LOG_SCHEMA_VERSION, SchemaError, parsePayload } from "../events/index.js";
import type { LogEntry, NewEntry } from "../events/index.js";
import { InvalidEntryError } from "./errors.js";
import type { RecordEncoder } from "./record-codec.js";

export interface BuiltEntries {
  entries: LogEntry[];
  /** Each entry's stored record (./record-codec.ts), encoded once at append time. */
  encoded: string[];
}

export function buildEntries(
  threadId: string,
  firstSeq: number,
  inputs: readonly NewEntry[],
  now: () => string,
  encoder: RecordEncoder,
): BuiltEntries {
  if (!Array.isArray(inputs)) throw new TypeError(`append to thread ${threadId}: entries must be an array`);
  const entries = new Array<LogEntry>(inputs.length);
  // Read at most once per append, and never when every entry carries its own ts (replay, import).
  let stamp: string | undefined;
  for (let i = 0; i < inputs.length; i++) {
    const input: unknown = inputs[i];
    let entry: LogEntry;
    try {
      if (typeof input !== "object" || input === null) throw new SchemaError("entry", "expected { kind, payload, ts? }");
      const { kind, ts, sub } = input as NewEntry;
      if (ts !== undefined && typeof ts !== "string") throw new SchemaError("entry", "ts must be an ISO-8601 string");
      if (sub !== undefined && typeof sub !== "string") throw new SchemaError("entry", "sub must be a string");
      // parsePayload returns zod's normalized copy of the payload, not the caller's object.
      const payload = parsePayload(kind, (input as NewEntry).payload);
      entry = { v: LOG_SCHEMA_VERSION, threadId, seq: firstSeq + i, ts: ts ?? (stamp ??= now()), kind, payload } as LogEntry;
      if (sub !== undefined) entry.sub = sub;
    } catch (err) {
      throw new InvalidEntryError(threadId, i, err);
    }
    entries[i] = entry;
  }
  let encoded: string[];
  try {
    encoded = encoder.encode(entries);
  } catch (err) {
    // BigInt and cycles cannot be stored, which makes those entries invalid: name the first one.
    let reason = err;
    const bad = entries.findIndex((entry) => {
      try {
        JSON.stringify(entry);
        return false;
      } catch (cause) {
        reason = cause;
        return true;
      }
    });
    throw new InvalidEntryError(threadId, Math.max(0, bad), reason);
  }
  return { entries, encoded };
}

/**
 * The clock as ISO-8601 text, formatted once per millisecond: appends pipelined within one
 * millisecond share the string instead of each paying for `toISOString`. Without an injected clock,
 * `Date.now()` spares a Date object per append too.
 */
export function isoClock(clock?: () => Date): () => string {
  let lastMs = Number.NaN;
  let lastIso = "";
  const format = (ms: number, date?: Date): string => {
    if (ms !== lastMs) {
      lastIso = (date ?? new Date(ms)).toISOString();
      lastMs = ms;
    }
    return lastIso;
  };
  if (!clock) return () => format(Date.now());
  return () => {
    const date = clock();
    return format(date.getTime(), date);
  };
}
