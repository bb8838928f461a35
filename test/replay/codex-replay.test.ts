// Given a rollout the real Codex 0.125 wrote (test/fixtures/codex), when Loom re-executes it with
// the model and the tools answered from it, then Loom writes the same history and sends the same
// request input, line for line. Changed on purpose, the rollout diverges at the changed line; run
// live, the shell calls run again and their outputs match Codex's (or, changed, are caught).
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LIVE_TOOLS, UnreplayableRolloutError, formatRolloutDivergence, replayRollout, type RolloutReplayOptions } from "../../src/replay/index.js";
import { SCENARIOS, fixtureText, fullRollout } from "./support.js";

/** Configuration a scenario's Codex ran with that the rollout does not record (scripts/codex-fixtures). */
const CONFIG: Record<string, RolloutReplayOptions["config"]> = { "auto-compact": { model_auto_compact_token_limit: 20_000 } };

let home: string;
beforeAll(async () => {
  // Commands run live start from an empty home, as the generator ran Codex: no login profile.
  home = await mkdtemp(join(tmpdir(), "loom-replay-home-"));
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

const commandEnv = () => ({ PATH: process.env.PATH, HOME: home, SHELL: "/bin/bash", LANG: "C.UTF-8", TERM: "dumb" });

async function replay(text: string, scenario: string, options: RolloutReplayOptions = {}) {
  return replayRollout({ text }, { config: CONFIG[scenario], stallMs: 10_000, ...options });
}

function expectClean(report: Awaited<ReturnType<typeof replay>>) {
  expect(report.divergence, formatRolloutDivergence(report)).toBeUndefined();
}

const lines = (text: string) => text.split("\n");

/** The rollout with line `n` (1-based) changed by `change`, and that line's number. */
function alter(text: string, n: number, change: (payload: any) => void): string {
  const all = lines(text);
  const line = JSON.parse(all[n - 1]!);
  change(line.payload);
  all[n - 1] = JSON.stringify(line);
  return all.join("\n");
}

/** The 1-based number of the first line matching `test`. */
function lineOf(text: string, test: (line: any) => boolean): number {
  const index = lines(text).findIndex((raw) => raw.trim() !== "" && test(JSON.parse(raw)));
  if (index < 0) throw new Error("no such line");
  return index + 1;
}

const isToolOutput = (line: any) => line.type === "response_item" && /_call_output$/.test(line.payload.type);

describe("replaying Codex 0.125 rollouts", () => {
  const WITH_AGENTS = ["agents", "agents-failing"];

  it.each(WITH_AGENTS)("%s: a rollout with sub-agent calls is refused at the spawn's line (the children are not in it)", async (scenario) => {
    const text = fullRollout(scenario);
    const line = lineOf(text, (l) => l.type === "response_item" && l.payload.type === "function_call" && l.payload.name === "spawn_agent");
    await expect(replay(text, scenario)).rejects.toThrow(new RegExp(`:${line}: cannot replay: a sub-agent call \\(spawn_agent\\)`));
  });

  it.each(SCENARIOS.filter((scenario) => !WITH_AGENTS.includes(scenario)))("%s: the whole rollout replays without a divergence", async (scenario) => {
    const report = await replay(fullRollout(scenario), scenario);
    expectClean(report);
    expect(report.turns).toBeGreaterThan(0);
    expect(report.requests).toBeGreaterThan(0);
  });

  it("fork: the parent's rollout replays too", async () => {
    expectClean(await replay(fixtureText("fork", "parent-rollout.jsonl"), "fork"));
  });

  it("counts what it checked: tool-call has two turns, three requests and one tool call", async () => {
    const report = await replay(fullRollout("tool-call"), "tool-call");
    expect(report).toMatchObject({ turns: 2, requests: 3, toolCalls: 1, liveCalls: 0, replayed: 8 });
  });

  it.each(["plain", "tool-call", "turn-settings", "interrupt"])(
    "%s: a changed line Loom computes (the environment context, a user message) is reported at its line",
    async (scenario) => {
      const text = fullRollout(scenario);
      const env = lineOf(text, (l) => l.type === "response_item" && JSON.stringify(l.payload).includes("<environment_context>"));
      const report = await replay(alter(text, env, (p) => (p.content[0].text = p.content[0].text.replace("bash", "zsh"))), scenario);
      expect(report.divergence?.line).toBe(env);
      expect(report.divergence?.reason).toMatch(/history differs/);
      expect(report.divergence?.diff.join("\n")).toContain("zsh");
    },
  );

  it("an apply_patch output Codex recorded as JSON is sent as the text Codex sent, or the request check says so", async () => {
    // The freeform apply_patch is offered: the JSON output must go out as `Exit code: ...` text.
    const text = fullRollout("patch-apply");
    const output = lineOf(text, isToolOutput);
    const report = await replay(text, "patch-apply");
    expectClean(report);
    // A shell output that is not JSON (so Codex sends it unchanged) replays too: nothing is invented.
    expectClean(await replay(alter(text, output, (p) => (p.output = "plain text")), "patch-apply"));
  });
});

/**
 * Fixtures whose tool calls `--live` all runs again. Not `shell`/`shell_command`: they run a login
 * shell from this process's environment (not `commandEnv`), and a slow login profile on the test
 * machine would make them time out here.
 */
const LIVE = SCENARIOS.filter((scenario) => {
  const parsed = lines(fullRollout(scenario)).filter((raw) => raw.trim() !== "").map((raw) => JSON.parse(raw));
  const calls = parsed.filter((l) => l.type === "response_item" && /^(function|custom_tool)_call$/.test(l.payload.type)).map((l) => l.payload.name);
  // An interrupted call is not run again (the interrupt is replayed instead).
  const interrupted = parsed.some((l) => l.type === "event_msg" && l.payload.type === "turn_aborted");
  // A rollout keeps no approval answers (nor the hooks that gave them): a thread that could ask is not run live.
  const asks = parsed.some((l) => l.type === "turn_context" && l.payload.approval_policy !== "never");
  return calls.length > 0 && !interrupted && !asks && calls.every((name) => LIVE_TOOLS.has(name) && name !== "shell" && name !== "shell_command");
});

describe("--live: the shell calls run again", () => {
  it("covers the fixtures with shell and patch calls", () => {
    expect(LIVE).toEqual(expect.arrayContaining(["tool-call", "exec-poll", "exec-interactive", "patch-apply", "patch-fail", "model-gpt-5.4"]));
  });

  it("tool-call: `echo hi` runs again and its output matches Codex's", async () => {
    const report = await replay(fullRollout("tool-call"), "tool-call", { live: true, commandEnv: commandEnv() });
    expectClean(report);
    expect(report.liveCalls).toBe(1);
  });

  it.each(LIVE)("%s: replays live without a divergence, and with its first tool output changed, diverges at that line", async (scenario) => {
    const text = fullRollout(scenario);
    const clean = await replay(text, scenario, { live: true, commandEnv: commandEnv() });
    expectClean(clean);
    expect(clean.liveCalls).toBeGreaterThan(0);

    const output = lineOf(text, isToolOutput);
    const changed = alter(text, output, (p) => (p.output = `${p.output}\n(changed)`));
    const report = await replay(changed, scenario, { live: true, commandEnv: commandEnv() });
    expect(report.divergence?.line, formatRolloutDivergence(report)).toBe(output);
    expect(report.divergence?.reason).toMatch(/run live gave another output/);
    expect(report.divergence?.diff.join("\n")).toContain("(changed)");
  });

  it("runs in the recorded working directory when it exists here, and in --cwd when given", async () => {
    const text = fullRollout("patch-apply");
    const cwd = await mkdtemp(join(tmpdir(), "loom-replay-given-"));
    try {
      expectClean(await replay(text, "patch-apply", { live: true, cwd, commandEnv: commandEnv() }));
      // The live patch wrote its file where it was told to run.
      await expect(mkdir(join(cwd, "notes.txt"))).rejects.toThrow(/EEXIST/);
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });
});

describe("a rollout Loom cannot replay says which line and why", () => {
  const text = fullRollout("tool-call");

  it("a file cut short in the middle of a line", async () => {
    const cut = text.slice(0, text.indexOf('"function_call_output"') + 30);
    const error = await replayRollout({ text: cut }).catch((e) => e);
    expect(error).toBeInstanceOf(UnreplayableRolloutError);
    expect(error.lineNumber).toBe(lineOf(text, isToolOutput));
    expect(error.message).toMatch(/invalid JSON/);
  });

  it("a file cut short between lines: the turn that never ends", async () => {
    const all = lines(text);
    const cut = all.slice(0, lineOf(text, isToolOutput)).join("\n");
    const error = await replayRollout({ text: cut }).catch((e) => e);
    expect(error).toBeInstanceOf(UnreplayableRolloutError);
    expect(error.lineNumber).toBe(2); // its task_started
    expect(error.message).toMatch(/never ends/);
  });

  it("an op it does not replay (a review)", async () => {
    const at = lineOf(text, (l) => l.type === "event_msg" && l.payload.type === "task_complete");
    const all = lines(text);
    all.splice(at, 0, JSON.stringify({ timestamp: "2026-11-21T20:12:38.000Z", type: "event_msg", payload: { type: "entered_review_mode", target: { type: "uncommittedChanges" } } }));
    const error = await replayRollout({ text: all.join("\n") }).catch((e) => e);
    expect(error).toBeInstanceOf(UnreplayableRolloutError);
    expect(error.lineNumber).toBe(at + 1);
    expect(error.message).toMatch(/review/);
  });

  it("a user message steering a running turn", async () => {
    const at = lineOf(text, isToolOutput);
    const all = lines(text);
    all.splice(at, 0, JSON.stringify({ timestamp: "2026-11-21T20:12:38.000Z", type: "event_msg", payload: { type: "user_message", message: "also this", images: [], local_images: [], text_elements: [] } }));
    const error = await replayRollout({ text: all.join("\n") }).catch((e) => e);
    expect(error.lineNumber).toBe(at + 1);
    expect(error.message).toMatch(/steering/);
  });

  it("an empty file and a line that is not a rollout line", async () => {
    await expect(replayRollout({ text: "" })).rejects.toThrow(/empty/);
    const error = await replayRollout({ text: `${lines(text)[0]}\n{"timestamp":"x","type":"nonsense","payload":{}}\n` }).catch((e) => e);
    expect(error.lineNumber).toBe(2);
    expect(error.message).toMatch(/unknown rollout item type/);
  });
});
