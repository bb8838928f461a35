/**
 * One line of a Codex rollout file, `{ timestamp, type, payload }` (codex-core.md §2.1), parsed
 * independently of the others, as Codex's `load_rollout_items` does: a line that is not JSON, not a
 * rollout item, or whose payload does not fit our vocabulary becomes an error with its line number
 * instead of failing the whole file.
 */
import { parsePayload, type EntryKind, type EntryOf } from "../../events/index.js";

/** The entry kinds a rollout holds: all of Loom's except `submission` (Codex never writes ops). */
export type RolloutKind = Exclude<EntryKind, "submission">;
export const ROLLOUT_KINDS: readonly RolloutKind[] = ["session_meta", "response_item", "compacted", "turn_context", "event_msg"];

export type RolloutLine = {
  [K in RolloutKind]: { lineNumber: number; timestamp: string; type: K; payload: EntryOf<K>["payload"] };
}[RolloutKind];

/** A line that was skipped, and why. `lineNumber` counts from 1, blank lines included. */
export interface RolloutLineError {
  lineNumber: number;
  message: string;
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Codex's rollout timestamp form, `YYYY-MM-DDTHH:MM:SS.mmmZ` in UTC (the same as `toISOString`).
 * Older files wrote `...:SSZ`; both come out in the one form, so import then export is stable. A
 * string that is not an ISO-8601 time is kept as it is: Codex reads `timestamp` as any string.
 */
export function rolloutTimestamp(value: string): string {
  if (!ISO_8601.test(value)) return value;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

function isRolloutKind(type: unknown): type is RolloutKind {
  return typeof type === "string" && (ROLLOUT_KINDS as readonly string[]).includes(type);
}

/** Parses one physical line. Blank lines are neither items nor errors (Codex skips them too): `null`. */
export function parseRolloutLine(text: string, lineNumber: number): RolloutLine | RolloutLineError | null {
  if (text.trim() === "") return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { lineNumber, message: `invalid JSON: ${(error as Error).message}` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { lineNumber, message: "not a rollout line: expected an object with timestamp, type and payload" };
  }
  const { timestamp, type, payload } = value as Record<string, unknown>;
  if (typeof timestamp !== "string") return { lineNumber, message: "timestamp must be a string" };
  if (!isRolloutKind(type)) return { lineNumber, message: `unknown rollout item type ${JSON.stringify(type)}` };
  try {
    // parsePayload also maps the legacy tags Codex accepts (`turn_started`, `turn_complete`) to
    // today's; legacy keys (`instructions` in session_meta, `kind` in user_message) are kept as they are.
    const parsed = parsePayload(type, payload);
    return { lineNumber, timestamp: rolloutTimestamp(timestamp), type, payload: parsed } as RolloutLine;
  } catch (error) {
    return { lineNumber, message: (error as Error).message };
  }
}

export function isLineError(line: RolloutLine | RolloutLineError): line is RolloutLineError {
  return "message" in line;
}

export interface ParsedRollout {
  lines: RolloutLine[];
  errors: RolloutLineError[];
}

/** Each line of a rollout's text (split on `\n` or `\r\n`), parsed on its own, in file order. */
export function* parseRolloutLines(text: string): Generator<RolloutLine | RolloutLineError> {
  const raw = text.split("\n");
  for (let i = 0; i < raw.length; i++) {
    let line = raw[i];
    if (line.endsWith("\r")) line = line.slice(0, -1);
    if (i === 0 && line.startsWith("\uFEFF")) line = line.slice(1);
    const parsed = parseRolloutLine(line, i + 1);
    if (parsed !== null) yield parsed;
  }
}

/** Parses a whole rollout: the lines that fit, and the ones skipped with their line numbers. */
export function parseRollout(text: string): ParsedRollout {
  const lines: RolloutLine[] = [];
  const errors: RolloutLineError[] = [];
  for (const parsed of parseRolloutLines(text)) {
    if (isLineError(parsed)) errors.push(parsed);
    else lines.push(parsed);
  }
  return { lines, errors };
}

/** The JSONL text of one rollout line, in Codex's key order (`timestamp`, `type`, `payload`). */
export function formatRolloutLine(timestamp: string, type: RolloutKind, payload: unknown): string {
  return JSON.stringify({ timestamp: rolloutTimestamp(timestamp), type, payload });
}
