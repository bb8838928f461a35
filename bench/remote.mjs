// Reading a held data dir (`npm run bench:remote`): a thread of 100,000 entries read by the process
// that holds the LevelDB log, and by another process through its read endpoint (the Unix socket
// every holder serves); and how long the read commands take to start, against `--version`.
// Each figure is the median of several runs because the machine is shared.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { LevelEventLog, RemoteEventLog, endpointPath } from "../dist/log/index.js";

const RUNS = 5;
const ENTRIES = 100_000;
const BIN = fileURLToPath(new URL("../bin/loom.js", import.meta.url));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dir = await mkdtemp(join(tmpdir(), "loom-bench-remote-"));
const logDir = join(dir, "log");
const holder = await LevelEventLog.open(logDir, { durable: false, serve: { version: "bench" } });
try {
  const thread = await holder.createThread({ id: "bench" });
  const entry = { kind: "event_msg", payload: { type: "agent_message_delta", delta: "Running the tests now to see which one fails." } };
  for (let i = 0; i < ENTRIES; i += 1000) await holder.append(thread.id, Array.from({ length: 1000 }, () => entry));

  const readAll = async (log) => {
    const started = performance.now();
    let n = 0;
    for await (const _ of log.read(thread.id)) n += 1;
    if (n !== ENTRIES) throw new Error(`read ${n} entries`);
    return performance.now() - started;
  };
  const local = [];
  const remote = [];
  const reader = await RemoteEventLog.connect(endpointPath(logDir).socket);
  for (let run = 0; run < RUNS; run++) {
    local.push(await readAll(holder));
    remote.push(await readAll(reader));
  }
  await reader.close();
  const rate = (ms) => `${Math.round(ENTRIES / (ms / 1000)).toLocaleString("en-US")} entries/s`;
  console.log(`read ${ENTRIES.toLocaleString("en-US")} entries (validated), in the holding process: ${rate(median(local))}`);
  console.log(`read ${ENTRIES.toLocaleString("en-US")} entries (validated), through the read endpoint: ${rate(median(remote))}`);

  // Asynchronously: this process holds the data dir and must answer the commands' reads.
  const run = (args) =>
    new Promise((resolve, reject) => {
      const started = performance.now();
      const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (chunk) => (stderr += chunk));
      child.on("exit", (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`loom ${args.join(" ")}: ${stderr}`))));
    });
  const startup = async (args) => {
    const times = [];
    for (let i = 0; i < RUNS; i++) times.push(await run(args));
    return `${Math.round(median(times))} ms`;
  };
  console.log(`loom --version: ${await startup(["--version"])}`);
  console.log(`loom threads, through the endpoint: ${await startup(["threads", "--data-dir", dir])}`);
  console.log(`loom state bench --at 1000, through the endpoint: ${await startup(["state", "bench", "--at", "1000", "--data-dir", dir])}`);
} finally {
  await holder.close();
  await rm(dir, { recursive: true, force: true });
}
