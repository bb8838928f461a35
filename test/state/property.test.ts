/**
 * The property behind time travel: `stateAt(seq)` (nearest snapshot at or before seq, then fold
 * forward) equals the full fold from entry 1, for every seq of every thread, forks included. Random
 * logs (seeded) go through a real EventLog: the in-memory backend with several seeds and small K
 * so snapshots are everywhere, and LevelDB on disk once. Snapshots are written the way the runtime
 * writes them (`maybeSnapshot` after each entry of the head state, skipped now and then so that
 * `stateAt` has to leave its own) and read through forks from their parents.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { LogEntry } from "../../src/events/index.js";
import { LevelEventLog, MemoryEventLog, type EventLog } from "../../src/log/index.js";
import { ThreadStateStore } from "../../src/runtime/state-store.js";
import { evolve, initialState, serializeState, type PartSizes, type ThreadState } from "../../src/state/index.js";
import { mulberry32, randomLog, type Rng } from "./support/random-log.js";

const canonical = (state: ThreadState) => JSON.stringify(serializeState(state));

async function readAll(log: EventLog, threadId: string): Promise<LogEntry[]> {
  const entries: LogEntry[] = [];
  for await (const entry of log.read(threadId)) entries.push(entry);
  return entries;
}

/** Appends a random log in small batches, keeping the head state and snapshotting as the runtime does. */
async function grow(log: EventLog, store: ThreadStateStore, threadId: string, rng: Rng, entries: number, idPrefix: string) {
  let head = await store.stateAt(threadId);
  const pending = randomLog(rng, { entries, idPrefix, compactions: "mixed" });
  while (pending.length > 0) {
    const batch = pending.splice(0, 1 + Math.floor(rng() * 5));
    for (const entry of await log.append(threadId, batch)) {
      head = evolve(head, entry);
      if (rng() < 0.8) await store.maybeSnapshot(threadId, head);
    }
  }
}

/** Every seq of `threadId`, in random order, against the full fold from entry 1. */
async function checkEverySeq(log: EventLog, store: ThreadStateStore, threadId: string, rng: Rng): Promise<number> {
  const expected = [canonical(initialState(threadId))];
  let state = initialState(threadId);
  for (const entry of await readAll(log, threadId)) {
    state = evolve(state, entry);
    expected[entry.seq] = canonical(state);
  }
  const seqs = expected.map((_, seq) => seq);
  for (let i = seqs.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [seqs[i], seqs[j]] = [seqs[j], seqs[i]];
  }
  for (const seq of seqs) {
    const got = canonical(await store.stateAt(threadId, seq));
    // Compared as strings for speed; parsed on a mismatch so the failure shows a readable diff.
    if (got !== expected[seq]) expect(JSON.parse(got), `thread ${threadId} at seq ${seq}`).toEqual(JSON.parse(expected[seq]));
  }
  return seqs.length;
}

async function exercise(log: EventLog, seed: number, snapshotEvery: number, partSizes?: PartSizes): Promise<number> {
  const rng = mulberry32(seed);
  const writer = new ThreadStateStore(log, { snapshotEvery, partSizes });
  const root = `root-${seed}`;
  await log.createThread({ id: root });
  await grow(log, writer, root, rng, 160, "r-");
  const threads = [root];
  // Forks at random seqs, some of forks, each continuing with entries of its own.
  for (let i = 0; i < 3; i++) {
    const parent = threads[Math.floor(rng() * threads.length)];
    const at = Math.floor(rng() * ((await log.head(parent)) + 1));
    const fork = `fork-${seed}-${i}`;
    await log.fork(parent, at, { id: fork });
    await grow(log, writer, fork, rng, 40 + Math.floor(rng() * 60), `f${i}-`);
    threads.push(fork);
  }
  let checked = 0;
  for (const threadId of threads) {
    checked += await checkEverySeq(log, writer, threadId, rng);
    // A cold store (a restarted process) has only what is on the log.
    checked += await checkEverySeq(log, new ThreadStateStore(log, { snapshotEvery, partSizes }), threadId, rng);
  }
  return checked;
}

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("stateAt(seq) equals the full fold from entry 1", () => {
  // Small parts, so that snapshots of these short threads share parts across rollbacks,
  // compactions and forks (the default sizes make parts only of longer threads).
  it.each([
    [1, 3, { history: 2, turns: 1 }],
    [2, 7, { history: 3, turns: 2 }],
    [3, 16, undefined],
    [4, 5, { history: 1, turns: 1 }],
    [5, 50, { history: 4, turns: 3 }],
  ])("memory backend, seed %i, K = %i, parts %o", async (seed, snapshotEvery, partSizes) => {
    const log = new MemoryEventLog();
    try {
      expect(await exercise(log, seed, snapshotEvery, partSizes)).toBeGreaterThan(400);
    } finally {
      await log.close();
    }
  });

  it("LevelDB backend on disk, K = 6, small parts", async () => {
    const dir = await mkdtemp(join(tmpdir(), "loom-state-"));
    dirs.push(dir);
    const log = await LevelEventLog.open(dir, { durable: false });
    try {
      expect(await exercise(log, 42, 6, { history: 3, turns: 2 })).toBeGreaterThan(400);
    } finally {
      await log.close();
    }
  });
});
