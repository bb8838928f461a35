/**
 * Commit notifications for subscribers: this process's own commits (with their entries) and other
 * processes' commits (LISTEN on the schema's channel, a head per thread). A notification is only a
 * hint to read the log: subscribers always read what they deliver from the database, so a
 * notification lost while the LISTEN connection was down costs latency, never an entry. After
 * every (re)connect every subscriber is woken to catch up, and they poll as a last resort.
 */
import type pg from "pg";
import { driver } from "./driver.js";
import type { LogEntry } from "../../events/index.js";

/** `entries` for a local commit; undefined when only the new `head` is known (another process). */
export type CommitListener = (entries: readonly LogEntry[] | undefined, head: number) => void;

const MAX_BACKOFF_MS = 5_000;

export class CommitNotifications {
  readonly #listeners = new Map<string, Set<CommitListener>>();
  #client: pg.Client | undefined;
  #started = false;
  #closed = false;
  #failures = 0;
  #retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly channel: string,
  ) {}

  /** Registers a listener for one thread's commits; the LISTEN connection starts with the first. */
  attach(threadId: string, listener: CommitListener): () => void {
    let set = this.#listeners.get(threadId);
    if (!set) this.#listeners.set(threadId, (set = new Set()));
    set.add(listener);
    if (!this.#started && !this.#closed) {
      this.#started = true;
      void this.#connect();
    }
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.#listeners.get(threadId) === set) this.#listeners.delete(threadId);
    };
  }

  /** Delivers a commit to the thread's listeners. */
  dispatch(threadId: string, entries: readonly LogEntry[] | undefined, head: number): void {
    const set = this.#listeners.get(threadId);
    if (!set) return;
    for (const listener of set) listener(entries, head);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }

  async #connect(): Promise<void> {
    if (this.#closed) return;
    const client = new (driver().Client)(this.config);
    let lost = false;
    const onLost = () => {
      if (lost) return;
      lost = true;
      if (this.#client === client) this.#client = undefined;
      client.end().catch(() => undefined);
      this.#scheduleReconnect();
    };
    client.on("error", onLost);
    client.on("end", onLost);
    client.on("notification", (message) => {
      if (message.channel !== this.channel || !message.payload) return;
      const colon = message.payload.indexOf(":");
      const head = Number(message.payload.slice(0, colon));
      this.dispatch(message.payload.slice(colon + 1), undefined, head);
    });
    try {
      await client.connect();
      await client.query(`LISTEN "${this.channel}"`);
    } catch {
      onLost();
      return;
    }
    if (this.#closed || lost) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#client = client;
    this.#failures = 0;
    // Commits made while nobody listened were not announced: every subscriber reads again.
    for (const [threadId] of this.#listeners) this.dispatch(threadId, undefined, Number.POSITIVE_INFINITY);
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#retry) return;
    const delay = Math.min(MAX_BACKOFF_MS, 100 * 2 ** this.#failures++);
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      void this.#connect();
    }, delay);
    this.#retry.unref();
  }
}
