/**
 * `loom serve` in-process for tests: a real HTTP server on 127.0.0.1:0 over a runtime wired to the
 * fake Responses server, an authenticated JSON client, and an SSE reader that waits on entries.
 */
import { createParser } from "eventsource-parser";
import { startServer, type LoomServer } from "../../src/server/index.js";
import { startLoom, type LoomHarness } from "./loom.js";
import type { RuntimeOptions } from "../../src/runtime/runtime.js";

export interface ServeHarness {
  loom: LoomHarness;
  server: LoomServer;
  /** A request to the API with the token; the body, when given, is sent as JSON. */
  api(path: string, init?: { method?: string; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

export const TOKEN = "test-token-0123456789";

export async function startServe(options: Partial<RuntimeOptions> = {}): Promise<ServeHarness> {
  const loom = await startLoom(options);
  const server = await startServer({ runtime: loom.rt, token: TOKEN, host: "127.0.0.1", port: 0 });
  return {
    loom,
    server,
    async api(path, init = {}) {
      const headers: Record<string, string> = { authorization: `Bearer ${TOKEN}`, ...init.headers };
      let body: string | undefined;
      if (init.body !== undefined) {
        body = typeof init.body === "string" ? init.body : JSON.stringify(init.body);
        headers["content-type"] ??= "application/json";
      }
      const res = await fetch(new URL(path, server.url), { method: init.method ?? (body ? "POST" : "GET"), headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    async close() {
      await server.close();
      await loom.close();
    },
  };
}

export interface SseReader {
  /** Every `entry` event so far: [lastEventId, parsed data]. */
  readonly entries: { id: string; data: any }[];
  /** Resolves with the first entry (seen or future) that matches. */
  waitFor(predicate: (data: any) => boolean): Promise<any>;
  close(): void;
  /** Resolves when the server ends the stream. */
  readonly ended: Promise<void>;
}

export async function openEvents(url: string, options: { lastEventId?: string; token?: string } = {}): Promise<SseReader> {
  const controller = new AbortController();
  const headers: Record<string, string> = { authorization: `Bearer ${options.token ?? TOKEN}`, accept: "text/event-stream" };
  if (options.lastEventId) headers["last-event-id"] = options.lastEventId;
  const res = await fetch(url, { headers, signal: controller.signal });
  if (res.status !== 200 || !res.body) throw new Error(`events: HTTP ${res.status} ${await res.text()}`);
  const entries: { id: string; data: any }[] = [];
  const waiters: { predicate: (data: any) => boolean; resolve: (data: any) => void; reject: (error: Error) => void }[] = [];
  const parser = createParser({
    onEvent(event) {
      if (event.event !== "entry") return;
      const data = JSON.parse(event.data);
      entries.push({ id: event.id ?? "", data });
      for (const waiter of [...waiters]) {
        if (waiter.predicate(data)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(data);
        }
      }
    },
  });
  const ended = (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) parser.feed(decoder.decode(chunk, { stream: true }));
    } catch {
      // aborted by close()
    }
    for (const waiter of waiters.splice(0)) waiter.reject(new Error("the event stream ended before the entry arrived"));
  })();
  return {
    entries,
    ended,
    waitFor(predicate) {
      const seen = entries.find((entry) => predicate(entry.data));
      if (seen) return Promise.resolve(seen.data);
      return new Promise((resolve, reject) => waiters.push({ predicate, resolve, reject }));
    },
    close: () => controller.abort(),
  };
}
