/**
 * The log entry envelope `{ v, threadId, seq, ts, kind, payload }`. `kind` is one of Codex's rollout
 * kinds plus `submission`; `v` is the envelope's schema version, so old logs stay readable.
 */
import { z } from "zod";
import { EventMsg, parseEventMsg } from "./event-msg.js";
import { CompactedItem, SessionMeta, TurnContextItem } from "./items.js";
import { Submission, parseSubmission } from "./op.js";
import { ResponseItem, parseResponseItem } from "./response-item.js";
import { SchemaError, UnknownTypeError } from "./errors.js";
import { formatIssues } from "./tagged.js";

export const LOG_SCHEMA_VERSION = 1;

export const EntryKind = z.enum(["session_meta", "submission", "event_msg", "response_item", "turn_context", "compacted"]);
export type EntryKind = z.infer<typeof EntryKind>;

const envelope = <K extends EntryKind, P extends z.ZodType>(kind: K, payload: P) =>
  z.object({
    v: z.literal(LOG_SCHEMA_VERSION),
    threadId: z.string(),
    seq: z.number().int().positive(),
    ts: z.string(),
    /** The submission that caused this entry: the `id` of the `Event { id, msg }` it publishes as. */
    sub: z.string().optional(),
    kind: z.literal(kind),
    payload,
  });

export const LogEntry = z.discriminatedUnion("kind", [
  envelope("session_meta", SessionMeta),
  envelope("submission", Submission),
  envelope("event_msg", EventMsg),
  envelope("response_item", ResponseItem),
  envelope("turn_context", TurnContextItem),
  envelope("compacted", CompactedItem),
]);
export type LogEntry = z.infer<typeof LogEntry>;
export type EntryOf<K extends EntryKind> = Extract<LogEntry, { kind: K }>;

/** What a writer hands to `EventLog.append`: the log assigns `threadId`, `seq` and `v`. */
export type NewEntry = {
  [K in EntryKind]: { kind: K; payload: EntryOf<K>["payload"]; ts?: string; sub?: string };
}[EntryKind];

function parseWith<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new SchemaError(what, formatIssues(result.error));
  return result.data;
}

/** Validates a payload for its kind, naming an unknown kind or type. Returns the normalized payload. */
export function parsePayload<K extends EntryKind>(kind: K, payload: unknown): EntryOf<K>["payload"];
export function parsePayload(kind: string, payload: unknown): LogEntry["payload"] {
  switch (kind) {
    case "session_meta":
      return parseWith(SessionMeta, payload, "session_meta");
    case "submission":
      return parseSubmission(payload);
    case "event_msg":
      return parseEventMsg(payload);
    case "response_item":
      return parseResponseItem(payload);
    case "turn_context":
      return parseWith(TurnContextItem, payload, "turn_context");
    case "compacted":
      return parseWith(CompactedItem, payload, "compacted");
    default:
      throw new UnknownTypeError("entry", kind, "entry kind");
  }
}

/** Validates a whole stored entry (used when reading records back from a backend). */
export function parseLogEntry(value: unknown): LogEntry {
  if (typeof value !== "object" || value === null) throw new SchemaError("log entry", "expected an object");
  const raw = value as Record<string, unknown>;
  if (raw.v !== LOG_SCHEMA_VERSION) throw new SchemaError("log entry", `unsupported schema version ${JSON.stringify(raw.v)}`);
  if (typeof raw.threadId !== "string") throw new SchemaError("log entry", "threadId must be a string");
  if (!Number.isInteger(raw.seq) || (raw.seq as number) < 1) throw new SchemaError("log entry", "seq must be a positive integer");
  if (typeof raw.ts !== "string") throw new SchemaError("log entry", "ts must be a string");
  if (raw.sub !== undefined && typeof raw.sub !== "string") throw new SchemaError("log entry", "sub must be a string");
  const payload = parsePayload(raw.kind as EntryKind, raw.payload);
  return { ...raw, payload } as LogEntry;
}
