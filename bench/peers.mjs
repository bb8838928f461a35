// bench:peers — the same simulated agent thread (bench/peers/workload.mjs: BENCH_TURNS turns of a
// user message, a host tool call, its 1 KB answer and the final answer) through LangGraph.js (its
// SQLite and PostgreSQL savers) and through Loom (LevelDB and PostgreSQL), in one run. Prints, for
// each: bytes on disk, persistence time per turn at depth 10/100/200, resume, the state at a past
// point (turn N/2), a fork there, a walk through the whole history; then Loom's figures as ratios
// to LangGraph's on the same kind of storage.
//
// PostgreSQL: a server started here the way the tests start it (fsync on), or LOOM_BENCH_POSTGRES=URL
// of a server of yours (a fresh database is created in it for each runtime).
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { startPostgres } from "../test/support/postgres.ts";
import { levelBackend, postgresBackend, runLoom } from "./peers/loom.mjs";
import { postgresSaverBackend, runLangGraph, sqliteBackend } from "./peers/langgraph.mjs";
import { CONTENT_BYTES, TURNS } from "./peers/workload.mjs";

const DEPTHS = [10, 100, 200].filter((d) => d <= TURNS);

/** Bytes of every table and index of `schema` (heap, TOAST, indexes). */
async function relationSize(url, schema) {
  const client = new pg.Client(url);
  await client.connect();
  try {
    await client.query("CHECKPOINT").catch(() => undefined);
    const { rows } = await client.query(
      `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint AS bytes
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'm')`,
      [schema],
    );
    return Number(rows[0].bytes);
  } finally {
    await client.end();
  }
}

async function newDatabase(server, name) {
  if (server) return server.createDatabase(name);
  const base = process.env.LOOM_BENCH_POSTGRES;
  const client = new pg.Client(base);
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}"`);
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Median persistence time of the turns just before `depth` (the 5 turns ending there). */
function atDepth(times, depth) {
  const window = times.slice(Math.max(0, depth - 5), depth).sort((a, b) => a - b);
  return window[Math.floor(window.length / 2)];
}

const load = () => loadavg().map((v) => v.toFixed(1)).join(" ");
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const mb = (bytes) => (bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MB` : kb(bytes));
const ms = (v) => `${v < 10 ? v.toFixed(2) : v.toFixed(1)} ms`;
const ratio = (loom, peer) => {
  const r = loom / peer;
  return r >= 0.1 ? `${r.toFixed(2)}x` : `1/${(peer / loom).toFixed(0)}`;
};

function rows(result) {
  return {
    "bytes on disk, total": mb(result.bytes),
    "bytes on disk per turn": kb(result.bytes / TURNS),
    "bytes / content": `${(result.bytes / CONTENT_BYTES).toFixed(1)}x`,
    ...Object.fromEntries(DEPTHS.map((d) => [`persistence per turn at depth ${d}`, ms(atDepth(result.persist, d))])),
    ...Object.fromEntries(DEPTHS.map((d) => [`whole turn at depth ${d}`, ms(atDepth(result.wall, d))])),
    "resume (cold, state at the head)": ms(result.resume),
    [`state at turn ${Math.floor(TURNS / 2)} (cold)`]: ms(result.past),
    [`fork at turn ${Math.floor(TURNS / 2)}`]: ms(result.fork),
    "full history walk": result.historyCut ? `> ${ms(result.history)} (stopped after ${result.points} points)` : `${ms(result.history)} (${result.points} points)`,
  };
}

const numbers = (result) => ({
  "bytes on disk, total": result.bytes,
  ...Object.fromEntries(DEPTHS.map((d) => [`persistence per turn at depth ${d}`, atDepth(result.persist, d)])),
  ...Object.fromEntries(DEPTHS.map((d) => [`whole turn at depth ${d}`, atDepth(result.wall, d)])),
  "resume (cold, state at the head)": result.resume,
  [`state at turn ${Math.floor(TURNS / 2)} (cold)`]: result.past,
  [`fork at turn ${Math.floor(TURNS / 2)}`]: result.fork,
  "full history walk": result.history,
});

const dir = await mkdtemp(join(tmpdir(), "loom-bench-peers-"));
const server = process.env.LOOM_BENCH_POSTGRES ? undefined : await startPostgres();
const results = {};
const loads = {};
try {
  const pgVersion = execFileSync("sh", ["-c", "ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1"], { encoding: "utf8" }).trim();
  const runs = [
    ["LangGraph SQLite", async () => runLangGraph(await sqliteBackend(join(dir, "langgraph.sqlite")))],
    ["Loom LevelDB", async () => runLoom(await levelBackend(join(dir, "loom-level")), { depths: DEPTHS })],
    ["LangGraph PostgreSQL", async () => runLangGraph(await postgresSaverBackend(await newDatabase(server, `peers_langgraph_${process.pid}`), relationSize))],
    ["Loom PostgreSQL", async () => runLoom(postgresBackend(await newDatabase(server, `peers_loom_${process.pid}`), relationSize), { depths: DEPTHS })],
  ];
  for (const [name, run] of runs) {
    const before = load();
    results[name] = await run();
    loads[name] = `${before} -> ${load()}`;
    process.stderr.write(`${name} done (load ${loads[name]})\n`);
  }
  console.log(`bench:peers — ${TURNS} turns of 4 messages, ${(CONTENT_BYTES / TURNS / 1024).toFixed(2)} KB of content per turn (${mb(CONTENT_BYTES)} in all); PostgreSQL ${pgVersion || "(yours)"}, fsync on`);
  console.log(`load average (1/5/15 min) around each run: ${Object.entries(loads).map(([n, l]) => `${n}: ${l}`).join("; ")}`);
  const names = Object.keys(results);
  const table = Object.fromEntries(names.map((n) => [n, rows(results[n])]));
  const keys = Object.keys(table[names[0]]);
  const width = Math.max(...keys.map((k) => k.length)) + 2;
  const col = 26;
  console.log("\n" + "".padEnd(width) + names.map((n) => n.padEnd(col)).join(""));
  for (const key of keys) console.log(key.padEnd(width) + names.map((n) => table[n][key].padEnd(col)).join(""));
  console.log("\nLoom / LangGraph on the same storage (below 1: Loom is smaller or faster)");
  const pairs = [["Loom LevelDB", "LangGraph SQLite"], ["Loom PostgreSQL", "LangGraph PostgreSQL"]];
  console.log("".padEnd(width) + pairs.map(([a, b]) => `${a} / ${b}`.padEnd(col + 14)).join(""));
  const n = Object.fromEntries(names.map((name) => [name, numbers(results[name])]));
  for (const key of Object.keys(n[names[0]])) {
    console.log(key.padEnd(width) + pairs.map(([a, b]) => ratio(n[a][key], n[b][key]).padEnd(col + 14)).join(""));
  }
} finally {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
}
