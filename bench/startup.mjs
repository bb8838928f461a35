// bench:startup — what Loom costs before it does anything (issue 21): the CLI's read commands, a
// resume in a fresh process, forkThread in a warm one. Wall times sit next to the machine's load
// (the machine is shared), and next to figures the load does not change: the CPU time each child
// used, the modules it loaded, the processes it started.
//   BENCH_TURNS (default 200): the thread's length (the peer workload: a host tool call per turn).
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRuntime } from "../dist/index.js";
import { CONTENT, TOOL_SPEC, startWorkloadModel } from "./peers/workload.mjs";
import { freshResumeScript } from "./fresh-resume.mjs";

const TURNS = Number(process.env.BENCH_TURNS ?? 200);
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const BIN = fileURLToPath(new URL("../bin/loom.js", import.meta.url));
const TRACE = fileURLToPath(new URL("../test/support/module-trace.mjs", import.meta.url));
const SPY = fileURLToPath(new URL("../test/support/spawn-spy.cjs", import.meta.url));
const INDEX = new URL("../dist/index.js", import.meta.url).href;

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const load = () => loadavg()[0].toFixed(1);
const rows = [];
const row = (name, value, goal, note = "") => rows.push({ name, value, goal, load: load(), note });

/** A data dir holding one TURNS-turn thread and 20 forks of it (what bench:costs leaves behind). */
async function buildThread(dataDir) {
  const model = await startWorkloadModel();
  const cwd = await mkdtemp(join(tmpdir(), "loom-startup-cwd-"));
  const rt = await createRuntime({ dataDir, durable: true, config: {}, env: {}, model: { apiKey: "bench", baseURL: model.baseURL } });
  try {
    const thread = await rt.startThread({ cwd, approvalPolicy: "never", sandboxPolicy: { type: "read-only" }, dynamicTools: [TOOL_SPEC] });
    thread.events$.subscribe((event) => {
      if (event.msg.type !== "dynamic_tool_call_request") return;
      const turn = Number(event.msg.callId.slice("call_".length));
      void thread.submit({ type: "dynamic_tool_response", id: event.msg.callId, response: { content_items: [{ type: "inputText", text: CONTENT[turn - 1].toolOutput }], success: true } });
    });
    for (let i = 0; i < TURNS; i++) await thread.run(CONTENT[i].user);
    const forks = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      await rt.forkThread(thread.id, { atSeq: thread.state.seq - 10 * i - 1 });
      forks.push(performance.now() - t0);
    }
    row(`forkThread (a ${TURNS}-turn thread, warm process)`, `${median(forks).toFixed(2)} ms`, "< 1 ms", "median of 20, at 20 seqs near the head");
    return thread.id;
  } finally {
    await rt.close();
    await model.close();
    await rm(cwd, { recursive: true, force: true });
  }
}

/** Wall and CPU time (user + system of the child) of `node ARGS`, medians of RUNS runs. */
function timed(args) {
  const wall = [];
  const cpu = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const run = spawnSync("bash", ["-c", 'TIMEFORMAT="%U %S"; time "$@" >/dev/null 2>/dev/null', "bash", process.execPath, ...args], { encoding: "utf8" });
    wall.push(performance.now() - t0);
    const [user, sys] = run.stderr.trim().split("\n").at(-1).split(" ").map(Number);
    cpu.push((user + sys) * 1000);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

/** Distinct modules (ESM and CommonJS) `node ARGS` loads. */
function modules(args) {
  const out = join(tmpdir(), `loom-startup-modules-${process.pid}.txt`);
  writeFileSync(out, "");
  try {
    spawnSync(process.execPath, ["--import", TRACE, ...args], { env: { ...process.env, LOOM_TEST_MODULES: out }, stdio: "ignore" });
    return new Set(readFileSync(out, "utf8").split("\n").filter(Boolean)).size;
  } finally {
    rmSync(out, { force: true });
  }
}

function command(name, args, goal, node) {
  const { wall, cpu } = timed(args);
  row(name, `${wall.toFixed(0)} ms`, goal, `cpu ${cpu.toFixed(0)} ms (node -e 0: ${node.wall.toFixed(0)} ms, cpu ${node.cpu.toFixed(0)} ms); ${modules(args)} modules`);
}

/** Resume in a fresh process, timed inside it; and the processes it started. */
function freshResume(dataDir, id) {
  const script = freshResumeScript(dataDir, id, TURNS);
  const runs = [];
  let spawned = 0;
  for (let i = 0; i < 5; i++) {
    const run = spawnSync(process.execPath, ["--require", SPY, "--input-type=module", "-e", script], { encoding: "utf8" });
    if (run.status !== 0) throw new Error(`resume failed: ${run.stderr}`);
    runs.push(JSON.parse(run.stdout));
    spawned = Math.max(spawned, run.stderr.split("\n").filter((line) => line.startsWith("SPAWN ")).length);
  }
  const resume = median(runs.map((r) => r.resume));
  row(
    `resume of a ${TURNS}-turn thread in a fresh process`,
    `${resume.toFixed(1)} ms`,
    "< 20 ms",
    `resumeThread alone; + createRuntime ${median(runs.map((r) => r.create)).toFixed(0)} ms, + imports ${median(runs.map((r) => r.imports)).toFixed(0)} ms (${modules(["--input-type=module", "-e", `await import(${JSON.stringify(INDEX)})`])} modules); ${spawned} processes started`,
  );
}

const dir = await mkdtemp(join(tmpdir(), "loom-bench-startup-"));
try {
  const dataDir = join(dir, "data");
  const id = await buildThread(dataDir);
  freshResume(dataDir, id);
  const node = timed(["-e", "0"]);
  command("loom --help", [BIN, "--help"], "< 150 ms", node);
  command("loom threads (21 threads)", [BIN, "threads", "--data-dir", dataDir], "< 150 ms", node);
  command(`loom log (a ${TURNS}-turn thread, first 20 entries)`, [BIN, "log", id, "--to", "20", "--data-dir", dataDir], "< 150 ms", node);
  command("loom state (its head)", [BIN, "state", id, "--data-dir", dataDir], "", node);
} finally {
  await rm(dir, { recursive: true, force: true });
}
console.log(`bench:startup — start-up costs (${TURNS}-turn thread; wall times on a shared machine: read them with the load)`);
const width = Math.max(...rows.map((r) => r.name.length)) + 2;
for (const r of rows) console.log(`${r.name.padEnd(width)}${r.value.padEnd(11)}goal ${(r.goal || "-").padEnd(10)}load ${r.load.padEnd(6)}${r.note}`);
