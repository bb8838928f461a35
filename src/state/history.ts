/**
 * How the model-visible history evolves, forward, as Codex's reconstruction replays it (pass 2 of
 * `rollout_reconstruction.rs`): response items are recorded (system messages are not API items),
 * a compaction with a replacement history replaces it, a legacy one rebuilds it from the real user
 * messages and its summary, and a rollback drops the last user turns (`drop_last_n_user_turns`).
 *
 * One deliberate difference: when the thread's only compaction with a replacement history lies in
 * a turn segment a rollback drops, Codex replays from after it starting with an empty history,
 * losing everything that compaction had summarized (with any other such compaction in the log it
 * replays through it and gets what we get). We keep the compacted history and cut it by user turns.
 */
import type { CompactedItem, ResponseItem } from "../events/index.js";
import { AppendList } from "./append-list.js";
import { ledgerOf, recordInLedger } from "./calls.js";
import { buildCompactedHistory, collectUserMessages } from "./compaction.js";
import { rollbackCut } from "./rollback.js";
import type { ThreadState } from "./thread-state.js";

type HistoryFields = Pick<ThreadState, "history" | "unansweredCalls" | "internal">;

function withHistory<S extends HistoryFields>(state: S, history: AppendList<ResponseItem>): S {
  const calls = ledgerOf(history);
  return { ...state, history, unansweredCalls: calls.unanswered, internal: { ...state.internal, calls } };
}

/** Codex records API items and ghost snapshots; a system message is neither. */
export function recordsInHistory(item: ResponseItem): boolean {
  return !(item.type === "message" && item.role === "system");
}

export function appendItem<S extends HistoryFields>(state: S, item: ResponseItem): S {
  if (!recordsInHistory(item)) return state;
  const calls = recordInLedger(state.internal.calls, item);
  const history = state.history.push(item);
  if (calls === state.internal.calls) return { ...state, history };
  return { ...state, history, unansweredCalls: calls.unanswered, internal: { ...state.internal, calls } };
}

export function applyCompaction<S extends HistoryFields>(state: S, compaction: CompactedItem): S {
  if (compaction.replacement_history != null) return withHistory(state, AppendList.from(compaction.replacement_history));
  const rebuilt = buildCompactedHistory([], collectUserMessages(state.history), compaction.message);
  return withHistory(state, AppendList.from(rebuilt));
}

/**
 * The cut's `clearsReferenceContext` is not used here: Codex's reconstruction takes the reference
 * context from the surviving turn segments (turn-segments.ts), not from the trimmed history.
 */
export function dropUserTurns<S extends HistoryFields>(state: S, numTurns: number): S {
  const { length } = rollbackCut(state.history, numTurns);
  return length === state.history.length ? state : withHistory(state, state.history.truncate(length));
}
