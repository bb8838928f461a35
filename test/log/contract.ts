/**
 * The EventLog contract: one suite, run against every backend (memory.test.ts, level.test.ts).
 * Given a backend factory, it checks threads, appends and their concurrency rule, validation,
 * reads, subscriptions, forks, snapshots, group commit and close.
 */
import { afterEach, describe, expect, it } from "vitest";
import { SchemaError, UnknownTypeError } from "../../src/events/index.js";
import {
  ConcurrencyError,
  InvalidEntryError,
  InvalidThreadIdError,
  KEYFRAME,
  LogClosedError,
  SeqOutOfRangeError,
  ThreadExistsError,
  ThreadNotFoundError,
} from "../../src/log/index.js";
import type { EventLog, EventLogOptions, EventLogStats } from "../../src/log/index.js";
import { agentDelta, assistantMessage, collect, range, seqsOf, steppingClock, turn, userMessage } from "./entries.js";

export type TestLog = EventLog & { readonly stats: EventLogStats };
export type OpenLog = (options?: EventLogOptions) => Promise<TestLog>;

export function eventLogContract(backend: string, openLog: OpenLog): void {
  describe(`EventLog contract: ${backend}`, () => {
    const opened: TestLog[] = [];
    const open = async (options?: EventLogOptions) => {
      const log = await openLog(options);
      opened.push(log);
      return log;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((log) => log.close()));
    });

    describe("threads", () => {
      it("creates threads with the injected clock, and gets, lists and renames them", async () => {
        const { clock } = steppingClock();
        const log = await open({ clock, newId: counterIds() });
        const a = await log.createThread({ name: "first" });
        const b = await log.createThread({ id: "thread-b" });
        expect(a).toEqual({ id: "id-1", name: "first", headSeq: 0, createdAt: "2025-06-01T12:00:00.000Z" });
        expect(b).toEqual({ id: "thread-b", headSeq: 0, createdAt: "2025-06-01T12:00:01.000Z" });
        expect(await log.getThread("thread-b")).toEqual(b);
        expect(await log.getThread("nope")).toBeUndefined();
        expect(await log.listThreads()).toEqual([a, b]);
        expect(await log.updateThread(b.id, { name: "renamed" })).toMatchObject({ id: b.id, name: "renamed" });
        expect((await log.getThread(b.id))?.name).toBe("renamed");
      });

      it("rejects a duplicate id, an id the key layout cannot hold, and updates of unknown threads", async () => {
        const log = await open();
        await log.createThread({ id: "t" });
        await expect(log.createThread({ id: "t" })).rejects.toThrow(ThreadExistsError);
        await expect(log.createThread({ id: "a!b" })).rejects.toThrow(InvalidThreadIdError);
        await expect(log.updateThread("ghost", { name: "x" })).rejects.toThrow(ThreadNotFoundError);
      });
    });

    describe("append", () => {
      it("assigns gapless seqs from 1 and returns the stored entries", async () => {
        const { clock } = steppingClock();
        const log = await open({ clock });
        const { id } = await log.createThread();
        const first = await log.append(id, [userMessage("hi"), agentDelta("Hel")]);
        const second = await log.append(id, [assistantMessage("Hello")]);
        expect(seqsOf([...first, ...second])).toEqual([1, 2, 3]);
        expect(first[0]).toEqual({
          v: 1,
          threadId: id,
          seq: 1,
          ts: expect.any(String),
          kind: "response_item",
          payload: { type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] },
        });
        expect(await log.head(id)).toBe(3);
        expect((await log.getThread(id))?.headSeq).toBe(3);
        expect(await collect(log.read(id))).toEqual([...first, ...second]);
      });

      it("keeps the id of the submission an entry was written for, and rejects a non-string one", async () => {
        const log = await open();
        const { id } = await log.createThread();
        const [stored] = await log.append(id, [{ ...userMessage("hi"), sub: "sub-7" }]);
        expect(stored!.sub).toBe("sub-7");
        expect((await collect(log.read(id)))[0]!.sub).toBe("sub-7");
        await expect(log.append(id, [{ ...userMessage("x"), sub: 7 as unknown as string }])).rejects.toThrow(/sub must be a string/);
      });

      it("takes ts from the injected clock, once per append, and never reads it when ts is given", async () => {
        const stepping = steppingClock();
        const log = await open({ clock: stepping.clock });
        const { id } = await log.createThread();
        const readsAfterCreate = stepping.reads();
        const stamped = await log.append(id, [agentDelta("a"), agentDelta("b")]);
        expect(stamped.map((entry) => entry.ts)).toEqual(["2025-06-01T12:00:01.000Z", "2025-06-01T12:00:01.000Z"]);
        expect(stepping.reads()).toBe(readsAfterCreate + 1);
        const given = await log.append(id, [{ ...agentDelta("c"), ts: "2024-01-01T00:00:00.000Z" }]);
        expect(given[0].ts).toBe("2024-01-01T00:00:00.000Z");
        expect(stepping.reads()).toBe(readsAfterCreate + 1);
      });

      it("rejects a stale expectedSeq with a ConcurrencyError carrying both seqs, writing nothing", async () => {
        const log = await open();
        const { id } = await log.createThread();
        await log.append(id, turn(1), { expectedSeq: 0 });
        const error = await log.append(id, [agentDelta("late")], { expectedSeq: 2 }).catch((err: unknown) => err);
        expect(error).toBeInstanceOf(ConcurrencyError);
        expect(error).toMatchObject({ threadId: id, expected: 2, actual: 6 });
        expect((error as Error).message).toContain("2");
        expect(await log.head(id)).toBe(6);
        expect(seqsOf(await log.append(id, [agentDelta("next")], { expectedSeq: 6 }))).toEqual([7]);
      });

      it("lets exactly one of two writers with the same expectedSeq win", async () => {
        const log = await open();
        const { id } = await log.createThread();
        const results = await Promise.allSettled([
          log.append(id, [agentDelta("writer a")], { expectedSeq: 0 }),
          log.append(id, [agentDelta("writer b")], { expectedSeq: 0 }),
        ]);
        expect(results.map((result) => result.status)).toEqual(["fulfilled", "rejected"]);
        expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(ConcurrencyError);
        expect(await log.head(id)).toBe(1);
      });

      it("gives pipelined appends (not awaited) consecutive seqs in call order", async () => {
        const log = await open();
        const { id } = await log.createThread();
        const pending = range(0, 49).map((i) => log.append(id, [agentDelta(`d${i}`), agentDelta(`e${i}`)], { expectedSeq: 2 * i }));
        const written = (await Promise.all(pending)).flat();
        expect(seqsOf(written)).toEqual(range(1, 100));
        expect(written[99].payload).toEqual({ type: "agent_message_delta", delta: "e49" });
        expect(seqsOf(await collect(log.read(id)))).toEqual(range(1, 100));
      });

      it("names an unknown thread, and accepts an empty append", async () => {
        const log = await open();
        await expect(log.append("missing-thread", [agentDelta("x")])).rejects.toThrow(/missing-thread/);
        await expect(log.append("missing-thread", [agentDelta("x")])).rejects.toThrow(ThreadNotFoundError);
        const { id } = await log.createThread();
        expect(await log.append(id, [], { expectedSeq: 0 })).toEqual([]);
        expect(await log.head(id)).toBe(0);
      });
    });

    describe("validation", () => {
      it("rejects an append with an invalid entry, naming it, and writes nothing of that append", async () => {
        const log = await open();
        const { id } = await log.createThread();
        await log.append(id, [userMessage("before")]);
        const bad = { kind: "response_item", payload: { type: "message", role: "robot", content: [] } } as never;
        const error = await log.append(id, [agentDelta("ok"), bad, agentDelta("ok too")]).catch((err: unknown) => err);
        expect(error).toBeInstanceOf(InvalidEntryError);
        expect(error).toMatchObject({ threadId: id, index: 1 });
        expect((error as Error).cause).toBeInstanceOf(SchemaError);
        expect((error as Error).message).toMatch(/entry 1/);
        expect(await log.head(id)).toBe(1);
        expect(seqsOf(await log.append(id, [agentDelta("after")]))).toEqual([2]);
        expect(seqsOf(await collect(log.read(id)))).toEqual([1, 2]);
      });

      it("rejects an unknown kind, an unknown event type and a non-JSON payload", async () => {
        const log = await open();
        const { id } = await log.createThread();
        const unknownKind = log.append(id, [{ kind: "telemetry", payload: {} } as never]);
        await expect(unknownKind).rejects.toMatchObject({ name: "InvalidEntryError", cause: expect.any(UnknownTypeError) });
        const unknownType = log.append(id, [{ kind: "event_msg", payload: { type: "no_such_event" } } as never]);
        await expect(unknownType).rejects.toThrow(InvalidEntryError);
        const bigint = log.append(id, [{ kind: "event_msg", payload: { type: "warning", message: "m", extra: 1n } } as never]);
        await expect(bigint).rejects.toThrow(InvalidEntryError);
        expect(await log.head(id)).toBe(0);
      });
    });

    describe("read", () => {
      it("reads a range as an async iterable, clamped to the head", async () => {
        const log = await open();
        const { id } = await log.createThread();
        await log.append(id, [...turn(1), ...turn(2)]);
        expect(seqsOf(await collect(log.read(id, { from: 3, to: 5 })))).toEqual([3, 4, 5]);
        expect(seqsOf(await collect(log.read(id, { from: 10 })))).toEqual([10, 11, 12]);
        expect(seqsOf(await collect(log.read(id, { to: 2 })))).toEqual([1, 2]);
        expect(seqsOf(await collect(log.read(id, { from: 11, to: 99 })))).toEqual([11, 12]);
        expect(await collect(log.read(id, { from: 13 }))).toEqual([]);
        await expect(collect(log.read(id, { from: 1.5 }))).rejects.toThrow(RangeError);
      });

      it("stops cleanly on an early break, and rejects an unknown thread on iteration", async () => {
        const log = await open();
        const { id } = await log.createThread();
        await log.append(id, turn(1));
        for await (const entry of log.read(id)) if (entry.seq === 2) break;
        expect(await collect(log.read(id))).toHaveLength(6);
        // Long enough for several storage chunks, so the break lands with the next one in flight.
        const { id: long } = await log.createThread();
        await log.append(long, range(1, 2500).map((n) => agentDelta(`d${n}`)));
        for await (const entry of log.read(long, { from: 2 })) if (entry.seq === 1500) break;
        expect(seqsOf(await collect(log.read(long)))).toEqual(range(1, 2500));
        await expect(collect(log.read("unknown"))).rejects.toThrow(ThreadNotFoundError);
        await expect(log.head("unknown")).rejects.toThrow(ThreadNotFoundError);
      });

      it("reads back entries whose long strings repeat, from any seq, across appends and forks", async () => {
        const log = await open();
        const { id } = await log.createThread();
        const long = (n: number) => `output ${n}: ${"0123456789abcdef".repeat(20)}`;
        // Each long string appears in several entries and appends, as a turn's content does.
        for (let n = 1; n <= 30; n++) {
          await log.append(id, [userMessage(long(n)), agentDelta(long(n))]);
          await log.append(id, [agentDelta(long(n)), assistantMessage(long(n)), assistantMessage(long(n - 1))]);
        }
        const all = await collect(log.read(id));
        expect(all).toHaveLength(150);
        expect(all.map((entry) => JSON.stringify(entry.payload).includes(long(Math.ceil(entry.seq / 5))) || entry.seq % 5 === 0)).not.toContain(false);
        // A read that starts late reaches back for what its first records refer to.
        for (const from of [2, 70, 100, 149]) expect(await collect(log.read(id, { from }))).toEqual(all.slice(from - 1));
        const fork = await log.fork(id, 100);
        await log.append(fork.id, [assistantMessage(long(20)), assistantMessage(long(20))]);
        const forked = await collect(log.read(fork.id, { from: 90 }));
        expect(forked.slice(0, 11)).toEqual(all.slice(89, 100));
        expect(forked.slice(11).map((entry) => entry.payload)).toEqual([assistantMessage(long(20)).payload, assistantMessage(long(20)).payload]);
      });

      it("reads the same from either side of a key frame, where records start afresh", async () => {
        const log = await open();
        const { id } = await log.createThread();
        const long = (n: number) => `output ${n}: ${"0123456789abcdef".repeat(20)}`;
        for (let n = 1; n * 5 <= KEYFRAME + 150; n++) {
          await log.append(id, [userMessage(long(n)), agentDelta(long(n)), agentDelta(long(n)), assistantMessage(long(n)), assistantMessage(long(n - 1))]);
        }
        const all = await collect(log.read(id));
        expect(all).toHaveLength(KEYFRAME + 150);
        for (const from of [KEYFRAME - 3, KEYFRAME, KEYFRAME + 1, KEYFRAME + 2, KEYFRAME + 100]) {
          expect(await collect(log.read(id, { from, to: from + 70 })), `from ${from}`).toEqual(all.slice(from - 1, from + 70));
        }
      });
    });

    describe("subscribe", () => {
      it("delivers the backlog from fromSeq, then live appends, in order", async () => {
        const log = await open();
        const { id } = await log.createThread();
        await log.append(id, turn(1));
        const abort = new AbortController();
        const received = takeUntil(log.subscribe(id, 3, { signal: abort.signal }), 10);
        await log.append(id, turn(2).slice(0, 4));
        expect(seqsOf(await received)).toEqual(range(3, 10));
        abort.abort();
      });

      it("loses and duplicates nothing when it starts while pipelined appends are in flight", async () => {
        const log = await open();
        const { id } = await log.createThread();
        const total = 600;
        const subscriptions: Array<Promise<Array<{ seq: number }>>> = [];
        const starts = new Map([[0, 1], [150, 1], [303, 50]]); // writer position -> fromSeq
        for (let i = 0; i < total; i += 3) {
          const pending = log.append(id, [agentDelta(`${i}`), agentDelta(`${i + 1}`), agentDelta(`${i + 2}`)]);
          // Starts with some entries committed and the append above still queued.
          const fromSeq = starts.get(i);
          if (fromSeq !== undefined) subscriptions.push(takeUntil(log.subscribe(id, fromSeq), total));
          if (i % 30 === 0) await pending; // let commits interleave with the subscriptions
        }
        subscriptions.push(takeUntil(log.subscribe(id, 1), total));
        const [first, second, third, after] = await Promise.all(subscriptions);
        expect(seqsOf(first)).toEqual(range(1, total));
        expect(seqsOf(second)).toEqual(range(1, total));
        expect(seqsOf(third)).toEqual(range(50, total));
        expect(seqsOf(after)).toEqual(range(1, total));
      });

      it("ends when its signal aborts, and when the log closes", async () => {
        const log = await open();
        const { id } = await log.createThread();
        await log.append(id, [agentDelta("a")]);
        const abort = new AbortController();
        const aborted = collect(log.subscribe(id, 1, { signal: abort.signal }));
        const untilClose = collect(log.subscribe(id, 1));
        await log.append(id, [agentDelta("b")]);
        abort.abort();
        expect(seqsOf(await aborted).every((seq) => seq <= 2)).toBe(true);
        const gone = new AbortController();
        gone.abort();
        expect(await collect(log.subscribe(id, 1, { signal: gone.signal }))).toEqual([]);
        await log.close();
        expect(seqsOf(await untilClose).every((seq) => seq <= 2)).toBe(true);
      });
    });

    describe("fork", () => {
      it("reads through the parent up to the fork point, then its own entries, copying nothing", async () => {
        const log = await open();
        const parent = await log.createThread({ id: "parent" });
        await log.append(parent.id, turn(1)); // seqs 1..6
        const before = log.stats.entries;
        const child = await log.fork(parent.id, 4, { name: "what if" });
        expect(log.stats.entries).toBe(before);
        expect(child).toMatchObject({ parentId: "parent", forkSeq: 4, headSeq: 4, name: "what if" });
        await log.append(parent.id, [agentDelta("parent only")]);
        const own = await log.append(child.id, [userMessage("child only")], { expectedSeq: 4 });
        expect(own[0]).toMatchObject({ threadId: child.id, seq: 5 });
        const read = await collect(log.read(child.id));
        expect(seqsOf(read)).toEqual([1, 2, 3, 4, 5]);
        // Inherited entries keep the id of the thread that wrote them.
        expect(read.map((entry) => entry.threadId)).toEqual(["parent", "parent", "parent", "parent", child.id]);
        expect(read[4].payload).toEqual(userMessage("child only").payload);
        expect(await log.head(parent.id)).toBe(7);
        expect(await log.head(child.id)).toBe(5);
      });

      it("reads forks of forks, each bounded by its fork point", async () => {
        const log = await open();
        const root = await log.createThread({ id: "root" });
        await log.append(root.id, [...turn(1), ...turn(2)]); // 1..12
        const first = await log.fork(root.id, 6, { id: "first" });
        await log.append(first.id, turn(3)); // 7..12 in first
        const second = await log.fork(first.id, 9, { id: "second" });
        await log.append(second.id, [agentDelta("own")]); // 10 in second
        const read = await collect(log.read(second.id));
        expect(seqsOf(read)).toEqual(range(1, 10));
        expect(read.map((entry) => entry.threadId)).toEqual([...Array(6).fill("root"), "first", "first", "first", "second"]);
        expect(seqsOf(await collect(log.read(second.id, { from: 5, to: 8 })))).toEqual([5, 6, 7, 8]);
        const atZero = await log.fork(second.id, 0);
        expect(await collect(log.read(atZero.id))).toEqual([]);
      });

      it("names both numbers when forking beyond the head, and names an unknown source", async () => {
        const log = await open();
        const { id } = await log.createThread();
        await log.append(id, turn(1));
        const error = await log.fork(id, 9).catch((err: unknown) => err);
        expect(error).toBeInstanceOf(SeqOutOfRangeError);
        expect((error as Error).message).toMatch(/seq 9.*seq 6/);
        await expect(log.fork("no-such-source", 1)).rejects.toThrow(/no-such-source/);
      });

      it("subscribes to a fork through its parent's entries", async () => {
        const log = await open();
        const { id } = await log.createThread();
        await log.append(id, turn(1));
        const child = await log.fork(id, 3);
        const received = takeUntil(log.subscribe(child.id, 1), 5);
        await log.append(id, [agentDelta("parent goes on")]);
        await log.append(child.id, [agentDelta("c1"), agentDelta("c2")]);
        const entries = await received;
        expect(seqsOf(entries)).toEqual([1, 2, 3, 4, 5]);
        expect(entries[3].threadId).toBe(child.id);
      });
    });

    describe("snapshots", () => {
      it("returns the newest snapshot at or before a seq", async () => {
        const log = await open();
        const { id } = await log.createThread();
        await log.append(id, [...turn(1), ...turn(2)]);
        await log.putSnapshot(id, 3, { turns: 0, items: ["a"] });
        await log.putSnapshot(id, 8, { turns: 1, items: ["a", "b"] });
        expect(await log.getSnapshot(id, 2)).toBeUndefined();
        expect(await log.getSnapshot(id, 3)).toEqual({ seq: 3, data: { turns: 0, items: ["a"] } });
        expect(await log.getSnapshot(id, 7)).toEqual({ seq: 3, data: { turns: 0, items: ["a"] } });
        expect(await log.getSnapshot(id, 100)).toEqual({ seq: 8, data: { turns: 1, items: ["a", "b"] } });
        await expect(log.putSnapshot(id, 13, {})).rejects.toThrow(SeqOutOfRangeError);
      });

      it("shows a fork its parent's snapshots up to the fork point only", async () => {
        const log = await open();
        const { id } = await log.createThread();
        await log.append(id, [...turn(1), ...turn(2)]);
        await log.putSnapshot(id, 2, "parent@2");
        await log.putSnapshot(id, 10, "parent@10");
        const child = await log.fork(id, 6);
        expect(await log.getSnapshot(child.id, 100)).toEqual({ seq: 2, data: "parent@2" });
        await log.append(child.id, turn(3));
        await log.putSnapshot(child.id, 9, "child@9");
        expect(await log.getSnapshot(child.id, 8)).toEqual({ seq: 2, data: "parent@2" });
        expect(await log.getSnapshot(child.id, 12)).toEqual({ seq: 9, data: "child@9" });
        const grandchild = await log.fork(child.id, 7);
        expect(await log.getSnapshot(grandchild.id, 100)).toEqual({ seq: 2, data: "parent@2" });
      });

      it("stores snapshot parts with their snapshot, once per key, for any thread to read", async () => {
        const log = await open();
        const a = await log.createThread();
        const b = await log.createThread();
        await log.append(a.id, turn(1));
        await log.append(b.id, turn(1));
        // Two snapshots in one tick naming the same part: stored once, read by both threads.
        await Promise.all([
          log.putSnapshot(a.id, 2, { p: ["k1", "k2"] }, new Map([["k1", '["one"]'], ["k2", '["two"]']])),
          log.putSnapshot(b.id, 2, { p: ["k1"] }, new Map([["k1", '["one"]']])),
        ]);
        expect(await log.getSnapshot(b.id, 2)).toEqual({ seq: 2, data: { p: ["k1"] } });
        expect(await log.getSnapshotParts!(["k2", "missing", "k1"])).toEqual(['["two"]', undefined, '["one"]']);
        expect(await log.getSnapshotParts!([])).toEqual([]);
      });
    });

    describe("group commit", () => {
      it("writes the appends issued in one tick as one batch, across threads", async () => {
        const log = await open();
        const a = await log.createThread();
        const b = await log.createThread();
        const before = log.stats;
        await Promise.all([
          log.append(a.id, turn(1)),
          log.append(b.id, turn(1)),
          log.append(a.id, [agentDelta("more")]),
          log.putSnapshot(a.id, 2, { at: 2 }),
        ]);
        expect(log.stats).toEqual({ commits: before.commits + 1, entries: before.entries + 13 });
        await log.append(a.id, [agentDelta("later")]);
        expect(log.stats.commits).toBe(before.commits + 2);
      });
    });

    describe("close", () => {
      it("writes appends accepted before close, then refuses new work", async () => {
        const log = await open();
        const { id } = await log.createThread();
        const accepted = log.append(id, turn(1));
        await log.close();
        expect(seqsOf(await accepted)).toEqual(range(1, 6));
        await expect(log.append(id, [agentDelta("too late")])).rejects.toThrow(LogClosedError);
        await expect(collect(log.read(id))).rejects.toThrow(LogClosedError);
      });
    });
  });
}

/** Collects a subscription until it delivers `lastSeq` (or ends), then stops it. */
async function takeUntil<T extends { seq: number }>(items: AsyncIterable<T>, lastSeq: number): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) {
    out.push(item);
    if (item.seq >= lastSeq) break;
  }
  return out;
}

function counterIds(): () => string {
  let n = 0;
  return () => `id-${++n}`;
}
