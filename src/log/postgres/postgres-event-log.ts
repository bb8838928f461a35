/**
 * `PostgresEventLog`: the event log on PostgreSQL, shared by any number of processes on any number
 * of machines. The database is the only source of truth for heads and thread records: reads,
 * `head`, `getThread` and `listThreads` always ask it, so readers anywhere see every worker's
 * writes. For the threads it writes, a process keeps the seqs it has handed out, so pipelined
 * appends get consecutive seqs without a round trip each; the group commit then checks each
 * thread's expected head in the database (sql.ts), which alone decides.
 *
 * Subscriptions outlive a database outage: they wait and read on from the last delivered seq.
 *
 * Writing is one process per thread: a worker takes the thread's lease (`acquireLease`), and each
 * of its appends carries the lease's fencing token. Appends from a process holding no lease are
 * accepted only while nobody holds a live one.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import pg from "pg";
import type { LogEntry, NewEntry } from "../../events/index.js";
import { flatten } from "../chunks.js";
import {
  ConcurrencyError,
  LogClosedError,
  LogWriteError,
  SeqOutOfRangeError,
  ThreadExistsError,
  ThreadNotFoundError,
} from "../errors.js";
import { GroupCommit } from "../group-commit.js";
import { assertThreadId } from "../keys.js";
import { buildEntries, isoClock } from "../new-entries.js";
import type { EventLogOptions, EventLogStats } from "../store-event-log.js";
import type {
  AppendOptions,
  CreateThreadOptions,
  LeasingEventLog,
  ReadRange,
  Snapshot,
  SubscribeOptions,
  ThreadLease,
  ThreadMeta,
} from "../types.js";
import { followShared } from "./follow.js";
import { writeGroup, type Outcome, type Write, type Writer } from "./group-write.js";
import { Leases, type LeaseInfo } from "./leases.js";
import { CommitNotifications } from "./notifications.js";
import { readLineage, readOwn, toMeta, type ThreadRow } from "./reads.js";
import { describeDatabase, isUnavailable, unavailable } from "./connection.js";
import { migrate, assertSchemaName } from "./schema.js";
import { statements, type Statements } from "./sql.js";

const MAX_RETRIES = 3;

export interface PostgresEventLogOptions extends EventLogOptions {
  /** The PostgreSQL schema holding Loom's tables (default `loom`); created and migrated on open. */
  schema?: string;
  /** How this worker names itself in leases (default `<hostname>:<pid>:<random>`). */
  owner?: string;
  /** How long a lease lasts without renewal: how soon another worker can take over a dead one's threads (default 15 s). */
  leaseTtlMs?: number;
  /** A subscriber that heard nothing reads the database after this long anyway (default 2 s). */
  pollIntervalMs?: number;
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /** How long to wait for a connection before an operation fails (default 10 s). */
  connectTimeoutMs?: number;
}

// int8 columns (seqs, heads, tokens) as numbers: seqs stay far below 2^53.
const TYPES = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === 20 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig["getTypeParser"],
};

export class PostgresEventLog implements LeasingEventLog {
  readonly #pool: pg.Pool;
  readonly #sql: Statements;
  readonly #where: string;
  readonly #clock: () => Date;
  readonly #now: () => string;
  readonly #newId: () => string;
  readonly #leases: Leases;
  readonly #notifications: CommitNotifications;
  readonly #pollIntervalMs: number;
  /** Threads this process writes, by id; a thread is added when first written, with its head read once. */
  readonly #writers = new Map<string, Writer>();
  /** Writes waiting for a thread's head to be read, in call order. */
  readonly #waiting = new Map<string, Array<(writer: Writer | Error) => void>>();
  readonly #loads = new Set<Promise<void>>();
  readonly #subscriptions = new Set<() => void>();
  readonly #commits = new GroupCommit<Write>((group) => this.#writeGroup(group));
  readonly #stats: EventLogStats = { commits: 0, entries: 0 };
  /** Writers whose last batch is being written again (see `Outcome.retry`), and how often. */
  readonly #retries = new Map<Writer, number>();
  #closing: Promise<void> | undefined;

  private constructor(pool: pg.Pool, config: pg.PoolConfig, schema: string, options: PostgresEventLogOptions) {
    this.#pool = pool;
    this.#sql = statements(schema);
    this.#where = describeDatabase(config);
    this.#clock = options.clock ?? (() => new Date());
    this.#now = isoClock(options.clock);
    this.#newId = options.newId ?? randomUUID;
    this.#pollIntervalMs = options.pollIntervalMs ?? 2_000;
    const owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.#leases = new Leases(pool, this.#sql, owner, options.leaseTtlMs ?? 15_000);
    this.#notifications = new CommitNotifications({ ...config, types: TYPES }, this.#sql.channel);
  }

  /** Connects, creates or migrates the schema, and returns the log. `url`: `postgres://user:pass@host:port/db`. */
  static async open(url: string, options: PostgresEventLogOptions = {}): Promise<PostgresEventLog> {
    const schema = options.schema ?? "loom";
    assertSchemaName(schema);
    const config: pg.PoolConfig = {
      connectionString: url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      types: TYPES,
    };
    const pool = new pg.Pool(config);
    // An idle connection the server dropped (a restart): the pool replaces it on the next query.
    pool.on("error", () => undefined);
    try {
      const client = await pool.connect().catch((error: unknown) => {
        throw unavailable(describeDatabase(config), "open the event log", error);
      });
      try {
        await migrate(client, schema);
      } finally {
        client.release();
      }
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
    return new PostgresEventLog(pool, config, schema, options);
  }

  get stats(): EventLogStats {
    return { ...this.#stats };
  }

  /** The name this worker holds leases under. */
  get owner(): string {
    return this.#leases.owner;
  }

  async createThread(options: CreateThreadOptions = {}): Promise<ThreadMeta> {
    this.#assertOpen("create a thread");
    const { id, name } = this.#newThread(options);
    const createdAt = this.#clock().toISOString();
    await this.#query(this.#sql.createThread, [id, name ?? null, createdAt], "create a thread").catch((error: unknown) => {
      throw (error as { code?: string }).code === "23505" ? new ThreadExistsError(id) : error;
    });
    this.#writers.set(id, { id, assigned: 0, committed: 0 });
    return { id, headSeq: 0, createdAt, ...(name === undefined ? {} : { name }) };
  }

  async getThread(threadId: string): Promise<ThreadMeta | undefined> {
    this.#assertOpen("get a thread");
    const { rows } = await this.#query<ThreadRow>(this.#sql.thread, [threadId], "get a thread");
    return rows[0] && toMeta(rows[0]);
  }

  async listThreads(): Promise<ThreadMeta[]> {
    this.#assertOpen("list threads");
    const { rows } = await this.#query<ThreadRow>(this.#sql.threads, [], "list threads");
    return rows.map(toMeta).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  async updateThread(threadId: string, patch: { name?: string }): Promise<ThreadMeta> {
    this.#assertOpen("update a thread");
    if (patch.name !== undefined && typeof patch.name !== "string") throw new TypeError(`thread ${threadId}: name must be a string`);
    const { rows } =
      patch.name === undefined
        ? await this.#query<ThreadRow>(this.#sql.thread, [threadId], "update a thread")
        : await this.#query<ThreadRow>(this.#sql.rename, [threadId, patch.name], "update a thread");
    if (!rows[0]) throw new ThreadNotFoundError(threadId, "update");
    return toMeta(rows[0]);
  }

  // Not async: the seq assignment must happen in call order, synchronously when the head is known.
  append(threadId: string, entries: readonly NewEntry[], options: AppendOptions = {}): Promise<LogEntry[]> {
    try {
      this.#assertOpen("append");
      const writer = this.#writers.get(threadId);
      if (writer && !this.#waiting.has(threadId)) return this.#appendNow(writer, entries, options);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#whenWriter(threadId, "append to", (writer) => this.#appendNow(writer, entries, options));
  }

  async head(threadId: string): Promise<number> {
    this.#assertOpen("read the head");
    const { rows } = await this.#query<{ head_seq: number }>(this.#sql.head, [threadId], "read the head");
    if (!rows[0]) throw new ThreadNotFoundError(threadId, "read the head of");
    return rows[0].head_seq;
  }

  /** Entries read through a fork keep the `threadId` of the thread that wrote them (nothing is copied). */
  read(threadId: string, range: ReadRange = {}): AsyncIterable<LogEntry> {
    return { [Symbol.asyncIterator]: () => flatten(this.#readChunks(threadId, range)) };
  }

  /** Gap-free across processes: this process's commits arrive pushed, others' through LISTEN/NOTIFY and reads. */
  subscribe(threadId: string, fromSeq: number, options: SubscribeOptions = {}): AsyncIterable<LogEntry> {
    const start = async function* (log: PostgresEventLog): AsyncGenerator<LogEntry> {
      log.#assertOpen("subscribe");
      if (!Number.isInteger(fromSeq) || fromSeq < 1) {
        throw new RangeError(`subscribe to thread ${threadId}: fromSeq must be an integer >= 1, got ${fromSeq}`);
      }
      await log.head(threadId); // an unknown thread fails here, not after a poll interval
      yield* followShared(
        {
          attach: (listener) => log.#notifications.attach(threadId, listener),
          read: (from) => log.read(threadId, { from }),
          pollIntervalMs: log.#pollIntervalMs,
          closed: () => log.#closing !== undefined,
          track: (end) => {
            log.#subscriptions.add(end);
            return () => log.#subscriptions.delete(end);
          },
          retryable: isUnavailable,
        },
        fromSeq,
        options.signal,
      );
    };
    return { [Symbol.asyncIterator]: () => start(this) };
  }

  async fork(sourceThreadId: string, atSeq: number, options: CreateThreadOptions = {}): Promise<ThreadMeta> {
    this.#assertOpen("fork");
    if (!Number.isInteger(atSeq) || atSeq < 0) {
      throw new SeqOutOfRangeError(sourceThreadId, atSeq, await this.head(sourceThreadId), "fork");
    }
    const { id, name } = this.#newThread(options);
    const createdAt = this.#clock().toISOString();
    const { rowCount } = await this.#query(this.#sql.fork, [id, sourceThreadId, atSeq, name ?? null, createdAt], "fork").catch(
      (error: unknown) => {
        throw (error as { code?: string }).code === "23505" ? new ThreadExistsError(id) : error;
      },
    );
    if (rowCount === 0) {
      const { rows } = await this.#query<{ head_seq: number }>(this.#sql.head, [sourceThreadId], "fork");
      if (!rows[0]) throw new ThreadNotFoundError(sourceThreadId, "fork");
      throw new SeqOutOfRangeError(sourceThreadId, atSeq, rows[0].head_seq, "fork");
    }
    this.#writers.set(id, { id, assigned: atSeq, committed: atSeq });
    return { id, parentId: sourceThreadId, forkSeq: atSeq, headSeq: atSeq, createdAt, ...(name === undefined ? {} : { name }) };
  }

  putSnapshot(threadId: string, seq: number, data: unknown): Promise<void> {
    try {
      this.#assertOpen("put a snapshot");
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#whenWriter(threadId, "put a snapshot on", (writer) => {
      // Up to the assigned head: a writer may snapshot the state its own queued appends produce.
      if (!Number.isInteger(seq) || seq < 1 || seq > writer.assigned) {
        throw new SeqOutOfRangeError(threadId, seq, writer.assigned, "put a snapshot on");
      }
      const json = JSON.stringify(data);
      if (json === undefined) throw new TypeError(`snapshot of thread ${threadId} at seq ${seq} is not JSON data`);
      return new Promise<void>((resolve, reject) => this.#commits.enqueue({ type: "snapshot", writer, seq, json, resolve, reject }));
    });
  }

  async getSnapshot<T = unknown>(threadId: string, atOrBeforeSeq: number): Promise<Snapshot<T> | undefined> {
    this.#assertOpen("get a snapshot");
    const { rows } = await this.#query<{ id: string; seq: number | null; data: string | null }>(
      this.#sql.snapshot,
      [threadId, atOrBeforeSeq],
      "get a snapshot",
    );
    if (!rows[0]) throw new ThreadNotFoundError(threadId, "get a snapshot of");
    const { seq, data } = rows[0];
    return seq === null || data === null ? undefined : { seq, data: JSON.parse(data) as T };
  }

  /** Takes the thread's lease for this worker, or rejects with `ThreadBusyError` naming the holder. */
  async acquireLease(threadId: string): Promise<ThreadLease> {
    this.#assertOpen("take a lease");
    const lease = await this.#leases.acquire(threadId).catch((error: unknown) => {
      throw isUnavailable(error) ? unavailable(this.#where, "take a lease on", error) : error;
    });
    // Another worker may have written since this process last did: read the head again.
    const writer = this.#writers.get(threadId);
    if (writer && writer.assigned === writer.committed) this.#writers.delete(threadId);
    return lease;
  }

  /** Every lease held now, live or expired (a supervisor looks here for threads whose worker died). */
  listLeases(): Promise<LeaseInfo[]> {
    this.#assertOpen("list leases");
    return this.#leases.list();
  }

  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    for (const end of this.#subscriptions) end();
    this.#closing = (async () => {
      // Appends already accepted are written before the pool closes: their callers were promised that.
      while (this.#loads.size > 0) await Promise.allSettled([...this.#loads]);
      await this.#commits.drained();
      await this.#leases.close();
      await this.#notifications.close();
      await this.#pool.end();
    })();
    return this.#closing;
  }

  #assertOpen(action: string): void {
    if (this.#closing) throw new LogClosedError(action);
  }

  #newThread(options: CreateThreadOptions): { id: string; name?: string } {
    const id = options.id ?? this.#newId();
    assertThreadId(id);
    if (options.name !== undefined && typeof options.name !== "string") throw new TypeError("thread name must be a string");
    return { id, name: options.name };
  }

  /** Runs `act` with the thread's writer, reading its head first if this process has not written it yet. */
  #whenWriter<T>(threadId: string, action: string, act: (writer: Writer) => Promise<T>): Promise<T> {
    const known = this.#writers.get(threadId);
    if (known && !this.#waiting.has(threadId)) {
      try {
        return act(known);
      } catch (err) {
        return Promise.reject(err);
      }
    }
    return new Promise<T>((resolve, reject) => {
      let queue = this.#waiting.get(threadId);
      if (!queue) {
        this.#waiting.set(threadId, (queue = []));
        this.#loadWriter(threadId, action);
      }
      queue.push((writer) => {
        if (writer instanceof Error) return reject(writer);
        try {
          act(writer).then(resolve, reject);
        } catch (err) {
          reject(err);
        }
      });
    });
  }

  #loadWriter(threadId: string, action: string): void {
    const load = (async () => {
      let result: Writer | Error;
      try {
        const { rows } = await this.#query<{ head_seq: number }>(this.#sql.head, [threadId], action);
        if (rows[0]) {
          result = { id: threadId, assigned: rows[0].head_seq, committed: rows[0].head_seq };
          this.#writers.set(threadId, result);
        } else result = new ThreadNotFoundError(threadId, action);
      } catch (error) {
        result = error as Error;
      }
      const queue = this.#waiting.get(threadId) ?? [];
      this.#waiting.delete(threadId);
      for (const run of queue) run(result); // in call order: each assigns its seqs synchronously
    })();
    this.#loads.add(load);
    void load.finally(() => this.#loads.delete(load));
  }

  #appendNow(writer: Writer, entries: readonly NewEntry[], options: AppendOptions): Promise<LogEntry[]> {
    const lost = this.#leases.lostLease(writer.id);
    if (lost) return Promise.reject(lost);
    const { expectedSeq } = options;
    if (expectedSeq !== undefined && expectedSeq !== writer.assigned) {
      return Promise.reject(new ConcurrencyError(writer.id, expectedSeq, writer.assigned));
    }
    let built;
    try {
      built = buildEntries(writer.id, writer.assigned + 1, entries, this.#now);
    } catch (err) {
      return Promise.reject(err);
    }
    if (built.entries.length === 0) return Promise.resolve([]);
    writer.assigned += built.entries.length;
    return new Promise<LogEntry[]>((resolve, reject) =>
      this.#commits.enqueue({ type: "append", writer, entries: built.entries, encoded: built.encoded, resolve, reject }),
    );
  }

  async *#readChunks(threadId: string, range: ReadRange): AsyncGenerator<readonly LogEntry[]> {
    this.#assertOpen("read");
    if (!isSeqBound(range.from) || !isSeqBound(range.to)) {
      throw new RangeError(`read thread ${threadId}: from and to must be integers, got ${range.from} and ${range.to}`);
    }
    const lineage = await readLineage((text, values) => this.#query(text, values, "read"), this.#sql, threadId);
    const from = Math.max(1, range.from ?? 1);
    const to = Math.min(lineage[0].head_seq, range.to ?? Number.MAX_SAFE_INTEGER);
    // Where seqs from..to live: each ancestor's own entries up to its child's fork point, then the thread's.
    const segments: Array<{ threadId: string; from: number; to: number }> = [];
    let upper = to;
    for (const row of lineage) {
      if (upper < from) break;
      const forkSeq = row.fork_seq ?? 0;
      const lower = Math.max(from, forkSeq + 1);
      if (lower <= upper) segments.unshift({ threadId: row.id, from: lower, to: upper });
      upper = Math.min(upper, forkSeq);
    }
    for (const segment of segments) {
      yield* readOwn(this.#pool, this.#sql, segment.threadId, segment.from, segment.to, () => this.#assertOpen("read"), this.#where);
    }
  }

  async #query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values: unknown[], action: string): Promise<pg.QueryResult<R>> {
    try {
      return await this.#pool.query<R>(text, values);
    } catch (error) {
      if (this.#closing && /pool|Cannot use a pool after calling end/i.test(String(error))) throw new LogClosedError(action, { cause: error });
      throw isUnavailable(error) ? unavailable(this.#where, action, error) : error;
    }
  }

  async #writeGroup(group: Write[]): Promise<void> {
    let outcomes: Map<Writer, Outcome>;
    try {
      outcomes = await writeGroup(this.#pool, this.#sql, this.#leases, group);
    } catch (cause) {
      this.#failGroup(group, cause);
      return;
    }
    const failed = new Map<Writer, Error>();
    const retried = new Set<Writer>();
    for (const [writer, outcome] of outcomes) {
      if (outcome.ok) writer.committed = outcome.head;
      else if (outcome.retry && (this.#retries.get(writer) ?? 0) < MAX_RETRIES) {
        this.#retries.set(writer, (this.#retries.get(writer) ?? 0) + 1);
        retried.add(writer);
      } else {
        failed.set(writer, outcome.error);
        // The database's head is the truth now; later appends are numbered after it.
        writer.committed = writer.assigned = outcome.head;
      }
    }
    // Queued writes to a refused thread assumed the refused seqs: they are refused too.
    for (const write of this.#commits.take((w) => failed.has(w.writer))) write.reject(failed.get(write.writer));
    if (retried.size > 0) {
      // Written again in the next batch, ahead of the writes queued behind them.
      const followers = this.#commits.take((w) => retried.has(w.writer));
      for (const write of [...group.filter((w) => retried.has(w.writer)), ...followers]) this.#commits.enqueue(write);
    }
    this.#stats.commits++;
    for (const write of group) {
      if (retried.has(write.writer)) continue;
      this.#retries.delete(write.writer);
      const error = failed.get(write.writer);
      if (error) {
        write.reject(error);
      } else if (write.type === "append") {
        this.#stats.entries += write.entries.length;
        this.#notifications.dispatch(write.writer.id, write.entries, write.entries[write.entries.length - 1].seq);
        write.resolve(write.entries);
      } else {
        write.resolve();
      }
    }
  }

  /** The statement failed as a whole: nothing of the group was written (or, if the connection broke, maybe all of it). */
  #failGroup(group: Write[], cause: unknown): void {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const error = isUnavailable(cause)
      ? unavailable(this.#where, `write a batch of ${group.length} writes (they may or may not have been written)`, cause)
      : new LogWriteError(`the event log could not write a batch of ${group.length} writes: ${reason}`, { cause });
    const writers = new Set(group.map((write) => write.writer));
    const followers = this.#commits.take((write) => writers.has(write.writer));
    // Whether a broken connection committed is unknown: forget these heads, read them again next time.
    for (const writer of writers) if (this.#writers.get(writer.id) === writer) this.#writers.delete(writer.id);
    for (const write of [...group, ...followers]) write.reject(error);
  }
}

function isSeqBound(value: number | undefined): boolean {
  return value === undefined || Number.isInteger(value);
}
