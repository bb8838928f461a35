/**
 * An agent's status, derived from the events of its own thread as Codex derives it
 * (`agent_status_from_event`, codex-rs/core/src/agent/status.rs). It is a fold of the child's log:
 * after a restart the status is read back from the log, never remembered elsewhere.
 */
import { z } from "zod";
import type { EventMsg, LogEntry } from "../events/index.js";

export const AgentStatus = z.union([
  z.enum(["pending_init", "running", "interrupted", "shutdown", "not_found"]),
  z.object({ completed: z.string().nullable() }).strict(),
  z.object({ errored: z.string() }).strict(),
]);
export type AgentStatus = z.infer<typeof AgentStatus>;

/** The `codex_error_info` Loom gives input a client sent that was not valid: not the agent's failure. */
const INPUT_ERROR_INFO = "bad_request";

/** Rust's `{:?}` of a `TurnAbortReason` (Codex puts it in the errored status). */
function debugName(reason: string): string {
  return reason
    .split("_")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
}

/** The status after `msg`, or the same one when the event says nothing about it. */
export function statusAfter(status: AgentStatus, msg: EventMsg): AgentStatus {
  switch (msg.type) {
    case "session_configured":
      // A thread opened again (resumed) waits for input, as a new one does.
      return "pending_init";
    case "task_started":
      return "running";
    case "task_complete":
      return { completed: msg.last_agent_message ?? null };
    case "turn_aborted":
      return msg.reason === "interrupted" ? "interrupted" : { errored: debugName(String(msg.reason)) };
    case "error":
      return msg.codex_error_info === INPUT_ERROR_INFO ? status : { errored: msg.message };
    case "shutdown_complete":
      return "shutdown";
    default:
      return status;
  }
}

/** The status a thread's entries leave it in. */
export function statusOf(entries: Iterable<LogEntry>): AgentStatus {
  let status: AgentStatus = "pending_init";
  for (const entry of entries) if (entry.kind === "event_msg") status = statusAfter(status, entry.payload);
  return status;
}

/** Codex's `is_final`: a wait ends on these (an interrupted agent may still get more input). */
export function isFinal(status: AgentStatus): boolean {
  return status !== "pending_init" && status !== "running" && status !== "interrupted";
}
