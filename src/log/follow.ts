/**
 * A subscription's delivery: the backlog from `fromSeq`, then live entries, with no gap and no
 * duplicate even when it starts while appends are in flight. The live listener is attached and
 * the backlog's end captured in one synchronous step, so every later commit reaches the queue;
 * a seq filter drops what both the backlog and the queue delivered.
 */
import type { LogEntry } from "../events/index.js";
import type { LiveQueue } from "./live-queue.js";

export interface Followable {
  /** Attaches `listener` to commits and returns the committed head at that same moment. */
  attach(listener: (entries: readonly LogEntry[]) => void): { head: number; detach: () => void };
  read(from: number, to: number): AsyncIterable<LogEntry>;
}

export async function* follow(source: Followable, fromSeq: number, live: LiveQueue<LogEntry>): AsyncGenerator<LogEntry> {
  const { head, detach } = source.attach((entries) => live.push(entries));
  let last = fromSeq - 1;
  try {
    if (last < head) {
      try {
        for await (const entry of source.read(fromSeq, head)) {
          if (live.ended) return;
          yield entry;
          last = entry.seq;
        }
      } catch (err) {
        if (live.ended) return; // closed mid-backlog: the storage went away under the read
        throw err;
      }
    }
    for (;;) {
      const chunk = await live.next();
      if (!chunk) return;
      for (const entry of chunk) {
        if (entry.seq <= last) continue;
        yield entry;
        last = entry.seq;
        if (live.ended) return;
      }
    }
  } finally {
    detach();
    live.end();
  }
}
