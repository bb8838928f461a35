/**
 * One group commit on PostgreSQL: the appends and snapshots queued in a tick, for any number of
 * threads, as one statement (sql.ts `groupCommit`). Each thread succeeds or fails on its own: a
 * thread whose head moved under its writer, or whose lease was lost, is refused while the others
 * commit. This module turns the queued writes into the statement's arrays and the database's
 * answer into one outcome per thread.
 */
import type pg from "pg";
import type { LogEntry } from "../../events/index.js";
import { ConcurrencyError, LogWriteError, ThreadBusyError } from "../errors.js";
import type { Leases } from "./leases.js";
import type { Statements } from "./sql.js";

/** This process's view of a thread it writes: seqs handed out, and the head known committed. */
export interface Writer {
  id: string;
  assigned: number;
  committed: number;
}

interface Settle<T> {
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

export type Write =
  | ({ type: "append"; writer: Writer; entries: LogEntry[]; encoded: string[] } & Settle<LogEntry[]>)
  | ({ type: "snapshot"; writer: Writer; seq: number; json: string; parts?: ReadonlyMap<string, string> } & Settle<void>);

/**
 * `retry`: refused only because the lease was being renewed right as it expired (the row now shows
 * this writer's live lease at the expected head): writing again is safe.
 */
export type Outcome = { ok: true; head: number } | { ok: false; head: number; error: Error; retry?: boolean };

interface RefusedRow {
  id: string;
  head_seq: number;
  lease_owner: string | null;
  lease_token: number | null;
  lease_live: boolean | null;
  lease_expires_at: Date | null;
}

/** Runs the group's statement; resolves with each touched thread's outcome (throws if the statement failed). */
export async function writeGroup(
  pool: pg.Pool,
  sql: Statements,
  leases: Leases,
  group: readonly Write[],
): Promise<Map<Writer, Outcome>> {
  const threads = new Map<Writer, { old: number; head: number }>();
  const entryThreads: string[] = [];
  const entrySeqs: number[] = [];
  const entryJson: string[] = [];
  const snapshots = new Map<string, { threadId: string; seq: number; json: string; bound: number }>();
  const parts = new Map<string, string>();
  for (const write of group) {
    if (write.type === "append") {
      const first = write.entries[0].seq;
      const last = write.entries[write.entries.length - 1].seq;
      const span = threads.get(write.writer);
      if (span) span.head = last;
      else threads.set(write.writer, { old: first - 1, head: last });
      for (let i = 0; i < write.entries.length; i++) {
        entryThreads.push(write.writer.id);
        entrySeqs.push(write.entries[i].seq);
        entryJson.push(write.encoded[i]);
      }
    } else {
      // One row per (thread, seq): ON CONFLICT DO UPDATE refuses to touch a row twice in a statement.
      const bound = write.writer.committed;
      snapshots.set(`${write.writer.id}\u0000${write.seq}`, { threadId: write.writer.id, seq: write.seq, json: write.json, bound });
      for (const [key, json] of write.parts ?? []) parts.set(key, json);
    }
  }
  const heads = [...threads];
  const snaps = [...snapshots.values()];
  const { rows } = await pool.query<{ id: string; head_seq: number }>({
    name: `${sql.channel}_group_commit`,
    text: sql.groupCommit,
    values: [
      heads.map(([writer]) => writer.id),
      heads.map(([, span]) => span.old),
      heads.map(([, span]) => span.head),
      heads.map(([writer]) => leases.tokenFor(writer.id) ?? null),
      leases.owner,
      entryThreads,
      entrySeqs,
      entryJson,
      snaps.map((snap) => snap.threadId),
      snaps.map((snap) => snap.seq),
      snaps.map((snap) => snap.json),
      snaps.map((snap) => snap.bound),
      sql.channel,
      [...parts.keys()],
      [...parts.values()],
    ],
  });
  const moved = new Map(rows.map((row) => [row.id, row.head_seq]));
  const outcomes = new Map<Writer, Outcome>();
  const refusedIds = heads.filter(([writer]) => !moved.has(writer.id)).map(([writer]) => writer.id);
  const refused = new Map<string, RefusedRow>();
  let unknown: unknown;
  if (refusedIds.length > 0) {
    // The group is committed: if asking why fails, only the refused threads are failed for it.
    try {
      for (const row of (await pool.query<RefusedRow>(sql.refused, [refusedIds])).rows) refused.set(row.id, row);
    } catch (error) {
      unknown = error;
    }
  }
  for (const [writer, span] of heads) {
    const head = moved.get(writer.id);
    const row = refused.get(writer.id);
    if (head !== undefined) {
      outcomes.set(writer, { ok: true, head });
    } else if (!row) {
      const reason = unknown === undefined ? "it is gone from the database" : `the database could not say why: ${String(unknown)}`;
      outcomes.set(writer, { ok: false, head: writer.committed, error: new LogWriteError(`thread ${writer.id}: the append was refused and ${reason}`, { cause: unknown }) });
    } else {
      const token = leases.tokenFor(writer.id);
      const retry = token !== undefined && row.lease_token === token && row.lease_owner === leases.owner && row.lease_live === true && row.head_seq === span.old;
      outcomes.set(writer, { ok: false, head: row.head_seq, retry, error: retry ? new Error("retry") : refusal(leases, writer, span.old, row) });
    }
  }
  return outcomes;
}

/** Why the database did not move a thread's head: the lease, or another writer moved it first. */
function refusal(leases: Leases, writer: Writer, expected: number, row: RefusedRow): Error {
  const token = leases.tokenFor(writer.id);
  const live = row.lease_owner !== null && row.lease_live === true;
  if (token !== undefined) {
    if (row.lease_token !== token || row.lease_owner !== leases.owner) {
      return leases.lost(writer.id, token, `worker ${JSON.stringify(row.lease_owner)} took the thread over (token ${row.lease_token})`);
    }
    if (!live) return leases.lost(writer.id, token, "it expired (the worker was paused or cut off for longer than the lease)");
  } else if (live) {
    return new ThreadBusyError(writer.id, row.lease_owner!, row.lease_expires_at!);
  }
  return new ConcurrencyError(writer.id, expected, row.head_seq);
}
