/**
 * Three worker processes share one PostgreSQL and run 150 threads with shell calls. One worker is
 * SIGKILLed in the middle of a turn; once its leases expire the two survivors take over its
 * threads (and the jobs it never started). Then: every thread exists once and ends with a completed
 * turn, no acknowledged entry is lost or duplicated, and every thread replays with no divergence.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { PostgresEventLog } from "../../src/log/index.js";
import { formatDivergence, replayThread } from "../../src/replay/reexecute/index.js";
import { foldEntries } from "../../src/state/index.js";
import { startFakeResponses, type FakeResponses, type RecordedRequest, type SseEvent } from "../support/fake-responses.js";
import { evCompleted, evCreated, evFunctionCall, inputItems, textTurn } from "../support/fake-responses.js";
import { startPostgres, type PostgresServer } from "../support/postgres.js";
import { collect } from "../log/entries.js";

const WORKER = fileURLToPath(new URL("./worker.mjs", import.meta.url));
const JOBS = 150;
const STEPS = 1;
/** The job whose first command is slow: the first worker is killed while it runs. */
const TRIGGER = 12;

let pg: PostgresServer;
let model: FakeResponses;
let cwd: string;

beforeAll(async () => {
  pg = await startPostgres();
  model = await startFakeResponses({ handler: answer });
  cwd = await mkdtemp(join(tmpdir(), "loom-workers-"));
}, 120_000);
afterAll(async () => {
  await model?.close();
  await pg?.stop();
  if (cwd) await rm(cwd, { recursive: true, force: true });
});

/**
 * The model, as a function of the conversation: `STEPS` shell calls after each user message, then
 * an answer. Any worker can continue any thread, because nothing but the request decides the reply.
 */
function answer(request: RecordedRequest): SseEvent[] {
  const items = inputItems(request);
  const users = items.filter((item) => item.type === "message" && item.role === "user");
  const text = users.map((item) => item.content.map((part: { text?: string }) => part.text ?? "").join("")).find((t) => t.startsWith("job "));
  const job = Number(/^job (\d+):/.exec(text ?? "")?.[1]);
  const lastUser = items.lastIndexOf(users.at(-1));
  const done = items.slice(lastUser).filter((item) => item.type === "function_call_output").length;
  if (done >= STEPS) return textTurn(`job ${job} finished`);
  const step = done + 1;
  const command = job === TRIGGER && step === 1 && users.length === 1 ? `sleep 3; echo job-${job}-step-${step}` : `echo job-${job}-step-${step}`;
  const id = `resp-${job}-${users.length}-${step}`;
  return [evCreated(id), evFunctionCall(`call-${job}-${users.length}-${step}`, "shell", JSON.stringify({ command: ["bash", "-c", command] })), evCompleted(id)];
}

interface Worker {
  name: string;
  proc: ChildProcess;
  lines: string[];
  /** Resolves with the first line (seen or future) matching. */
  waitFor(pattern: RegExp): Promise<string>;
  send(jobs: number[]): void;
  exited: Promise<NodeJS.Signals | number | null>;
}

function startWorker(name: string, storage: string): Worker {
  const url = `${storage}?worker=${name}&lease_ttl_ms=4000`;
  const proc = spawn(process.execPath, [WORKER, "jobs", url, model.baseURL, cwd], { stdio: ["pipe", "pipe", "pipe"] });
  const lines: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  let stderr = "";
  proc.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: proc.stdout! }).on("line", (line) => {
    lines.push(line);
    for (const waiter of [...waiters]) {
      if (!waiter.pattern.test(line)) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => proc.on("exit", (code, signal) => resolve(signal ?? code)));
  return {
    name,
    proc,
    lines,
    waitFor: (pattern) => {
      const seen = lines.find((line) => pattern.test(line));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ pattern, resolve });
        void exited.then((how) => reject(new Error(`worker ${name} exited (${how}) before printing ${pattern}: ${stderr.slice(-2000)}`)));
      });
    },
    send: (jobs) => proc.stdin!.write(`${JSON.stringify({ jobs })}\n`),
    exited,
  };
}

const jobsOf = (index: number) => Array.from({ length: JOBS / 3 }, (_, i) => index * (JOBS / 3) + i);
const idle = /^idle$/;

it("runs 150 threads on 3 workers, survives one SIGKILLed mid-turn, and loses, duplicates or diverges nothing", async () => {
  const storage = await pg.createDatabase();
  const workers = ["w1", "w2", "w3"].map((name) => startWorker(name, storage));
  try {
    workers.forEach((worker, i) => worker.send(jobsOf(i)));
    // w1 is killed while job TRIGGER's first command runs: that turn is left open in the log.
    await workers[0].waitFor(new RegExp(`^begin ${TRIGGER}$`));
    workers[0].proc.kill("SIGKILL");
    expect(await workers[0].exited).toBe("SIGKILL");
    const ackedByVictim = new Map(
      workers[0].lines.filter((line) => line.startsWith("done ")).map((line) => line.split(" ").slice(1).map(Number) as [number, number]),
    );
    expect(ackedByVictim.has(TRIGGER)).toBe(false);

    // The survivors finish their own jobs, then take the dead worker's over (its leases run out).
    await Promise.all(workers.slice(1).map((worker) => worker.waitFor(idle)));
    const orphaned = jobsOf(0);
    workers[1].lines.length = 0;
    workers[2].lines.length = 0;
    workers[1].send(orphaned.filter((job) => job % 2 === 0));
    workers[2].send(orphaned.filter((job) => job % 2 === 1));
    await Promise.all(workers.slice(1).map((worker) => worker.waitFor(idle)));
    const errors = workers.flatMap((worker) => worker.lines.filter((line) => line.startsWith("error ")));
    expect(errors).toEqual([]);
    const resumed = workers.slice(1).flatMap((worker) => worker.lines.filter((line) => line.startsWith("resumed ")));
    expect(resumed).toContain(`resumed ${TRIGGER} open`);

    const log = await PostgresEventLog.open(storage);
    try {
      const threads = await log.listThreads();
      expect(threads.map((thread) => thread.id).sort()).toEqual(Array.from({ length: JOBS }, (_, job) => `job-${job}`).sort());
      for (const meta of threads) {
        const job = Number(meta.id.slice(4));
        const entries = await collect(log.read(meta.id));
        expect(entries.map((entry) => entry.seq)).toEqual(entries.map((_, i) => i + 1));
        const state = foldEntries(entries);
        expect(state.activeTurn).toBeNull();
        expect(state.turns.at(-1)?.status).toBe("completed");
        const commands = entries.filter((e) => e.kind === "event_msg" && e.payload.type === "exec_command_end").length;
        expect(commands).toBeGreaterThanOrEqual(STEPS);
        // What the dead worker had acknowledged is still there, unchanged.
        const acked = ackedByVictim.get(job);
        if (acked !== undefined) expect(meta.headSeq).toBe(acked);
      }
      // Replay re-executes every thread against its recording (taken-over ones included).
      const reports = await Promise.all(threads.map((meta) => replayThread(log, meta.id)));
      const divergent = reports.flatMap((report, i) => (report.divergence ? [`${threads[i].id}: ${formatDivergence(report.divergence)}`] : []));
      if (divergent.length > 0) {
        const first = divergent[0].split(":")[0];
        const listing = (await collect(log.read(first))).map((e) => `${e.seq} ${e.kind} ${(e.payload as { type?: string }).type ?? ""} ${e.sub ?? ""}`);
        divergent.push(`${first}:\n${listing.join("\n")}`);
      }
      expect(divergent).toEqual([]);
    } finally {
      await log.close();
    }
  } finally {
    for (const worker of workers) {
      worker.proc.stdin!.end();
      worker.proc.kill("SIGTERM");
    }
    await Promise.all(workers.map((worker) => worker.exited));
  }
}, 240_000);
