// The peer workload through LangGraph.js: the usual agent graph (an `agent` node that calls the
// tool or answers, a `tools` node answering the host tool), MessagesAnnotation state, one thread,
// checkpointed by a saver. The saver is wrapped so the time spent in its calls is measured apart.
import { statSync, existsSync } from "node:fs";
import { AIMessage, ToolMessage, HumanMessage } from "@langchain/core/messages";
import { END, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";
import { CONTENT, TOOL_NAME, TURNS, turnOf } from "./workload.mjs";

const THREAD = { configurable: { thread_id: "bench-thread" } };
/** Longest a history walk may take before it is stopped (BENCH_HISTORY_LIMIT_S, default 120 s). */
const HISTORY_LIMIT_MS = 1000 * Number(process.env.BENCH_HISTORY_LIMIT_S ?? 120);

function buildGraph(checkpointer) {
  const agent = (state) => {
    const last = state.messages.at(-1);
    const human = state.messages.findLast((m) => HumanMessage.isInstance(m));
    const content = CONTENT[turnOf(String(human.content)) - 1];
    if (HumanMessage.isInstance(last)) {
      const turn = turnOf(String(last.content));
      return { messages: [new AIMessage({ content: "", tool_calls: [{ id: `call_${turn}`, name: TOOL_NAME, args: JSON.parse(content.args), type: "tool_call" }] })] };
    }
    return { messages: [new AIMessage(content.answer)] };
  };
  const tools = (state) => {
    const call = state.messages.at(-1).tool_calls[0];
    const turn = Number(call.id.slice("call_".length));
    return { messages: [new ToolMessage({ tool_call_id: call.id, content: CONTENT[turn - 1].toolOutput })] };
  };
  return new StateGraph(MessagesAnnotation)
    .addNode("agent", agent)
    .addNode("tools", tools)
    .addEdge(START, "agent")
    .addConditionalEdges("agent", (state) => (state.messages.at(-1).tool_calls?.length ? "tools" : END), ["tools", END])
    .addEdge("tools", "agent")
    .compile({ checkpointer });
}

/** The saver's storage calls (getNextVersion and the like are synchronous and not storage). */
const TIMED = new Set(["getTuple", "put", "putWrites"]);

/** The saver with the time of each call added to `timer.ms`, and the config of each `put` kept. */
function timed(saver, timer, puts) {
  return new Proxy(saver, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== "function") return value;
      if (!TIMED.has(prop)) return value.bind(target);
      return async (...args) => {
        if (timer.inflight++ === 0) timer.since = performance.now();
        try {
          const result = await value.apply(target, args);
          if (prop === "put") puts.push(result);
          return result;
        } finally {
          // Calls that overlap count once: the time during which any write was in flight.
          if (--timer.inflight === 0) timer.ms += performance.now() - timer.since;
        }
      };
    },
  });
}

/** Runs the workload on `backend`: `{ open(): Promise<saver>, close(saver), size(): Promise<number> }`. */
export async function runLangGraph(backend) {
  const timer = { ms: 0, inflight: 0, since: 0 };
  const puts = [];
  const saver = await backend.open();
  const graph = buildGraph(timed(saver, timer, puts));
  const persist = [];
  const wall = [];
  const turnEnds = [];
  try {
    for (let i = 0; i < TURNS; i++) {
      timer.ms = 0;
      const t0 = performance.now();
      await graph.invoke({ messages: [new HumanMessage(CONTENT[i].user)] }, THREAD);
      wall.push(performance.now() - t0);
      persist.push(timer.ms);
      turnEnds.push(puts.at(-1));
    }
  } finally {
    await backend.close(saver);
  }
  const bytes = await backend.size();

  const measureCold = async (fn) => {
    const saver2 = await backend.open();
    try {
      return await fn(buildGraph(saver2));
    } finally {
      await backend.close(saver2);
    }
  };
  const resume = await measureCold(async (graph2) => {
    const t0 = performance.now();
    const state = await graph2.getState(THREAD);
    const ms = performance.now() - t0;
    if (state.values.messages.length !== 4 * TURNS) throw new Error(`resumed ${state.values.messages.length} messages`);
    return ms;
  });
  const pastConfig = turnEnds[Math.floor(TURNS / 2) - 1];
  const past = await measureCold(async (graph2) => {
    const t0 = performance.now();
    const state = await graph2.getState(pastConfig);
    const ms = performance.now() - t0;
    if (state.values.messages.length !== 4 * Math.floor(TURNS / 2)) throw new Error(`past state has ${state.values.messages.length} messages`);
    return ms;
  });
  // LangGraph's fork: a new checkpoint branching off the past one (time travel's `updateState`).
  const fork = await measureCold(async (graph2) => {
    const t0 = performance.now();
    const forked = await graph2.updateState(pastConfig, { messages: [] }, "agent");
    const ms = performance.now() - t0;
    const state = await graph2.getState(forked);
    if (state.values.messages.length !== 4 * Math.floor(TURNS / 2)) throw new Error(`fork has ${state.values.messages.length} messages`);
    return ms;
  });
  const history = await measureCold(async (graph2) => {
    const t0 = performance.now();
    let points = 0;
    let cut = false;
    for await (const snapshot of graph2.getStateHistory(THREAD)) {
      if (snapshot.values.messages === undefined && points > 0) throw new Error("a checkpoint without messages");
      points += 1;
      // A walk that would take many minutes is stopped: the figure is then a lower bound.
      if (performance.now() - t0 > HISTORY_LIMIT_MS) {
        cut = true;
        break;
      }
    }
    return { ms: performance.now() - t0, points, cut };
  });
  return { persist, wall, bytes, resume, past, fork, history: history.ms, points: history.points, historyCut: history.cut };
}

/** SQLite in one file (WAL mode: the file, its -wal and -shm all count). */
export async function sqliteBackend(path) {
  const { SqliteSaver } = await import("@langchain/langgraph-checkpoint-sqlite");
  return {
    name: "LangGraph, SqliteSaver",
    open: async () => SqliteSaver.fromConnString(path),
    close: async (saver) => saver.db.close(),
    async size() {
      return ["", "-wal", "-shm"].reduce((sum, ext) => sum + (existsSync(path + ext) ? statSync(path + ext).size : 0), 0);
    },
  };
}

/** PostgreSQL: a fresh database; its size is the saver's tables and indexes. */
export async function postgresSaverBackend(url, relationSize) {
  const { PostgresSaver } = await import("@langchain/langgraph-checkpoint-postgres");
  return {
    name: "LangGraph, PostgresSaver",
    async open() {
      const saver = PostgresSaver.fromConnString(url);
      await saver.setup();
      return saver;
    },
    close: (saver) => saver.end(),
    size: () => relationSize(url, "public"),
  };
}
