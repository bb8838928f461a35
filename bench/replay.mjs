// bench:replay — re-executing a recorded 100-turn thread with a tool call in every turn, without
// the model or the tools, against recording it live (the fake model answers at once) in the same run.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRuntime } from "../dist/index.js";
import { replayThread } from "../dist/replay/reexecute/index.js";
import { startInstantModel } from "./fake-model.mjs";

const TURNS = Number(process.env.BENCH_TURNS ?? 100);
const RUNS = 5;

const model = await startInstantModel("done", { tools: true });
const dir = await mkdtemp(join(tmpdir(), "loom-bench-replay-"));
const cwd = await mkdtemp(join(tmpdir(), "loom-bench-replay-cwd-"));
try {
  const rt = await createRuntime({ dataDir: dir, durable: false, config: {}, env: {}, model: { apiKey: "bench", baseURL: model.baseURL } });
  const thread = await rt.startThread({ cwd, approvalPolicy: "never", sandboxPolicy: { type: "danger-full-access" } });
  const t0 = performance.now();
  for (let i = 0; i < TURNS; i++) await thread.run(`turn ${i}: run a command`);
  const live = performance.now() - t0;
  const entries = thread.state.seq;
  const times = [];
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    const report = await replayThread(rt.log, thread.id, {});
    times.push(performance.now() - started);
    if (report.divergence || report.replayed !== entries) {
      console.error("replay diverged:", JSON.stringify(report.divergence));
      process.exitCode = 1;
      break;
    }
  }
  await rt.close();
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(`bench:replay (${TURNS} turns, ${TURNS} shell calls, ${entries} entries; median of ${RUNS} replays)`);
  console.log(`  recording it live (instant fake model, real processes)   ${live.toFixed(0)} ms`);
  console.log(`  replaying it, no divergence                              ${median.toFixed(0)} ms  (${(live / median).toFixed(1)}x faster than live)`);
} finally {
  await model.close();
  await rm(dir, { recursive: true, force: true });
  await rm(cwd, { recursive: true, force: true });
}
