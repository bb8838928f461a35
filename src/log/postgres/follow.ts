/**
 * A subscription on a log many processes write: the backlog from `fromSeq`, then every later
 * entry, in order, with no gap and no duplicate. Entries come from two places: this process's own
 * commits (pushed with their entries, in commit order) and the database, read from the last
 * delivered seq on whenever a commit of another process is announced, when a pushed chunk does not
 * continue where delivery stands, after a reconnect, and at least every `pollIntervalMs`. Because
 * every read starts at `last + 1`, a lost or late notification can delay an entry but never drop
 * or repeat one.
 */
import type { LogEntry } from "../../events/index.js";
import type { CommitListener } from "./notifications.js";

export interface SharedFollowable {
  attach(listener: CommitListener): () => void;
  /** Entries from `from` up to the head at the time of reading. */
  read(from: number): AsyncIterable<LogEntry>;
  pollIntervalMs: number;
  /** True once the log is closing: the subscription ends. */
  closed(): boolean;
  /** Registers the subscription's `end`, called when the log closes; returns the unregistration. */
  track(end: () => void): () => void;
  /** True for a failed read worth trying again later (the database is unreachable for now). */
  retryable(error: unknown): boolean;
}

/** What arrived since the subscriber last looked. */
class Inbox {
  chunks: Array<readonly LogEntry[]> = [];
  /** The highest head announced without entries. */
  announced = 0;
  ended = false;
  #wake: (() => void) | undefined;

  constructor(private readonly signal?: AbortSignal) {
    signal?.addEventListener("abort", this.end, { once: true });
  }

  readonly push: CommitListener = (entries, head) => {
    if (this.ended) return;
    if (entries) this.chunks.push(entries);
    else this.announced = Math.max(this.announced, head);
    this.#fire();
  };

  /** Resolves true when something arrives (or the inbox ends), false after `ms` of silence. */
  wait(ms: number): Promise<boolean> {
    if (this.ended || this.chunks.length > 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#wake = undefined;
        resolve(false);
      }, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  }

  readonly end = (): void => {
    this.ended = true;
    this.chunks = [];
    this.signal?.removeEventListener("abort", this.end);
    this.#fire();
  };

  #fire(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

export async function* followShared(source: SharedFollowable, fromSeq: number, signal?: AbortSignal): AsyncGenerator<LogEntry> {
  if (signal?.aborted) return;
  const inbox = new Inbox(signal);
  const detach = source.attach(inbox.push);
  const untrack = source.track(inbox.end);
  let last = fromSeq - 1;
  let mustRead = true;
  try {
    while (!inbox.ended && !source.closed()) {
      if (mustRead) {
        mustRead = false;
        // Whatever commits from here on is pushed to the inbox, so the read below plus the inbox
        // cover everything; the seq filter drops what both delivered.
        inbox.chunks = [];
        inbox.announced = 0;
        try {
          for await (const entry of source.read(last + 1)) {
            if (inbox.ended) return;
            yield entry;
            last = entry.seq;
          }
        } catch (error) {
          if (inbox.ended || source.closed()) return;
          if (!source.retryable(error)) throw error;
          // An outage: the subscription waits it out and reads on from where it stands.
          await inbox.wait(source.pollIntervalMs);
          mustRead = true;
          continue;
        }
      }
      let chunk: readonly LogEntry[] | undefined;
      while (!mustRead && (chunk = inbox.chunks.shift())) {
        for (const entry of chunk) {
          if (entry.seq <= last) continue;
          if (entry.seq !== last + 1) {
            mustRead = true; // committed by someone else in between: read the gap from the database
            break;
          }
          yield entry;
          last = entry.seq;
          if (inbox.ended) return;
        }
      }
      if (mustRead) continue;
      if (inbox.announced > last) {
        mustRead = true;
        continue;
      }
      // Silence for a whole interval: look anyway (a notification may have been lost).
      if (!(await inbox.wait(source.pollIntervalMs))) mustRead = true;
    }
  } finally {
    detach();
    untrack();
    inbox.end();
  }
}
