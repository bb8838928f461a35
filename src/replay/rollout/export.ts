/**
 * `exportRollout`: a Loom thread as a Codex rollout file in the classic format, one
 * `{ timestamp, type, payload }` line per entry Codex would have written (see persistence.ts):
 * `submission` entries are left out and `event_msg` entries are filtered by Codex's policy.
 *
 * The first line is a `session_meta`, as in every file Codex writes:
 * - a thread whose first entry is a `session_meta` exports it as it is (an imported rollout gives
 *   its lines back unchanged, even when it was imported under another id);
 * - a Loom fork (`log.fork`) reads its parent's entries, so its first entry is the parent's
 *   `session_meta`; like Codex's fork it gets its own first, a copy of that one with the fork's `id`,
 *   `forked_from_id` and creation time, followed by the parent's lines;
 * - a thread with no `session_meta` first gets one made from its metadata (cwd from its first
 *   `turn_context`). Those two cases add a line, so importing the export gives one entry more.
 */
import type { LogEntry, SessionMeta } from "../../events/index.js";
import { ThreadNotFoundError, type EventLog, type ThreadMeta } from "../../log/index.js";
import { formatRolloutLine } from "./line.js";
import { isPersisted, type PersistenceMode } from "./persistence.js";

export interface ExportRolloutOptions {
  /** Codex's event persistence mode (default `limited`, Codex's default). */
  persistence?: PersistenceMode;
  /** `originator` and `cli_version` of a made-up `session_meta` (default `loom` and `0.0.0`). */
  originator?: string;
  cliVersion?: string;
  /**
   * Only the lines of entries `from`..`to` (default: the whole thread up to its head). The leading
   * `session_meta` a fork or a thread without one gets comes with the range that starts at 1.
   */
  from?: number;
  to?: number;
}

/** The rollout's lines (JSON text, without the newline), read from the log as they are written out. */
export async function* exportRolloutLines(
  log: EventLog,
  threadId: string,
  options: ExportRolloutOptions = {},
): AsyncGenerator<string> {
  const meta = await log.getThread(threadId);
  if (!meta) throw new ThreadNotFoundError(threadId, "export");
  const mode = options.persistence ?? "limited";
  const from = options.from ?? 1;
  let first = from <= 1;
  for await (const entry of log.read(threadId, { from, to: options.to ?? meta.headSeq })) {
    if (first) {
      first = false;
      const head = await leadingSessionMeta(log, meta, entry, options);
      if (head) yield head;
    }
    if (entry.kind === "submission" || !isPersisted(entry, mode)) continue;
    const payload = entry.kind === "session_meta" ? readableSource(entry.payload) : entry.payload;
    yield formatRolloutLine(entry.ts, entry.kind, payload);
  }
  if (first) {
    const head = await leadingSessionMeta(log, meta, undefined, options);
    if (head) yield head;
  }
}

/** The whole rollout as JSONL text, each line ending in `\n` as Codex writes it. */
export async function exportRollout(log: EventLog, threadId: string, options: ExportRolloutOptions = {}): Promise<string> {
  const lines: string[] = [];
  for await (const line of exportRolloutLines(log, threadId, options)) lines.push(line);
  return lines.map((line) => `${line}\n`).join("");
}

/** The line to write before the thread's first entry, if that entry is not already its `session_meta`. */
async function leadingSessionMeta(
  log: EventLog,
  meta: ThreadMeta,
  first: LogEntry | undefined,
  options: ExportRolloutOptions,
): Promise<string | undefined> {
  const firstMeta = first?.kind === "session_meta" ? first.payload : undefined;
  if (firstMeta && (meta.parentId === undefined || firstMeta.id === meta.id)) return undefined;
  const payload: SessionMeta = firstMeta
    ? { ...readableSource(firstMeta), id: meta.id, timestamp: meta.createdAt }
    : {
        id: meta.id,
        timestamp: meta.createdAt,
        cwd: await firstCwd(log, meta),
        originator: options.originator ?? "loom",
        cli_version: options.cliVersion ?? "0.0.0",
        source: { custom: "loom" },
      };
  if (meta.parentId !== undefined) payload.forked_from_id = meta.parentId;
  return formatRolloutLine(meta.createdAt, "session_meta", payload);
}

/**
 * Loom's threads record `source: "custom"`, but Codex's `SessionSource::Custom` carries a name
 * (`{"custom": "loom"}`), and a bare `"custom"` makes Codex reject the whole session_meta line, so
 * it cannot find the thread's id and refuses to resume the file. Any other value passes unchanged.
 */
function readableSource(meta: SessionMeta): SessionMeta {
  return meta.source === "custom" ? { ...meta, source: { custom: "loom" } } : meta;
}

async function firstCwd(log: EventLog, meta: ThreadMeta): Promise<string> {
  for await (const entry of log.read(meta.id, { to: meta.headSeq })) {
    if (entry.kind === "turn_context") return entry.payload.cwd;
  }
  return "";
}
