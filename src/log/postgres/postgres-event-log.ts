/**
 * `PostgresEventLog`: the event log on PostgreSQL, shared by any number of processes on any number
 * of machines. The database is the only source of truth for heads and thread records: reads,
 * `head`, `getThread` and `listThreads` always ask it, so readers anywhere see every worker's
 * writes. Writing (seq assignment, group commit, the database's checks) is in writers.ts.
 *
 * Subscriptions outlive a database outage: they wait and read on from the last delivered seq.
 *
 * Writing is one process per thread: a worker takes the thread's lease (`acquireLease`), and each
 * of its appends carries the lease's fencing token. Appends from a process holding no lease are
 * accepted only while nobody holds a live one.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type pg from "pg";
import { driver, loadDriver } from "./driver.js";
import type { LogEntry, NewEntry } from "../../events/index.js";
import { flatten } from "../chunks.js";
import { LogClosedError, SeqOutOfRangeError, ThreadExistsError, ThreadNotFoundError } from "../errors.js";
import { assertThreadId } from "../keys.js";
import { isoClock } from "../new-entries.js";
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
import { byCreation } from "../types.js";
import { followShared } from "./follow.js";
import { Leases, type LeaseInfo } from "./leases.js";
import { CommitNotifications } from "./notifications.js";
import { readLineage, readOwn, toMeta, type ThreadRow } from "./reads.js";
import { describeDatabase, isUnavailable, unavailable } from "./connection.js";
import { migrate, assertSchemaName } from "./schema.js";
import { statements, type Statements } from "./sql.js";
import { ThreadWriters } from "./writers.js";

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
    oid === 20 ? (value: string) => Number(value) : driver().types.getTypeParser(oid, format)) as pg.CustomTypesConfig["getTypeParser"],
};

export class PostgresEventLog implements LeasingEventLog {
  readonly #pool: pg.Pool;
  readonly #sql: Statements;
  readonly #where: string;
  readonly #clock: () => Date;
  readonly #newId: () => string;
  readonly #leases: Leases;
  readonly #notifications: CommitNotifications;
  readonly #pollIntervalMs: number;
  readonly #writers: ThreadWriters;
  readonly #subscriptions = new Set<() => void>();
  #closing: Promise<void> | undefined;

  private constructor(pool: pg.Pool, config: pg.PoolConfig, schema: string, options: PostgresEventLogOptions) {
    this.#pool = pool;
    this.#sql = statements(schema);
    this.#where = describeDatabase(config);
    this.#clock = options.clock ?? (() => new Date());
    this.#newId = options.newId ?? randomUUID;
    this.#pollIntervalMs = options.pollIntervalMs ?? 2_000;
    const owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.#leases = new Leases(pool, this.#sql, owner, options.leaseTtlMs ?? 15_000);
    this.#notifications = new CommitNotifications({ ...config, types: TYPES }, this.#sql.channel);
    const query = <R extends pg.QueryResultRow>(text: string, values: unknown[], action: string) => this.#query<R>(text, values, action);
    this.#writers = new ThreadWriters(pool, this.#sql, this.#leases, this.#notifications, query, this.#where, isoClock(options.clock));
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
    const pool = new (await loadDriver()).Pool(config);
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
    return { ...this.#writers.stats };
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
    this.#writers.register(id, 0);
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
    return rows.map(toMeta).sort(byCreation);
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
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#writers.append(threadId, entries, options);
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
    this.#writers.register(id, atSeq);
    return { id, parentId: sourceThreadId, forkSeq: atSeq, headSeq: atSeq, createdAt, ...(name === undefined ? {} : { name }) };
  }

  putSnapshot(threadId: string, seq: number, data: unknown, parts?: ReadonlyMap<string, string>): Promise<void> {
    try {
      this.#assertOpen("put a snapshot");
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#writers.putSnapshot(threadId, seq, data, parts);
  }

  async getSnapshotParts(keys: readonly string[]): Promise<Array<string | undefined>> {
    this.#assertOpen("get snapshot parts");
    if (keys.length === 0) return [];
    const { rows } = await this.#query<{ key: string; data: string }>(this.#sql.snapshotParts, [[...keys]], "get snapshot parts");
    const found = new Map(rows.map((row) => [row.key, row.data]));
    return keys.map((key) => found.get(key));
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
    this.#writers.refresh(threadId);
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
      await this.#writers.drained();
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

}

function isSeqBound(value: number | undefined): boolean {
  return value === undefined || Number.isInteger(value);
}
