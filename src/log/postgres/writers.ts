/**
 * The threads this process writes on PostgreSQL. For each, the seqs it has handed out (so
 * pipelined appends get consecutive seqs without a round trip each) and the head it knows is
 * committed; a thread's head is read once, when the process first writes it, and again after the
 * database refused a write (another worker moved it) or the outcome of a write is unknown. Writes
 * go to the database by group commit (group-write.ts), which alone decides: each thread's
 * expected head and lease are checked there.
 */
import type pg from "pg";
import type { LogEntry, NewEntry } from "../../events/index.js";
import { ConcurrencyError, LogWriteError, SeqOutOfRangeError, ThreadNotFoundError } from "../errors.js";
import { GroupCommit } from "../group-commit.js";
import { buildEntries } from "../new-entries.js";
import { RecordEncoder } from "../record-codec.js";
import type { EventLogStats } from "../store-event-log.js";
import type { AppendOptions } from "../types.js";
import { isUnavailable, unavailable } from "./connection.js";
import { writeGroup, type Outcome, type Write, type Writer } from "./group-write.js";
import type { Leases } from "./leases.js";
import type { CommitNotifications } from "./notifications.js";
import type { Statements } from "./sql.js";

/** How often a batch refused only by a lease renewal in flight is written again. */
const MAX_RETRIES = 3;

type Query = <R extends pg.QueryResultRow>(text: string, values: unknown[], action: string) => Promise<pg.QueryResult<R>>;

export class ThreadWriters {
  /** Threads this process writes, by id. */
  readonly #writers = new Map<string, Writer>();
  /** Writes waiting for a thread's head to be read, in call order. */
  readonly #waiting = new Map<string, Array<(writer: Writer | Error) => void>>();
  readonly #loads = new Set<Promise<void>>();
  readonly #commits = new GroupCommit<Write>((group) => this.#writeGroup(group));
  /** Writers whose last batch is being written again (see `Outcome.retry`), and how often. */
  readonly #retries = new Map<Writer, number>();
  readonly #encoder = new RecordEncoder();
  readonly stats: EventLogStats = { commits: 0, entries: 0 };

  constructor(
    private readonly pool: pg.Pool,
    private readonly sql: Statements,
    private readonly leases: Leases,
    private readonly notifications: CommitNotifications,
    private readonly query: Query,
    private readonly where: string,
    private readonly now: () => string,
  ) {}

  /** A thread this process just created or forked: its head is known. */
  register(threadId: string, head: number): void {
    this.#writers.set(threadId, { id: threadId, assigned: head, committed: head });
  }

  /** Reads the thread's head again before the next write (another worker may have written), unless writes are in flight. */
  refresh(threadId: string): void {
    const writer = this.#writers.get(threadId);
    if (writer && writer.assigned === writer.committed) this.#writers.delete(threadId);
  }

  // Not async: the seq assignment must happen in call order, synchronously when the head is known.
  append(threadId: string, entries: readonly NewEntry[], options: AppendOptions): Promise<LogEntry[]> {
    const writer = this.#writers.get(threadId);
    if (writer && !this.#waiting.has(threadId)) return this.#appendNow(writer, entries, options);
    return this.#whenWriter(threadId, "append to", (known) => this.#appendNow(known, entries, options));
  }

  putSnapshot(threadId: string, seq: number, data: unknown, parts?: ReadonlyMap<string, string>): Promise<void> {
    return this.#whenWriter(threadId, "put a snapshot on", (writer) => {
      // Up to the assigned head: a writer may snapshot the state its own queued appends produce.
      if (!Number.isInteger(seq) || seq < 1 || seq > writer.assigned) {
        throw new SeqOutOfRangeError(threadId, seq, writer.assigned, "put a snapshot on");
      }
      const json = JSON.stringify(data);
      if (json === undefined) throw new TypeError(`snapshot of thread ${threadId} at seq ${seq} is not JSON data`);
      return new Promise<void>((resolve, reject) => this.#commits.enqueue({ type: "snapshot", writer, seq, json, parts, resolve, reject }));
    });
  }

  /** Resolves once every write accepted so far is settled. */
  async drained(): Promise<void> {
    while (this.#loads.size > 0) await Promise.allSettled([...this.#loads]);
    await this.#commits.drained();
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
        const { rows } = await this.query<{ head_seq: number }>(this.sql.head, [threadId], action);
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
    const lost = this.leases.lostLease(writer.id);
    if (lost) return Promise.reject(lost);
    const { expectedSeq } = options;
    if (expectedSeq !== undefined && expectedSeq !== writer.assigned) {
      return Promise.reject(new ConcurrencyError(writer.id, expectedSeq, writer.assigned));
    }
    let built;
    try {
      built = buildEntries(writer.id, writer.assigned + 1, entries, this.now, this.#encoder);
    } catch (err) {
      return Promise.reject(err);
    }
    if (built.entries.length === 0) return Promise.resolve([]);
    writer.assigned += built.entries.length;
    return new Promise<LogEntry[]>((resolve, reject) =>
      this.#commits.enqueue({ type: "append", writer, entries: built.entries, encoded: built.encoded, resolve, reject }),
    );
  }


  async #writeGroup(group: Write[]): Promise<void> {
    let outcomes: Map<Writer, Outcome>;
    try {
      outcomes = await writeGroup(this.pool, this.sql, this.leases, group);
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
        this.#encoder.failed(writer.id);
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
    this.stats.commits++;
    for (const write of group) {
      if (retried.has(write.writer)) continue;
      this.#retries.delete(write.writer);
      const error = failed.get(write.writer);
      if (error) {
        write.reject(error);
      } else if (write.type === "append") {
        this.stats.entries += write.entries.length;
        this.notifications.dispatch(write.writer.id, write.entries, write.entries[write.entries.length - 1].seq);
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
      ? unavailable(this.where, `write a batch of ${group.length} writes (they may or may not have been written)`, cause)
      : new LogWriteError(`the event log could not write a batch of ${group.length} writes: ${reason}`, { cause });
    const writers = new Set(group.map((write) => write.writer));
    for (const writer of writers) this.#encoder.failed(writer.id);
    const followers = this.#commits.take((write) => writers.has(write.writer));
    // Whether a broken connection committed is unknown: forget these heads, read them again next time.
    for (const writer of writers) if (this.#writers.get(writer.id) === writer) this.#writers.delete(writer.id);
    for (const write of [...group, ...followers]) write.reject(error);
  }
}
