// The scenarios: what each one asks Codex to do, step by step. Each ends with one final turn;
// `ctx.beginFinal` snapshots the thread's rollout just before that turn starts.
import { waitForRollout } from "./codex-process.js";
import { EXEC_FLAGS, endsWith, exec, onlyThread, settled, startThread, turn, withAppServer, type Scenario } from "./steps.js";
import { toolScenarios } from "./scenarios-tools.js";
import { settingsScenarios } from "./scenarios-settings.js";
import { agentScenarios } from "./scenarios-agents.js";
import { hookScenarios } from "./scenarios-hooks.js";

export type { Scenario, ScenarioContext } from "./steps.js";

const coreScenarios: Scenario[] = [
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
    sandbox: { config: ["model_auto_compact_token_limit = 20000"] },
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

export const scenarios: Scenario[] = [...coreScenarios, ...toolScenarios, ...settingsScenarios, ...agentScenarios, ...hookScenarios];
