// The agent status fold (src/agents/status.ts): given the entries of an agent's thread, then its
// status. Codex's `agent_status_from_event` for each event, plus what the log alone can tell: a final
// status survives a reopening, and a turn the process's death cut short (closed by the reopening's
// repair) is errored rather than interrupted.
import { describe, expect, it } from "vitest";
import { CUT_SHORT, statusOf, type StatusEntry } from "../../src/agents/index.js";
import type { EventMsg } from "../../src/events/index.js";

const ev = (msg: Record<string, unknown>): StatusEntry => ({ kind: "event_msg", payload: msg as EventMsg });
const configured = ev({ type: "session_configured", session_id: "t" });
const started = ev({ type: "task_started", turn_id: "turn" });
const complete = (last: string | null) => ev({ type: "task_complete", turn_id: "turn", last_agent_message: last });
const aborted = (reason = "interrupted") => ev({ type: "turn_aborted", turn_id: "turn", reason });
const error = (message: string, info?: string) => ev({ type: "error", message, ...(info ? { codex_error_info: info } : {}) });
/** A person's interrupt, as the log holds it (the fold reads only that a submission came). */
const interrupt: StatusEntry = { kind: "submission" };
const item: StatusEntry = { kind: "response_item" };
const approval = ev({ type: "exec_approval_request", call_id: "c" });
const shutdown = ev({ type: "shutdown_complete" });

describe("an agent's status, folded from its log", () => {
  it.each([
    ["a new thread", [configured], "pending_init"],
    ["a running turn", [configured, started], "running"],
    ["a finished turn", [configured, started, complete("done")], { completed: "done" }],
    ["a turn interrupted by a person", [configured, started, interrupt, item, aborted()], "interrupted"],
    ["a turn replaced", [configured, started, aborted("replaced")], { errored: "Replaced" }],
    ["a turn failing (Codex's error event)", [started, error("boom")], { errored: "boom" }],
    ["a turn that failed (then task_complete without a message, Codex's status at rest)", [started, error("boom"), complete(null)], { completed: null }],
    ["a turn that went on after an error and answered", [started, error("boom"), complete("fine")], { completed: "fine" }],
    ["a bad input a client sent (not the agent's failure)", [started, error("bad line", "bad_request")], "running"],
    ["a shut-down thread", [started, complete("x"), shutdown], "shutdown"],
    ["a shut-down thread reopened (resume_agent)", [started, complete("x"), shutdown, configured], "pending_init"],
    ["a finished agent reopened", [started, complete("x"), configured], { completed: "x" }],
    ["a failed agent reopened", [started, error("boom"), complete(null), configured], { completed: null }],
    ["an interrupted agent reopened", [started, aborted(), configured], "pending_init"],
    ["a turn cut short by the process's death (the reopening closes it)", [started, configured, item, item, aborted()], { errored: CUT_SHORT }],
    ["a turn cut short twice", [started, configured, approval, configured, aborted()], { errored: CUT_SHORT }],
    ["a turn that goes on after a reopening (asked again)", [started, configured, approval], "running"],
    ["a turn that went on, then was interrupted", [started, configured, approval, interrupt, aborted()], "interrupted"],
    ["a turn that went on, then was interrupted at once", [started, configured, interrupt, aborted()], "interrupted"],
    ["a new turn after a cut-short one", [started, configured, aborted(), started, complete("again")], { completed: "again" }],
  ] as const)("%s", (_name, entries, status) => {
    expect(statusOf(entries as readonly StatusEntry[])).toEqual(status);
  });
});
