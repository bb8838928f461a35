/**
 * The crash campaign: a real `loom proto` child drives a thread through turns with shell calls,
 * steering input, approvals and the odd interrupt, and is killed with SIGKILL at random moments;
 * the thread is resumed (by `proto --thread` again, and at the end in-process until it is idle),
 * and then checked:
 *   - no logged input lost: every `user_input` in the log reached the model (its `user_message`
 *     follows it) or was answered by an `error` event with its id;
 *   - no command ran twice: each call's command appends its call id to runs.log once, and begins
 *     (`exec_command_begin`) at most once;
 *   - an approval is honoured: an approved call whose turn completed did run;
 *   - the thread replays with no divergence.
 * Decisions come from a seeded generator; the timing of kills is the operating system's.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRuntime, type Runtime } from "../../src/runtime/runtime.js";
import type { LogEntry, ReviewDecision } from "../../src/events/index.js";
import { formatDivergence, replayThread } from "../../src/replay/reexecute/index.js";
import { startFakeResponses, evCompleted, evCreated, evFunctionCall, textTurn, type FakeResponses, type RecordedRequest } from "../support/fake-responses.js";
import { spawnLoom, type LoomProcess } from "../support/cli.js";

export interface CampaignOptions {
  runs: number;
  seed: number;
  /** Killed lives per run, at most (each run also ends with an in-process resume). */
  maxKills?: number;
  /** Progress lines (one per run). */
  report?: (line: string) => void;
}

export interface CampaignStats {
  runs: number;
  kills: number;
  /** Kills that left a turn open in the log. */
  killsInTurn: number;
  /** Kills that left logged input no turn had taken. */
  killsWithPendingInput: number;
  /** Kills that left an approval answered whose command had not begun. */
  killsWithAnsweredApproval: number;
  inputs: number;
  delivered: number;
  /** Inputs answered with an error saying why they did not run (interrupted, ...). */
  refused: number;
  lost: number;
  commands: number;
  ranTwice: number;
  approvals: number;
  approvedNotRun: number;
  replays: number;
  /** One line per problem found (empty when the campaign passed). */
  problems: string[];
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The model: a user message gets a shell call (sometimes one that asks to run outside the
 * sandbox, so it needs an approval); a tool output gets another call or a final answer. Replies
 * are delayed a little, so kills land while the model "thinks" too.
 */
function modelFor(random: () => number) {
  let calls = 0;
  return async (request: RecordedRequest) => {
    const input: any[] = Array.isArray(request.body?.input) ? request.body.input : [];
    const last = input.at(-1);
    await sleep(Math.floor(random() * 60));
    const toolOutput = last?.type === "function_call_output";
    if (toolOutput && random() < 0.6) return textTurn(`done after ${last.call_id}`);
    calls += 1;
    const callId = `call_${request.index}_${calls}`;
    const escalate = random() < 0.45;
    const pause = (random() * 0.3).toFixed(2);
    const args = {
      command: ["bash", "-c", `echo ${callId} >> runs.log; sleep ${pause}`],
      ...(escalate ? { sandbox_permissions: "require_escalated", justification: "campaign" } : {}),
    };
    return [evCreated(`r_${callId}`), evFunctionCall(callId, "shell", JSON.stringify(args)), evCompleted(`r_${callId}`)];
  };
}

interface RunContext {
  random: () => number;
  server: FakeResponses;
  dataDir: string;
  cwd: string;
  env: Record<string, string>;
  inputs: number;
  run: number;
}

/** One life of `loom proto`: drives the thread, then is killed (or dies by itself). */
async function killedLife(ctx: RunContext, threadId: string | undefined): Promise<string> {
  const { random } = ctx;
  const args = ["proto", "--data-dir", ctx.dataDir, "--cwd", ctx.cwd, "--approval-policy", "on-request"];
  const loom: LoomProcess = spawnLoom(threadId ? [...args, "--thread", threadId] : args, ctx.env);
  // The child may be dead already (killed by us): a write then fails, which is no news.
  loom.child.stdin.on("error", () => undefined);
  const send = (op: unknown, id?: string) => {
    if (!loom.child.stdin.destroyed && loom.child.exitCode === null && loom.child.signalCode === null) {
      loom.child.stdin.write(`${JSON.stringify({ id, op })}\n`);
    }
  };
  const say = () => {
    ctx.inputs += 1;
    send({ type: "user_input", items: [{ type: "text", text: `task ${ctx.run}.${ctx.inputs}` }] });
    maybeKillSoon();
  };
  let killAfter = 3 + Math.floor(random() * 70);
  // Kills aimed at the moments that matter: just after input or an answer was sent.
  const maybeKillSoon = () => {
    if (random() < 0.3) killAfter = Math.min(killAfter, seen + Math.floor(random() * 4));
  };
  let seen = 0;
  let id = threadId;
  const kill = () => {
    if (loom.child.exitCode === null && loom.child.signalCode === null) loom.child.kill("SIGKILL");
  };
  // However the events go, the life ends: a quiet thread is killed after a while too.
  let fallback: NodeJS.Timeout | undefined;
  const watch = (event: any) => {
    seen += 1;
    const msg = event?.msg;
    if (msg?.type === "session_configured") {
      id = msg.session_id;
      fallback = setTimeout(kill, 200 + Math.floor(random() * 1500));
      if (!threadId || random() < 0.5) say();
    } else if (msg?.type === "exec_approval_request") {
      const r = random();
      const decision: ReviewDecision = r < 0.6 ? "approved" : r < 0.75 ? "approved_for_session" : r < 0.95 ? "denied" : "abort";
      const answer = () => {
        send({ type: "exec_approval", id: msg.approval_id ?? msg.call_id, decision });
        maybeKillSoon();
        if (seen >= killAfter) kill();
      };
      if (random() < 0.5) answer();
      else setTimeout(answer, Math.floor(random() * 40));
    } else if ((msg?.type === "task_started" || msg?.type === "exec_command_begin" || msg?.type === "model_request") && random() < 0.35) {
      // Steering (or queued, while a turn starts) input, sometimes two at once.
      say();
      if (random() < 0.3) say();
    } else if (msg?.type === "exec_command_begin" && random() < 0.05) {
      send({ type: "interrupt" });
    } else if (msg?.type === "task_complete" && random() < 0.5) {
      say();
    }
    if (seen >= killAfter) kill();
  };
  // spawnLoom parses every line; look at each as it arrives.
  const original = loom.events.push.bind(loom.events);
  loom.events.push = (...items: any[]) => {
    for (const item of items) watch(item);
    return original(...items);
  };
  const exit = await loom.exited;
  clearTimeout(fallback);
  if (!id) throw new Error(`run ${ctx.run}: loom proto died before it configured a thread: ${exit.stderr}`);
  return id;
}

async function openRuntime(ctx: RunContext): Promise<Runtime> {
  return createRuntime({
    dataDir: ctx.dataDir,
    config: {},
    env: {},
    durable: false,
    model: { apiKey: "test", baseURL: ctx.server.baseURL },
  });
}

/** What the kill left in the log. */
async function inspectKill(ctx: RunContext, threadId: string, stats: CampaignStats): Promise<void> {
  const rt = await openRuntime(ctx);
  try {
    const state = await rt.stateAt(threadId);
    if (state.activeTurn) stats.killsInTurn += 1;
    if (state.pendingInput.length > 0) stats.killsWithPendingInput += 1;
    const entries = await readAll(rt, threadId);
    if (answeredNotBegun(entries, state.activeTurn)) stats.killsWithAnsweredApproval += 1;
  } finally {
    await rt.close();
  }
}

function answeredNotBegun(entries: LogEntry[], activeTurn: string | null): boolean {
  if (!activeTurn) return false;
  const begun = new Set<string>();
  const answered: string[] = [];
  for (const e of entries) {
    if (e.kind === "event_msg" && e.payload.type === "exec_command_begin") begun.add(e.payload.call_id);
    if (e.kind === "submission" && e.payload.op.type === "exec_approval") answered.push(e.payload.op.id);
  }
  return answered.some((id) => !begun.has(id));
}

async function readAll(rt: Runtime, threadId: string): Promise<LogEntry[]> {
  const out: LogEntry[] = [];
  for await (const entry of rt.log.read(threadId)) out.push(entry);
  return out;
}

/** The last life: resumed in-process, every request approved, until nothing is left to do. */
async function settle(ctx: RunContext, threadId: string): Promise<void> {
  const rt = await openRuntime(ctx);
  try {
    const thread = await rt.resumeThread(threadId);
    const approve = (msg: any) => {
      if (msg.type !== "exec_approval_request") return;
      void thread.submit({ type: "exec_approval", id: msg.approval_id ?? msg.call_id, decision: "approved" }).catch(() => undefined);
    };
    thread.events$.subscribe((event) => approve(event.msg));
    for (const event of thread.opening) approve(event.msg);
    await thread.whenIdle();
    if (thread.state.activeTurn) throw new Error(`run ${ctx.run}: the thread is not idle after settling`);
  } finally {
    await rt.close();
  }
}

async function check(ctx: RunContext, threadId: string, stats: CampaignStats): Promise<void> {
  const rt = await openRuntime(ctx);
  let entries: LogEntry[] = [];
  let kept: string | undefined;
  const problem = (text: string) => {
    // The log is kept for whoever looks into it: `loom replay FILE` re-runs it.
    kept ??= join(tmpdir(), `loom-campaign-${threadId}.jsonl`);
    stats.problems.push(`run ${ctx.run} (log in ${kept}): ${text}`);
  };
  try {
    entries = await readAll(rt, threadId);
    const state = await rt.stateAt(threadId);
    if (state.pendingInput.length > 0) problem(`input still pending: ${state.pendingInput.map((p) => p.id).join(", ")}`);

    for (const entry of entries) {
      if (entry.kind !== "submission" || entry.payload.op.type !== "user_input") continue;
      stats.inputs += 1;
      const text = (entry.payload.op.items[0] as { text: string }).text;
      const seen = entries.some((e) => e.seq > entry.seq && e.kind === "event_msg" && e.payload.type === "user_message" && e.payload.message === text);
      const refused = entries.some((e) => e.seq > entry.seq && e.kind === "event_msg" && e.payload.type === "error" && e.sub === entry.payload.id);
      if (seen) stats.delivered += 1;
      else if (refused) stats.refused += 1;
      else {
        stats.lost += 1;
        problem(`input "${text}" (seq ${entry.seq}) was never delivered nor answered`);
      }
    }

    const runs = (await readFile(join(ctx.cwd, "runs.log"), "utf8").catch(() => "")).split("\n").filter(Boolean);
    const counts = new Map<string, number>();
    for (const line of runs) counts.set(line, (counts.get(line) ?? 0) + 1);
    stats.commands += counts.size;
    for (const [call, n] of counts) {
      if (n > 1) {
        stats.ranTwice += 1;
        problem(`command of ${call} ran ${n} times`);
      }
    }
    const begins = new Map<string, number>();
    for (const e of entries) {
      if (e.kind === "event_msg" && e.payload.type === "exec_command_begin") begins.set(e.payload.call_id, (begins.get(e.payload.call_id) ?? 0) + 1);
    }
    for (const [call, n] of begins) if (n > 1) problem(`call ${call} began ${n} times`);

    // An approved call whose turn completed normally must have run.
    const turnOf = new Map<string, string>();
    const completed = new Set<string>();
    for (const e of entries) {
      if (e.kind !== "event_msg") continue;
      if (e.payload.type === "exec_approval_request") turnOf.set(e.payload.approval_id ?? e.payload.call_id, e.payload.turn_id);
      if (e.payload.type === "task_complete") completed.add(e.payload.turn_id);
    }
    for (const e of entries) {
      if (e.kind !== "submission" || e.payload.op.type !== "exec_approval") continue;
      stats.approvals += 1;
      const { id, decision } = e.payload.op;
      if (decision !== "approved" && decision !== "approved_for_session") continue;
      const turn = turnOf.get(id);
      if (turn && completed.has(turn) && !begins.has(id)) {
        stats.approvedNotRun += 1;
        problem(`approved call ${id} never ran, yet its turn completed`);
      }
    }

    const report = await replayThread(rt.log, threadId);
    if (report.divergence) problem(`replay: ${formatDivergence(report.divergence)}`);
    else stats.replays += 1;
  } finally {
    await rt.close();
    if (kept) await writeFile(kept, entries.map((e) => JSON.stringify(e)).join("\n") + "\n");
  }
}

export async function runCampaign(options: CampaignOptions): Promise<CampaignStats> {
  const stats: CampaignStats = {
    runs: 0,
    kills: 0,
    killsInTurn: 0,
    killsWithPendingInput: 0,
    killsWithAnsweredApproval: 0,
    inputs: 0,
    delivered: 0,
    refused: 0,
    lost: 0,
    commands: 0,
    ranTwice: 0,
    approvals: 0,
    approvedNotRun: 0,
    replays: 0,
    problems: [],
  };
  const maxKills = options.maxKills ?? 3;
  for (let run = 0; run < options.runs; run++) {
    const random = mulberry32(options.seed * 1000 + run);
    const server = await startFakeResponses();
    server.setHandler(modelFor(random));
    const dataDir = await mkdtemp(join(tmpdir(), "loom-campaign-"));
    const cwd = await mkdtemp(join(tmpdir(), "loom-campaign-work-"));
    const ctx: RunContext = { random, server, dataDir, cwd, env: { OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: "test" }, inputs: 0, run };
    try {
      let threadId: string | undefined;
      const kills = 1 + Math.floor(random() * maxKills);
      for (let life = 0; life < kills; life++) {
        threadId = await killedLife(ctx, threadId);
        stats.kills += 1;
        await inspectKill(ctx, threadId, stats);
      }
      await settle(ctx, threadId!);
      await check(ctx, threadId!, stats);
      stats.runs += 1;
      options.report?.(`run ${run}: ${kills} kill(s), ${ctx.inputs} input(s), problems so far ${stats.problems.length}`);
    } catch (error) {
      stats.problems.push(`run ${run}: ${(error as Error).stack ?? String(error)}`);
    } finally {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
      await rm(cwd, { recursive: true, force: true });
    }
  }
  return stats;
}
