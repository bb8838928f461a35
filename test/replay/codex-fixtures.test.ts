// Given a rollout real Codex 0.125 wrote, when Loom imports it and folds it, then the prompt Loom
// would send is, item for item, the history Codex sent in its next request (the head of
// `next-request.json`'s input; `meta.json` says how many trailing items the new turn added).
import { describe, expect, it } from "vitest";
import { MemoryEventLog } from "../../src/log/index.js";
import { EmptyRolloutError, importRollout } from "../../src/replay/index.js";
import { foldEntries, offersFreeformApplyPatch, projectPrompt } from "../../src/state/index.js";
import { SCENARIOS, fixtureJson, fixturePath, readAll } from "./support.js";

function expectedHistory(scenario: string): unknown[] {
  const meta = fixtureJson(scenario, "meta.json");
  const input: unknown[] = fixtureJson(scenario, "next-request.json").input;
  const { newTurnItems, historyItems } = meta.finalTurn;
  expect(input.length).toBe(historyItems + newTurnItems);
  return input.slice(0, input.length - newTurnItems);
}

describe.runIf(SCENARIOS.length > 0)("Codex 0.125 rollouts: Loom's prompt projection equals Codex's request history", () => {
  it.each(SCENARIOS)("%s", async (scenario) => {
    const log = new MemoryEventLog();
    const expected = expectedHistory(scenario);
    let history: unknown[];
    try {
      // For `fork` this is the fork's own rollout: its session_meta, then every parent line.
      const { threadId, skipped } = await importRollout(log, { path: fixturePath(scenario, "rollout.jsonl") });
      expect(skipped).toEqual([]);
      const state = foldEntries(await readAll(log, threadId));
      const { tools } = fixtureJson(scenario, "next-request.json");
      history = projectPrompt(state.history, { reserializeShellOutputs: offersFreeformApplyPatch(tools) });
    } catch (error) {
      // `plain` recorded its only turn in a fresh file: there is nothing to import, and no history.
      if (!(error instanceof EmptyRolloutError)) throw error;
      expect(await log.listThreads()).toEqual([]);
      history = [];
    }
    expect(history.length).toBe(expected.length);
    // Byte for byte, key order included: this is the JSON that goes on the wire.
    history.forEach((item, index) => expect({ index, item: JSON.stringify(item) }).toEqual({ index, item: JSON.stringify(expected[index]) }));
  });
});
