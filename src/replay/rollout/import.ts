/**
 * `importRollout`: a Codex rollout file becomes a new Loom thread, one entry per rollout line, in
 * file order, with the line's timestamp as the entry's `ts`. Reading is tolerant like Codex's: a
 * line that does not parse is skipped and reported with its line number; the rest is imported.
 *
 * The thread's id: `options.threadId` if given (it must be free); otherwise the rollout's first
 * `session_meta.id`, as Codex takes it, unless a thread of that id already exists (a second import
 * of the same file) or the id is not one the log can hold: then the log makes a fresh id. A rollout
 * without any `session_meta` is imported too, under a fresh id (Codex itself would refuse to resume it).
 *
 * A forked Codex rollout starts with the fork's own `session_meta` followed by every line of its
 * parent (the parent's `session_meta` included): its lines are imported in order like any other.
 */
import type { NewEntry } from "../../events/index.js";
import { InvalidThreadIdError, ThreadExistsError, type EventLog } from "../../log/index.js";
import { EmptyRolloutError, RolloutImportError } from "./errors.js";
import { isLineError, type RolloutLine, type RolloutLineError } from "./line.js";
import { rolloutReader, type RolloutReader, type RolloutSource } from "./source.js";

export interface ImportRolloutOptions {
  /** The new thread's id (default: see the module comment). Rejects with `ThreadExistsError` if taken. */
  threadId?: string;
  /**
   * When the rollout's own id is already a thread here (most often: the same file imported again):
   * `"fresh-id"` (default) imports it under a new id, `"fail"` rejects with `ThreadExistsError`.
   */
  ifIdTaken?: "fresh-id" | "fail";
  /** Entries per `append` (default 512): one append per batch, so a large rollout is neither one huge write nor one write a line. */
  batchSize?: number;
  signal?: AbortSignal;
}

export interface ImportRolloutResult {
  threadId: string;
  /** Entries appended: one per importable line. */
  imported: number;
  /** Lines left out, in file order. */
  skipped: RolloutLineError[];
}

const DEFAULT_BATCH = 512;

export async function importRollout(
  log: EventLog,
  source: RolloutSource,
  options: ImportRolloutOptions = {},
): Promise<ImportRolloutResult> {
  const reader = rolloutReader(source);
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH);
  options.signal?.throwIfAborted();

  const { firstSessionId, anyLine, errors } = await lookAhead(reader);
  if (!anyLine) throw new EmptyRolloutError(reader.name, errors);
  const threadId = await createThread(log, options.threadId, firstSessionId, options.ifIdTaken ?? "fresh-id");

  const skipped: RolloutLineError[] = [];
  let imported = 0;
  let batch: NewEntry[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    // expectedSeq: the thread is ours alone while we fill it; anyone else writing to it is a bug.
    await log.append(threadId, batch, { expectedSeq: imported });
    imported += batch.length;
    batch = [];
  };
  try {
    for await (const line of reader.lines()) {
      if (isLineError(line)) {
        skipped.push(line);
        continue;
      }
      batch.push(toEntry(line));
      if (batch.length >= batchSize) {
        options.signal?.throwIfAborted();
        await flush();
      }
    }
    options.signal?.throwIfAborted();
    await flush();
  } catch (cause) {
    throw new RolloutImportError(threadId, imported, { cause });
  }
  return { threadId, imported, skipped };
}

function toEntry(line: RolloutLine): NewEntry {
  return { kind: line.type, payload: line.payload, ts: line.timestamp } as NewEntry;
}

/**
 * Reads until the first `session_meta` (line 1 in any file Codex wrote), so the thread can be
 * created before its entries are streamed in. Without one it reads to the end and also learns
 * whether anything is importable at all.
 */
async function lookAhead(reader: RolloutReader) {
  const errors: RolloutLineError[] = [];
  let anyLine = false;
  for await (const line of reader.lines()) {
    if (isLineError(line)) {
      errors.push(line);
      continue;
    }
    anyLine = true;
    if (line.type === "session_meta") return { firstSessionId: line.payload.id, anyLine, errors };
  }
  return { firstSessionId: undefined, anyLine, errors };
}

async function createThread(
  log: EventLog,
  explicit: string | undefined,
  fromRollout: string | undefined,
  ifIdTaken: "fresh-id" | "fail",
): Promise<string> {
  if (explicit !== undefined) return (await log.createThread({ id: explicit })).id;
  if (fromRollout !== undefined) {
    try {
      return (await log.createThread({ id: fromRollout })).id;
    } catch (error) {
      if (error instanceof ThreadExistsError && ifIdTaken === "fail") throw error;
      if (!(error instanceof ThreadExistsError || error instanceof InvalidThreadIdError)) throw error;
    }
  }
  return (await log.createThread()).id;
}
