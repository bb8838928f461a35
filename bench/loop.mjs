// bench:loop — Loom's own cost per turn (model answering at once) and many concurrent threads.
// Prints: per-turn time through Loom vs the bare SDK request to the same server (the floor), and
// for 1,000 threads in one process: turns per second and memory per idle thread; and what the
// sandbox costs one command (`true`) and one turn with a shell call, next to an unconfined run.
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { createRuntime, probeHostSandbox } from "../dist/index.js";
import { runShell } from "../dist/actors/shell/index.js";
import { startInstantModel } from "./fake-model.mjs";
import { printTracingCost, sdkRequestCost, tracingCost } from "./tracing.mjs";

const TURNS = Number(process.env.BENCH_TURNS ?? 200);
const COMMANDS = Number(process.env.BENCH_COMMANDS ?? 100);
const THREADS = Number(process.env.BENCH_THREADS ?? 1000);

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function bareSdkTurn(client) {
  const stream = await client.responses.create({ model: "gpt-5.5", input: [{ role: "user", content: "hi" }], stream: true, store: false });
  for await (const _ of stream) void _;
}

async function perTurn(model, dataDir, durable) {
  const rt = await createRuntime({ dataDir, durable, config: {}, env: {}, model: { apiKey: "bench", baseURL: model.baseURL } });
  const cwd = await mkdtemp(join(tmpdir(), "loom-bench-cwd-"));
  const thread = await rt.startThread({ cwd, approvalPolicy: "never" });
  for (let i = 0; i < 20; i++) await thread.run(`warm ${i}`);
  const times = [];
  for (let i = 0; i < TURNS; i++) {
    const t0 = performance.now();
    await thread.run(`turn ${i}`);
    times.push(performance.now() - t0);
  }
  await rt.close();
  await rm(cwd, { recursive: true, force: true });
  return median(times);
}

async function sdkFloor(model) {
  const client = new OpenAI({ apiKey: "bench", baseURL: model.baseURL, maxRetries: 0 });
  for (let i = 0; i < 20; i++) await bareSdkTurn(client);
  const times = [];
  for (let i = 0; i < TURNS; i++) {
    const t0 = performance.now();
    await bareSdkTurn(client);
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** Time from `interrupt()` to `turn_aborted` while the model streams and while `sleep 30` runs. */
async function interruptLatency(model, dataDir) {
  const rt = await createRuntime({ dataDir, config: {}, env: {}, model: { apiKey: "bench", baseURL: model.baseURL } });
  const cwd = await mkdtemp(join(tmpdir(), "loom-bench-cwd-"));
  const thread = await rt.startThread({ cwd, approvalPolicy: "never", sandboxPolicy: { type: "danger-full-access" } });
  const measure = async (prompt, startedOn) => {
    const times = [];
    for (let i = 0; i < 10; i++) {
      let t0 = 0;
      const aborted = new Promise((resolve) => {
        const sub = thread.events$.subscribe((event) => {
          if (event.msg.type === startedOn && !t0) {
            t0 = performance.now();
            void thread.interrupt();
          }
          if (event.msg.type === "turn_aborted") {
            sub.unsubscribe();
            resolve(performance.now() - t0);
          }
        });
      });
      await thread.run(`${prompt} ${i}`).catch(() => undefined);
      times.push(await aborted);
    }
    return median(times);
  };
  const midStream = await measure("[hang] tell me", "agent_message_delta");
  const midCommand = await measure("[sleep] wait", "exec_command_begin");
  await rt.close();
  await rm(cwd, { recursive: true, force: true });
  return { midStream, midCommand };
}

/** CPU seconds the children this process has reaped used (user + system), from /proc/self/stat. */
function childrenCpuMs() {
  const stat = readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // cutime and cstime, fields 16 and 17 of stat(5), in clock ticks (100 per second on Linux).
  return ((Number(fields[13]) + Number(fields[14])) / 100) * 1000;
}

/**
 * One `true` through runShell: bare (no launcher), unconfined (the lifetime launcher), sandboxed.
 * Wall time (median) depends on how busy the machine is; the CPU the launcher and command use
 * (mean) much less.
 */
async function commandCost() {
  const host = await probeHostSandbox();
  const cwd = await mkdtemp(join(tmpdir(), "loom-bench-cmd-"));
  const bare = { ...host, lifetime: { type: "process-group" } };
  const variants = {
    bare: { host: bare },
    unconfined: { host, sandbox: { policy: { type: "danger-full-access" }, policyCwd: cwd, confine: false } },
    workspaceWrite: { host, sandbox: { policy: { type: "workspace-write" }, policyCwd: cwd, confine: true } },
    workspaceWriteNetwork: { host, sandbox: { policy: { type: "workspace-write", network_access: true }, policyCwd: cwd, confine: true } },
  };
  const results = {};
  for (const [name, options] of Object.entries(variants)) {
    if (options.sandbox?.confine && host.sandbox.type !== "bubblewrap") continue;
    for (let i = 0; i < 5; i++) await runShell({ command: ["true"], cwd, ...options });
    const times = [];
    const cpuBefore = childrenCpuMs();
    for (let i = 0; i < COMMANDS; i++) {
      const result = await runShell({ command: ["true"], cwd, ...options });
      if (result.exitCode !== 0) throw new Error(`${name}: ${result.aggregatedOutput}`);
      times.push(result.durationMs);
    }
    results[name] = { wall: median(times), cpu: (childrenCpuMs() - cpuBefore) / COMMANDS };
  }
  await rm(cwd, { recursive: true, force: true });
  return { host, results };
}

/** One turn whose model calls `shell` once (echo), sandboxed or with full access. */
async function shellTurn(dataDir, sandboxPolicy) {
  const model = await startInstantModel("ok", { tools: true });
  const rt = await createRuntime({ dataDir, durable: false, config: {}, env: {}, model: { apiKey: "bench", baseURL: model.baseURL } });
  const cwd = await mkdtemp(join(tmpdir(), "loom-bench-cwd-"));
  const thread = await rt.startThread({ cwd, approvalPolicy: "never", sandboxPolicy });
  for (let i = 0; i < 5; i++) await thread.run(`warm ${i}`);
  const times = [];
  for (let i = 0; i < Math.min(TURNS, 50); i++) {
    const t0 = performance.now();
    await thread.run(`turn ${i}`);
    times.push(performance.now() - t0);
  }
  await rt.close();
  await model.close();
  await rm(cwd, { recursive: true, force: true });
  return median(times);
}

async function concurrent(model, dataDir) {
  const rt = await createRuntime({ dataDir, config: {}, env: {}, model: { apiKey: "bench", baseURL: model.baseURL } });
  const cwd = await mkdtemp(join(tmpdir(), "loom-bench-cwd-"));
  global.gc?.();
  const before = process.memoryUsage();
  const threads = [];
  for (let i = 0; i < THREADS; i++) threads.push(await rt.startThread({ cwd, approvalPolicy: "never" }));
  global.gc?.();
  const idle = process.memoryUsage();
  const t0 = performance.now();
  await Promise.all(threads.map((thread, i) => thread.run(`hello ${i}`)));
  const seconds = (performance.now() - t0) / 1000;
  await rt.close();
  await rm(cwd, { recursive: true, force: true });
  return {
    turnsPerSecond: THREADS / seconds,
    heapPerThreadKB: (idle.heapUsed - before.heapUsed) / THREADS / 1024,
    rssPerThreadKB: (idle.rss - before.rss) / THREADS / 1024,
  };
}

const model = await startInstantModel();
const dir = await mkdtemp(join(tmpdir(), "loom-bench-loop-"));
try {
  const floor = await sdkFloor(model);
  const durable = await perTurn(model, join(dir, "durable"), true);
  const relaxed = await perTurn(model, join(dir, "relaxed"), false);
  const tracing = await tracingCost(model, join(dir, "tracing"), { turns: TURNS, floor: await sdkRequestCost(model) });
  const many = await concurrent(model, join(dir, "many"));
  const interrupt = await interruptLatency(model, join(dir, "interrupt"));
  const commands = await commandCost();
  const sandboxedTurn = commands.host.sandbox.type === "bubblewrap" ? await shellTurn(join(dir, "sandboxed"), { type: "workspace-write" }) : undefined;
  const unconfinedTurn = await shellTurn(join(dir, "unconfined"), { type: "danger-full-access" });
  console.log(`bench:loop (${TURNS} sequential turns, median; ${THREADS} concurrent threads)`);
  console.log(`  bare openai SDK request to the instant fake model   ${floor.toFixed(2)} ms`);
  console.log(`  one Loom turn, durable log                           ${durable.toFixed(2)} ms  (Loom's own: ${(durable - floor).toFixed(2)} ms)`);
  console.log(`  one Loom turn, relaxed log (no fsync)                ${relaxed.toFixed(2)} ms  (Loom's own: ${(relaxed - floor).toFixed(2)} ms)`);
  console.log(`  ${THREADS} threads, one turn each, concurrently        ${many.turnsPerSecond.toFixed(0)} turns/s`);
  console.log(`  interrupt -> turn_aborted, mid-stream (median of 10)      ${interrupt.midStream.toFixed(1)} ms`);
  console.log(`  interrupt -> turn_aborted, during sleep 30 (median of 10)  ${interrupt.midCommand.toFixed(1)} ms`);
  console.log(`  memory per idle thread                               ${many.heapPerThreadKB.toFixed(1)} KB heap, ${many.rssPerThreadKB.toFixed(1)} KB RSS`);
  printTracingCost(tracing);
  const c = commands.results;
  const ms = (v) => (v === undefined ? "n/a" : `${v.toFixed(2)} ms`);
  const row = (v) => (v === undefined ? "n/a" : `${ms(v.wall)} wall (median), ${ms(v.cpu)} CPU (mean)`);
  console.log(`sandbox (sandbox: ${commands.host.sandbox.type}; unconfined commands: ${commands.host.lifetime.type}; ${COMMANDS} runs of \`true\`)`);
  console.log(`  bare spawn, no launcher                              ${row(c.bare)}`);
  console.log(`  unconfined (danger-full-access, dies with Loom)      ${row(c.unconfined)}`);
  console.log(`  workspace-write sandbox, network off                 ${row(c.workspaceWrite)}`);
  console.log(`  workspace-write sandbox, network on                  ${row(c.workspaceWriteNetwork)}`);
  console.log(`  one turn with a shell call: workspace-write / full access   ${ms(sandboxedTurn)} / ${ms(unconfinedTurn)}`);
} finally {
  await model.close();
  await rm(dir, { recursive: true, force: true });
}
