// Writes test/fixtures/log-v2/: the raw LevelDB records of a data dir written by the record codec of
// commit ed73951 (version 2 records: long strings once per 64 seqs; version 1 for none), and the
// entries that commit read back from them. Run from a checkout of that commit after `npm run build`:
//   node scripts/log-fixtures/old-records.mjs test/fixtures/log-v2
// test/log/old-records.test.ts loads the records into a fresh LevelDB and reads them with today's code.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Level } from "level";
import { createRuntime, openEventLog } from "../../dist/index.js";
import { CONTENT, TOOL_SPEC, startWorkloadModel } from "../../bench/peers/workload.mjs";

const out = process.argv[2];
if (!out) throw new Error("usage: old-records.mjs OUT_DIR");
const dir = await mkdtemp(join(tmpdir(), "loom-old-records-"));
const model = await startWorkloadModel();
try {
  const rt = await createRuntime({ dataDir: dir, durable: false, config: {}, env: {}, model: { apiKey: "fixture", baseURL: model.baseURL } });
  let id;
  try {
    const thread = await rt.startThread({ cwd: "/tmp", approvalPolicy: "never", sandboxPolicy: { type: "read-only" }, dynamicTools: [TOOL_SPEC] });
    id = thread.id;
    thread.events$.subscribe((event) => {
      if (event.msg.type !== "dynamic_tool_call_request") return;
      const turn = Number(event.msg.callId.slice("call_".length));
      void thread.submit({ type: "dynamic_tool_response", id: event.msg.callId, response: { content_items: [{ type: "inputText", text: CONTENT[turn - 1].toolOutput }], success: true } });
    });
    for (let i = 0; i < 4; i++) await thread.run(CONTENT[i].user);
  } finally {
    await rt.close();
  }
  const db = new Level(join(dir, "log"), { valueEncoding: "utf8" });
  const records = [];
  try {
    // Thread records and entries; snapshots are another branch's format and not needed to read the log.
    for await (const [key, value] of db.iterator()) if (!key.startsWith("!snapshots!")) records.push([key, value]);
  } finally {
    await db.close();
  }
  const log = await openEventLog({ dir: join(dir, "log") });
  const entries = [];
  try {
    for await (const entry of log.read(id)) entries.push(entry);
  } finally {
    await log.close();
  }
  await writeFile(join(out, "records.json"), JSON.stringify({ threadId: id, records }, null, 1) + "\n");
  await writeFile(join(out, "entries.json"), JSON.stringify(entries, null, 1) + "\n");
  console.log(`${records.length} records, ${entries.length} entries of thread ${id}`);
} finally {
  await model.close();
  await rm(dir, { recursive: true, force: true });
}
