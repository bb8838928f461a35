/** What only the LevelDB backend has: data on disk across close and reopen, the directory lock, corrupt records. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AbstractSublevel } from "abstract-level";
import { Level } from "level";
import { afterEach, describe, expect, it } from "vitest";
import { CorruptEntryError, LevelEventLog, LogLockedError } from "../../src/log/index.js";
import { seqKey } from "../../src/log/keys.js";
import { agentDelta, collect, range, seqsOf, turn } from "./entries.js";

let dir: string;
const open: LevelEventLog[] = [];

async function openLog(options?: Parameters<typeof LevelEventLog.open>[1]): Promise<LevelEventLog> {
  const log = await LevelEventLog.open(dir, options);
  open.push(log);
  return log;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((log) => log.close()));
  await rm(dir, { recursive: true, force: true });
});

describe("LevelEventLog storage", () => {
  it("keeps threads, entries, forks and snapshots across close and reopen", async () => {
    dir = await mkdtemp(join(tmpdir(), "loom-level-"));
    const first = await LevelEventLog.open(dir);
    const thread = await first.createThread({ id: "main", name: "original" });
    await first.append(thread.id, [...turn(1), ...turn(2)]);
    const fork = await first.fork(thread.id, 8, { id: "fork" });
    await first.append(fork.id, turn(3));
    await first.putSnapshot(thread.id, 6, { turns: 1 });
    await first.updateThread(thread.id, { name: "renamed" });
    const threadsBefore = await first.listThreads();
    const mainBefore = await collect(first.read("main"));
    const forkBefore = await collect(first.read("fork"));
    await first.close();

    const second = await openLog();
    expect(await second.listThreads()).toEqual(threadsBefore);
    expect(await second.getThread("main")).toMatchObject({ name: "renamed", headSeq: 12 });
    expect(await second.getThread("fork")).toMatchObject({ parentId: "main", forkSeq: 8, headSeq: 14 });
    expect(await collect(second.read("main"))).toEqual(mainBefore);
    expect(await collect(second.read("fork"))).toEqual(forkBefore);
    expect(await second.getSnapshot("fork", 14)).toEqual({ seq: 6, data: { turns: 1 } });
    expect(seqsOf(await second.append("fork", [agentDelta("after reopen")], { expectedSeq: 14 }))).toEqual([15]);
  });

  it("keeps relaxed (non-fsync) appends across a clean close", async () => {
    dir = await mkdtemp(join(tmpdir(), "loom-level-"));
    const relaxed = await LevelEventLog.open(dir, { durable: false });
    const { id } = await relaxed.createThread();
    await Promise.all(range(1, 20).map((n) => relaxed.append(id, turn(n))));
    await relaxed.close();
    const reopened = await openLog();
    expect(seqsOf(await collect(reopened.read(id)))).toEqual(range(1, 120));
  });

  it("refuses a second open of the same directory, naming it", async () => {
    dir = await mkdtemp(join(tmpdir(), "loom-level-"));
    const first = await LevelEventLog.open(dir);
    const error = await LevelEventLog.open(dir).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(LogLockedError);
    expect((error as Error).message).toContain(dir);
    await first.close();
    await openLog(); // the lock goes with the close
  });

  it("opens a data dir written before records were compact (version 1), and goes on writing it", async () => {
    dir = await mkdtemp(join(tmpdir(), "loom-level-"));
    const log = await LevelEventLog.open(dir);
    await log.createThread({ id: "t" });
    await log.append("t", turn(1));
    const written = await collect(log.read("t"));
    await log.close();
    // What Loom wrote until now: every record the entry's JSON, thread id and seq included.
    await withRawEntries(dir, async (db) => {
      for (const entry of written) await db.put(seqKey("t", entry.seq), JSON.stringify(entry));
    });
    const reopened = await openLog();
    expect(await collect(reopened.read("t"))).toEqual(written);
    const text = `the same output, long enough to share: ${"0123456789".repeat(30)}`;
    await reopened.append("t", [agentDelta(text), agentDelta(text)]);
    expect(await collect(reopened.read("t", { from: 3 }))).toEqual([...written.slice(2), ...(await collect(reopened.read("t", { from: 7 })))]);
    expect((await collect(reopened.read("t", { from: 8 }))).map((entry) => entry.payload)).toEqual([agentDelta(text).payload]);
  });

  it("stores a string a thread repeats once per window, not once per entry", async () => {
    dir = await mkdtemp(join(tmpdir(), "loom-level-"));
    const log = await LevelEventLog.open(dir);
    await log.createThread({ id: "t" });
    const output = `command output ${"abcdefghij".repeat(200)}`;
    for (let i = 0; i < 100; i++) await log.append("t", [agentDelta(output)]);
    await log.close();
    let bytes = 0;
    await withRawEntries(dir, async (db) => {
      for await (const value of db.values()) bytes += value.length;
    });
    // 100 copies would be 200 KB; one per 64 seqs, and a ref for the rest.
    expect(bytes).toBeLessThan(3 * output.length + 100 * 120);
    const reopened = await openLog();
    expect((await collect(reopened.read("t", { from: 50 }))).every((entry) => (entry.payload as { delta: string }).delta === output)).toBe(true);
  });

  describe("a record that fails to decode is reported with its thread and seq", () => {
    const cases: Array<[string, (db: RawEntries, key: string) => Promise<void>, RegExp]> = [
      ["not JSON", (db, key) => db.put(key, "{ truncated"), /JSON/],
      ["not a valid entry", (db, key) => db.put(key, JSON.stringify({ v: 1, threadId: "t", seq: 3, ts: "x", kind: "event_msg", payload: { type: "warning" } })), /invalid/],
      ["missing", (db, key) => db.del(key), /missing|where this record belongs/],
    ];
    for (const [name, damage, reason] of cases) {
      it(`when it is ${name}`, async () => {
        dir = await mkdtemp(join(tmpdir(), "loom-level-"));
        const log = await LevelEventLog.open(dir);
        await log.createThread({ id: "t" });
        await log.append("t", turn(1));
        await log.close();
        await withRawEntries(dir, (db) => damage(db, seqKey("t", 3)));

        const reopened = await openLog();
        const error = await collect(reopened.read("t")).catch((err: unknown) => err);
        expect(error).toBeInstanceOf(CorruptEntryError);
        expect(error).toMatchObject({ threadId: "t", seq: 3 });
        expect((error as Error).message).toMatch(reason);
        expect(seqsOf(await collect(reopened.read("t", { to: 2 })))).toEqual([1, 2]);
      });
    }
  });
});

type RawEntries = AbstractSublevel<Level<string, string>, string | Buffer | Uint8Array, string, string>;

/** Opens the directory with plain LevelDB, bypassing the log, to damage records as a disk fault would. */
async function withRawEntries(location: string, act: (entries: RawEntries) => Promise<void>): Promise<void> {
  const db = new Level<string, string>(location);
  await db.open();
  try {
    await act(db.sublevel<string, string>("entries", { valueEncoding: "utf8" }));
  } finally {
    await db.close();
  }
}
