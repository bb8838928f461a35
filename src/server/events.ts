/**
 * `GET /api/threads/:id/events?from=SEQ`: a thread's log as Server-Sent Events, the backlog from
 * SEQ then every entry as it becomes durable. Each event's `id` is its seq, so a client that lost
 * the connection resumes with `Last-Event-ID` (or `from`) and misses nothing, sees nothing twice.
 *
 * Memory stays bounded: a client that stops reading is disconnected instead of buffered for (it
 * resumes from the log, which holds everything anyway).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EventLog } from "../log/index.js";
import { BadRequestError } from "./errors.js";
import { summarizeEntry } from "./summary.js";

export interface StreamOptions {
  log: EventLog;
  threadId: string;
  fromSeq: number;
  summary: boolean;
  /** Ends the stream (server shutdown). */
  signal: AbortSignal;
  /** How long a client may leave the socket full before it is dropped. */
  drainTimeoutMs?: number;
  heartbeatMs?: number;
}

/** The first seq to send: one after `Last-Event-ID` when the client resumes, else `from` (default 1). */
export function resumeSeq(req: IncomingMessage, from: number | undefined): number {
  const last = req.headers["last-event-id"];
  if (typeof last === "string" && last !== "") {
    if (!/^\d+$/.test(last)) throw new BadRequestError(`Last-Event-ID must be a seq, got ${JSON.stringify(last)}`);
    return Number(last) + 1;
  }
  return from ?? 1;
}

export async function streamEvents(req: IncomingMessage, res: ServerResponse, options: StreamOptions): Promise<void> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  options.signal.addEventListener("abort", stop, { once: true });
  req.socket.on("close", stop);
  res.on("close", stop);
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-store",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  res.write(`retry: 1000\n\n`);
  const heartbeat = setInterval(() => res.write(`: keep-alive\n\n`), options.heartbeatMs ?? 15_000);
  heartbeat.unref();
  try {
    for await (const entry of options.log.subscribe(options.threadId, Math.max(1, options.fromSeq), { signal: controller.signal })) {
      if (controller.signal.aborted) break;
      const data = options.summary ? summarizeEntry(entry, options.threadId) : entry;
      const ok = res.write(`id: ${entry.seq}\nevent: entry\ndata: ${JSON.stringify(data)}\n\n`);
      if (!ok && !(await drained(res, controller.signal, options.drainTimeoutMs ?? 10_000))) break;
    }
  } catch (error) {
    // The log closed under the stream (shutdown): the client reconnects to whoever serves next.
    if (!controller.signal.aborted) res.write(`event: error\ndata: ${JSON.stringify({ error: (error as Error).message })}\n\n`);
  } finally {
    clearInterval(heartbeat);
    options.signal.removeEventListener("abort", stop);
    req.socket.off("close", stop);
    controller.abort();
    res.end();
  }
}

function drained(res: ServerResponse, signal: AbortSignal, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      res.off("drain", onDrain);
      signal.removeEventListener("abort", onAbort);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(false), timeoutMs);
    res.once("drain", onDrain);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
