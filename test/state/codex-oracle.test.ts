/**
 * The forward fold against a transcription of Codex's newest-to-oldest reconstruction, on random
 * logs, after every entry: same history, same reference context, same previous turn settings.
 * Also pins down the one documented difference: a rollback that drops the thread's only
 * replacement-history compaction keeps the compacted history (Codex restarts from nothing).
 */
import { describe, expect, it } from "vitest";
import { evolve, initialState, type ThreadState } from "../../src/state/index.js";
import { codexReconstruct } from "./support/codex-reconstruction.js";
import {
  assistant,
  compacted,
  context,
  item,
  log,
  rolledBack,
  turnComplete,
  turnContext,
  turnStarted,
  user,
  userMessage,
} from "./support/entries.js";
import { mulberry32, randomLog } from "./support/random-log.js";

function compareEveryPrefix(seed: number, compactions: "replacement" | "legacy"): { prefixes: number; droppedCompaction: number } {
  const entries = log(...randomLog(mulberry32(seed), { entries: 120, compactions }));
  let state: ThreadState = initialState();
  let droppedCompaction = 0;
  for (let n = 1; n <= entries.length; n++) {
    state = evolve(state, entries[n - 1]);
    const prefix = entries.slice(0, n);
    const codex = codexReconstruct(prefix, { keepDroppedCompaction: true });
    const where = `seed ${seed}, after seq ${n} (${entries[n - 1].kind} ${JSON.stringify(entries[n - 1].payload).slice(0, 80)})`;
    expect(state.previousTurnSettings, where).toEqual(codex.previousTurnSettings);
    expect(state.referenceContext, where).toEqual(codex.referenceContext);
    expect(state.history.toArray(), where).toEqual(codex.history);
    if (codex.droppedCompaction) droppedCompaction++;
  }
  return { prefixes: entries.length, droppedCompaction };
}

describe("forward fold = Codex's reverse reconstruction", () => {
  it("on random logs with replacement-history compactions, after every entry", () => {
    let prefixes = 0;
    for (let seed = 1; seed <= 60; seed++) prefixes += compareEveryPrefix(seed, "replacement").prefixes;
    expect(prefixes).toBeGreaterThan(60 * 100);
  });

  it("on random logs with legacy compactions, after every entry", () => {
    for (let seed = 1001; seed <= 1030; seed++) compareEveryPrefix(seed, "legacy");
  });

  it("where Codex loses a rolled-back turn's only compaction, the fold keeps the compacted history", () => {
    const summary = [user("turn 1"), user("summary")];
    const entries = log(
      turnStarted("t1"),
      userMessage("turn 1"),
      turnContext(context("t1")),
      item(user("turn 1")),
      item(assistant("reply 1")),
      turnComplete("t1"),
      turnStarted("t2"),
      userMessage("turn 2"),
      turnContext(context("t2")),
      item(user("turn 2")),
      compacted("summary", summary),
      item(assistant("reply 2")),
      turnComplete("t2"),
      rolledBack(1),
    );
    let state = initialState();
    for (const entry of entries) state = evolve(state, entry);
    const codex = codexReconstruct(entries);
    expect(codex.droppedCompaction).toBe(true);
    expect(codex.history).toEqual([assistant("reply 2")]);
    // The summary is a user turn too: cutting the last one leaves the first user message.
    expect(state.history.toArray()).toEqual([user("turn 1")]);
    expect(state.referenceContext).toEqual(context("t1"));
  });
});
