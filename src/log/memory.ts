/**
 * The in-memory backend: the same `EventLog` behaviour as LevelDB (it shares `StoreEventLog`) with
 * nothing on disk. For tests and embedders that do not need durability.
 */
import type { LogEntry } from "../events/index.js";
import { CorruptEntryError } from "./errors.js";
import { StoreEventLog } from "./store-event-log.js";
import type { EventLogOptions } from "./store-event-log.js";
import type { LogStore, StoredSnapshot, WriteSet } from "./store.js";
import type { ThreadMeta } from "./types.js";

const CHUNK = 1024;

export class MemoryStore implements LogStore {
  /** Each thread's own entries; `base` is the seq before the first (a fork's fork point). */
  readonly #entries = new Map<string, { base: number; list: LogEntry[] }>();
  readonly #snapshots = new Map<string, Map<number, string>>();
  readonly #threads = new Map<string, ThreadMeta>();
  readonly #parts = new Map<string, string>();

  async loadThreads(): Promise<ThreadMeta[]> {
    return [...this.#threads.values()];
  }

  async write(set: WriteSet): Promise<void> {
    for (const entry of set.entries) {
      let own = this.#entries.get(entry.threadId);
      if (!own) this.#entries.set(entry.threadId, (own = { base: entry.seq - 1, list: [] }));
      own.list.push(entry); // shared with readers, like live subscribers share it: treated as immutable
    }
    for (const record of set.threads) this.#threads.set(record.id, record);
    for (const { key, json } of set.parts) this.#parts.set(key, json);
    for (const { threadId, seq, json } of set.snapshots) {
      let snapshots = this.#snapshots.get(threadId);
      if (!snapshots) this.#snapshots.set(threadId, (snapshots = new Map()));
      snapshots.set(seq, json);
    }
  }

  async *readOwn(threadId: string, from: number, to: number): AsyncGenerator<readonly LogEntry[]> {
    const own = this.#entries.get(threadId);
    for (let start = from; start <= to; start += CHUNK) {
      const end = Math.min(to, start + CHUNK - 1);
      const chunk = own ? own.list.slice(start - own.base - 1, end - own.base) : [];
      if (chunk.length !== end - start + 1 || chunk[0].seq !== start) {
        throw new CorruptEntryError(threadId, start, "the entry is missing from memory");
      }
      yield chunk;
    }
  }

  async findSnapshot(threadId: string, atOrBefore: number): Promise<StoredSnapshot | undefined> {
    let best: StoredSnapshot | undefined;
    for (const [seq, json] of this.#snapshots.get(threadId) ?? []) {
      if (seq <= atOrBefore && (!best || seq > best.seq)) best = { seq, json };
    }
    return best;
  }

  async getParts(keys: readonly string[]): Promise<Array<string | undefined>> {
    return keys.map((key) => this.#parts.get(key));
  }

  async close(): Promise<void> {}
}

export class MemoryEventLog extends StoreEventLog {
  constructor(options: EventLogOptions = {}) {
    super(new MemoryStore(), [], options);
  }
}
