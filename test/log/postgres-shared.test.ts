/**
 * What only a log shared by many processes has: the database (not a process) decides which writer
 * extends a head, readers anywhere see every writer's entries, subscriptions follow other
 * processes' commits across a dropped connection, leases fence a paused owner out, and the schema
 * is versioned. Separate `PostgresEventLog` instances (separate pools, like separate processes)
 * share one real server; the split-brain case uses a real child process.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  ConcurrencyError,
  LeaseLostError,
  PostgresEventLog,
  SCHEMA_VERSION,
  SchemaVersionError,
  ThreadBusyError,
} from "../../src/log/index.js";
import type { PostgresEventLogOptions } from "../../src/log/index.js";
import { startPostgres, type PostgresServer } from "../support/postgres.js";
import { agentDelta, collect, range, seqsOf, turn } from "./entries.js";

let server: PostgresServer;
let url: string;
let schemas = 0;
const opened: PostgresEventLog[] = [];

beforeAll(async () => {
  server = await startPostgres();
  url = await server.createDatabase();
}, 120_000);
afterEach(async () => {
  await Promise.all(opened.splice(0).map((log) => log.close()));
});
afterAll(async () => {
  await server?.stop();
});

/** Two or more "processes" on one fresh schema. */
async function workers(count: number, options: PostgresEventLogOptions = {}): Promise<PostgresEventLog[]> {
  const schema = `shared_${++schemas}`;
  const logs: PostgresEventLog[] = [];
  for (let i = 0; i < count; i++) logs.push(await PostgresEventLog.open(url, { schema, owner: `worker-${i + 1}`, ...options }));
  opened.push(...logs);
  return logs;
}

async function admin<T>(act: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return await act(client);
  } finally {
    await client.end();
  }
}

describe("PostgreSQL shared by many processes", () => {
  it("lets the database pick exactly one of two processes appending at the same expected seq", async () => {
    const [a, b] = await workers(2);
    const { id } = await a.createThread();
    await b.append(id, [agentDelta("b knows the head now")]);
    // a still believes the head is 0 (it created the thread): the database refuses it, and says why.
    await expect(a.append(id, [agentDelta("stale")])).rejects.toMatchObject({ name: "ConcurrencyError", expected: 0, actual: 1 });
    const results = await Promise.allSettled([
      a.append(id, [agentDelta("from a")], { expectedSeq: 1 }),
      b.append(id, [agentDelta("from b")], { expectedSeq: 1 }),
    ]);
    const won = results.filter((result) => result.status === "fulfilled");
    const lost = results.filter((result): result is PromiseRejectedResult => result.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0].reason).toBeInstanceOf(ConcurrencyError);
    expect(lost[0].reason).toMatchObject({ threadId: id, expected: 1, actual: 2 });
    expect(seqsOf(await collect(b.read(id)))).toEqual([1, 2]);
    // The loser now knows the head: its next append goes after it.
    const loser = results[0].status === "rejected" ? a : b;
    expect(seqsOf(await loser.append(id, [agentDelta("after")], { expectedSeq: 2 }))).toEqual([3]);
  });

  it("shows every process the threads, entries, forks and snapshots another one wrote", async () => {
    const [writer, reader] = await workers(2);
    const { id } = await writer.createThread({ name: "written elsewhere" });
    await writer.append(id, [...turn(1), ...turn(2)]);
    await writer.putSnapshot(id, 6, { turns: 1 });
    expect(await reader.listThreads()).toEqual(await writer.listThreads());
    expect(await reader.getThread(id)).toMatchObject({ name: "written elsewhere", headSeq: 12 });
    expect(await collect(reader.read(id, { from: 5, to: 8 }))).toEqual(await collect(writer.read(id, { from: 5, to: 8 })));
    expect(await reader.getSnapshot(id, 100)).toEqual({ seq: 6, data: { turns: 1 } });
    const fork = await reader.fork(id, 9, { id: "fork-elsewhere" });
    await reader.append(fork.id, [agentDelta("the fork's own")], { expectedSeq: 9 });
    expect(seqsOf(await collect(writer.read(fork.id)))).toEqual(range(1, 10));
  });

  it("follows another process's appends with no gap or duplicate, across a dropped LISTEN connection", async () => {
    const [writer, reader] = await workers(2, { pollIntervalMs: 60_000 });
    const { id } = await writer.createThread();
    await writer.append(id, turn(1));
    const received: number[] = [];
    let firstLive!: () => void;
    const live = new Promise<void>((resolve) => (firstLive = resolve));
    const following = (async () => {
      for await (const entry of reader.subscribe(id, 2)) {
        received.push(entry.seq);
        if (entry.seq === 7) firstLive();
        if (entry.seq >= 600) break;
      }
    })();
    await writer.append(id, [agentDelta("7")]);
    await live; // the reader is listening
    for (let i = 8; i <= 300; i += 3) await writer.append(id, [agentDelta(`${i}`), agentDelta(`${i + 1}`), agentDelta(`${i + 2}`)]);
    // The server drops the reader's LISTEN connection; what commits meanwhile is not announced to it.
    const killed = await admin(async (client) => {
      const { rows } = await client.query("SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE query LIKE 'LISTEN%'");
      return rows.length;
    });
    expect(killed).toBeGreaterThan(0);
    for (let i = 302; i <= 600; i++) await writer.append(id, [agentDelta(`${i}`)]);
    await following;
    expect(received).toEqual(range(2, 600));
  });

  describe("leases", () => {
    it("gives a thread to one worker at a time, names the holder, and refuses others' appends", async () => {
      const [a, b] = await workers(2);
      const { id } = await a.createThread();
      const lease = await a.acquireLease(id);
      expect(lease).toMatchObject({ threadId: id, owner: "worker-1", token: 1 });
      const busy = await b.acquireLease(id).catch((error: unknown) => error);
      expect(busy).toBeInstanceOf(ThreadBusyError);
      expect((busy as Error).message).toMatch(/worker-1/);
      await expect(b.append(id, [agentDelta("not mine")])).rejects.toThrow(ThreadBusyError);
      await expect(a.acquireLease(id)).rejects.toThrow(ThreadBusyError); // one holder per process too
      await a.append(id, [agentDelta("mine")]);
      await lease.release();
      expect(lease.signal.aborted).toBe(true);
      const taken = await b.acquireLease(id);
      expect(taken.token).toBe(2);
      expect(seqsOf(await b.append(id, [agentDelta("b's now")], { expectedSeq: 1 }))).toEqual([2]);
      await expect(a.append(id, [agentDelta("a again")])).rejects.toThrow(ThreadBusyError);
      expect(await b.listLeases()).toEqual([expect.objectContaining({ threadId: id, owner: "worker-2", token: 2, expired: false })]);
    });

    it("lets another worker take over once a lease expires, and fences the old holder out", async () => {
      const [a, b] = await workers(2, { leaseTtlMs: 60_000 });
      const { id } = await a.createThread();
      const lease = await a.acquireLease(id);
      await a.append(id, [agentDelta("a")]);
      // a's lease runs out (as if it had stopped renewing): the database's clock decides expiry.
      await admin((client) => client.query(`UPDATE shared_${schemas}.threads SET lease_expires_at = now() - interval '1 second'`));
      const taken = await b.acquireLease(id);
      expect(taken.token).toBe(lease.token + 1);
      const fenced = await a.append(id, [agentDelta("a after losing it")]).catch((error: unknown) => error);
      expect(fenced).toBeInstanceOf(LeaseLostError);
      expect((fenced as Error).message).toMatch(/worker-2/);
      expect(lease.signal.aborted).toBe(true);
      await expect(a.append(id, [agentDelta("and again")])).rejects.toThrow(LeaseLostError);
      expect(seqsOf(await b.append(id, [agentDelta("b")], { expectedSeq: 1 }))).toEqual([2]);
    });

    it("refuses the appends of an owner that was paused past its lease, after another took over (split brain)", async () => {
      const [b] = await workers(1, { leaseTtlMs: 1000 });
      const schema = `shared_${schemas}`;
      const { id } = await b.createThread({ id: "contested" });
      const child = spawn(process.execPath, [fileURLToPath(new URL("./postgres-lease-child.mjs", import.meta.url)), url, schema, id, "1000"], {
        stdio: ["pipe", "pipe", "inherit"],
      });
      const exited = new Promise((resolve) => child.on("exit", resolve));
      try {
        const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
        const next = async () => String((await lines.next()).value);
        expect(await next()).toBe("ready 1");
        child.kill("SIGSTOP");
        // Until the paused owner's lease runs out, nobody else may take the thread.
        let taken;
        while (!taken) {
          taken = await b.acquireLease(id).catch((error: unknown) => {
            if (!(error instanceof ThreadBusyError)) throw error;
            return new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 100));
          });
        }
        await b.append(id, [agentDelta("the new owner")], { expectedSeq: 1 });
        child.kill("SIGCONT");
        child.stdin!.write("append\n");
        const answer = await next();
        expect(answer).toMatch(/^error (LeaseLostError|ThreadBusyError) /);
        const entries = await collect(b.read(id));
        expect(entries.map((entry) => (entry.payload as { delta: string }).delta)).toEqual(["written under the first lease", "the new owner"]);
      } finally {
        child.kill("SIGCONT");
        child.stdin!.end();
        child.kill("SIGTERM");
        await exited;
      }
    });
  });

  describe("schema", () => {
    it("is migrated once by workers starting together, records its version, and refuses a newer one", async () => {
      const logs = await workers(4);
      expect(logs).toHaveLength(4);
      const schema = `shared_${schemas}`;
      const versions = await admin(async (client) => (await client.query(`SELECT version FROM ${schema}.schema_version`)).rows);
      expect(versions.map((row) => row.version).sort()).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
      await admin((client) => client.query(`INSERT INTO ${schema}.schema_version (version) VALUES (${SCHEMA_VERSION + 1})`));
      const error = await PostgresEventLog.open(url, { schema }).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(SchemaVersionError);
      expect((error as Error).message).toMatch(new RegExp(`version ${SCHEMA_VERSION + 1}.*upgrade Loom`));
    });

    it("rejects a schema name it cannot use safely in SQL", async () => {
      await expect(PostgresEventLog.open(url, { schema: "loom; DROP TABLE x" })).rejects.toThrow(/invalid PostgreSQL schema name/);
    });
  });
});
