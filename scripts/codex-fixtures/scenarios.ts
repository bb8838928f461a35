// The scenarios: what each one asks Codex to do, step by step. Each ends with one final turn;
// `ctx.beginFinal` snapshots the thread's rollout just before that turn starts.
import type { FakeResponses } from "../../test/support/fake-responses.js";
import { AppServer, listRollouts, runCodex, waitForRollout, type RolloutLine, type Sandbox } from "./codex-process.js";
import type { ScriptedModel } from "./scripted-model.js";

export interface ScenarioContext {
  codex: string;
  sandbox: Sandbox;
  fake: FakeResponses;
  model: ScriptedModel;
  timeoutMs: number;
  /** Human-readable steps, in order, for meta.json. */
  steps: string[];
  notes: string[];
  /** Snapshot the rollout(s) of `threadId` and mark the next request as the final turn's. */
  beginFinal(threadId: string, prompt: string, extraRollouts?: Record<string, string>): void;
}

export interface Scenario {
  name: string;
  description: string;
  /** Extra config.toml lines (top level). */
  config?: string[];
  run(ctx: ScenarioContext): Promise<{ threadId: string }>;
}

const EXEC_FLAGS = ["--skip-git-repo-check", "--dangerously-bypass-approvals-and-sandbox"];

async function exec(ctx: ScenarioContext, step: string, args: string[]): Promise<void> {
  ctx.model.step = step;
  ctx.steps.push(`${step}: codex ${args.join(" ")}`);
  const result = await runCodex(ctx.codex, ctx.sandbox, args, ctx.timeoutMs);
  if (result.code !== 0) throw new Error(`codex ${args.join(" ")} exited ${result.code}\n${result.stderr}`);
}

/** The one thread a fresh `codex exec` created. */
function onlyThread(ctx: ScenarioContext): string {
  const rollouts = listRollouts(ctx.sandbox);
  if (rollouts.length !== 1) throw new Error(`expected one rollout, found ${rollouts.length}`);
  return /-([0-9a-f-]{36})\.jsonl$/.exec(rollouts[0])![1];
}

async function withAppServer<T>(ctx: ScenarioContext, body: (app: AppServer) => Promise<T>): Promise<T> {
  const app = new AppServer(ctx.codex, ctx.sandbox, ctx.timeoutMs);
  try {
    await app.initialize();
    return await body(app);
  } catch (error) {
    throw new Error(`${String(error)}\napp-server stderr:\n${app.stderr.slice(-30).join("\n")}`, { cause: error });
  } finally {
    await app.close();
  }
}

async function startThread(ctx: ScenarioContext, app: AppServer): Promise<{ id: string; path: string }> {
  ctx.steps.push("app-server: initialize, thread/start");
  const { thread } = await app.request("thread/start", { cwd: ctx.sandbox.cwd });
  return { id: thread.id, path: thread.path };
}

/** turn/start and wait for turn/completed; returns the finished turn. */
async function turn(ctx: ScenarioContext, app: AppServer, threadId: string, step: string, text: string): Promise<any> {
  ctx.model.step = step;
  ctx.steps.push(`${step}: turn/start ${JSON.stringify(text)}`);
  const since = app.mark();
  const started = await app.request("turn/start", { threadId, input: [{ type: "text", text, text_elements: [] }] });
  const done = await app.waitFor("turn/completed", since, (params) => params.turn.id === started.turn.id);
  if (done.turn.status !== "completed") throw new Error(`${step} ended ${done.turn.status}: ${JSON.stringify(done.turn.error)}`);
  return done.turn;
}

const endsWith = (type: string, payloadType?: string) => (lines: RolloutLine[]) => {
  const last = lines[lines.length - 1];
  return last?.type === type && (payloadType === undefined || last.payload?.type === payloadType);
};

/** Waits until the rollout's last line is the end of a turn, so the snapshot is complete. */
function settled(path: string): Promise<string> {
  return waitForRollout(path, endsWith("event_msg", "task_complete"));
}

export const scenarios: Scenario[] = [
  {
    name: "plain",
    description: "One text turn with `codex exec`. There is no history before it: rollout.jsonl is empty.",
    async run(ctx) {
      ctx.beginFinal("", "Say hi.");
      await exec(ctx, "turn 1 (final)", ["exec", ...EXEC_FLAGS, "Say hi."]);
      return { threadId: onlyThread(ctx) };
    },
  },
  {
    name: "tool-call",
    description:
      "`codex exec` turn 1: the model calls the advertised shell tool (exec_command) to run `echo hi`, then answers. " +
      "Then `codex exec resume` with a final text turn, so the tool call and its output are replayed from the rollout.",
    async run(ctx) {
      await exec(ctx, "turn 1", ["exec", ...EXEC_FLAGS, "Please run `echo hi`."]);
      const threadId = onlyThread(ctx);
      ctx.beginFinal(threadId, "Thanks.");
      await exec(ctx, "turn 2 (final, resumed)", ["exec", "resume", ...EXEC_FLAGS, threadId, "Thanks."]);
      return { threadId };
    },
  },
  {
    name: "resume",
    description: "`codex exec` turn 1 (text), then `codex exec resume <id>` with a final text turn in a new process.",
    async run(ctx) {
      await exec(ctx, "turn 1", ["exec", ...EXEC_FLAGS, "Say hi."]);
      const threadId = onlyThread(ctx);
      ctx.beginFinal(threadId, "Say bye.");
      await exec(ctx, "turn 2 (final, resumed)", ["exec", "resume", ...EXEC_FLAGS, threadId, "Say bye."]);
      return { threadId };
    },
  },
  {
    name: "fork",
    description:
      "app-server: two text turns on a thread, thread/fork of the whole thread, then a final turn on the fork. " +
      "rollout.jsonl is the fork's rollout before that turn; parent-rollout.jsonl the source thread's.",
    async run(ctx) {
      return withAppServer(ctx, async (app) => {
        const parent = await startThread(ctx, app);
        await turn(ctx, app, parent.id, "turn 1", "Say hi.");
        await turn(ctx, app, parent.id, "turn 2", "Say more.");
        await settled(parent.path);
        ctx.steps.push("thread/fork of the parent thread");
        const { thread: fork } = await app.request("thread/fork", { threadId: parent.id });
        ctx.notes.push(`thread/fork returned thread ${fork.id}, forkedFromId ${fork.forkedFromId}, path ${fork.path ? "set" : "null"}`);
        await waitForRollout(fork.path, (lines) => lines.length > 0);
        ctx.beginFinal(fork.id, "Fork turn.", { "parent-rollout.jsonl": parent.id });
        await turn(ctx, app, fork.id, "fork turn (final)", "Fork turn.");
        return { threadId: fork.id };
      });
    },
  },
  {
    name: "rollback",
    description: "app-server: two text turns, thread/rollback numTurns=1, then a final turn.",
    async run(ctx) {
      return withAppServer(ctx, async (app) => {
        const thread = await startThread(ctx, app);
        await turn(ctx, app, thread.id, "turn 1", "Say hi.");
        await turn(ctx, app, thread.id, "turn 2", "Say more.");
        ctx.steps.push("thread/rollback numTurns=1");
        await app.request("thread/rollback", { threadId: thread.id, numTurns: 1 });
        await waitForRollout(thread.path, endsWith("event_msg", "thread_rolled_back"));
        ctx.beginFinal(thread.id, "After rollback.");
        await turn(ctx, app, thread.id, "turn 3 (final)", "After rollback.");
        return { threadId: thread.id };
      });
    },
  },
  {
    name: "auto-compact",
    description:
      "app-server with model_auto_compact_token_limit = 20000. Turn 1 reports 30000 tokens in response.completed, so " +
      "turn 2 starts with an automatic compaction (a summarization request answered with a summary), then samples. " +
      "Turn 3 is the final turn, on the compacted history.",
    config: ["model_auto_compact_token_limit = 20000"],
    async run(ctx) {
      return withAppServer(ctx, async (app) => {
        const thread = await startThread(ctx, app);
        ctx.model.usage = { input_tokens: 29_000, cached_tokens: 0, output_tokens: 1_000, reasoning_tokens: 0, total_tokens: 30_000 };
        await turn(ctx, app, thread.id, "turn 1", "Say hi.");
        ctx.model.usage = { input_tokens: 300, cached_tokens: 0, output_tokens: 10, reasoning_tokens: 0 };
        await turn(ctx, app, thread.id, "turn 2", "Say more.");
        await settled(thread.path);
        ctx.beginFinal(thread.id, "After compaction.");
        await turn(ctx, app, thread.id, "turn 3 (final)", "After compaction.");
        return { threadId: thread.id };
      });
    },
  },
  {
    name: "manual-compact",
    description: "app-server: turn 1, thread/compact/start (a summarization request answered with a summary), then a final turn.",
    async run(ctx) {
      return withAppServer(ctx, async (app) => {
        const thread = await startThread(ctx, app);
        await turn(ctx, app, thread.id, "turn 1", "Say hi.");
        ctx.model.step = "manual compaction";
        ctx.steps.push("thread/compact/start, then wait for its turn/completed");
        const since = app.mark();
        await app.request("thread/compact/start", { threadId: thread.id });
        const done = await app.waitFor("turn/completed", since);
        if (done.turn.status !== "completed") throw new Error(`compaction ended ${done.turn.status}`);
        await settled(thread.path);
        ctx.beginFinal(thread.id, "After compaction.");
        await turn(ctx, app, thread.id, "turn 2 (final)", "After compaction.");
        return { threadId: thread.id };
      });
    },
  },
  {
    name: "interrupt",
    description:
      "app-server: turn 1 asks to run `sleep 30`; the model calls exec_command and, once the command is running, " +
      "turn/interrupt aborts the turn. Then a final turn.",
    async run(ctx) {
      return withAppServer(ctx, async (app) => {
        const thread = await startThread(ctx, app);
        ctx.model.step = "turn 1 (interrupted)";
        ctx.steps.push("turn 1: turn/start \"Please run `sleep 30`.\", wait for the commandExecution item to start, turn/interrupt");
        const since = app.mark();
        const { turn: started } = await app.request("turn/start", {
          threadId: thread.id,
          input: [{ type: "text", text: "Please run `sleep 30`.", text_elements: [] }],
        });
        await app.waitFor("item/started", since, (params) => params.item?.type === "commandExecution");
        await app.request("turn/interrupt", { threadId: thread.id, turnId: started.id });
        const done = await app.waitFor("turn/completed", since, (params) => params.turn.id === started.id);
        ctx.notes.push(`interrupted turn ended with status ${done.turn.status}`);
        await waitForRollout(thread.path, endsWith("event_msg", "turn_aborted"));
        ctx.beginFinal(thread.id, "Never mind.");
        await turn(ctx, app, thread.id, "turn 2 (final)", "Never mind.");
        return { threadId: thread.id };
      });
    },
  },
  {
    name: "interrupt-stream",
    description:
      "app-server: turn 1's model stream sends response.created and then stays open; turn/interrupt aborts the turn " +
      "while Codex waits on the model. Then a final turn.",
    async run(ctx) {
      return withAppServer(ctx, async (app) => {
        const thread = await startThread(ctx, app);
        ctx.model.step = "turn 1 (interrupted)";
        ctx.model.holdNextStream = true;
        const held = ctx.model.heldStream();
        ctx.steps.push("turn 1: turn/start \"Say hi.\", wait until the held model stream is open, turn/interrupt");
        const since = app.mark();
        const { turn: started } = await app.request("turn/start", {
          threadId: thread.id,
          input: [{ type: "text", text: "Say hi.", text_elements: [] }],
        });
        await held;
        await app.request("turn/interrupt", { threadId: thread.id, turnId: started.id });
        const done = await app.waitFor("turn/completed", since, (params) => params.turn.id === started.id);
        ctx.notes.push(`interrupted turn ended with status ${done.turn.status}`);
        await waitForRollout(thread.path, endsWith("event_msg", "turn_aborted"));
        ctx.beginFinal(thread.id, "Never mind.");
        await turn(ctx, app, thread.id, "turn 2 (final)", "Never mind.");
        return { threadId: thread.id };
      });
    },
  },
];
