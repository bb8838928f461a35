// bench:costs — Loom's own costs, each next to its goal (issue 21), with the machine's load beside
// each figure (the figures are wall times on a shared machine: read them with the load).
//   own time per turn (durable log), plain and with a host tool call: the turn's wall time less the
//     bare SDK requests it makes to the same instant fake model (the floor);
//   turns/s for 1,000 concurrent threads; memory per idle thread;
//   forkThread; resume of a 200-turn thread in a fresh process (createRuntime + resumeThread, and
//     the whole process);
//   storage: log bytes (uncompressed records) and bytes on disk per content byte, at 100 and 200 turns;
//   start of `loom --help`, `loom threads`, `loom log` next to `node -e 0`.
import { execFileSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { Level } from "level";
import OpenAI from "openai";
import { createRuntime } from "../dist/index.js";
import { startInstantModel } from "./fake-model.mjs";
import { freshResumeScript } from "./fresh-resume.mjs";
import { CONTENT, CONTENT_BYTES, TOOL_SPEC, startWorkloadModel } from "./peers/workload.mjs";

const TURNS = Number(process.env.BENCH_TURNS ?? 200);
const THREADS = Number(process.env.BENCH_THREADS ?? 1000);
const BIN = new URL("../bin/loom.js", import.meta.url).pathname;

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const load = () => loadavg()[0].toFixed(1);
const rows = [];
function report(name, value, unit, goal, ok, note = "") {
  rows.push({ name, value: `${value < 10 ? value.toFixed(2) : value.toFixed(value < 100 ? 1 : 0)} ${unit}`, goal, ok, load: load(), note });
}

async function sdkFloor(baseURL) {
  const client = new OpenAI({ apiKey: "bench", baseURL, maxRetries: 0 });
  const once = async () => {
    const stream = await client.responses.create({ model: "gpt-5.5", input: [{ role: "user", content: "hi" }], stream: true, store: false });
    for await (const _ of stream) void _;
  };
  for (let i = 0; i < 20; i++) await once();
  const times = [];
  for (let i = 0; i < 100; i++) {
    const t0 = performance.now();
    await once();
    times.push(performance.now() - t0);
  }
  return median(times);
}

const runtime = (dataDir, baseURL, extra = {}) => createRuntime({ dataDir, durable: true, config: {}, env: {}, model: { apiKey: "bench", baseURL }, ...extra });

/** Answers every host tool call of `thread` from the workload. */
function answerTools(thread) {
  thread.events$.subscribe((event) => {
    if (event.msg.type !== "dynamic_tool_call_request") return;
    const turn = Number(event.msg.callId.slice("call_".length));
    void thread.submit({ type: "dynamic_tool_response", id: event.msg.callId, response: { content_items: [{ type: "inputText", text: CONTENT[turn - 1].toolOutput }], success: true } });
  });
}

async function plainTurns(dir, model, floor) {
  const rt = await runtime(join(dir, "plain"), model.baseURL);
  const cwd = await mkdtemp(join(tmpdir(), "loom-costs-cwd-"));
  try {
    const thread = await rt.startThread({ cwd, approvalPolicy: "never" });
    for (let i = 0; i < 20; i++) await thread.run(`warm ${i}`);
    const times = [];
    for (let i = 0; i < 100; i++) {
      const t0 = performance.now();
      await thread.run(`turn ${i}`);
      times.push(performance.now() - t0);
    }
    const own = median(times) - floor;
    report("own time per turn, durable log", own, "ms", "< 2 ms", own < 2, `turn ${median(times).toFixed(2)} ms - SDK floor ${floor.toFixed(2)} ms`);
  } finally {
    await rt.close();
    await rm(cwd, { recursive: true, force: true });
  }
}

/** The peer workload (a host tool call per turn): own time, storage at 100 and 200 turns, fork, resume. */
async function toolTurns(dir, floor) {
  const model = await startWorkloadModel();
  const dataDir = join(dir, "tool");
  const rt = await runtime(dataDir, model.baseURL);
  const cwd = await mkdtemp(join(tmpdir(), "loom-costs-cwd-"));
  let id;
  const storage = [];
  try {
    const thread = await rt.startThread({ cwd, approvalPolicy: "never", sandboxPolicy: { type: "read-only" }, dynamicTools: [TOOL_SPEC] });
    id = thread.id;
    answerTools(thread);
    const times = [];
    let content = 0;
    for (let i = 0; i < TURNS; i++) {
      const t0 = performance.now();
      await thread.run(CONTENT[i].user);
      times.push(performance.now() - t0);
      const c = CONTENT[i];
      content += Buffer.byteLength(c.user) + Buffer.byteLength(c.args) + Buffer.byteLength(c.toolOutput) + Buffer.byteLength(c.answer);
      if (i + 1 === TURNS / 2 || i + 1 === TURNS) storage.push({ turns: i + 1, content, disk: diskBytes(join(dataDir, "log")) });
    }
    const own = median(times.slice(10)) - 2 * floor;
    report("own time per turn with a tool call, durable", own, "ms", "< 2 ms", own < 2, `turn ${median(times.slice(10)).toFixed(2)} ms - 2 SDK requests; ${TURNS}-turn thread`);
    const times2 = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      await rt.forkThread(id, { atSeq: thread.state.seq - 10 * i - 1 });
      times2.push(performance.now() - t0);
    }
    report("forkThread (a 200-turn thread, warm process)", median(times2), "ms", "< 1 ms", median(times2) < 1);
  } finally {
    await rt.close();
    await model.close();
    await rm(cwd, { recursive: true, force: true });
  }
  const records = await recordBytes(join(dataDir, "log"), id);
  const last = storage.at(-1);
  report(`log records per content byte (${TURNS} turns)`, records.entries / last.content, "x", "<= 3x", records.entries / last.content <= 3, `${(records.entries / 1024).toFixed(0)} KB records + ${(records.snapshots / 1024).toFixed(0)} KB snapshots, ${(last.content / 1024).toFixed(0)} KB content`);
  for (const s of storage) report(`bytes on disk per content byte (${s.turns} turns)`, s.disk / s.content, "x", "<= 3x, linear", s.disk / s.content <= 3, `${(s.disk / 1024).toFixed(0)} KB`);
  report("records + snapshots per content byte", (records.entries + records.snapshots) / last.content, "x", "<= 3x", (records.entries + records.snapshots) / last.content <= 3);

  // A fresh process: module loading, createRuntime, resumeThread, each timed inside it.
  const script = freshResumeScript(dataDir, id, TURNS);
  const fresh = [];
  for (let i = 0; i < 5; i++) fresh.push(JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" })));
  const resume = median(fresh.map((f) => f.resume));
  report(`resume of a ${TURNS}-turn thread in a fresh process`, resume, "ms", "< 20 ms", resume < 20, `resumeThread alone; + createRuntime ${median(fresh.map((f) => f.create)).toFixed(0)} ms, + imports ${median(fresh.map((f) => f.imports)).toFixed(0)} ms`);
  return { dataDir, id };
}

function diskBytes(dir) {
  return readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
}

/** Uncompressed bytes of one thread's stored records and snapshots (what any backend stores before compression). */
async function recordBytes(dir, threadId) {
  const db = new Level(dir, { valueEncoding: "utf8" });
  await db.open();
  const out = { entries: 0, snapshots: 0 };
  try {
    for await (const [key, value] of db.iterator()) {
      if (key.startsWith(`!entries!${threadId}!`)) out.entries += value.length;
      else if (key.startsWith(`!snapshots!${threadId}!`)) out.snapshots += value.length;
      // Snapshot parts are keyed by content, not thread: all of them count (this data dir has one thread).
      else if (key.startsWith("!snapshot-parts!")) out.snapshots += value.length;
    }
  } finally {
    await db.close();
  }
  return out;
}

async function concurrent(dir, model) {
  const rt = await runtime(join(dir, "many"), model.baseURL);
  const cwd = await mkdtemp(join(tmpdir(), "loom-costs-cwd-"));
  try {
    global.gc?.();
    const before = process.memoryUsage();
    const threads = [];
    for (let i = 0; i < THREADS; i++) threads.push(await rt.startThread({ cwd, approvalPolicy: "never" }));
    global.gc?.();
    const idle = process.memoryUsage();
    const t0 = performance.now();
    await Promise.all(threads.map((thread, i) => thread.run(`hello ${i}`)));
    const perSecond = THREADS / ((performance.now() - t0) / 1000);
    report(`${THREADS} threads, one turn each, concurrently`, perSecond, "turns/s", ">= 2,000 turns/s", perSecond >= 2000);
    const heap = (idle.heapUsed - before.heapUsed) / THREADS / 1024;
    report("memory per idle thread (heap)", heap, "KB", "< 50 KB", heap < 50, `RSS ${((idle.rss - before.rss) / THREADS / 1024).toFixed(1)} KB${global.gc ? "" : " (run with --expose-gc for a steadier figure)"}`);
  } finally {
    await rt.close();
    await rm(cwd, { recursive: true, force: true });
  }
}

function startup(name, args, goal, baseline) {
  const times = [];
  for (let i = 0; i < 9; i++) {
    const t0 = performance.now();
    try {
      execFileSync(process.execPath, args, { stdio: "ignore" });
    } catch {
      // `threads` on an empty dir exits 2; the start is what is measured
    }
    times.push(performance.now() - t0);
  }
  const value = median(times);
  if (goal) report(name, value, "ms", goal, value < 150, `min ${Math.min(...times).toFixed(0)} ms; node -e 0: ${baseline.toFixed(0)} ms`);
  return value;
}

const dir = await mkdtemp(join(tmpdir(), "loom-bench-costs-"));
const model = await startInstantModel();
try {
  const floor = await sdkFloor(model.baseURL);
  await plainTurns(dir, model, floor);
  const { dataDir, id } = await toolTurns(dir, floor);
  await concurrent(dir, model);
  const node = startup("node -e 0", ["-e", "0"]);
  startup("loom --help", [BIN, "--help"], "< 150 ms", node);
  startup("loom threads", [BIN, "threads", "--data-dir", dataDir], "< 150 ms", node);
  startup("loom log (a 200-turn thread, first 20 entries)", [BIN, "log", id, "--to", "20", "--data-dir", dataDir], "< 150 ms", node);
} finally {
  await model.close();
  await rm(dir, { recursive: true, force: true });
}
console.log(`bench:costs — Loom's own costs against their goals (${TURNS}-turn threads, ${(CONTENT_BYTES / TURNS / 1024).toFixed(2)} KB of content per turn; 2 cores shared)`);
const width = Math.max(...rows.map((r) => r.name.length)) + 2;
for (const r of rows) {
  console.log(`${r.name.padEnd(width)}${r.value.padEnd(16)}goal ${r.goal.padEnd(18)}${(r.ok ? "met" : "NOT met").padEnd(9)}load ${r.load.padEnd(6)}${r.note}`);
}
