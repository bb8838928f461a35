#!/usr/bin/env node
/**
 * How fast a thread's state comes back (`npm run bench:state`, which builds dist/ first).
 *
 * Builds realistic threads of 1,000, 10,000 and 100,000 entries in a LevelDB in a temp dir: user
 * turns with a turn context, reasoning, shell calls (begin/output/end events and outputs), streamed
 * answers and token counts, auto-compacting every 12 turns so the history stays bounded as in a
 * long Codex session, with snapshots written every K entries as the runtime writes them. Then, in
 * the same run, from a cold ThreadStateStore each time:
 *   - resume: the state at the head;
 *   - stateAt: the state at a random seq (median of several);
 *   - full fold: every entry read from the log and folded from entry 1, which is what replaying a
 *     JSONL rollout costs Codex on resume.
 *
 * Each figure is a wall time and, after the slash, the process's CPU time for the same call (all
 * threads, LevelDB's included): on a shared machine the CPU time is the steadier of the two.
 * "warm" is the state at a random seq from a store that has served others before (the inspector's
 * case: snapshot parts it read already are in memory); the others start from a cold store.
 * "snapshot" is what the head's snapshot stores itself, and the parts it names besides.
 *
 * Options: --sizes 1000,10000 (default 1000,10000,100000), --k 500, --sweep (also compare K values
 * on a 20,000-entry thread: fold-forward time against snapshot storage).
 *
 * --random [N]: only the state at N random seqs (default 200) of each size's thread, from one store
 * that keeps what it loaded (what `loom serve` does for the inspector's scrubber, after 20 seqs to warm
 * it): median and 90th percentile wall and CPU ms, and the load average next to them.
 */
import { loadavg } from "node:os";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { LevelEventLog } from "../dist/log/index.js";
import { ThreadStateStore } from "../dist/runtime/state-store.js";
import * as State from "../dist/state/index.js";
import { buildThread, random } from "./long-thread.mjs";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const SIZES = option("sizes", "1000,10000,100000").split(",").map(Number);
const K = Number(option("k", "500"));
const SWEEP = args.includes("--sweep");
const RANDOM = args.includes("--random") ? Number(/^\d+$/.test(option("random", "")) ? option("random") : 200) : 0;
const RANDOM_SEQS = 25;

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const { evolve, initialState, serializeState } = State;
async function time(fn) {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const value = await fn();
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - start, cpu: (used.user + used.system) / 1000, value };
}

async function fullFold(log, threadId) {
  let state = initialState(threadId);
  for await (const entry of log.read(threadId)) state = evolve(state, entry);
  return state;
}

/** `count` timed states at random seqs from one store, after `warmups` untimed ones. */
async function warmRandomStates(log, threadId, entries, k, warmups, count) {
  const store = new ThreadStateStore(log, { snapshotEvery: k });
  for (let i = 0; i < warmups; i++) await store.stateAt(threadId, 1 + Math.floor(random() * entries));
  const runs = [];
  for (let i = 0; i < count; i++) {
    const seq = 1 + Math.floor(random() * entries);
    runs.push(await time(() => store.stateAt(threadId, seq)));
  }
  return runs;
}

async function measure(log, threadId, entries, k) {
  // Warm the code paths once so the first measured call does not pay for JIT compilation.
  await new ThreadStateStore(log, { snapshotEvery: k }).stateAt(threadId, Math.min(entries, 10));
  const resumes = [];
  for (let i = 0; i < 5; i++) resumes.push(await time(() => new ThreadStateStore(log, { snapshotEvery: k }).stateAt(threadId)));
  const randoms = [];
  for (let i = 0; i < RANDOM_SEQS; i++) {
    const seq = 1 + Math.floor(random() * entries);
    randoms.push(await time(() => new ThreadStateStore(log, { snapshotEvery: k }).stateAt(threadId, seq)));
  }
  const warms = await warmRandomStates(log, threadId, entries, k, 5, RANDOM_SEQS);
  const folds = [];
  let folded;
  for (let i = 0; i < (entries >= 100_000 ? 1 : 3); i++) {
    const run = await time(() => fullFold(log, threadId));
    folds.push(run.ms);
    folded = run.value;
  }
  const resumed = await new ThreadStateStore(log, { snapshotEvery: k }).stateAt(threadId);
  const same = JSON.stringify(serializeState(resumed)) === JSON.stringify(serializeState(folded));
  const snapshot = await log.getSnapshot(threadId, entries);
  const keys = State.partKeys?.(snapshot.data) ?? [];
  const parts = keys.length ? await log.getSnapshotParts(keys) : [];
  const both = (runs) => ({ ms: median(runs.map((r) => r.ms)), cpu: median(runs.map((r) => r.cpu)) });
  return {
    resume: both(resumes),
    stateAt: both(randoms),
    warm: both(warms),
    fold: median(folds),
    same,
    snapshotBytes: JSON.stringify(snapshot.data).length,
    partBytes: parts.reduce((sum, json) => sum + json.length, 0),
    history: resumed.history.length,
  };
}

const fmt = (ms) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(2)).padStart(9);
const fmt2 = ({ ms, cpu }) => `${ms >= 100 ? ms.toFixed(0) : ms.toFixed(1)}/${cpu >= 100 ? cpu.toFixed(0) : cpu.toFixed(1)}`.padStart(11);
const pad = (s, n) => String(s).padStart(n);

async function main() {
  const dir = await mkdtemp(join(tmpdir(), "loom-bench-state-"));
  try {
    let log = await LevelEventLog.open(dir, { durable: false });
    const built = [];
    for (const size of SIZES) {
      const start = performance.now();
      const { turns } = await buildThread(log, `bench-${size}`, size, K);
      built.push({ size, turns });
      console.error(`built ${size} entries (${turns} turns) in ${((performance.now() - start) / 1000).toFixed(1)} s`);
    }
    // Reopen: the measured reads start from what is on disk, not from anything the writer kept.
    await log.close();
    log = await LevelEventLog.open(dir, { durable: false });
    if (RANDOM) {
      await randomSeqs(log, built);
      await log.close();
      return;
    }
    console.log(`\nThread state recovery, LevelDB, snapshots every K = ${K} entries (medians; ms)\n`);
    console.log(
      `${pad("entries", 8)} ${pad("turns", 6)} ${pad("history", 8)} ${pad("snapshot + parts", 18)} | ${pad("resume", 11)} ${pad("stateAt", 11)} ${pad("warm", 11)} | ${pad("full fold", 9)} | ${pad("fold/resume", 11)} ${pad("fold/stateAt", 12)}`,
    );
    for (const { size, turns } of built) {
      const m = await measure(log, `bench-${size}`, size, K);
      if (!m.same) throw new Error(`the resumed state of bench-${size} differs from the full fold`);
      console.log(
        `${pad(size, 8)} ${pad(turns, 6)} ${pad(m.history, 8)} ${pad(`${(m.snapshotBytes / 1024).toFixed(0)} + ${(m.partBytes / 1024).toFixed(0)} KB`, 18)} | ${fmt2(m.resume)} ${fmt2(m.stateAt)} ${fmt2(m.warm)} | ${fmt(m.fold)} | ${pad(`${(m.fold / m.resume.ms).toFixed(0)}x`, 11)} ${pad(`${(m.fold / m.stateAt.ms).toFixed(0)}x`, 12)}`,
      );
    }
    console.log("\nresume = state at the head, stateAt = a random seq, each from a cold ThreadStateStore (wall/CPU ms);");
    console.log("warm = a random seq from a store that served others before (snapshot parts in memory);");
    console.log("full fold = every entry read from the log and folded from entry 1 (Codex's JSONL replay), same run.");
    if (SWEEP) await sweep(log);
    await log.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The state at random seqs from one warm store (the inspector's scrubber through `loom serve`). */
async function randomSeqs(log, built) {
  const quantile = (values, q) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * q))];
  console.log(`\nState at ${RANDOM} random seqs, one warm store, LevelDB, snapshots every K = ${K} entries (ms)\n`);
  console.log(`${pad("entries", 8)} | ${pad("median wall/CPU", 16)} ${pad("p90 wall/CPU", 14)} | load average`);
  for (const { size } of built) {
    const threadId = `bench-${size}`;
    const runs = await warmRandomStates(log, threadId, size, K, 20, RANDOM);
    const at = (q) => fmt2({ ms: quantile(runs.map((r) => r.ms), q), cpu: quantile(runs.map((r) => r.cpu), q) });
    console.log(`${pad(size, 8)} | ${pad(at(0.5), 16)} ${pad(at(0.9), 14)} | ${loadavg().map((l) => l.toFixed(1)).join(", ")}`);
  }
  console.log("\nwall/CPU: CPU is the process's (all threads, LevelDB's included), the steadier figure on a shared machine.");
}

/**
 * K against its costs, on one 20,000-entry thread per K: the state at a snapshot seq (the snapshot
 * load alone), at the seq just before the next snapshot (load plus K - 1 entries folded: the worst
 * case), at random seqs, and the bytes all its snapshots take next to the log's own.
 */
async function sweep(log) {
  const size = 20_000;
  const stateAt = async (id, k, seq) => (await time(() => new ThreadStateStore(log, { snapshotEvery: k }).stateAt(id, seq))).ms;
  console.log(`\nK sweep on a ${size}-entry thread (medians; ms). Storage: snapshot bytes per log entry byte.\n`);
  console.log(`${pad("K", 6)} ${pad("load", 9)} ${pad("worst", 9)} ${pad("random", 9)} ${pad("snapshots", 10)} ${pad("storage", 8)}`);
  for (const k of [100, 250, 500, 1000, 2000]) {
    const id = `sweep-${k}`;
    await buildThread(log, id, size, k);
    let logBytes = 0;
    for await (const entry of log.read(id)) logBytes += JSON.stringify(entry).length;
    let snapshotBytes = 0;
    const keys = new Set();
    for (let seq = k; seq <= size; seq += k) {
      const { data } = await log.getSnapshot(id, seq);
      snapshotBytes += JSON.stringify(data).length;
      for (const key of State.partKeys?.(data) ?? []) keys.add(key);
    }
    // Each part once, however many snapshots name it (parts are shared by content).
    if (keys.size) for (const json of await log.getSnapshotParts([...keys])) snapshotBytes += json?.length ?? 0;
    const load = [];
    const worst = [];
    const random = [];
    for (let i = 0; i < 9; i++) {
      const base = k * (1 + Math.floor(((i + 0.5) / 9) * (size / k - 2)));
      load.push(await stateAt(id, k, base));
      worst.push(await stateAt(id, k, base + k - 1));
      random.push(await stateAt(id, k, 1 + Math.floor(Math.random() * size)));
    }
    const ratio = (snapshotBytes / logBytes).toFixed(2);
    console.log(`${pad(k, 6)} ${fmt(median(load))} ${fmt(median(worst))} ${fmt(median(random))} ${pad(Math.floor(size / k), 10)} ${pad(`${ratio}x`, 8)}`);
  }
}

await main();
