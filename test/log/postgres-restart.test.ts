/**
 * PostgreSQL stopped and started again under a running writer (and a reader in another "process"):
 * appends fail with an error naming the unreachable server while it is down, go on once it is
 * back, and nothing acknowledged is lost; the log stays gapless and the reader misses nothing.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { LogUnavailableError, PostgresEventLog } from "../../src/log/index.js";
import type { LogEntry } from "../../src/events/index.js";
import { startPostgres, type PostgresServer } from "../support/postgres.js";
import { agentDelta, collect, range, seqsOf } from "./entries.js";

let server: PostgresServer;
let url: string;

beforeAll(async () => {
  server = await startPostgres();
  url = await server.createDatabase();
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

it("fails appends clearly while the database is down, resumes when it is back, and loses nothing acknowledged", async () => {
  const writer = await PostgresEventLog.open(url, { owner: "writer", leaseTtlMs: 120_000, connectTimeoutMs: 2_000 });
  const reader = await PostgresEventLog.open(url, { owner: "reader", pollIntervalMs: 100 });
  try {
    const { id } = await writer.createThread();
    await writer.acquireLease(id);
    const acked = new Map<number, string>(); // seq -> the text acknowledged there
    const errors: Error[] = [];
    let n = 0;
    const append = async (): Promise<boolean> => {
      const text = `append ${++n}`;
      try {
        const [entry] = await writer.append(id, [agentDelta(text)]);
        acked.set(entry.seq, text);
        return true;
      } catch (error) {
        errors.push(error as Error);
        return false;
      }
    };

    const seen: LogEntry[] = [];
    const abort = new AbortController();
    let target = Number.POSITIVE_INFINITY;
    const following = (async () => {
      for await (const entry of reader.subscribe(id, 1, { signal: abort.signal })) {
        seen.push(entry);
        if (seen.length >= target) break;
      }
    })();

    for (let i = 0; i < 50; i++) expect(await append()).toBe(true);
    // Appends in flight when the server goes down, and appends while it is down.
    const inFlight = Array.from({ length: 20 }, () => append());
    await server.halt("immediate");
    await Promise.all(inFlight);
    for (let i = 0; i < 5; i++) expect(await append()).toBe(false);
    const down = errors.at(-1)!;
    expect(down).toBeInstanceOf(LogUnavailableError);
    expect(down.message).toMatch(new RegExp(`PostgreSQL at loom@127\\.0\\.0\\.1:${server.port}/\\S+ is unavailable`));

    await server.start();
    // The first appends after the restart may still meet connections the pool had before it.
    let attempts = 0;
    while (!(await append())) expect(++attempts).toBeLessThan(20);
    for (let i = 0; i < 50; i++) expect(await append()).toBe(true);

    const entries = await collect(writer.read(id));
    expect(seqsOf(entries)).toEqual(range(1, entries.length));
    for (const [seq, text] of acked) expect((entries[seq - 1].payload as { delta: string }).delta).toBe(text);
    // Every text is in the log at most once (an append that failed ambiguously was not written twice).
    const texts = entries.map((entry) => (entry.payload as { delta: string }).delta);
    expect(new Set(texts).size).toBe(texts.length);

    target = entries.length;
    if (seen.length >= target) abort.abort();
    await following;
    expect(seqsOf(seen)).toEqual(range(1, entries.length));
  } finally {
    await writer.close();
    await reader.close();
  }
}, 120_000);
