/**
 * Codex's reconstruction scenarios (`core/src/session/rollout_reconstruction_tests.rs` and the
 * rollback tests of `core/src/session/tests.rs`), ported as Given/When/Then over plain entries:
 * given these log entries, the fold has this history, reference context and previous settings.
 */
import { describe, expect, it } from "vitest";
import { foldEntries, type ThreadState } from "../../src/state/index.js";
import {
  assistant,
  compacted,
  context,
  developer,
  environmentContext,
  interAgentInstruction,
  item,
  log,
  rolledBack,
  settingsOf,
  turnAborted,
  turnComplete,
  turnContext,
  turnStarted,
  user,
  userMessage,
} from "./support/entries.js";
import type { NewEntry } from "../../src/events/index.js";

const fold = (...entries: NewEntry[]): ThreadState => foldEntries(log(...entries));
const history = (state: ThreadState) => state.history.toArray();

/** A completed user turn as Codex persists it: started, user message, context, items, complete. */
function userTurn(turnId: string, text: string, ctx = context(turnId), reply?: string): NewEntry[] {
  return [
    turnStarted(turnId),
    userMessage(text),
    turnContext(ctx),
    item(user(text)),
    ...(reply === undefined ? [] : [item(assistant(reply))]),
    turnComplete(turnId),
  ];
}

describe("rollout reconstruction (Codex rollout_reconstruction_tests.rs)", () => {
  it("a bare turn context hydrates neither previous settings nor the reference context", () => {
    const state = fold(turnContext(context("t1", { model: "previous-rollout-model" })));
    expect(state.previousTurnSettings).toBeNull();
    expect(state.referenceContext).toBeNull();
  });

  it("hydrates previous settings from a lifecycle turn whose turn context has no turn id", () => {
    const ctx = context(null, { model: "previous-rollout-model" });
    const state = fold(turnStarted("t1"), userMessage("seed"), turnContext(ctx), turnComplete("t1"));
    expect(state.previousTurnSettings).toEqual({ model: "previous-rollout-model", realtime_active: false });
  });

  it("a rollback keeps history and metadata in sync for completed turns", () => {
    const first = context("t1");
    const rolledBackCtx = context("rolled-back-turn", { model: "rolled-back-model" });
    const state = fold(
      ...userTurn("t1", "turn 1 user", first, "turn 1 assistant"),
      ...userTurn("rolled-back-turn", "turn 2 user", rolledBackCtx, "turn 2 assistant"),
      rolledBack(1),
    );
    expect(history(state)).toEqual([user("turn 1 user"), assistant("turn 1 assistant")]);
    expect(state.previousTurnSettings).toEqual(settingsOf(first));
    expect(state.referenceContext).toEqual(first);
  });

  it("a rollback keeps history and metadata in sync for an incomplete turn", () => {
    const first = context("t1");
    const state = fold(
      ...userTurn("t1", "turn 1 user", first, "turn 1 assistant"),
      turnStarted("incomplete-rolled-back-turn"),
      userMessage("turn 2 user"),
      item(user("turn 2 user")),
      rolledBack(1),
    );
    expect(history(state)).toEqual([user("turn 1 user"), assistant("turn 1 assistant")]);
    expect(state.previousTurnSettings).toEqual(settingsOf(first));
    expect(state.referenceContext).toEqual(first);
  });

  it("a rollback skips turns without a user message, for history and metadata", () => {
    const first = context("t1");
    const state = fold(
      ...userTurn("t1", "turn 1 user", first, "turn 1 assistant"),
      turnStarted("rolled-back-user-turn"),
      userMessage("turn 2 user"),
      item(user("turn 2 user")),
      item(assistant("turn 2 assistant")),
      turnComplete("rolled-back-user-turn"),
      turnStarted("standalone-turn"),
      item(assistant("standalone assistant")),
      turnComplete("standalone-turn"),
      rolledBack(1),
    );
    expect(history(state)).toEqual([user("turn 1 user"), assistant("turn 1 assistant")]);
    expect(state.previousTurnSettings).toEqual(settingsOf(first));
    expect(state.referenceContext).toEqual(first);
  });

  it("a rollback counts an inter-agent assistant instruction as a turn", () => {
    const first = context("t1");
    const state = fold(
      ...userTurn("t1", "turn 1 user", first, "turn 1 assistant"),
      turnStarted("assistant-instruction-turn"),
      turnContext(context("assistant-instruction-turn")),
      item(interAgentInstruction("continue")),
      item(assistant("worker reply")),
      turnComplete("assistant-instruction-turn"),
      rolledBack(1),
    );
    expect(history(state)).toEqual([user("turn 1 user"), assistant("turn 1 assistant")]);
    expect(state.previousTurnSettings).toEqual(settingsOf(first));
    expect(state.referenceContext).toEqual(first);
  });

  it("rolling back more turns than exist clears history and metadata", () => {
    const state = fold(...userTurn("t1", "only user", context("t1"), "only assistant"), rolledBack(99));
    expect(history(state)).toEqual([]);
    expect(state.previousTurnSettings).toBeNull();
    expect(state.referenceContext).toBeNull();
  });

  it("a rollback on resume skips only user turns: a later standalone turn does not absorb it", () => {
    const state = fold(
      turnStarted("t1"),
      userMessage("seed"),
      turnContext(context("t1")),
      turnComplete("t1"),
      turnStarted("standalone-task-turn"),
      turnComplete("standalone-task-turn"),
      rolledBack(1),
    );
    expect(state.previousTurnSettings).toBeNull();
    expect(state.referenceContext).toBeNull();
  });

  it("a rolled-back incomplete turn takes its compaction's metadata with it", () => {
    const previous = context("t1");
    const state = fold(
      turnStarted("t1"),
      userMessage("seed"),
      turnContext(previous),
      turnComplete("t1"),
      turnStarted("incomplete-compacted-user-turn"),
      userMessage("rolled back"),
      compacted("", []),
      rolledBack(1),
    );
    expect(state.previousTurnSettings).toEqual(settingsOf(previous));
    expect(state.referenceContext).toEqual(previous);
  });

  it("a compaction after a bare turn context seeds nothing", () => {
    const state = fold(turnContext(context("t1")), compacted("", []));
    expect(state.previousTurnSettings).toBeNull();
    expect(state.referenceContext).toBeNull();
  });

  it("a legacy compaction without replacement history rebuilds from user messages and its summary", () => {
    const state = fold(item(user("before compact")), item(assistant("assistant reply")), compacted("legacy summary"));
    expect(history(state)).toEqual([user("before compact"), user("legacy summary")]);
    expect(state.referenceContext).toBeNull();
  });

  it("a legacy compaction clears the reference context a later turn would set", () => {
    const state = fold(item(user("before compact")), compacted("legacy summary"), ...userTurn("t1", "after legacy compact"));
    expect(state.referenceContext).toBeNull();
  });

  it("a turn context after a compaction in the same turn re-establishes the reference context", () => {
    const ctx = context("t1", { model: "previous-rollout-model" });
    const state = fold(turnStarted("t1"), userMessage("seed"), compacted("", []), turnContext(ctx), turnComplete("t1"));
    expect(state.previousTurnSettings).toEqual(settingsOf(ctx));
    expect(state.referenceContext).toEqual(ctx);
  });

  it("an abort without a turn id leaves the compacted turn to clear the reference context", () => {
    const previous = context("t1", { model: "previous-rollout-model" });
    const state = fold(
      turnStarted("t1"),
      userMessage("seed"),
      turnContext(previous),
      turnComplete("t1"),
      turnStarted("aborted-turn-without-id"),
      userMessage("aborted"),
      turnAborted(null),
      compacted("", []),
    );
    expect(state.previousTurnSettings).toEqual(settingsOf(previous));
    expect(state.referenceContext).toBeNull();
  });

  it("an abort naming another turn does not detach a later turn context from its turn", () => {
    const current = context("current-turn", { model: "current-rollout-model" });
    const state = fold(
      turnStarted("t1"),
      userMessage("seed"),
      turnContext(context("t1")),
      turnComplete("t1"),
      turnStarted("current-turn"),
      userMessage("current"),
      turnAborted("other-turn"),
      turnContext(current),
      turnComplete("current-turn"),
    );
    expect(state.previousTurnSettings).toEqual(settingsOf(current));
    expect(state.referenceContext).toEqual(current);
  });

  it("a trailing incomplete turn that compacted clears the reference context but keeps previous settings", () => {
    const previous = context("t1", { model: "previous-rollout-model" });
    const state = fold(
      turnStarted("t1"),
      userMessage("seed"),
      turnContext(previous),
      turnComplete("t1"),
      turnStarted("trailing-incomplete-turn"),
      userMessage("incomplete"),
      compacted("", []),
    );
    expect(state.previousTurnSettings).toEqual(settingsOf(previous));
    expect(state.referenceContext).toBeNull();
  });

  it("a trailing incomplete turn keeps its turn context", () => {
    const current = context("t1");
    const state = fold(turnStarted("t1"), userMessage("incomplete"), turnContext(current));
    expect(state.previousTurnSettings).toEqual(settingsOf(current));
    expect(state.referenceContext).toEqual(current);
    expect(state.activeTurn).toBe("t1");
  });

  it("an incomplete compacted turn replaced by a newer task_started still clears the reference context", () => {
    const previous = context("t1", { model: "previous-rollout-model" });
    const state = fold(
      turnStarted("t1"),
      userMessage("seed"),
      turnContext(previous),
      turnComplete("t1"),
      turnStarted("compacted-incomplete-turn"),
      userMessage("compacted"),
      compacted("", []),
      turnStarted("replacing-turn"),
    );
    expect(state.previousTurnSettings).toEqual(settingsOf(previous));
    expect(state.referenceContext).toBeNull();
  });
});

describe("thread rollback (Codex session/tests.rs)", () => {
  const initialContext = [developer("<permissions instructions>\nsandboxed\n</permissions instructions>"), environmentContext()];

  it("drops the last turn from history", () => {
    const state = fold(
      ...initialContext.map(item),
      item(user("turn 1 user")),
      item(assistant("turn 1 assistant")),
      item(user("turn 2 user")),
      item(assistant("turn 2 assistant")),
      rolledBack(1),
    );
    expect(history(state)).toEqual([...initialContext, user("turn 1 user"), assistant("turn 1 assistant")]);
    expect(state.previousTurnSettings).toBeNull();
    expect(state.referenceContext).toBeNull();
  });

  it("keeps the initial context when rolling back more turns than exist", () => {
    const state = fold(...initialContext.map(item), item(user("turn 1 user")), rolledBack(99));
    expect(history(state)).toEqual(initialContext);
  });

  it("recomputes previous settings and the reference context from the surviving turns", () => {
    const first = context("t1");
    const state = fold(
      ...userTurn("t1", "turn 1 user", first, "turn 1 assistant"),
      ...userTurn("rolled-back-turn", "turn 2 user", context("rolled-back-turn", { model: "rolled-back-model" }), "turn 2 assistant"),
      rolledBack(1),
    );
    expect(history(state)).toEqual([user("turn 1 user"), assistant("turn 1 assistant")]);
    expect(state.previousTurnSettings).toEqual(settingsOf(first));
    expect(state.referenceContext).toEqual(first);
  });

  it("restores the history a compaction left, and the baseline it cleared, when the turn after it is rolled back", () => {
    const compactedHistory = [user("turn 1 user"), user("summary after compaction")];
    const state = fold(
      ...userTurn("t1", "turn 1 user", context("t1"), "turn 1 assistant"),
      turnStarted("compact-turn"),
      compacted("summary after compaction", compactedHistory),
      turnComplete("compact-turn"),
      ...userTurn("rolled-back-turn", "turn 2 user", context("rolled-back-turn", { model: "rolled-back-model" }), "turn 2 assistant"),
      rolledBack(1),
    );
    expect(history(state)).toEqual(compactedHistory);
    expect(state.referenceContext).toBeNull();
  });

  it("applies successive rollback markers cumulatively", () => {
    const ctx = context(null);
    const state = fold(
      ...userTurn("turn-1", "turn 1 user", ctx, "turn 1 assistant"),
      ...userTurn("turn-2", "turn 2 user", ctx, "turn 2 assistant"),
      ...userTurn("turn-3", "turn 3 user", ctx, "turn 3 assistant"),
      rolledBack(1),
      rolledBack(1),
    );
    expect(history(state)).toEqual([user("turn 1 user"), assistant("turn 1 assistant")]);
    expect(state.turns.map((t) => t.id)).toEqual(["turn-1"]);
  });

  it("ignores a rollback of zero turns (Codex rejects it before logging)", () => {
    const entries = [...userTurn("t1", "u", context("t1"), "a")];
    expect(fold(...entries, rolledBack(0)).history.toArray()).toEqual(fold(...entries).history.toArray());
  });
});
