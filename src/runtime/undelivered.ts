/**
 * Submissions Loom will not act on get an answer saying so, in the log: an `error` event with the
 * submission's id. For user input this is also what takes it off the fold's pending list, so a
 * resume does not deliver it again. `thread.submit()` resolving means the submission is durable
 * and will be acted on or answered; these are the answers.
 */
import type { NewEntry, Submission } from "../events/index.js";

/** Why a submission did not run. */
export type UndeliveredReason = "interrupted" | "shutdown" | "shutting_down" | "fork";

const WHY: Record<UndeliveredReason, string> = {
  interrupted: "the turn it was steering was interrupted before it took the input",
  shutdown: "the thread shut down before it ran",
  shutting_down: "the thread is shutting down",
  fork: "it was logged before the fork point and a fork does not run it; submit it again",
};

/** The `error` event answering submission `id` (of `type`) that will not run. */
export function undeliveredEntry(id: string, type: string, reason: UndeliveredReason): NewEntry {
  const what = type === "user_input" || type === "user_turn" || type === "user_input_with_turn_context" ? "input" : type;
  return {
    kind: "event_msg",
    sub: id,
    payload: { type: "error", message: `${what} not delivered: ${WHY[reason]}`, codex_error_info: "other" },
  };
}

export function undeliveredEntries(submissions: readonly Submission[], reason: UndeliveredReason): NewEntry[] {
  return submissions.map((s) => undeliveredEntry(s.id, s.op.type, reason));
}
