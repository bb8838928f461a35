/**
 * Following a thread's log: the SSE stream of `/events`, read with fetch (so the token travels in
 * a header) and parsed by eventsource-parser. After a drop it reconnects from the last seq it got,
 * so no row is missed or repeated.
 */
import { createParser } from "eventsource-parser";
import { currentToken, type EntrySummary } from "./api.js";

export interface FollowOptions {
  threadId: string;
  fromSeq: number;
  onRows(rows: EntrySummary[]): void;
  onStatus?(status: "live" | "reconnecting"): void;
}

/** Starts following; the returned function stops. */
export function follow(options: FollowOptions): () => void {
  const controller = new AbortController();
  let next = options.fromSeq;
  let delay = 500;
  void (async () => {
    while (!controller.signal.aborted) {
      try {
        const res = await fetch(`api/threads/${encodeURIComponent(options.threadId)}/events?view=summary&from=${next}`, {
          headers: { authorization: `Bearer ${currentToken() ?? ""}`, accept: "text/event-stream" },
          signal: controller.signal,
        });
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        options.onStatus?.("live");
        delay = 500;
        let batch: EntrySummary[] = [];
        let scheduled = false;
        // Rows that arrive together are handed over together: one render per burst, not per row.
        const flush = () => {
          scheduled = false;
          const rows = batch;
          batch = [];
          if (rows.length) options.onRows(rows);
        };
        const parser = createParser({
          onEvent(event) {
            if (event.event !== "entry") return;
            const row = JSON.parse(event.data) as EntrySummary;
            if (row.seq < next) return;
            next = row.seq + 1;
            batch.push(row);
            if (!scheduled) {
              scheduled = true;
              setTimeout(flush, 16);
            }
          },
        });
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          parser.feed(value);
        }
        flush();
      } catch {
        if (controller.signal.aborted) return;
      }
      options.onStatus?.("reconnecting");
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 5000);
    }
  })();
  return () => controller.abort();
}
