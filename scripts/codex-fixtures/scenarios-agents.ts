// Sub-agents: the parent spawns one agent to run a command, waits for it, closes it and answers;
// in `agents-failing` the agent's model refuses it, and the parent learns the agent errored.
// The child is a thread of its own (its own rollout, its own requests); the fixture keeps both.
import { readFileSync } from "node:fs";
import { listRollouts, readRollout } from "./codex-process.js";
import { EXEC_FLAGS, exec, type Scenario, type ScenarioContext } from "./steps.js";

/** Thread ids of the scenario's rollouts: the root (its session_meta names no parent) and the rest. */
function threadsOf(ctx: ScenarioContext): { root: string; children: { id: string; path: string }[] } {
  let root: string | undefined;
  const children: { id: string; path: string }[] = [];
  for (const path of listRollouts(ctx.sandbox)) {
    const id = /-([0-9a-f-]{36})\.jsonl$/.exec(path)![1]!;
    const meta = readRollout(path).find((line) => line.type === "session_meta")?.payload;
    if (typeof meta?.source === "object" && meta.source?.subagent) children.push({ id, path });
    else root = id;
  }
  if (!root) throw new Error("no root thread among the rollouts");
  return { root, children };
}

export const agentScenarios: Scenario[] = [
  {
    name: "agents",
    description:
      "`codex exec`: the model spawns a sub-agent (`spawn_agent`) to run `echo hi`; the sub-agent runs it with " +
      "exec_command and answers; the parent waits for it (`wait_agent`), closes it (`close_agent`) and answers. " +
      "requests.json holds both threads' requests; child-rollout.jsonl is the sub-agent's rollout.",
    async run(ctx) {
      ctx.beginFinal("", "Please spawn an agent to run `echo hi`.");
      await exec(ctx, "turn 1 (final)", ["exec", ...EXEC_FLAGS, "Please spawn an agent to run `echo hi`."]);
      const { root, children } = threadsOf(ctx);
      ctx.notes.push(`sub-agent threads: ${children.map((child) => child.id).join(", ")}`);
      return { threadId: root, extraAfter: Object.fromEntries(children.map((child, i) => [i === 0 ? "child-rollout.jsonl" : `child-${i + 1}-rollout.jsonl`, readFileSync(child.path, "utf8")])) };
    },
  },
  {
    name: "agents-failing",
    description:
      "`codex exec`: as `agents`, but the sub-agent's model refuses it for good (`response.failed`, " +
      "`insufficient_quota`, not retried) once the parent waits on it: its turn ends in an error, and the parent's wait, notification " +
      "and next request say what Codex reports of an agent that failed. child-rollout.jsonl is the sub-agent's rollout.",
    async run(ctx) {
      const prompt = "Please spawn an agent to run `exceed the quota`.";
      ctx.beginFinal("", prompt);
      // The agent fails once the parent waits on it: `codex exec` prints "collab: Wait" when the wait begins.
      let waiting!: () => void;
      ctx.model.holdAgentFailure = new Promise((resolve) => (waiting = resolve));
      const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, "");
      try {
        await exec(ctx, "turn 1 (final)", ["exec", ...EXEC_FLAGS, prompt], (all) => /collab: Wait/.test(plain(all)) && waiting());
      } finally {
        ctx.model.holdAgentFailure = undefined;
      }
      const { root, children } = threadsOf(ctx);
      ctx.notes.push(`sub-agent threads: ${children.map((child) => child.id).join(", ")}`);
      return { threadId: root, extraAfter: Object.fromEntries(children.map((child) => ["child-rollout.jsonl", readFileSync(child.path, "utf8")])) };
    },
  },
];
