/**
 * An agent's status, derived from its own thread's log as Codex derives it from events
 * (`agent_status_from_event`, codex-rs/core/src/agent/status.rs). It is a fold of the child's log:
 * after a restart the status is read back from the log, never remembered elsewhere.
 *
 * A turn that fails goes errored (`error`), then completed without a message (`task_complete`), as
 * in Codex: a wait or notification under way sees the error (wait.ts keeps the first final status
 * it sees), the status at rest is Codex's last one. Where Loom says more than Codex's in-memory
 * watch, it is because the log knows more:
 * - A final status survives a reopening (`session_configured`): a parent whose wait goes on after
 *   a restart learns how its agent ended instead of waiting for a turn that will not come.
 * - A turn the process's death cut short (the thread reopened over it, and its first entries close
 *   it as aborted) is errored, not interrupted: nobody interrupted it, and nothing will resume it.
 */
import { z } from "zod";
import type { EventMsg, LogEntry } from "../events/index.js";

export const AgentStatus = z.union([
  z.enum(["pending_init", "running", "interrupted", "shutdown", "not_found"]),
  z.object({ completed: z.string().nullable() }).strict(),
  z.object({ errored: z.string() }).strict(),
]);
export type AgentStatus = z.infer<typeof AgentStatus>;

/** What an agent whose turn the process's death cut short is reported as (its turn was closed as aborted when its thread reopened). */
export const CUT_SHORT = "the process running this agent stopped during its turn; the turn was aborted when the agent was resumed";

/** The `codex_error_info` Loom gives input a client sent that was not valid: not the agent's failure. */
const INPUT_ERROR_INFO = "bad_request";

/** The fold's state: the status, and what it takes to tell a turn the process's death ended. */
export interface StatusFold {
  readonly status: AgentStatus;
  /** A turn began and has not ended. */
  readonly turnOpen: boolean;
  /** The thread just reopened over a turn left open: if the next entry ends it, the repair did. */
  readonly reopenedMidTurn: boolean;
}

export const INITIAL_STATUS: StatusFold = { status: "pending_init", turnOpen: false, reopenedMidTurn: false };

/** Rust's `{:?}` of a `TurnAbortReason` (Codex puts it in the errored status). */
function debugName(reason: string): string {
  return reason
    .split("_")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
}

/** What the fold reads of a log entry: an event's message; of other entries, only their kind. */
export type StatusEntry = { kind: "event_msg"; payload: EventMsg } | { kind: Exclude<LogEntry["kind"], "event_msg"> };

/** The fold after one log entry (a submission, event or item of the agent's thread). */
export function foldStatus(fold: StatusFold, entry: StatusEntry): StatusFold {
  if (entry.kind === "submission") return fold.reopenedMidTurn ? { ...fold, reopenedMidTurn: false } : fold;
  // The repair's items (outputs for the open calls, the `<turn_aborted>` marker) come before its event.
  if (entry.kind !== "event_msg") return fold;
  return foldEvent(fold, entry.payload);
}

function foldEvent(fold: StatusFold, msg: EventMsg): StatusFold {
  const settled = (status: AgentStatus): StatusFold => ({ status, turnOpen: false, reopenedMidTurn: false });
  switch (msg.type) {
    case "session_configured":
      // Reopened over an open turn: it goes on (or the entries that follow close it).
      if (fold.turnOpen) return { ...fold, reopenedMidTurn: true };
      // How the last task ended stays known; otherwise a reopened thread waits for input, as a new one does.
      return settled(isFinal(fold.status) && fold.status !== "shutdown" ? fold.status : "pending_init");
    case "task_started":
      return { status: "running", turnOpen: true, reopenedMidTurn: false };
    case "task_complete":
      return settled({ completed: msg.last_agent_message ?? null });
    case "turn_aborted":
      if (fold.reopenedMidTurn) return settled({ errored: CUT_SHORT });
      return settled(msg.reason === "interrupted" ? "interrupted" : { errored: debugName(String(msg.reason)) });
    case "error":
      if (msg.codex_error_info === INPUT_ERROR_INFO) return { ...fold, reopenedMidTurn: false };
      return { status: { errored: msg.message }, turnOpen: fold.turnOpen, reopenedMidTurn: false };
    case "shutdown_complete":
      return settled("shutdown");
    default:
      return fold.reopenedMidTurn ? { ...fold, reopenedMidTurn: false } : fold;
  }
}

/** The status a thread's entries leave it in. */
export function statusOf(entries: Iterable<StatusEntry>): AgentStatus {
  let fold = INITIAL_STATUS;
  for (const entry of entries) fold = foldStatus(fold, entry);
  return fold.status;
}

/** Codex's `is_final`: a wait ends on these (an interrupted agent may still get more input). */
export function isFinal(status: AgentStatus): boolean {
  return status !== "pending_init" && status !== "running" && status !== "interrupted";
}
