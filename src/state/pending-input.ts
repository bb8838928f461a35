/**
 * User input the log holds but no turn has taken yet: a `user_input` queued to start a turn, or
 * steering a running turn before the turn recorded it. An input leaves the list when a turn starts
 * with it (`task_started` names it), when a turn records it as steering (its `user_message`: turns
 * take steering input oldest first), or when an `error` event answers it. Whatever is left when a
 * log ends (a crash) is what resume must still deliver, or report as not delivered.
 */
import type { Op } from "../events/index.js";

/** Ops that start a turn, or steer the running one. */
export const TURN_INPUT_OPS: ReadonlySet<string> = new Set(["user_input", "user_turn", "user_input_with_turn_context"]);

export interface PendingUserInput {
  /** The submission's id. */
  readonly id: string;
  /** Seq of its `submission` entry. */
  readonly seq: number;
  /** An `interrupt` or `shutdown` was logged after it: the person stopped what it would join. */
  readonly cancelledBy: "interrupt" | "shutdown" | null;
}

export function inputSubmitted(pending: readonly PendingUserInput[], id: string, seq: number, op: Op): readonly PendingUserInput[] {
  if (TURN_INPUT_OPS.has(op.type)) return [...pending, { id, seq, cancelledBy: null }];
  if ((op.type === "interrupt" || op.type === "shutdown") && pending.some((p) => p.cancelledBy === null)) {
    return pending.map((p) => (p.cancelledBy === null ? { ...p, cancelledBy: op.type } : p));
  }
  return pending;
}

/** A turn started with input `id` (Codex uses the submission id as the turn id), or `id` was answered. */
export function inputTaken(pending: readonly PendingUserInput[], id: string | undefined): readonly PendingUserInput[] {
  if (id === undefined || !pending.some((p) => p.id === id)) return pending;
  return pending.filter((p) => p.id !== id);
}

/** The running turn recorded steering input: it takes the oldest. */
export function steeringRecorded(pending: readonly PendingUserInput[]): readonly PendingUserInput[] {
  return pending.length === 0 ? pending : pending.slice(1);
}
