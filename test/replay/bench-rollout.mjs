// Rollout import/export throughput (`node test/replay/bench-rollout.mjs` after a build): a synthetic
// Codex rollout of N turns shaped like the real fixtures (~8 lines a turn), imported from a file into
// LevelDB on disk (durable), then exported. Median of 3 runs; the machine is shared.
import { mkdtemp, rm, writeFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LevelEventLog } from "../../dist/log/index.js";
import { exportRolloutLines, importRollout } from "../../dist/replay/index.js";

const TURNS = Number(process.env.TURNS ?? 12_500);
const RUNS = 3;
const ts = (i) => new Date(Date.UTC(2026, 0, 1) + i).toISOString();

function rollout() {
  const lines = [{ type: "session_meta", payload: { id: "bench", timestamp: ts(0), cwd: "/w", originator: "codex_exec", cli_version: "0.125.0", source: "exec" } }];
  for (let t = 0; t < TURNS; t++) {
    const turn_id = `turn-${t}`;
    lines.push(
      { type: "event_msg", payload: { type: "task_started", turn_id, model_context_window: 258400, collaboration_mode_kind: "default" } },
      { type: "turn_context", payload: { turn_id, cwd: "/w", approval_policy: "never", sandbox_policy: { type: "danger-full-access" }, model: "gpt-5.5", summary: "auto" } },
      { type: "response_item", payload: { type: "message", role: "user", content: [{ type: "input_text", text: `Please do step ${t}.` }] } },
      { type: "event_msg", payload: { type: "user_message", message: `Please do step ${t}.`, images: [], local_images: [], text_elements: [] } },
      { type: "response_item", payload: { type: "function_call", name: "exec_command", arguments: '{"cmd":"echo hi"}', call_id: `call-${t}` } },
      { type: "response_item", payload: { type: "function_call_output", call_id: `call-${t}`, output: "Chunk ID: 1\nWall time: 0.0 seconds\nProcess exited with code 0\nOutput:\nhi\n" } },
      { type: "response_item", payload: { type: "message", role: "assistant", content: [{ type: "output_text", text: `Step ${t} is done.` }] } },
      { type: "event_msg", payload: { type: "task_complete", turn_id, last_agent_message: `Step ${t} is done.` } },
    );
  }
  return lines.map((line, i) => JSON.stringify({ timestamp: ts(i), ...line })).join("\n") + "\n";
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const dir = await mkdtemp(join(tmpdir(), "loom-bench-rollout-"));
try {
  const file = join(dir, "rollout.jsonl");
  await writeFile(file, rollout());
  const { size } = await stat(file);
  const imports = [];
  const exports = [];
  let lines = 0;
  for (let run = 0; run < RUNS; run++) {
    const log = await LevelEventLog.open(join(dir, `log-${run}`));
    let started = performance.now();
    const result = await importRollout(log, { path: file });
    imports.push(performance.now() - started);
    lines = result.imported;
    started = performance.now();
    let n = 0;
    for await (const _ of exportRolloutLines(log, result.threadId)) n++;
    exports.push(performance.now() - started);
    if (n !== lines) throw new Error(`exported ${n} of ${lines} lines`);
    await log.close();
  }
  const mb = size / 1e6;
  console.log(`${lines} lines, ${mb.toFixed(1)} MB`);
  console.log(`import: ${median(imports).toFixed(0)} ms  (${Math.round(lines / (median(imports) / 1000))} lines/s, ${(mb / (median(imports) / 1000)).toFixed(1)} MB/s)`);
  console.log(`export: ${median(exports).toFixed(0)} ms  (${Math.round(lines / (median(exports) / 1000))} lines/s)`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
