#!/usr/bin/env node
/**
 * How fast the inspector opens a long thread (`npm run bench:inspector`, which builds first).
 *
 * Builds a 100,000-entry thread in a LevelDB data dir (Codex-like turns: context, reasoning, shell
 * calls with output, streamed answers, token counts, an auto-compaction every 12 turns; snapshots
 * every 500 entries as the runtime writes them), then serves it with `loom serve`'s server and measures, medians of several runs:
 *   API      first render: the requests the page makes to open a thread (thread, the last page of
 *            rows, the state at the head) in parallel; state at a random seq (GET /state?at=).
 *   browser  first render: navigation start to the first rows of the timeline on screen, in
 *            Debian's Chromium (a fresh page each time), and opening the thread in the loaded
 *            page (from another thread); state at a random seq: the seq typed in,
 *            to the frame that paints the state panel at that seq; and to the frame that paints
 *            the timeline's row at that seq, selected and loaded.
 * Goals: first render under 200 ms, state at a random seq under 50 ms. On a shared machine wall times
 * stretch with the load, so the state at a random seq is also given as CPU time: this process's
 * (the server's work; the bench's own requests are a small part) and, in the browser, the page's
 * main thread (CDP's TaskDuration) plus the server's, for the same scrub.
 * Options: --entries N (default 100000), --runs N (default 7); KEEP=1 keeps the data dir (its path
 * is printed) to look at it with `loom serve --data-dir`; --profile DIR writes CPU profiles of the
 * scrubs of the first page (server.cpuprofile: this process, which runs the server; browser.cpuprofile:
 * the page, through CDP) and prints the functions that took the most time in each; --trace FILE
 * writes a Chromium trace of the first page (open it in Perfetto or chrome://tracing).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { chromium } from "playwright-core";
import { LevelEventLog } from "../dist/log/index.js";
import { ThreadStateStore } from "../dist/runtime/state-store.js";
import { createRuntime } from "../dist/runtime/runtime.js";
import { startServer } from "../dist/server/index.js";
import { buildCompactedHistory, collectUserMessages, evolve, initialState, summaryText } from "../dist/state/index.js";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const ENTRIES = option("entries", 100_000);
const PROFILE_DIR = args.includes("--profile") ? args[args.indexOf("--profile") + 1] : null;
const TRACE_FILE = args.includes("--trace") ? args[args.indexOf("--trace") + 1] : null;
const RUNS = option("runs", 7);
const TOKEN = "bench-token";
// The same switches as test/support/browser.ts: keep Chromium off the network on a closed machine.
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--disable-features=PreloadTopChromeWebUI,WebUIOmniboxPopup"];

let seed = 11;
const random = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
const WORDS = ["const", "value", "return", "thread", "state", "await", "import", "error", "test", "log", "=>", "{", "}"];
const text = (n) => {
  let out = "";
  while (out.length < n) out += WORDS[Math.floor(random() * WORDS.length)] + (random() < 0.1 ? "\n" : " ");
  return out.slice(0, n);
};
const usage = (n) => ({ input_tokens: n, cached_input_tokens: Math.floor(n * 0.8), output_tokens: 300, reasoning_output_tokens: 100, total_tokens: n + 300 });
const ev = (payload) => ({ kind: "event_msg", payload });
const ri = (payload) => ({ kind: "response_item", payload });

/** One user turn as Codex logs it; every 12th starts with an auto-compaction, so the history stays bounded. */
function turn(n, history) {
  const turnId = `turn-${n}`;
  const out = [
    { kind: "submission", payload: { id: turnId, op: { type: "user_input", items: [{ type: "text", text: `task ${n}: ${text(120)}` }] } } },
    ev({ type: "task_started", turn_id: turnId, model_context_window: 258400 }),
  ];
  if (n % 12 === 0) {
    const summary = summaryText(text(2000));
    out.push({ kind: "compacted", payload: { message: summary, replacement_history: buildCompactedHistory([], collectUserMessages(history), summary) } }, ev({ type: "context_compacted" }));
  }
  out.push(
    { kind: "turn_context", payload: { turn_id: turnId, cwd: "/repo", approval_policy: "on-request", sandbox_policy: { type: "workspace-write" }, model: "gpt-5.5", summary: "auto" } },
    ri({ type: "message", role: "user", content: [{ type: "input_text", text: `task ${n}: ${text(120)}` }] }),
    ev({ type: "user_message", message: `task ${n}` }),
  );
  for (let s = 0; s < 3; s++) {
    const callId = `call-${n}-${s}`;
    const output = text(400 + Math.floor(random() * 800));
    out.push(
      ri({ type: "reasoning", summary: [{ type: "summary_text", text: text(100) }], encrypted_content: text(600) }),
      ri({ type: "function_call", name: "shell", arguments: JSON.stringify({ command: ["rg", text(10)] }), call_id: callId }),
      ev({ type: "exec_command_begin", call_id: callId, turn_id: turnId, command: ["rg", "x"], cwd: "/repo", parsed_cmd: [] }),
      ev({ type: "exec_command_end", call_id: callId, turn_id: turnId, command: ["rg", "x"], cwd: "/repo", parsed_cmd: [], stdout: output, stderr: "", aggregated_output: output, exit_code: 0, duration: { secs: 0, nanos: 1e6 }, formatted_output: output }),
      ri({ type: "function_call_output", call_id: callId, output }),
      ev({ type: "token_count", info: { total_token_usage: usage(20000 + n), last_token_usage: usage(20000), model_context_window: 258400 } }),
    );
  }
  const answer = text(300);
  for (let d = 0; d < 5; d++) out.push(ev({ type: "agent_message_delta", delta: answer.slice(d * 60, d * 60 + 60) }));
  out.push(ev({ type: "agent_message", message: answer }), ri({ type: "message", role: "assistant", content: [{ type: "output_text", text: answer }] }));
  out.push(ev({ type: "task_complete", turn_id: turnId, last_agent_message: answer }));
  return out;
}

async function buildThread(dir, entries) {
  const log = await LevelEventLog.open(join(dir, "log"), { durable: false });
  const { id } = await log.createThread({ name: `bench ${entries.toLocaleString("en-US")} entries` });
  const store = new ThreadStateStore(log, { snapshotEvery: 500 });
  let head = initialState(id);
  await log.append(id, [{ kind: "session_meta", payload: { id, timestamp: new Date().toISOString(), cwd: "/repo", originator: "bench", cli_version: "0" } }]);
  head = { ...head, seq: 1 };
  for (let n = 1; head.seq < entries; n++) {
    let batch = turn(n, head.history);
    if (head.seq + batch.length > entries) batch = batch.slice(0, entries - head.seq);
    for (const entry of await log.append(id, batch)) {
      head = evolve(head, entry);
      await store.maybeSnapshot(id, head);
    }
  }
  // A second, small thread: the page switches from it to the long one (time to open a thread).
  const other = await log.createThread({ name: "small" });
  await log.append(other.id, [{ kind: "session_meta", payload: { id: other.id, timestamp: new Date().toISOString(), cwd: "/repo", originator: "bench", cli_version: "0" } }]);
  await log.close();
  return { id, otherId: other.id };
}

/** CPU profiles of this process (the server) and of the page, from now until `stop()`. */
async function startProfiles(page) {
  const { Session } = await import("node:inspector/promises");
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 100 });
  await session.post("Profiler.start");
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 100 });
  await cdp.send("Profiler.start");
  return {
    async stop() {
      const { writeFile, mkdir } = await import("node:fs/promises");
      await mkdir(PROFILE_DIR, { recursive: true });
      for (const [name, profile] of [["server", (await session.post("Profiler.stop")).profile], ["browser", (await cdp.send("Profiler.stop")).profile]]) {
        await writeFile(join(PROFILE_DIR, `${name}.cpuprofile`), JSON.stringify(profile));
        console.log(`\n${name} profile (${join(PROFILE_DIR, `${name}.cpuprofile`)}), self time:`);
        for (const [fn, ms] of topFunctions(profile).slice(0, 15)) console.log(`  ${ms.toFixed(1).padStart(7)} ms  ${fn}`);
      }
      session.disconnect();
    },
  };
}

/** Self time per function (name and file:line) in a V8 CPU profile, largest first. */
function topFunctions(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  profile.samples.forEach((id, i) => {
    const { callFrame } = byId.get(id);
    const key = `${callFrame.functionName || "(anonymous)"} ${callFrame.url.split("/").slice(-2).join("/")}:${callFrame.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...self].sort((a, b) => b[1] - a[1]);
}

const cpuMs = ({ user, system }) => (user + system) / 1000;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fmt = (ms) => `${ms.toFixed(1)} ms`;

async function main() {
  const dir = await mkdtemp(join(tmpdir(), "loom-bench-inspector-"));
  let rt, server, browser;
  try {
    const started = performance.now();
    const { id, otherId } = await buildThread(dir, ENTRIES);
    console.error(`built ${ENTRIES} entries in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    rt = await createRuntime({ dataDir: dir, durable: false, config: {}, env: {} });
    server = await startServer({ runtime: rt, token: TOKEN });
    const get = async (path) => {
      const res = await fetch(new URL(path, server.url), { headers: { authorization: `Bearer ${TOKEN}` } });
      if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
      return res.json();
    };
    const timed = async (fn) => {
      const t0 = performance.now();
      await fn();
      return performance.now() - t0;
    };
    const openThread = () => Promise.all([get(`/api/threads/${id}`), get(`/api/threads/${id}/entries?view=summary&order=desc&limit=200`), get(`/api/threads/${id}/state?at=${ENTRIES}`)]);
    const coldOpen = await timed(openThread);
    const opens = [];
    for (let i = 0; i < RUNS; i++) opens.push(await timed(openThread));
    const states = [];
    const stateCpus = [];
    for (let i = 0; i < RUNS * 3; i++) {
      const seq = 1 + Math.floor(random() * ENTRIES);
      const cpu = process.cpuUsage();
      states.push(await timed(() => get(`/api/threads/${id}/state?at=${seq}`)));
      stateCpus.push(cpuMs(process.cpuUsage(cpu)));
    }

    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", headless: true, args: CHROMIUM_ARGS });
    const renders = [];
    const switches = [];
    const scrubs = [];
    const timelines = [];
    const scrubCpus = [];
    for (let i = 0; i < RUNS; i++) {
      const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
      const tracing = TRACE_FILE && i === 0;
      if (tracing) await browser.startTracing(page, { categories: ["devtools.timeline", "disabled-by-default-devtools.timeline", "blink.user_timing", "v8.execute"] });
      await page.goto(`${server.url}#token=${TOKEN}&/t/${id}`);
      await page.waitForSelector('.timeline[data-ready="1"]');
      renders.push(await page.evaluate(() => performance.getEntriesByName("loom:timeline-ready")[0].startTime));
      await page.waitForSelector(`[data-state-seq="${ENTRIES}"]`);
      // From the small thread to the long one in the loaded page: the hash changes, the rows show.
      await page.evaluate((small) => (location.hash = `#/t/${small}`), otherId);
      await page.waitForFunction(() => performance.getEntriesByName("loom:timeline-ready").length === 2);
      switches.push(
        await page.evaluate(async (big) => {
          const t0 = performance.now();
          location.hash = `#/t/${big}`;
          await new Promise((resolve) => {
            const check = () => (performance.getEntriesByName("loom:timeline-ready").length === 3 ? resolve() : setTimeout(check, 1));
            check();
          });
          return performance.getEntriesByName("loom:timeline-ready")[2].startTime - t0;
        }, id),
      );
      await page.waitForSelector(`[data-state-seq="${ENTRIES}"]`);
      const profiling = PROFILE_DIR && i === 0 ? await startProfiles(page) : null;
      const cdp = await page.context().newCDPSession(page);
      await cdp.send("Performance.enable");
      const pageBusy = async () => (await cdp.send("Performance.getMetrics")).metrics.find((m) => m.name === "TaskDuration").value * 1000;
      for (let j = 0; j < 3; j++) {
        const seq = 1 + Math.floor(random() * ENTRIES);
        const busy = await pageBusy();
        const cpu = process.cpuUsage();
        const { state: stateMs, timeline: timelineMs } = await page.evaluate(async (target) => {
          const input = document.querySelector('input[aria-label="seq"]');
          const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;
          // Until the predicate holds, then until the frame that shows it is painted.
          const until = (holds) =>
            new Promise((resolve) => {
              const painted = () => requestAnimationFrame(() => setTimeout(resolve, 0));
              if (holds()) return painted();
              const observer = new MutationObserver(() => holds() && (observer.disconnect(), painted()));
              observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
            });
          performance.mark("loom:scrub");
          const t0 = performance.now();
          setValue.call(input, String(target));
          input.dispatchEvent(new Event("input", { bubbles: true }));
          await until(() => document.querySelector(`[data-state-seq="${target}"]`));
          const state = performance.now() - t0;
          performance.mark("loom:state-shown");
          // The timeline at the seq: its row selected, with its entry loaded.
          await until(() => document.querySelector(`#row-${target}.selected .kind`));
          return { state, timeline: performance.now() - t0 };
        }, seq);
        scrubs.push(stateMs);
        timelines.push(timelineMs);
        const server = cpuMs(process.cpuUsage(cpu));
        scrubCpus.push({ page: (await pageBusy()) - busy, server });
      }
      if (profiling) await profiling.stop();
      if (tracing) {
        (await import("node:fs")).writeFileSync(TRACE_FILE, await browser.stopTracing());
        console.log(`\ntrace of the first page (load and scrubs; marks loom:scrub and loom:state-shown): ${TRACE_FILE}`);
      }
      await page.close();
    }
    console.log(`\nInspector on a ${ENTRIES.toLocaleString("en-US")}-entry thread (LevelDB, snapshots every 500; medians of ${RUNS} runs)\n`);
    console.log(`API      first render (thread + last 200 rows + state at head):       ${fmt(median(opens))} (cold, first request: ${fmt(coldOpen)})`);
    console.log(`API      state at a random seq:                                       ${fmt(median(states))} (CPU: ${fmt(median(stateCpus))})`);
    console.log(`browser  first render, page load (navigation to the timeline's rows): ${fmt(median(renders))}`);
    console.log(`browser  first render, opening the thread in the loaded page:        ${fmt(median(switches))}`);
    const pageCpu = median(scrubCpus.map((c) => c.page));
    const serverCpu = median(scrubCpus.map((c) => c.server));
    console.log(`browser  state at a random seq (typed in to painted):                 ${fmt(median(scrubs))} (CPU: page ${fmt(pageCpu)} + server ${fmt(serverCpu)})`);
    console.log(`browser  the timeline at that seq (its row selected, loaded, painted):  ${fmt(median(timelines))}`);
    console.log("\ngoals: first render < 200 ms, state at a random seq < 50 ms");
    console.log(`load average while measured: ${(await import("node:os")).loadavg().map((l) => l.toFixed(1)).join(", ")} on ${(await import("node:os")).cpus().length} cores`);
  } finally {
    await browser?.close();
    await server?.close();
    await rt?.close();
    if (!process.env.KEEP) await rm(dir, { recursive: true, force: true }); else console.error(dir);
  }
}

await main();
