/**
 * Snapshots in parts (issue 21's storage): a thread's snapshots share the full parts of their long
 * lists, so what they store grows linearly with the thread; a cold store rebuilds the state from a
 * snapshot and its parts without reading the log; and a snapshot that cannot be used (a part gone,
 * damaged JSON, a whole snapshot of the old format) still gives the right state.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Level } from "level";
import { afterAll, describe, expect, it } from "vitest";
import type { LogEntry, NewEntry } from "../../src/events/index.js";
import { LevelEventLog, MemoryEventLog, type EventLog } from "../../src/log/index.js";
import { ThreadStateStore } from "../../src/runtime/state-store.js";
import { evolve, initialState, partKeys, serializeState, splitState, type ThreadState } from "../../src/state/index.js";
import {
  assistant,
  context,
  functionCall,
  functionOutput,
  item,
  rolledBack,
  sessionMeta,
  turnComplete,
  turnContext,
  turnStarted,
  user,
  userMessage,
} from "./support/entries.js";

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Long instructions, as a real session carries them (model instructions, AGENTS.md). */
const INSTRUCTIONS = "Follow the repository's conventions. ".repeat(500);

/** One user turn with a tool call: 9 entries, ~1.3 KB of content. */
function turn(n: number): NewEntry[] {
  const id = `turn-${n}`;
  return [
    ...(n === 1 ? [sessionMeta("thread", { base_instructions: { text: INSTRUCTIONS } })] : []),
    turnStarted(id),
    turnContext(context(id, { user_instructions: INSTRUCTIONS })),
    userMessage(`task ${n}`),
    item(user(`task ${n}: ${"u".repeat(200)}`)),
    item(functionCall(`call-${n}`)),
    item(functionOutput(`call-${n}`, `${n} `.repeat(300))),
    item(assistant(`done ${n}: ${"a".repeat(200)}`)),
    turnComplete(id),
    ...(n % 17 === 0 ? [rolledBack(1)] : []),
  ];
}

/** What a log stores for snapshots, seen from outside: snapshot JSON and parts, each put counted. */
function recording(log: EventLog) {
  const stats = { snapshots: 0, snapshotChars: 0, partChars: 0, partPuts: new Map<string, number>(), reads: 0 };
  const proxy = new Proxy(log, {
    get(target, key) {
      if (key === "putSnapshot") {
        return (threadId: string, seq: number, data: unknown, parts?: ReadonlyMap<string, string>) => {
          stats.snapshots++;
          stats.snapshotChars += JSON.stringify(data).length;
          for (const [partKey, json] of parts ?? []) {
            stats.partChars += json.length;
            stats.partPuts.set(partKey, (stats.partPuts.get(partKey) ?? 0) + 1);
          }
          return target.putSnapshot(threadId, seq, data, parts);
        };
      }
      if (key === "read") {
        return (threadId: string, range?: { from?: number; to?: number }) => {
          stats.reads++;
          return target.read(threadId, range);
        };
      }
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { log: proxy, stats };
}

async function grow(log: EventLog, store: ThreadStateStore, threadId: string, from: number, turns: number): Promise<ThreadState> {
  let head = await store.stateAt(threadId);
  for (let n = from; n < from + turns; n++) {
    for (const entry of await log.append(threadId, turn(n))) {
      head = evolve(head, entry);
      await store.maybeSnapshot(threadId, head);
    }
  }
  return head;
}

async function fullFold(log: EventLog, threadId: string, to: number): Promise<ThreadState> {
  let state = initialState(threadId);
  for await (const entry of log.read(threadId, { to })) state = evolve(state, entry as LogEntry);
  return state;
}

const canonical = (state: ThreadState) => JSON.stringify(serializeState(state));

describe("snapshots in parts", () => {
  it("store each full part once: snapshot storage grows linearly with the thread", async () => {
    const { log, stats } = recording(new MemoryEventLog());
    const store = new ThreadStateStore(log, { snapshotEvery: 50 });
    const { id } = await log.createThread();
    const sizes: Array<{ content: number; stored: number }> = [];
    let content = 0;
    for (let round = 0; round < 4; round++) {
      const head = await grow(log, store, id, 1 + round * 100, 100);
      content = JSON.stringify(head.history).length; // a rough stand-in, the history only grows here
      sizes.push({ content, stored: stats.snapshotChars + stats.partChars });
    }
    expect([...stats.partPuts.values()].every((puts) => puts === 1)).toBe(true);
    // The instructions (session meta, turn context bodies) are stored once, not in every snapshot.
    expect(stats.snapshotChars / stats.snapshots).toBeLessThan(INSTRUCTIONS.length / 2);
    // Whole snapshots would store ~ content x snapshots / 2 (quadratic); parts store it about once.
    const last = sizes.at(-1)!;
    expect(last.stored / last.content).toBeLessThan(2.5);
    const growth = (sizes[3].stored - sizes[1].stored) / (sizes[1].stored - 0);
    expect(growth).toBeLessThan(1.6); // twice the turns, twice the bytes (quadratic would be ~3x)
    await log.close();
  });

  it("a cold store rebuilds the state from a snapshot and its parts, without reading the log", async () => {
    const dir = await mkdtemp(join(tmpdir(), "loom-parts-"));
    dirs.push(dir);
    const writer = await LevelEventLog.open(dir, { durable: false });
    const { id } = await writer.createThread();
    const head = await grow(writer, new ThreadStateStore(writer, { snapshotEvery: 40 }), id, 1, 60);
    const at = Math.floor(head.seq / 40) * 40;
    const expected = canonical(await fullFold(writer, id, at));
    await writer.close();

    const reopened = await LevelEventLog.open(dir, { durable: false });
    const { log, stats } = recording(reopened);
    const snapshot = await log.getSnapshot(id, at);
    expect(snapshot?.seq).toBe(at);
    expect(partKeys(snapshot!.data).length).toBeGreaterThan(4);
    expect(canonical(await new ThreadStateStore(log).stateAt(id, at))).toBe(expected);
    expect(stats.reads).toBe(0);
    await reopened.close();
  });

  it("a snapshot with a part gone or damaged JSON is passed over; a whole (old-format) snapshot still loads", async () => {
    const dir = await mkdtemp(join(tmpdir(), "loom-parts-"));
    dirs.push(dir);
    let log = await LevelEventLog.open(dir, { durable: false });
    const { id } = await log.createThread();
    const head = await grow(log, new ThreadStateStore(log, { snapshotEvery: 40 }), id, 1, 60);
    // An old data dir's snapshot: the whole state, no parts.
    await log.putSnapshot(id, 80, serializeState(await fullFold(log, id, 80)));
    const expected = new Map<number, string>();
    for (const seq of [80, 120, 200, 400, head.seq]) expected.set(seq, canonical(await fullFold(log, id, seq)));
    const newest = await log.getSnapshot(id, head.seq);
    const { data: rewritten } = splitState(await fullFold(log, id, newest!.seq));
    const gone = partKeys(rewritten).at(-1)!;
    await log.close();

    const db = new Level<string, string>(dir);
    await db.put(`!snapshots!${id}!${String(400).padStart(16, "0")}`, "{not json");
    await db.del(`!snapshot-parts!${gone}`);
    await db.close();

    log = await LevelEventLog.open(dir, { durable: false });
    try {
      for (const [seq, state] of expected) expect(canonical(await new ThreadStateStore(log).stateAt(id, seq)), `seq ${seq}`).toBe(state);
      const { log: counted, stats } = recording(log);
      await new ThreadStateStore(counted).stateAt(id, 80);
      expect(stats.reads).toBe(0); // the old-format snapshot was used, not the log
    } finally {
      await log.close();
    }
  });
});
