// The peer workload through Loom: one thread whose model calls the host tool `lookup` each turn, the
// host answering from the workload. The log is opened here and wrapped, so the time spent in its
// writes (append, snapshots, thread records) is measured apart from the rest of the turn.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRuntime, foldEntries, LevelEventLog, PostgresEventLog } from "../../dist/index.js";
import { CONTENT, TOOL_SPEC, TURNS, startWorkloadModel } from "./workload.mjs";

const WRITES = new Set(["append", "putSnapshot", "createThread", "updateThread", "fork"]);

/** The log with the time of each write call added to `timer.ms` (methods run on the real object: private fields). */
function timed(log, timer) {
  return new Proxy(log, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== "function") return value;
      if (!WRITES.has(prop)) return value.bind(target);
      return async (...args) => {
        if (timer.inflight++ === 0) timer.since = performance.now();
        try {
          return await value.apply(target, args);
        } finally {
          // Calls that overlap count once: the time during which any write was in flight.
          if (--timer.inflight === 0) timer.ms += performance.now() - timer.since;
        }
      };
    },
  });
}

/**
 * Runs the workload on a backend: `{ open(): Promise<EventLog>, size(): Promise<number> }`.
 * Returns per-turn persistence and wall times, and the seqs where each turn ended.
 */
export async function runLoom(backend, { depths }) {
  const model = await startWorkloadModel();
  const cwd = await mkdtemp(join(tmpdir(), "loom-peers-cwd-"));
  const timer = { ms: 0, inflight: 0, since: 0 };
  const log = await backend.open();
  const rt = await createRuntime({ log: timed(log, timer), config: {}, env: {}, model: { apiKey: "bench", baseURL: model.baseURL } });
  const persist = [];
  const wall = [];
  const turnEnds = [];
  let threadId;
  try {
    const thread = await rt.startThread({ cwd, approvalPolicy: "never", sandboxPolicy: { type: "read-only" }, dynamicTools: [TOOL_SPEC] });
    threadId = thread.id;
    thread.events$.subscribe((event) => {
      if (event.msg.type !== "dynamic_tool_call_request") return;
      const turn = Number(event.msg.callId.slice("call_".length));
      void thread.submit({ type: "dynamic_tool_response", id: event.msg.callId, response: { content_items: [{ type: "inputText", text: CONTENT[turn - 1].toolOutput }], success: true } });
    });
    for (let i = 0; i < TURNS; i++) {
      timer.ms = 0;
      const t0 = performance.now();
      await thread.run(CONTENT[i].user);
      wall.push(performance.now() - t0);
      persist.push(timer.ms);
      turnEnds.push(thread.state.seq);
    }
  } finally {
    await rt.close();
    await log.close();
    await model.close();
    await rm(cwd, { recursive: true, force: true });
  }
  const bytes = await backend.size();

  // Cold: a new log object and runtime on the same storage, as after a restart.
  const measureCold = async (fn) => {
    const log2 = await backend.open();
    const rt2 = await createRuntime({ log: log2, config: {}, env: {}, model: { apiKey: "bench", baseURL: "http://127.0.0.1:9/v1" } });
    try {
      return await fn(rt2, log2);
    } finally {
      await rt2.close();
      await log2.close();
    }
  };
  const resume = await measureCold(async (rt2) => {
    const t0 = performance.now();
    const thread = await rt2.resumeThread(threadId);
    const ms = performance.now() - t0;
    if (thread.state.turns.length !== TURNS) throw new Error(`resumed ${thread.state.turns.length} turns, expected ${TURNS}`);
    return ms;
  });
  const pastSeq = turnEnds[Math.floor(TURNS / 2) - 1];
  const past = await measureCold(async (rt2) => {
    const thread = await rt2.resumeThread(threadId);
    const t0 = performance.now();
    const state = await thread.stateAt(pastSeq);
    const ms = performance.now() - t0;
    if (state.turns.length !== Math.floor(TURNS / 2)) throw new Error(`state at ${pastSeq} has ${state.turns.length} turns`);
    return ms;
  });
  const fork = await measureCold(async (rt2) => {
    const t0 = performance.now();
    const child = await rt2.forkThread(threadId, { atSeq: pastSeq });
    const ms = performance.now() - t0;
    if (child.state.turns.length !== Math.floor(TURNS / 2)) throw new Error(`fork has ${child.state.turns.length} turns`);
    return ms;
  });
  // Every point of the history, as LangGraph's getStateHistory gives every checkpoint: read the
  // whole log and fold it, the state after each entry passing by.
  const history = await measureCold(async (_rt2, log2) => {
    const t0 = performance.now();
    const entries = [];
    for await (const entry of log2.read(threadId)) entries.push(entry);
    const state = foldEntries(entries);
    const ms = performance.now() - t0;
    if (state.turns.length !== TURNS) throw new Error(`history walk folded ${state.turns.length} turns`);
    return { ms, points: entries.length };
  });
  return { persist, wall, bytes, resume, past, fork, history: history.ms, points: history.points, depths };
}

/** LevelDB in a fresh directory; its size is every file LevelDB left there. */
export async function levelBackend(dir) {
  const { statSync, readdirSync } = await import("node:fs");
  return {
    name: "Loom, LevelDB",
    open: () => LevelEventLog.open(dir, { durable: true }),
    async size() {
      return readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
    },
  };
}

/** PostgreSQL: a fresh database; its size is the tables and indexes of Loom's schema. */
export function postgresBackend(url, relationSize) {
  return {
    name: "Loom, PostgreSQL",
    open: () => PostgresEventLog.open(url),
    size: () => relationSize(url, "loom"),
  };
}
