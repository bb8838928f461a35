/**
 * The turn list: a record per `task_started`, closed by `task_complete` / `turn_aborted`, and cut
 * by rollbacks the way Codex's replay skips turn segments (the last n turns with a user message,
 * and every turn after them). The array is copied on change, which happens a few times per turn.
 */
import type { TurnRecord } from "./thread-state.js";

export function startTurn(turns: readonly TurnRecord[], id: string, seq: number): TurnRecord[] {
  // Codex ends a running task before starting another; a log that skipped the end still closes it.
  // The running turn, if any, is always the last one.
  const closed = turns.slice();
  const last = closed[closed.length - 1];
  if (last?.status === "running") closed[closed.length - 1] = { ...last, status: "aborted", lastSeq: seq - 1 };
  closed.push({ id, status: "running", userMessage: null, firstSeq: seq, lastSeq: null });
  return closed;
}

function updateRunning(turns: readonly TurnRecord[], turnId: string | null, update: (turn: TurnRecord) => TurnRecord): readonly TurnRecord[] {
  const index = turns.findLastIndex((turn) => turn.status === "running" && (turnId === null || turn.id === turnId));
  if (index < 0) return turns;
  const next = update(turns[index]);
  if (next === turns[index]) return turns;
  const copy = turns.slice();
  copy[index] = next;
  return copy;
}

/** The running turn's first user message. */
export function userMessage(turns: readonly TurnRecord[], activeTurn: string | null, message: string): readonly TurnRecord[] {
  if (activeTurn === null) return turns;
  return updateRunning(turns, activeTurn, (turn) => (turn.userMessage === null ? { ...turn, userMessage: message } : turn));
}

/** Ends the named running turn (or the running one when the event names none). */
export function endTurn(turns: readonly TurnRecord[], turnId: string | null, status: "completed" | "aborted", seq: number): readonly TurnRecord[] {
  return updateRunning(turns, turnId, (turn) => ({ ...turn, status, lastSeq: seq }));
}

/**
 * Drops the last `numTurns` ended turns with a user message and every ended turn after them; all
 * of them when there are fewer. A running turn stays (Codex refuses to roll back during a turn).
 */
export function rollBackTurns(turns: readonly TurnRecord[], numTurns: number): readonly TurnRecord[] {
  if (!(numTurns > 0)) return turns;
  const ended = turns.filter((turn) => turn.status !== "running");
  let cut = 0;
  let found = 0;
  for (let i = ended.length - 1; i >= 0; i--) {
    if (ended[i].userMessage === null) continue;
    if (++found === numTurns) {
      cut = i;
      break;
    }
  }
  if (cut === ended.length) return turns;
  const kept = ended.slice(0, cut);
  const running = turns.filter((turn) => turn.status === "running");
  return [...kept, ...running];
}
