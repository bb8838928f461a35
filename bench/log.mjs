// Event log benchmark (`npm run bench:log`): append throughput (one thread pipelining, 100 threads
// each awaiting its own appends; durable and relaxed), read throughput, and fork time against the
// parent's length. LevelDB in a temp dir on the real disk; each throughput figure is the median of
// several runs because the machine is shared.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setImmediate as nextTurn } from "node:timers/promises";
import { LevelEventLog } from "../dist/log/index.js";

const RUNS = 3;
const PIPELINED_APPENDS = 200_000;
const CONCURRENT_THREADS = 100;
const APPENDS_PER_THREAD = 500;
const READ_ENTRIES = 200_000;
const FORK_SAMPLES = 21;

// Small entries as a turn produces them: mostly streamed deltas, some items and usage.
const SAMPLES = [
  { kind: "event_msg", payload: { type: "agent_message_delta", delta: "Running the tests now" } },
  { kind: "event_msg", payload: { type: "agent_message_delta", delta: " to see which one fails." } },
  {
    kind: "response_item",
    payload: { type: "function_call", name: "shell", arguments: '{"command":["bash","-lc","npm test"]}', call_id: "call_8f2a" },
  },
  { kind: "event_msg", payload: { type: "agent_reasoning_delta", delta: "The failure is in parse()" } },
  {
    kind: "response_item",
    payload: { type: "message", role: "assistant", content: [{ type: "output_text", text: "Fixed: parse() now trims input." }] },
  },
  {
    kind: "event_msg",
    payload: {
      type: "token_count",
      info: {
        total_token_usage: { input_tokens: 5120, cached_input_tokens: 4096, output_tokens: 212, reasoning_output_tokens: 64, total_tokens: 5332 },
        last_token_usage: { input_tokens: 1024, cached_input_tokens: 896, output_tokens: 48, reasoning_output_tokens: 16, total_tokens: 1072 },
        model_context_window: 272000,
      },
    },
  },
];
const sample = (i) => [SAMPLES[i % 2 === 0 ? 0 : i % SAMPLES.length]];

const dirs = [];
async function openLog(options) {
  const dir = await mkdtemp(join(tmpdir(), "loom-bench-log-"));
  dirs.push(dir);
  return LevelEventLog.open(dir, options);
}

/**
 * One writer that never waits for an acknowledgement before its next append, yielding to the event
 * loop every `chunk` appends (as a model stream would) and keeping at most `window` unacknowledged.
 * Only the window's promises are kept: batches commit in order, so the oldest one stands for all.
 */
async function pipeline(log, threadId, count, { chunk = 1000, window = 16_000 } = {}) {
  const ring = new Array(window);
  for (let i = 0; i < count; i++) {
    const slot = i % window;
    const chunkEnd = i % chunk === chunk - 1;
    if (chunkEnd && i >= window) await ring[slot];
    ring[slot] = log.append(threadId, sample(i));
    if (chunkEnd) await nextTurn();
  }
  await Promise.all(ring);
}

async function appendPipelined(durable) {
  const log = await openLog({ durable });
  const { id } = await log.createThread();
  const start = performance.now();
  await pipeline(log, id, PIPELINED_APPENDS);
  const seconds = (performance.now() - start) / 1000;
  const { commits } = log.stats;
  await log.close();
  return { rate: PIPELINED_APPENDS / seconds, batch: PIPELINED_APPENDS / (commits - 1) };
}

async function appendConcurrent(durable) {
  const log = await openLog({ durable });
  const threads = await Promise.all(Array.from({ length: CONCURRENT_THREADS }, () => log.createThread()));
  const before = log.stats.commits;
  const start = performance.now();
  await Promise.all(
    threads.map(async ({ id }, t) => {
      for (let i = 0; i < APPENDS_PER_THREAD; i++) await log.append(id, sample(i + t), { expectedSeq: i });
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  const total = CONCURRENT_THREADS * APPENDS_PER_THREAD;
  const commits = log.stats.commits - before;
  await log.close();
  return { rate: total / seconds, batch: total / commits };
}

async function readAll() {
  const log = await openLog({ durable: false });
  const { id } = await log.createThread();
  await pipeline(log, id, READ_ENTRIES);
  const rates = [];
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    let count = 0;
    for await (const entry of log.read(id)) count += entry.seq > 0 ? 1 : 0;
    rates.push(count / ((performance.now() - start) / 1000));
  }
  await log.close();
  return median(rates);
}

/**
 * Median fork time per parent length, next to creating an empty thread (the same one small write).
 * The parents are built first and the samples interleaved, so LevelDB's background compaction of
 * the freshly written entries weighs on every column alike.
 */
async function forkTimes(lengths, durable) {
  const log = await openLog({ durable });
  const parents = [];
  for (const length of lengths) {
    const { id } = await log.createThread();
    await pipeline(log, id, length);
    parents.push({ id, length });
  }
  const samples = new Map([[0, []], ...lengths.map((length) => [length, []])]);
  const time = async (key, act) => {
    const start = performance.now();
    await act();
    samples.get(key).push(performance.now() - start);
  };
  for (let i = 0; i < FORK_SAMPLES; i++) {
    await time(0, () => log.createThread());
    for (const { id, length } of parents) await time(length, () => log.fork(id, length));
  }
  await log.close();
  return new Map([...samples].map(([key, times]) => [key, median(times)]));
}

async function medianOf(runOnce) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await runOnce());
  runs.sort((a, b) => a.rate - b.rate);
  return runs[Math.floor(runs.length / 2)];
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const fmt = (n) => Math.round(n).toLocaleString("en-US");

async function main() {
  await appendPipelined(false); // warm-up, not reported: the figures are for compiled code
  const rows = [];
  for (const durable of [true, false]) {
    const mode = durable ? "durable (fsync)" : "relaxed (no fsync)";
    const one = await medianOf(() => appendPipelined(durable));
    rows.push([`append, 1 thread pipelined, ${mode}`, `${fmt(one.rate)} appends/s`, `~${fmt(one.batch)} entries/batch`]);
    const many = await medianOf(() => appendConcurrent(durable));
    rows.push([`append, ${CONCURRENT_THREADS} threads concurrently, ${mode}`, `${fmt(many.rate)} appends/s`, `~${fmt(many.batch)} entries/batch`]);
  }
  rows.push([`read, 1 thread of ${fmt(READ_ENTRIES)} entries`, `${fmt(await readAll())} entries/s`, "validated on read"]);
  for (const durable of [true, false]) {
    const mode = durable ? "durable" : "relaxed";
    for (const [length, ms] of await forkTimes([1_000, 100_000], durable)) {
      const what = length === 0 ? `create an empty thread (the same one write), ${mode}` : `fork at the head of ${fmt(length)} entries, ${mode}`;
      rows.push([what, `${ms.toFixed(2)} ms`, `median of ${FORK_SAMPLES}`]);
    }
  }
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((row) => row[c].length)));
  console.log(`Loom event log, LevelDB backend (node ${process.version}, ${RUNS} runs each, median)\n`);
  for (const row of rows) console.log(row.map((cell, c) => (c === 1 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join("   "));
}

try {
  await main();
} finally {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
}
