// Codex's rollout persistence policy (codex-core.md §1.2, `rollout/src/policy.rs`), pinned: which
// events a rollout keeps in the default Limited mode, which only in Extended mode, which never.
import { describe, expect, it } from "vitest";
import { EventMsgSchemas, ResponseItemSchemas, type EventMsg } from "../../src/events/index.js";
import { EVENT_PERSISTENCE, isEventPersisted, isPersisted } from "../../src/replay/index.js";

const LIMITED = [
  "task_started", "task_complete", "turn_aborted", "user_message", "agent_message", "agent_reasoning",
  "agent_reasoning_raw_content", "token_count", "context_compacted", "thread_rolled_back", "thread_name_updated",
  "entered_review_mode", "exited_review_mode", "undo_completed", "image_generation_end",
];
const EXTENDED = [
  "error", "exec_command_end", "patch_apply_end", "mcp_tool_call_end", "web_search_end", "view_image_tool_call",
  "dynamic_tool_call_request", "dynamic_tool_call_response", "guardian_assessment", "collab_agent_spawn_end",
  "collab_agent_interaction_end", "collab_waiting_end", "collab_close_end", "collab_resume_end",
];

const byLevel = (level: string) =>
  Object.entries(EVENT_PERSISTENCE)
    .filter(([, value]) => value === level)
    .map(([type]) => type)
    .sort();

describe("rollout persistence policy", () => {
  it("classifies every event type of the vocabulary", () => {
    expect(Object.keys(EVENT_PERSISTENCE).sort()).toEqual(Object.keys(EventMsgSchemas).sort());
  });

  it("keeps Codex's Limited events, adds the Extended ones only in Extended mode, and never writes the rest", () => {
    expect(byLevel("limited")).toEqual([...LIMITED].sort());
    expect(byLevel("extended")).toEqual([...EXTENDED].sort());
    for (const type of Object.keys(EVENT_PERSISTENCE)) {
      // Only item events look inside (at the item); a non-Plan item is the table's default.
      const msg = { type, item: { type: "AgentMessage", id: "i" } } as unknown as EventMsg;
      expect([type, isEventPersisted(msg, "limited")]).toEqual([type, LIMITED.includes(type)]);
      expect([type, isEventPersisted(msg, "extended")]).toEqual([type, LIMITED.includes(type) || EXTENDED.includes(type)]);
    }
    for (const type of ["agent_message_delta", "exec_command_begin", "exec_approval_request", "turn_diff", "warning", "stream_error", "session_configured", "plan_update"]) {
      expect(byLevel("never")).toContain(type);
    }
  });

  it("keeps a completed Plan item, which has no other record, and no other item lifecycle event", () => {
    const completed = (type: string) => ({ type: "item_completed", thread_id: "t", turn_id: "u", item: { type, id: "i" } }) as EventMsg;
    expect(isEventPersisted(completed("Plan"))).toBe(true);
    expect(isEventPersisted(completed("AgentMessage"), "extended")).toBe(false);
    expect(isEventPersisted({ type: "item_started", thread_id: "t", turn_id: "u", item: { type: "Plan", id: "i" } } as EventMsg)).toBe(false);
  });

  it("always keeps session metadata, response items, turn contexts and compactions; never submissions", () => {
    for (const type of Object.keys(ResponseItemSchemas)) {
      expect(isPersisted({ kind: "response_item", payload: { type } } as never)).toBe(true);
    }
    expect(isPersisted({ kind: "session_meta", payload: {} } as never)).toBe(true);
    expect(isPersisted({ kind: "turn_context", payload: {} } as never)).toBe(true);
    expect(isPersisted({ kind: "compacted", payload: { message: "" } } as never)).toBe(true);
    expect(isPersisted({ kind: "submission", payload: { id: "s", op: { type: "interrupt" } } } as never, "extended")).toBe(false);
  });
});
