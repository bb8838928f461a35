/**
 * Reading on PostgreSQL: thread rows as `ThreadMeta`, a thread's fork chain, and one thread's own
 * entries in chunks (the next chunk is fetched while the current one is consumed), each entry
 * validated as it is read back, with any gap reported as a corrupt log.
 */
import type pg from "pg";
import type { LogEntry } from "../../events/index.js";
import { CorruptEntryError, ThreadNotFoundError } from "../errors.js";
import { RecordDecoder, WINDOW, decodeChunk, recordSeq } from "../record-codec.js";
import type { ThreadMeta } from "../types.js";
import { isUnavailable, unavailable } from "./connection.js";
import type { Statements } from "./sql.js";

export interface ThreadRow {
  id: string;
  parent_id: string | null;
  fork_seq: number | null;
  head_seq: number;
  name: string | null;
  created_at: string;
}

export function toMeta(row: ThreadRow): ThreadMeta {
  const meta: ThreadMeta = { id: row.id, headSeq: row.head_seq, createdAt: row.created_at };
  if (row.parent_id !== null) {
    meta.parentId = row.parent_id;
    meta.forkSeq = row.fork_seq ?? 0;
  }
  if (row.name !== null) meta.name = row.name;
  return meta;
}

export interface LineageRow {
  id: string;
  parent_id: string | null;
  fork_seq: number | null;
  head_seq: number;
}

type Query = (text: string, values: unknown[]) => Promise<pg.QueryResult>;

/** The thread and its ancestors, nearest first; throws `ThreadNotFoundError` for an unknown thread. */
export async function readLineage(query: Query, sql: Statements, threadId: string): Promise<LineageRow[]> {
  const { rows } = await query(sql.lineage, [threadId]);
  if (rows.length === 0) throw new ThreadNotFoundError(threadId, "read");
  return rows as LineageRow[];
}

/** Rows per query: large enough to amortise the round trip, small enough to bound memory. */
const CHUNK = 2000;

export async function* readOwn(
  pool: pg.Pool,
  sql: Statements,
  threadId: string,
  from: number,
  to: number,
  assertOpen: () => void,
  where: string,
): AsyncGenerator<readonly LogEntry[]> {
  const fetch = (start: number): Promise<string[][]> =>
    pool
      .query<string[]>({ name: `${sql.channel}_read`, text: sql.readEntries, values: [threadId, start, Math.min(to, start + CHUNK - 1)], rowMode: "array" })
      .then(
        (result) => result.rows,
        (error: unknown) => {
          throw isUnavailable(error) ? unavailable(where, `read thread ${threadId}`, error) : error;
        },
      );
  let pending: Promise<string[][]> | undefined = from <= to ? fetch(from) : undefined;
  const decoder = new RecordDecoder(threadId);
  const primed = { done: false };
  // Records before `from` that this range's records may refer to (../record-codec.ts), read only if one does.
  const prime = async (): Promise<void> => {
    const { rows } = await pool
      .query<string[]>({ name: `${sql.channel}_read`, text: sql.readEntries, values: [threadId, Math.max(1, from - WINDOW), from - 1], rowMode: "array" })
      .catch((error: unknown) => {
        throw isUnavailable(error) ? unavailable(where, `read thread ${threadId}`, error) : error;
      });
    decoder.primeLazily(from, rows.map((row) => row[0]));
  };
  try {
    for (let seq = from; seq <= to; ) {
      assertOpen();
      const rows = await pending!;
      pending = undefined;
      const expected = Math.min(to, seq + CHUNK - 1) - seq + 1;
      if (rows.length < expected) {
        // Find the first missing seq for the report: rows are in seq order.
        const missing = rows.findIndex((row, i) => recordSeq(row[0]) !== seq + i);
        throw new CorruptEntryError(threadId, seq + (missing === -1 ? rows.length : missing), "the record is missing");
      }
      const next = seq + rows.length;
      if (next <= to) pending = fetch(next);
      const decoded = await decodeChunk(decoder, threadId, seq, from, rows.map((row) => row[0]), prime, primed);
      seq = next;
      yield decoded;
    }
  } finally {
    if (pending) await pending.catch(() => undefined);
  }
}
