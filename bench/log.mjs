// Event log benchmark (`npm run bench:log`): LevelDB and PostgreSQL in the same run.
//
// For each backend: durable append throughput (one thread pipelining; 100 threads each awaiting its
// own appends), reading one thread, fork time at the head of 100,000 entries, resuming a
// 100,000-entry thread through the runtime (lease, snapshot + fold, the resume's own append), and
// Loom's own time per turn (a turn against an instant fake model, minus the bare SDK request to the
// same server). LevelDB also without fsync. Throughputs are the median of 3 runs, times medians of
// many samples: the machine is shared.
//
// PostgreSQL: `LOOM_BENCH_POSTGRES=postgres://...` to measure your own server (a database the
// benchmark may create schemas in); otherwise the benchmark starts one from the installed binaries,
// as the tests do (fsync on, default settings).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setImmediate as nextTurn } from "node:timers/promises";
import OpenAI from "openai";
import { createRuntime } from "../dist/index.js";
import { LevelEventLog, PostgresEventLog } from "../dist/log/index.js";
import { startInstantModel } from "./fake-model.mjs";
import { buildThread } from "./long-thread.mjs";
import { startPostgres } from "../test/support/postgres.ts";

const RUNS = 3;
const PIPELINED_APPENDS = 100_000;
const CONCURRENT_THREADS = 100;
const APPENDS_PER_THREAD = 200;
const READ_ENTRIES = 100_000;
const LONG_THREAD = 100_000;
const FORK_SAMPLES = 21;
const RESUME_SAMPLES = 9;
const TURNS = 100;

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
];
const sample = (i) => [SAMPLES[i % 2 === 0 ? 0 : i % SAMPLES.length]];

const cleanups = [];

/** The two backends: each opens a fresh, empty log (its own directory or schema). */
async function backends() {
  const level = {
    name: "LevelDB",
    open: async (options = {}) => {
      const dir = await mkdtemp(join(tmpdir(), "loom-bench-log-"));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      return LevelEventLog.open(dir, options);
    },
  };
  let url = process.env.LOOM_BENCH_POSTGRES;
  if (!url) {
    const server = await startPostgres();
    cleanups.push(() => server.stop());
    url = await server.createDatabase("loom_bench");
  }
  let schemas = 0;
  const stamp = Date.now().toString(36);
  const postgres = {
    name: "PostgreSQL",
    open: (options = {}) => PostgresEventLog.open(url, { ...options, schema: `bench_${stamp}_${++schemas}` }),
  };
  return [level, postgres];
}

/**
 * One writer that never waits for an acknowledgement before its next append, yielding to the event
 * loop every `chunk` appends (as a model stream would) and keeping at most `window` unacknowledged.
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

async function appendPipelined(backend, options) {
  const log = await backend.open(options);
  const { id } = await log.createThread();
  const start = performance.now();
  const cpu = process.cpuUsage();
  await pipeline(log, id, PIPELINED_APPENDS);
  const seconds = (performance.now() - start) / 1000;
  // CPU time of this process per append: what the machine's load does not change.
  const { user, system } = process.cpuUsage(cpu);
  const { commits } = log.stats;
  await log.close();
  return { rate: PIPELINED_APPENDS / seconds, batch: PIPELINED_APPENDS / Math.max(1, commits), cpu: (user + system) / PIPELINED_APPENDS };
}

async function appendConcurrent(backend, options) {
  const log = await backend.open(options);
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

async function readAll(backend) {
  const log = await backend.open({ durable: false });
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
 * A Codex-like thread of 100,000 entries (snapshots every 500, as the runtime writes them): the
 * median time to fork at its head, and to resume it through the runtime.
 */
async function longThread(backend) {
  const log = await backend.open();
  const threadId = "long";
  await buildThread(log, threadId, LONG_THREAD, 500);
  const forks = [];
  for (let i = 0; i < FORK_SAMPLES; i++) {
    const head = await log.head(threadId);
    const start = performance.now();
    await log.fork(threadId, head);
    forks.push(performance.now() - start);
  }
  const rt = await createRuntime({ log, config: {}, env: {}, model: { apiKey: "bench", baseURL: "http://127.0.0.1:9/v1" } });
  const resumes = [];
  for (let i = 0; i < RESUME_SAMPLES; i++) {
    const start = performance.now();
    const thread = await rt.resumeThread(threadId);
    resumes.push(performance.now() - start);
    await thread.close();
  }
  await rt.close();
  await log.close();
  return { fork: median(forks), resume: median(resumes) };
}

/** Median time of a turn through Loom, and of the bare SDK request to the same instant model. */
async function turnTime(backend, model) {
  const log = await backend.open();
  const rt = await createRuntime({ log, config: {}, env: {}, model: { apiKey: "bench", baseURL: model.baseURL } });
  const cwd = await mkdtemp(join(tmpdir(), "loom-bench-cwd-"));
  const thread = await rt.startThread({ cwd, approvalPolicy: "never" });
  for (let i = 0; i < 20; i++) await thread.run(`warm ${i}`);
  const times = [];
  for (let i = 0; i < TURNS; i++) {
    const start = performance.now();
    await thread.run(`turn ${i}`);
    times.push(performance.now() - start);
  }
  await rt.close();
  await log.close();
  await rm(cwd, { recursive: true, force: true });
  return median(times);
}

async function sdkFloor(model) {
  const client = new OpenAI({ apiKey: "bench", baseURL: model.baseURL, maxRetries: 0 });
  const once = async () => {
    const stream = await client.responses.create({ model: "gpt-5.5", input: [{ role: "user", content: "hi" }], stream: true, store: false });
    for await (const _ of stream) void _;
  };
  for (let i = 0; i < 20; i++) await once();
  const times = [];
  for (let i = 0; i < TURNS; i++) {
    const start = performance.now();
    await once();
    times.push(performance.now() - start);
  }
  return median(times);
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
  const [level, postgres] = await backends();
  const model = await startInstantModel("ok");
  cleanups.push(() => model.close());
  const floor = await sdkFloor(model);
  const results = new Map();
  for (const backend of [level, postgres]) {
    await appendPipelined(backend, { durable: false }); // warm-up, not reported
    const one = await medianOf(() => appendPipelined(backend));
    const many = await medianOf(() => appendConcurrent(backend));
    const read = await readAll(backend);
    const long = await longThread(backend);
    const turn = await turnTime(backend, model);
    results.set(backend.name, { one, many, read, long, turn });
  }
  const relaxedOne = await medianOf(() => appendPipelined(level, { durable: false }));
  const relaxedMany = await medianOf(() => appendConcurrent(level, { durable: false }));

  const cell = (name, pick) => pick(results.get(name));
  const rows = [
    ["durable appends/s, 1 thread pipelined", (r) => `${fmt(r.one.rate)} (~${fmt(r.one.batch)}/batch, ${r.one.cpu.toFixed(1)} us CPU each)`, "-"],
    [`durable appends/s, ${CONCURRENT_THREADS} threads concurrently`, (r) => `${fmt(r.many.rate)} (~${fmt(r.many.batch)}/batch)`, ">= 20,000"],
    [`read one thread of ${fmt(READ_ENTRIES)} entries, entries/s`, (r) => fmt(r.read), "-"],
    [`fork at the head of ${fmt(LONG_THREAD)} entries`, (r) => `${r.long.fork.toFixed(2)} ms`, "< 5 ms"],
    [`resume a ${fmt(LONG_THREAD)}-entry thread (runtime)`, (r) => `${r.long.resume.toFixed(1)} ms`, "< 50 ms"],
    ["one turn, instant model", (r) => `${r.turn.toFixed(1)} ms`, "-"],
    ["Loom's own time per turn (turn - SDK floor)", (r) => `${(r.turn - floor).toFixed(1)} ms`, "-"],
  ].map(([what, pick, goal]) => [what, cell("LevelDB", pick), cell("PostgreSQL", pick), goal]);
  rows.unshift(["", "LevelDB", "PostgreSQL", "goal (PostgreSQL)"]);
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((row) => row[c].length)));
  console.log(`Loom event log, LevelDB and PostgreSQL (node ${process.version}; throughputs: median of ${RUNS} runs)\n`);
  for (const row of rows) console.log(row.map((text, c) => (c === 0 ? text.padEnd(widths[c]) : text.padStart(widths[c]))).join("   "));
  console.log(`\nbare SDK request to the instant model (the floor): ${floor.toFixed(1)} ms`);
  console.log(`LevelDB without fsync: ${fmt(relaxedOne.rate)} appends/s pipelined, ${fmt(relaxedMany.rate)} appends/s with ${CONCURRENT_THREADS} threads`);
}

try {
  await main();
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup();
}
