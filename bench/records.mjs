// bench:records — what the log stores per turn of the bench:peers workload (a host tool call
// answering ~1 KB per turn): each entry of one turn with its record's size, and bytes per entry type
// per turn averaged over the run. `BENCH_TURNS=N` (default 20), `--entries` prints turn 10's entries.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Level } from "level";
import { createRuntime, openEventLog } from "../dist/index.js";
import { CONTENT, TOOL_SPEC, startWorkloadModel } from "./peers/workload.mjs";

const TURNS = Number(process.env.BENCH_TURNS ?? 20);
const dir = await mkdtemp(join(tmpdir(), "loom-bench-records-"));
const model = await startWorkloadModel();
let id;
let content = 0;
const turnStart = [];
try {
  const rt = await createRuntime({ dataDir: dir, durable: true, config: {}, env: {}, model: { apiKey: "bench", baseURL: model.baseURL } });
  try {
    const thread = await rt.startThread({ cwd: dir, approvalPolicy: "never", sandboxPolicy: { type: "read-only" }, dynamicTools: [TOOL_SPEC] });
    id = thread.id;
    thread.events$.subscribe((event) => {
      if (event.msg.type !== "dynamic_tool_call_request") return;
      const turn = Number(event.msg.callId.slice("call_".length));
      void thread.submit({ type: "dynamic_tool_response", id: event.msg.callId, response: { content_items: [{ type: "inputText", text: CONTENT[turn - 1].toolOutput }], success: true } });
    });
    for (let i = 0; i < TURNS; i++) {
      turnStart.push(thread.state.seq + 1);
      await thread.run(CONTENT[i].user);
      const c = CONTENT[i];
      content += Buffer.byteLength(c.user) + Buffer.byteLength(c.args) + Buffer.byteLength(c.toolOutput) + Buffer.byteLength(c.answer);
    }
    turnStart.push(thread.state.seq + 1);
  } finally {
    await rt.close();
  }
  const db = new Level(join(dir, "log"), { valueEncoding: "utf8" });
  await db.open();
  const records = [];
  try {
    for await (const [key, value] of db.iterator({ gt: `!entries!${id}!`, lt: `!entries!${id}!~` })) records.push(value);
  } finally {
    await db.close();
  }
  // Types from the entries as read back (a record may only name an earlier record its payload starts from).
  const types = new Map();
  const log = await openEventLog({ dir: join(dir, "log") });
  try {
    for await (const entry of log.read(id)) types.set(entry.seq, `${entry.kind}:${entry.payload.type ?? entry.payload.op?.type ?? ""}`);
  } finally {
    await log.close();
  }
  const typeOf = (json) => types.get(seqOf(json));
  const seqOf = (json) => { const r = JSON.parse(json); return Array.isArray(r) ? r[0] : r.seq; };
  const perType = new Map();
  let total = 0;
  const from = turnStart[1];
  const to = turnStart[TURNS] - 1;
  for (const json of records) {
    const seq = seqOf(json);
    if (seq < from || seq > to) continue;
    const t = typeOf(json);
    const s = perType.get(t) ?? { count: 0, bytes: 0 };
    s.count++;
    s.bytes += json.length;
    total += json.length;
    perType.set(t, s);
  }
  const turns = TURNS - 1;
  console.log(`log records: ${records.reduce((n, r) => n + r.length, 0)} bytes for ${content} bytes of content (${TURNS} turns): ${(records.reduce((n, r) => n + r.length, 0) / content).toFixed(2)}x`);
  console.log(`per turn (turns 2..${TURNS}): ${(total / turns).toFixed(0)} bytes in ${((to - from + 1) / turns).toFixed(1)} entries; content ${(content / TURNS).toFixed(0)} bytes`);
  for (const [t, s] of [...perType].sort((a, b) => b[1].bytes - a[1].bytes)) {
    console.log(`  ${t.padEnd(44)} ${(s.count / turns).toFixed(1).padStart(5)} entries ${(s.bytes / turns).toFixed(0).padStart(7)} bytes`);
  }
  if (process.argv.includes("--entries")) {
    for (const json of records) {
      const seq = seqOf(json);
      if (seq >= turnStart[9] && seq < turnStart[10]) console.log(`${String(json.length).padStart(6)} ${json}`);
    }
  }
} finally {
  await model.close();
  await rm(dir, { recursive: true, force: true });
}
