// Given what real Codex 0.125 recorded and sent, then our builders reproduce it byte for byte: every
// `turn_context` entry, and the context items recorded before it (full context on a thread's first
// turn and after a compaction, only the diff otherwise). Two sources: the shared scenario fixtures
// (test/fixtures/codex) and our own captures of the cases they do not cover (AGENTS.md, workspace-write,
// resumes that change cwd, model, sandbox or personality).
import { existsSync, readdirSync } from "node:fs";
import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { buildContextUpdates, buildInitialContext, toTurnContextItem } from "../../src/context/index.js";
import type { SandboxHost } from "../../src/context/index.js";
import type { TurnContextItem } from "../../src/events/index.js";
import { FIXTURES, OWN_FIXTURES, readJson, readRollout, recordedTurns, settingsOf, shellIn, skillsIn } from "./support.js";

const scenarios = existsSync(FIXTURES) ? readdirSync(FIXTURES).filter((name) => existsSync(new URL(`${name}/rollout.jsonl`, FIXTURES))) : [];

describe.runIf(scenarios.length > 0)("shared Codex fixtures", () => {
  it.each(scenarios)("%s: turn_context entries and context items", (scenario) => {
    const lines = [
      ...readRollout(new URL(`${scenario}/rollout.jsonl`, FIXTURES)),
      ...readRollout(new URL(`${scenario}/rollout-final-turn.jsonl`, FIXTURES)),
    ];
    const turns = recordedTurns(lines);
    expect(turns.length).toBeGreaterThan(0);
    const first = turns[0].contextItems;
    // Machine facts of the generator's run: its TMPDIR (a writable root under workspace-write),
    // and the thread's base instructions (Codex adds a personality section when they differ).
    const cwd = turns[0].turnContext.cwd;
    const host: SandboxHost = { slashTmpIsDir: true, tmpdir: `${dirname(cwd)}/tmp`, readOnlySubpaths: {} };
    const meta = lines.find((line) => line.type === "session_meta")?.payload;
    const machine = { shell: shellIn(first), skills: skillsIn(first), host, baseInstructions: meta?.base_instructions?.text };
    for (const turn of turns) {
      const settings = settingsOf(turn.turnContext, machine);
      const options = { finalOutputJsonSchema: turn.turnContext.final_output_json_schema ?? undefined };
      expect(JSON.stringify(toTurnContextItem(settings, turn.turnContext.turn_id!, options))).toBe(JSON.stringify(turn.turnContext));
      expect(JSON.stringify(buildContextUpdates(turn.reference, settings))).toBe(JSON.stringify(turn.contextItems));
    }
  });

  it("plain: the first request opens with the initial context", () => {
    const body = readJson(new URL("plain/next-request.json", FIXTURES));
    const [turn] = recordedTurns(readRollout(new URL("plain/rollout-final-turn.jsonl", FIXTURES)));
    const settings = settingsOf(turn.turnContext, { shell: shellIn(body.input), skills: skillsIn(body.input) });
    const context = buildInitialContext(settings);
    expect(JSON.stringify(body.input.slice(0, context.length))).toBe(JSON.stringify(context));
  });
});

/** Our captures: every request's input, and the rollout's `turn_context` entries. */
interface Capture {
  scenario: string;
  requests: any[][];
  turnContexts: TurnContextItem[];
}

// The capture workspace /tmp/ctxprobe/ws1 was a git repository; the facts Codex read there, as data.
const host: SandboxHost = {
  slashTmpIsDir: true,
  readOnlySubpaths: { "/tmp/ctxprobe/ws1": ["/tmp/ctxprobe/ws1/.git", "/tmp/ctxprobe/ws1/.codex"] },
};

const captures = readdirSync(OWN_FIXTURES).filter((name) => name.endsWith(".json"));

describe("own Codex 0.125 captures", () => {
  it.each(captures)("%s", (file) => {
    const capture = readJson<Capture>(new URL(file, OWN_FIXTURES));
    const first = capture.requests[0];
    const machine = { shell: shellIn(first), skills: skillsIn(first), host };
    capture.turnContexts.forEach((turnContext, k) => {
      const settings = settingsOf(turnContext, machine);
      expect(JSON.stringify(toTurnContextItem(settings, turnContext.turn_id!))).toBe(JSON.stringify(turnContext));
      // Request k resends request k-1 and its answer, then this turn's context items, then the prompt.
      const request = capture.requests[k];
      const start = k === 0 ? 0 : capture.requests[k - 1].length + 1;
      const recorded = request.slice(start, -1);
      const reference = k === 0 ? null : capture.turnContexts[k - 1];
      expect(JSON.stringify(buildContextUpdates(reference, settings))).toBe(JSON.stringify(recorded));
    });
  });
});
