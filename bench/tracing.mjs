// bench:loop's tracing figure: what OpenTelemetry costs one turn. Two runtimes on the same instant
// fake model: one plain, one with the SDK exporting spans and metrics over OTLP/HTTP (JSON) to a
// collector in another process (the providers `[otel]` would load, built by the same `loadSdk`, so
// the bench can flush them at the end of each block and charge the export to the traced turns).
// Blocks of turns alternate between the two, so drift on a busy machine falls on both. CPU time
// (user + system of this process) is the steady figure on a loaded machine; wall time is shown too.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createRuntime } from "../dist/index.js";
import { loadSdk, observeSettingsOf, Observability } from "../dist/observe/index.js";
import { startInstantModel } from "./fake-model.mjs";

const COLLECTOR = `
const server = require("node:http").createServer((req, res) => {
  req.on("data", () => {});
  req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end("{}"));
});
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
process.stdin.on("end", () => process.exit(0)).resume();
`;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
const cpuMs = (since) => {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / 1000;
};

/** An OTLP collector in a child process (its CPU is not Loom's): accepts and drops everything. */
async function startCollector() {
  const child = spawn(process.execPath, ["-e", COLLECTOR], { stdio: ["pipe", "pipe", "inherit"] });
  const [line] = await once(child.stdout, "data");
  return { url: `http://127.0.0.1:${String(line).trim()}`, close: () => child.stdin.end() };
}

/** Wall (median) and CPU (mean) of one request through the bare openai SDK: the floor. */
export async function sdkRequestCost(model, requests = 200) {
  const OpenAI = (await import("openai")).default;
  const client = new OpenAI({ apiKey: "bench", baseURL: model.baseURL, maxRetries: 0 });
  const once = async () => {
    const stream = await client.responses.create({ model: "gpt-5.5", input: [{ role: "user", content: "hi" }], stream: true, store: false });
    for await (const _ of stream) void _;
  };
  for (let i = 0; i < 20; i++) await once();
  const walls = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < requests; i++) {
    const t0 = performance.now();
    await once();
    walls.push(performance.now() - t0);
  }
  return { wall: median(walls), cpu: cpuMs(cpu0) / requests };
}

/** Per-turn wall (median) and CPU (mean) without and with tracing; `floor` from sdkRequestCost. */
export async function tracingCost(model, dir, { turns = 300, block = 50, floor }) {
  const collector = await startCollector();
  const { otel } = observeSettingsOf({
    otel: {
      trace_exporter: { "otlp-http": { endpoint: `${collector.url}/v1/traces`, protocol: "json" } },
      metrics_exporter: { "otlp-http": { endpoint: `${collector.url}/v1/metrics`, protocol: "json" } },
    },
  }, {});
  const sdk = await loadSdk(otel, { serviceName: "loom", serviceVersion: "bench" });
  const open = (name, telemetry) =>
    createRuntime({ dataDir: join(dir, name), durable: false, config: {}, env: {}, model: { apiKey: "bench", baseURL: model.baseURL }, telemetry });
  // BENCH_AA=1: both runtimes plain, to see the end-to-end figure's noise on this machine.
  const runtimes = [await open("plain", undefined), await open("traced", process.env.BENCH_AA ? undefined : sdk)];
  const cwd = await mkdtemp(join(tmpdir(), "loom-bench-cwd-"));
  try {
    const threads = await Promise.all(runtimes.map((rt) => rt.startThread({ cwd, approvalPolicy: "never" })));
    for (let i = 0; i < 20; i++) for (const thread of threads) await thread.run(`warm ${i}`);
    await sdk.flush();
    const walls = [[], []];
    const cpu = [0, 0];
    for (let done = 0, round = 0; done < turns; done += block, round++) {
      // Alternate which goes first, so neither always follows the other's garbage.
      for (const k of round % 2 === 0 ? [0, 1] : [1, 0]) {
        const cpu0 = process.cpuUsage();
        for (let i = 0; i < block; i++) {
          const t0 = performance.now();
          await threads[k].run(`turn ${done + i}`);
          walls[k].push(performance.now() - t0);
        }
        // The traced block pays for its own export.
        if (k === 1) await sdk.flush();
        cpu[k] += cpuMs(cpu0);
      }
    }
    const last = (await threads[1].entries({ from: 1, to: 1_000_000 })).filter((entry) => entry.kind !== "session_meta");
    const turnStart = last.findLastIndex((entry) => entry.kind === "submission");
    const direct = await observerCost(last.slice(turnStart), sdk);
    const n = walls[0].length;
    const result = { wall: walls.map(median), cpu: cpu.map((total) => total / n), floor };
    return { ...result, direct, ownCpu: result.cpu[0] - floor.cpu, costCpu: result.cpu[1] - result.cpu[0], ownWall: result.wall[0] - floor.wall, costWall: result.wall[1] - result.wall[0] };
  } finally {
    for (const rt of runtimes) await rt.close();
    await sdk.shutdown();
    collector.close();
    await rm(cwd, { recursive: true, force: true });
  }
}

/**
 * The steady figure: one recorded turn's entries folded through a thread observer again and again,
 * without telemetry and with the SDK (spans batched and exported, metrics recorded and exported),
 * flushing at the end so the export is paid for. This is all tracing adds to a turn, measured
 * without the model, the log and the machines whose noise drowns it on a busy machine.
 */
export async function observerCost(entries, sdk, rounds = 500) {
  const variants = [await Observability.create({}), await Observability.create({ tracerProvider: sdk.tracerProvider, meterProvider: sdk.meterProvider })];
  const perTurn = [[], []];
  for (let repeat = 0; repeat < 5; repeat++) {
    for (const [k, observability] of variants.entries()) {
      const observer = observability.thread("bench");
      // CPU time, not wall: on a loaded machine a tight loop is preempted, and that is not its cost.
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < rounds; i++) for (const entry of entries) observer.entry(entry);
      if (k === 1) await sdk.flush();
      perTurn[k].push(cpuMs(cpu0) / rounds);
      observer.close();
    }
  }
  return { plain: median(perTurn[0]), traced: median(perTurn[1]) };
}

export function printTracingCost(r) {
  const pct = (cost, own) => `${((cost / own) * 100).toFixed(1)}%`;
  console.log(`tracing (spans + metrics over OTLP/HTTP JSON to a collector process; blocks of turns alternate with a plain runtime)`);
  console.log(`  one Loom turn, CPU (mean): no exporter / exporter    ${r.cpu[0].toFixed(2)} ms / ${r.cpu[1].toFixed(2)} ms  (Loom's own: ${r.ownCpu.toFixed(2)} ms)`);
  console.log(`  one Loom turn, wall (median): no exporter / exporter ${r.wall[0].toFixed(2)} ms / ${r.wall[1].toFixed(2)} ms  (Loom's own: ${r.ownWall.toFixed(2)} ms)`);
  const directCost = r.direct.traced - r.direct.plain;
  console.log(`  a turn's entries through the observer: plain / with SDK spans+metrics+export   ${(r.direct.plain * 1000).toFixed(1)} us / ${(r.direct.traced * 1000).toFixed(1)} us`);
  console.log(`  tracing cost per turn (observer + SDK + export): ${(directCost * 1000).toFixed(1)} us = ${pct(directCost, r.ownCpu)} of Loom's own CPU per turn (goal < 5%)`);
  console.log(`  end to end (noisy on a loaded machine): CPU ${r.costCpu.toFixed(3)} ms = ${pct(r.costCpu, r.ownCpu)} of Loom's own; wall ${r.costWall.toFixed(3)} ms = ${pct(r.costWall, r.ownWall)}`);
}

// `node bench/tracing.mjs` runs this figure alone (bench:loop runs it with the rest).
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const model = await startInstantModel();
  const dir = await mkdtemp(join(tmpdir(), "loom-bench-tracing-"));
  try {
    const floor = await sdkRequestCost(model);
    printTracingCost(await tracingCost(model, dir, { turns: Number(process.env.BENCH_TURNS ?? 300), floor }));
  } finally {
    await model.close();
    await rm(dir, { recursive: true, force: true });
  }
}
