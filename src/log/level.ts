/**
 * The LevelDB backend, the embedded default: one database per directory with sublevels `entries`
 * and `snapshots` (keyed `<threadId>!<seq>`, see keys.ts), `threads` (keyed by id) and
 * `snapshot-parts` (keyed by the hash of their JSON, shared by every thread's snapshots). A group
 * commit is one chained batch (far cheaper per op than an array batch), written with fsync unless
 * `durable: false`.
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { AbstractSublevel } from "abstract-level";
import { Level } from "level";
import type { LogEntry } from "../events/index.js";
import { CorruptEntryError, CorruptThreadError, LogClosedError, LogLockedError, LogMissingError, LogOpenError } from "./errors.js";
import type { LogEndpoint } from "./remote/server.js";
import { seqKey, seqOfKey } from "./keys.js";
import { KEYFRAME, RecordDecoder, WINDOW, decodeChunk } from "./record-codec.js";
import { StoreEventLog } from "./store-event-log.js";
import type { EventLogOptions } from "./store-event-log.js";
import type { LogStore, StoredSnapshot, WriteSet } from "./store.js";
import type { ThreadMeta } from "./types.js";

export interface LevelEventLogOptions extends EventLogOptions {
  /** fsync every batch (default true). False trades the last batches on power loss for speed. */
  durable?: boolean;
  /** Create the directory and database when missing (default true); false fails with `LogMissingError`. */
  create?: boolean;
  /**
   * Answer other processes' reads on a Unix socket beside the directory while this log is open
   * (see ./remote): LevelDB admits one process, and this is how the others still read. Best effort:
   * if the endpoint cannot start, the log works without it (`endpointError` says why).
   */
  serve?: { version: string };
}

type Db = Level<string, string>;
type Sublevel = AbstractSublevel<Db, string | Buffer | Uint8Array, string, string>;

/** Entries per `nextv` call when reading: big enough to amortise the native round trip. */
const READ_CHUNK = 1000;
const READ_HIGH_WATER_BYTES = 1 << 20;
/** A range at least this long reads the records before it at once, not only when one of its records needs them. */
const PRIME_EARLY = 64;

class LevelStore implements LogStore {
  readonly #entries: Sublevel;
  readonly #threads: Sublevel;
  readonly #snapshots: Sublevel;
  readonly #parts: Sublevel;

  constructor(
    private readonly db: Db,
    private readonly durable: boolean,
  ) {
    this.#entries = db.sublevel<string, string>("entries", { keyEncoding: "utf8", valueEncoding: "utf8" });
    this.#threads = db.sublevel<string, string>("threads", { keyEncoding: "utf8", valueEncoding: "utf8" });
    this.#snapshots = db.sublevel<string, string>("snapshots", { keyEncoding: "utf8", valueEncoding: "utf8" });
    this.#parts = db.sublevel<string, string>("snapshot-parts", { keyEncoding: "utf8", valueEncoding: "utf8" });
  }

  static async open(dir: string, durable: boolean, create: boolean): Promise<LevelStore> {
    if (create) await mkdir(dir, { recursive: true });
    else if (!existsSync(join(dir, "CURRENT"))) throw new LogMissingError(dir);
    const db: Db = new Level<string, string>(dir, { keyEncoding: "utf8", valueEncoding: "utf8", createIfMissing: create });
    try {
      await db.open();
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      if (cause?.code === "LEVEL_LOCKED") throw new LogLockedError(dir, { cause: err });
      // LevelDB's own words ("IO error: .../LOCK: Permission denied", "Corruption: ...") say what is wrong.
      throw new LogOpenError(dir, cause?.message ?? (err as Error).message, { cause: err });
    }
    return new LevelStore(db, durable);
  }

  async loadThreads(): Promise<ThreadMeta[]> {
    const threads: ThreadMeta[] = [];
    for await (const [id, json] of this.#threads.iterator()) threads.push(decodeThread(id, json));
    return threads;
  }

  async write(set: WriteSet): Promise<void> {
    // Keys carry the sublevel prefixes themselves (the same bytes a sublevel would write): the
    // per-op `{ sublevel }` option costs more than LevelDB's own write of the entry.
    const batch = this.db.batch();
    const { entries, encoded } = set;
    const entriesPrefix = this.#entries.prefix;
    for (let i = 0; i < entries.length; i++) batch.put(entriesPrefix + seqKey(entries[i].threadId, entries[i].seq), encoded[i]);
    for (const record of set.threads) batch.put(this.#threads.prefix + record.id, JSON.stringify(record));
    for (const { key, json } of set.parts) batch.put(this.#parts.prefix + key, json);
    for (const { threadId, seq, json } of set.snapshots) batch.put(this.#snapshots.prefix + seqKey(threadId, seq), json);
    await batch.write({ sync: this.durable });
  }

  async *readOwn(threadId: string, from: number, to: number): AsyncGenerator<readonly LogEntry[]> {
    // Values only: the range is gapless, so each value's seq is known from its position.
    // highWaterMarkBytes is classic-level's (not in the abstract types): it lets nextv fill a whole chunk.
    const options = { gte: seqKey(threadId, from), lte: seqKey(threadId, to), highWaterMarkBytes: READ_HIGH_WATER_BYTES };
    const values = this.#entries.values(options);
    const fetch = (after: number): Promise<string[]> | undefined => {
      if (after > to) return undefined;
      const next = values.nextv(Math.min(READ_CHUNK, to - after + 1));
      next.catch(() => {}); // observed when awaited; this only keeps an early exit from reporting it as unhandled
      return next;
    };
    let seq = from;
    const decoder = new RecordDecoder(threadId);
    const primed = { done: false };
    // Records before `from` that this range's records may refer to (./record-codec.ts). In a long range
    // one almost surely does (a fold forward from a snapshot, a page of the inspector): they are read
    // beside its first chunk, so the read waits for one trip to LevelDB's thread rather than two.
    const before = (): Promise<string[]> => this.#entries.values({ gte: seqKey(threadId, Math.max(1, from - WINDOW)), lt: seqKey(threadId, from) }).all();
    // Not from a key frame (`1 + n·KEYFRAME`): records written there refer to nothing before it, so
    // only a range of older records reads them, when one of its records needs them.
    const early = from > 1 && (from - 1) % KEYFRAME !== 0 && to - from + 1 >= PRIME_EARLY ? before() : undefined;
    early?.catch(() => {}); // awaited by `prime`, or in `finally` when no record needed it
    const prime = async (): Promise<void> => decoder.primeLazily(from, await (early ?? before()));
    // The next chunk is fetched (on LevelDB's thread) while this one is decoded (on ours).
    let pending = fetch(seq);
    try {
      while (pending) {
        let chunk: string[];
        try {
          chunk = await pending;
        } catch (err) {
          pending = undefined;
          if (isClosedError(err)) throw new LogClosedError("read", { cause: err });
          throw err;
        }
        if (chunk.length === 0) throw new CorruptEntryError(threadId, seq, "the record is missing");
        pending = fetch(seq + chunk.length);
        const decoded = await decodeChunk(decoder, threadId, seq, from, chunk, prime, primed);
        seq += chunk.length;
        yield decoded;
      }
    } finally {
      if (pending) await pending.catch(() => {});
      await early?.catch(() => {});
      await values.close();
    }
  }

  async findSnapshot(threadId: string, atOrBefore: number): Promise<StoredSnapshot | undefined> {
    const found = await this.#snapshots
      .iterator({ gte: seqKey(threadId, 0), lte: seqKey(threadId, atOrBefore), reverse: true, limit: 1 })
      .all();
    if (found.length === 0) return undefined;
    const [key, json] = found[0];
    return { seq: seqOfKey(key), json };
  }

  getParts(keys: readonly string[]): Promise<Array<string | undefined>> {
    return this.#parts.getMany([...keys]);
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

function decodeThread(id: string, json: string): ThreadMeta {
  let record: ThreadMeta;
  try {
    record = JSON.parse(json) as ThreadMeta;
  } catch (err) {
    throw new CorruptThreadError(id, "the record is not JSON", { cause: err });
  }
  const forked = record.parentId !== undefined;
  if (
    record.id !== id ||
    !Number.isInteger(record.headSeq) ||
    record.headSeq < 0 ||
    typeof record.createdAt !== "string" ||
    (forked && (typeof record.parentId !== "string" || !Number.isInteger(record.forkSeq)))
  ) {
    throw new CorruptThreadError(id, `unexpected record ${json}`);
  }
  return record;
}

function isClosedError(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === "LEVEL_ITERATOR_NOT_OPEN" || code === "LEVEL_DATABASE_NOT_OPEN";
}

export class LevelEventLog extends StoreEventLog {
  private endpoint: LogEndpoint | undefined;
  /** Why the read endpoint did not start, when `serve` was asked for and it failed. */
  endpointError: Error | undefined;

  private constructor(
    store: LevelStore,
    threads: ThreadMeta[],
    options: LevelEventLogOptions,
    /** The LevelDB directory this log holds the lock on. */
    readonly dir: string,
  ) {
    super(store, threads, options);
  }

  /**
   * Opens the log in `dir` (creating it unless `create: false`); fails with `LogLockedError` if it
   * is open elsewhere, `LogMissingError` or `LogOpenError` (not writable, corrupted) otherwise.
   */
  static async open(dir: string, options: LevelEventLogOptions = {}): Promise<LevelEventLog> {
    const store = await LevelStore.open(dir, options.durable ?? true, options.create ?? true);
    let log: LevelEventLog;
    try {
      log = new LevelEventLog(store, await store.loadThreads(), options, dir);
    } catch (err) {
      await store.close();
      throw err;
    }
    if (options.serve) {
      try {
        // Loaded only by the holder that serves: a read command opening the directory does not pay for it.
        const { LogEndpoint } = await import("./remote/server.js");
        log.endpoint = await LogEndpoint.listen(log, dir, options.serve);
      } catch (err) {
        log.endpointError = err as Error;
      }
    }
    return log;
  }

  /** The read endpoint's socket, while it serves. */
  get endpointPath(): string | undefined {
    return this.endpoint?.path;
  }

  override async close(): Promise<void> {
    // Readers first: they must not see the storage close under a read.
    await this.endpoint?.close();
    await super.close();
  }
}
