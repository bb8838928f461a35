// What a scenario is and the steps it is made of: `codex exec` runs, and turns through
// `codex app-server`. The scenarios themselves live in scenarios*.ts.
import type { FakeResponses } from "../../test/support/fake-responses.js";
import { AppServer, listRollouts, runCodex, waitForRollout, type RolloutLine, type Sandbox, type SandboxOptions } from "./codex-process.js";
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
  /** Extra config.toml lines, tables, sandbox mode and working-directory files. */
  sandbox?: SandboxOptions;
  /** The final thread, and other files to keep (read once the scenario is over), by name. */
  run(ctx: ScenarioContext): Promise<{ threadId: string; extraAfter?: Record<string, string> }>;
}

export const EXEC_FLAGS = ["--skip-git-repo-check", "--dangerously-bypass-approvals-and-sandbox"];

/** `onStderr` reads what Codex printed so far (`codex exec` tells each item it starts there). */
export async function exec(ctx: ScenarioContext, step: string, args: string[], onStderr?: (all: string) => void): Promise<void> {
  ctx.model.step = step;
  ctx.steps.push(`${step}: codex ${args.join(" ")}`);
  const result = await runCodex(ctx.codex, ctx.sandbox, args, ctx.timeoutMs, onStderr);
  if (result.code !== 0) throw new Error(`codex ${args.join(" ")} exited ${result.code}\n${result.stderr}`);
}

/** The one thread a fresh `codex exec` created. */
export function onlyThread(ctx: ScenarioContext): string {
  const rollouts = listRollouts(ctx.sandbox);
  if (rollouts.length !== 1) throw new Error(`expected one rollout, found ${rollouts.length}`);
  return /-([0-9a-f-]{36})\.jsonl$/.exec(rollouts[0])![1];
}

export async function withAppServer<T>(
  ctx: ScenarioContext,
  body: (app: AppServer) => Promise<T>,
  options: { experimental?: boolean } = {},
): Promise<T> {
  const app = new AppServer(ctx.codex, ctx.sandbox, ctx.timeoutMs);
  try {
    await app.initialize(options.experimental);
    return await body(app);
  } catch (error) {
    throw new Error(`${String(error)}\napp-server stderr:\n${app.stderr.slice(-30).join("\n")}`, { cause: error });
  } finally {
    await app.close();
  }
}

export async function startThread(ctx: ScenarioContext, app: AppServer): Promise<{ id: string; path: string }> {
  ctx.steps.push("app-server: initialize, thread/start");
  const { thread } = await app.request("thread/start", { cwd: ctx.sandbox.cwd });
  return { id: thread.id, path: thread.path };
}

/** turn/start and wait for turn/completed; returns the finished turn. */
export async function turn(
  ctx: ScenarioContext,
  app: AppServer,
  threadId: string,
  step: string,
  text: string,
  params: Record<string, unknown> = {},
): Promise<any> {
  ctx.model.step = step;
  const extra = Object.keys(params).length > 0 ? ` with ${JSON.stringify(params)}` : "";
  ctx.steps.push(`${step}: turn/start ${JSON.stringify(text)}${extra}`);
  const since = app.mark();
  const started = await app.request("turn/start", { threadId, input: [{ type: "text", text, text_elements: [] }], ...params });
  const done = await app.waitFor("turn/completed", since, (params) => params.turn.id === started.turn.id);
  if (done.turn.status !== "completed") throw new Error(`${step} ended ${done.turn.status}: ${JSON.stringify(done.turn.error)}`);
  return done.turn;
}

export const endsWith = (type: string, payloadType?: string) => (lines: RolloutLine[]) => {
  const last = lines[lines.length - 1];
  return last?.type === type && (payloadType === undefined || last.payload?.type === payloadType);
};

/** Waits until the rollout's last line is the end of a turn, so the snapshot is complete. */
export function settled(path: string): Promise<string> {
  return waitForRollout(path, endsWith("event_msg", "task_complete"));
}
