/**
 * Against Codex itself: each fixture under test/fixtures/codex is a real Codex 0.125.0 rollout and
 * the request Codex sent next. Folding the rollout and projecting the prompt must give exactly the
 * history Codex re-sent; the reference context must be set exactly when Codex did not re-inject
 * context; and compaction must rebuild the replacement history Codex wrote from the same inputs.
 */
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parsePayload, type EntryKind, type LogEntry } from "../../src/events/index.js";
import {
  SUMMARIZATION_PROMPT,
  SUMMARY_PREFIX,
  buildCompactedHistory,
  collectUserMessages,
  foldEntries,
  offersFreeformApplyPatch,
  projectPrompt,
} from "../../src/state/index.js";

const root = fileURLToPath(new URL("../fixtures/codex/", import.meta.url));
const read = (scenario: string, file: string) => readFileSync(`${root}${scenario}/${file}`, "utf8");
const json = (scenario: string, file: string) => JSON.parse(read(scenario, file));

/** A Codex rollout file as log entries: `{ timestamp, type, payload }` lines become `{ ts, kind, payload }`. */
function rollout(scenario: string, file = "rollout.jsonl"): LogEntry[] {
  return read(scenario, file)
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line, i) => {
      const { timestamp, type, payload } = JSON.parse(line) as { timestamp: string; type: EntryKind; payload: unknown };
      return { v: 1, threadId: scenario, seq: i + 1, ts: timestamp, kind: type, payload: parsePayload(type, payload) } as LogEntry;
    });
}

const scenarios = readdirSync(root).sort();

describe("folding real Codex rollouts", () => {
  it.each(scenarios)("%s: the projected prompt is the history Codex re-sent", (scenario) => {
    const meta = json(scenario, "meta.json");
    const request = json(scenario, "next-request.json");
    const state = foldEntries(rollout(scenario));
    // Projected as Codex projects a request that offers these tools (JSON shell outputs become text).
    const projected = projectPrompt(state.history, { reserializeShellOutputs: offersFreeformApplyPatch(request.tools) });
    expect(projected).toEqual(request.input.slice(0, meta.finalTurn.historyItems));
    expect(state.activeTurn).toBeNull();
  });

  // Only scenarios whose final turn follows earlier ones (single-turn ones have no rollout before it).
  const continued = scenarios.filter((s) => read(s, "rollout.jsonl").trim() !== "");
  it.each(continued)("%s: a reference context exactly when Codex did not re-inject context", (scenario) => {
    const meta = json(scenario, "meta.json");
    const entries = rollout(scenario);
    const state = foldEntries(entries);
    // Codex re-injects the whole context (its permissions section first) only when it has no
    // baseline to diff against; a diff (model switch, collaboration mode) is a smaller message.
    const described: string[] = meta.finalTurn.newTurnItemsDescribed;
    const reinjected = described.some((item) => item.startsWith("developer message: <permissions instructions>"));
    expect(state.referenceContext === null).toBe(reinjected);
    const lastContext = entries.filter((e) => e.kind === "turn_context").at(-1)!;
    expect(state.previousTurnSettings).toEqual({ model: (lastContext.payload as { model: string }).model, realtime_active: false });
  });

  it("rollback: the rolled-back turn leaves the turn list", () => {
    const state = foldEntries(rollout("rollback"));
    expect(state.turns.map((t) => [t.status, t.userMessage])).toEqual([["completed", "Say hi."]]);
  });

  it("interrupt: the aborted turn is recorded and its call is answered", () => {
    const state = foldEntries(rollout("interrupt"));
    expect(state.turns.map((t) => t.status)).toEqual(["aborted"]);
    expect(state.unansweredCalls).toEqual([]);
  });

  it("fork: the fork's own session_meta comes first and names the thread", () => {
    const lines = rollout("fork");
    const state = foldEntries(lines);
    expect(state.sessionMeta?.id).toBe(json("fork", "meta.json").threadId);
    expect(state.sessionMeta?.forked_from_id).toBeTruthy();
  });

  it.each(["auto-compact", "manual-compact"])("%s: the compaction request and the replacement history", (scenario) => {
    const entries = rollout(scenario);
    const at = entries.findIndex((e) => e.kind === "compacted");
    const compaction = entries[at];
    if (compaction.kind !== "compacted") throw new Error("fixture without a compaction");
    const before = foldEntries(entries.slice(0, at));
    const requests: Array<{ purpose: string; body: { input: unknown[] } }> = json(scenario, "requests.json");
    const summarization = requests.find((r) => r.purpose.includes("compaction"))!;
    expect(summarization.body.input).toEqual([
      ...projectPrompt(before.history),
      { type: "message", role: "user", content: [{ type: "input_text", text: SUMMARIZATION_PROMPT }] },
    ]);
    expect(compaction.payload.message.startsWith(`${SUMMARY_PREFIX}\n`)).toBe(true);
    expect(buildCompactedHistory([], collectUserMessages(before.history), compaction.payload.message)).toEqual(
      compaction.payload.replacement_history,
    );
  });
});
