/** Codex rollout JSONL (classic format): tolerant parsing, import into a thread, export of a thread. */
/** Parse a rollout's text: `{ lines, errors }`, each line on its own, errors with line numbers. */
export { parseRollout, parseRolloutLine, parseRolloutLines, rolloutTimestamp, formatRolloutLine, ROLLOUT_KINDS } from "./line.js";
export type { RolloutKind, RolloutLine, RolloutLineError, ParsedRollout } from "./line.js";
/** Where a rollout is read from: its text, or `{ path }` streamed line by line. */
export type { RolloutSource } from "./source.js";
/** `importRollout(log, source, { threadId?, batchSize?, signal? })` → `{ threadId, imported, skipped }`. */
export { importRollout } from "./import.js";
export type { ImportRolloutOptions, ImportRolloutResult } from "./import.js";
/** `exportRollout(log, threadId, { persistence? })` → JSONL text; `exportRolloutLines` streams the lines. */
export { exportRollout, exportRolloutLines } from "./export.js";
export type { ExportRolloutOptions } from "./export.js";
/** Codex's rollout persistence policy: the event table and the predicates export filters with. */
export { EVENT_PERSISTENCE, eventPersistence, isEventPersisted, isPersisted } from "./persistence.js";
export type { PersistenceMode, EventPersistence } from "./persistence.js";
export { EmptyRolloutError, RolloutImportError } from "./errors.js";
