/**
 * The rest of `ThreadState`, Given/When/Then over plain entries: turns and the running turn,
 * pending approvals and what was approved for the session, unanswered calls, token usage, name,
 * session meta; and the fold's purity: an old state never changes, snapshots round-trip.
 */
import { describe, expect, it } from "vitest";
import type { NewEntry } from "../../src/events/index.js";
import {
  AppendList,
  deserializeState,
  evolve,
  foldEntries,
  initialState,
  serializeState,
  IncompatibleSnapshotError,
  OutOfOrderEntryError,
  type ThreadState,
} from "../../src/state/index.js";
import {
  agentDelta,
  assistant,
  compacted,
  context,
  customCall,
  functionCall,
  functionOutput,
  item,
  log,
  nameUpdated,
  rolledBack,
  sessionMeta,
  submission,
  tokenCount,
  turnAborted,
  turnComplete,
  turnContext,
  turnStarted,
  user,
  userMessage,
} from "./support/entries.js";

const fold = (...entries: NewEntry[]): ThreadState => foldEntries(log(...entries));

const event = (payload: Record<string, unknown>) => ({ kind: "event_msg", payload }) as NewEntry;
const execRequest = (callId: string, turnId: string, command: string[], approvalId?: string) =>
  event({ type: "exec_approval_request", call_id: callId, approval_id: approvalId, turn_id: turnId, command, cwd: "/repo" });
const patchRequest = (callId: string, turnId: string, files: string[]) =>
  event({
    type: "apply_patch_approval_request",
    call_id: callId,
    turn_id: turnId,
    changes: Object.fromEntries(files.map((f) => [f, { add: { content: "x" } }])),
  });

describe("turns", () => {
  it("records each turn with its first user message, status and seqs; the running one is active", () => {
    const state = fold(
      turnStarted("t1"),
      userMessage("first"),
      userMessage("steered"),
      turnComplete("t1"),
      turnStarted("t2"),
      turnAborted("t2"),
      turnStarted("t3"),
      userMessage("third"),
    );
    expect(state.turns).toEqual([
      { id: "t1", status: "completed", userMessage: "first", firstSeq: 1, lastSeq: 4 },
      { id: "t2", status: "aborted", userMessage: null, firstSeq: 5, lastSeq: 6 },
      { id: "t3", status: "running", userMessage: "third", firstSeq: 7, lastSeq: null },
    ]);
    expect(state.activeTurn).toBe("t3");
  });

  it("a log that ended mid-turn keeps the turn active; the end clears it", () => {
    const midTurn = fold(turnStarted("t1"), userMessage("hi"), item(user("hi")));
    expect(midTurn.activeTurn).toBe("t1");
    expect(evolve(midTurn, log(...Array(3).fill(agentDelta("x")), turnComplete("t1"))[3]).activeTurn).toBeNull();
  });

  it("a new task_started closes a turn the log left running", () => {
    const state = fold(turnStarted("t1"), userMessage("hi"), turnStarted("t2"));
    expect(state.turns.map((t) => [t.id, t.status])).toEqual([
      ["t1", "aborted"],
      ["t2", "running"],
    ]);
  });

  it("a rollback removes the last user turns and the turns after them", () => {
    const state = fold(
      turnStarted("t1"),
      userMessage("one"),
      turnComplete("t1"),
      turnStarted("t2"),
      userMessage("two"),
      turnComplete("t2"),
      turnStarted("compact"),
      turnComplete("compact"),
      rolledBack(1),
    );
    expect(state.turns.map((t) => t.id)).toEqual(["t1"]);
  });
});

describe("pending approvals", () => {
  it("an exec request waits until a submission answers it by approval id (else call id)", () => {
    const waiting = fold(turnStarted("t1"), execRequest("call-1", "t1", ["ls"]), execRequest("call-2", "t1", ["pwd"], "appr-2"));
    expect(waiting.pendingApprovals.map((p) => [p.kind, p.id])).toEqual([
      ["exec", "call-1"],
      ["exec", "appr-2"],
    ]);
    const answered = fold(
      turnStarted("t1"),
      execRequest("call-1", "t1", ["ls"]),
      execRequest("call-2", "t1", ["pwd"], "appr-2"),
      submission("s1", { type: "exec_approval", id: "appr-2", decision: "approved" }),
    );
    expect(answered.pendingApprovals.map((p) => p.id)).toEqual(["call-1"]);
    expect(answered.approvedForSession.commands).toEqual([]);
  });

  it("approved_for_session remembers the command with its cwd and sandbox permissions, and the patched files", () => {
    const state = fold(
      turnStarted("t1"),
      execRequest("c1", "t1", ["cargo", "test"]),
      submission("s1", { type: "exec_approval", id: "c1", decision: "approved_for_session" }),
      patchRequest("p1", "t1", ["/repo/a.ts", "/repo/b.ts"]),
      submission("s2", { type: "patch_approval", id: "p1", decision: "approved_for_session" }),
      patchRequest("p2", "t1", ["/repo/a.ts"]),
      submission("s3", { type: "patch_approval", id: "p2", decision: "approved_for_session" }),
    );
    expect(state.pendingApprovals).toEqual([]);
    // Codex's approval key: the same command in another folder (or escalated) is asked again.
    expect(state.approvedForSession).toEqual({
      commands: ['{"command":["cargo","test"],"cwd":"/repo","sandbox_permissions":"use_default"}'],
      files: ["/repo/a.ts", "/repo/b.ts"],
    });
  });

  it("user input, host tool and elicitation requests are answered by their own ops", () => {
    const requests = [
      turnStarted("t1"),
      event({ type: "request_user_input", call_id: "u1", turn_id: "t1", questions: [{ id: "q", question: "?" }] }),
      event({ type: "dynamic_tool_call_request", callId: "d1", turnId: "t1", tool: "lookup", arguments: {} }),
      event({ type: "elicitation_request", server_name: "mcp", id: 7, message: "ok?" }),
    ];
    expect(fold(...requests).pendingApprovals.map((p) => [p.kind, p.id, p.turnId])).toEqual([
      ["user_input", "u1", "t1"],
      ["dynamic_tool", "d1", "t1"],
      ["elicitation", "7", "t1"],
    ]);
    const state = fold(
      ...requests,
      submission("a", { type: "user_input_answer", id: "t1", response: { answers: {} } }),
      submission("b", { type: "dynamic_tool_response", id: "d1", response: { content_items: [], success: true } }),
      submission("c", { type: "resolve_elicitation", server_name: "mcp", request_id: 7, decision: "accept" }),
    );
    expect(state.pendingApprovals).toEqual([]);
  });

  it("a turn's end drops its unanswered requests", () => {
    const state = fold(turnStarted("t1"), execRequest("c1", "t1", ["ls"]), turnAborted("t1"));
    expect(state.pendingApprovals).toEqual([]);
  });
});

describe("calls, usage, name and meta", () => {
  it("tracks calls without an output; a compaction or rollback recomputes them", () => {
    const open = fold(item(user("go")), item(functionCall("c1")), item(customCall("c2")), item(functionOutput("c1")));
    expect(open.unansweredCalls).toEqual([customCall("c2")]);
    const compactedAway = evolve(open, log(...Array(4).fill(agentDelta("")), compacted("s", [user("go")]))[4]);
    expect(compactedAway.unansweredCalls).toEqual([]);
    const rolled = fold(item(user("a")), item(user("b")), item(functionCall("c9")), rolledBack(1));
    expect(rolled.unansweredCalls).toEqual([]);
  });

  it("an output logged before its call still answers it", () => {
    expect(fold(item(functionOutput("c1")), item(functionCall("c1"))).unansweredCalls).toEqual([]);
  });

  it("keeps the last non-null token info, the last name and the first session meta", () => {
    const state = fold(
      sessionMeta("thread-a"),
      sessionMeta("thread-b"),
      tokenCount(100),
      tokenCount(null),
      nameUpdated("first"),
      nameUpdated("second"),
    );
    expect(state.tokenUsage?.total_token_usage.total_tokens).toBe(100);
    expect(state.name).toBe("second");
    expect(state.sessionMeta?.id).toBe("thread-a");
    expect(state.seq).toBe(6);
  });

  it("does not record system messages in history; every entry advances seq", () => {
    const state = fold(item({ type: "message", role: "system", content: [{ type: "input_text", text: "sys" }] }), agentDelta("x"));
    expect(state.history.length).toBe(0);
    expect(state.seq).toBe(2);
  });
});

describe("purity and snapshots", () => {
  it("an old state never changes when a later one branches from it", () => {
    const entries = log(item(user("a")), item(assistant("b")), item(user("c")), item(assistant("d")), rolledBack(1));
    const two = foldEntries(entries.slice(0, 2));
    const before = JSON.stringify(serializeState(two));
    const four = foldEntries(entries.slice(2, 4), two);
    const branch = evolve(two, { ...entries[2], payload: user("other") } as (typeof entries)[number]);
    const rolled = evolve(four, entries[4]);
    const again = evolve(rolled, { ...entries[3], seq: 6 });
    expect(JSON.stringify(serializeState(two))).toBe(before);
    expect(four.history.toArray()).toEqual([user("a"), assistant("b"), user("c"), assistant("d")]);
    expect(branch.history.toArray()).toEqual([user("a"), assistant("b"), user("other")]);
    expect(again.history.toArray()).toEqual([user("a"), assistant("b"), assistant("d")]);
  });

  it("AppendList shares its array until a branch, then copies", () => {
    const a = AppendList.empty<number>().push(1, 2);
    const b = a.push(3);
    const c = a.push(4);
    const d = b.truncate(1).push(5);
    expect([a.toArray(), b.toArray(), c.toArray(), d.toArray()]).toEqual([[1, 2], [1, 2, 3], [1, 2, 4], [1, 5]]);
    expect(JSON.stringify({ list: c })).toBe('{"list":[1,2,4]}');
  });

  it("a state survives serialization through JSON, turn contexts shared and all", () => {
    const ctx = context("t1", { user_instructions: "x".repeat(1000) });
    const state = fold(
      sessionMeta("thread-1"),
      turnStarted("t1"),
      userMessage("hi"),
      turnContext(ctx),
      item(user("hi")),
      item(functionCall("c1")),
      execRequest("c1", "t1", ["ls"]),
      turnStarted("t2"),
      turnContext(context("t2", { user_instructions: "x".repeat(1000) })),
      userMessage("again"),
    );
    const json = JSON.stringify(serializeState(state));
    const loaded = deserializeState(JSON.parse(json));
    expect(JSON.stringify(serializeState(loaded))).toBe(json);
    expect(loaded.referenceContext).toEqual(state.referenceContext);
    expect(loaded.unansweredCalls).toEqual(state.unansweredCalls);
    expect(json.split("x".repeat(1000)).length - 1).toBe(1);
    // Folding on from the loaded state matches folding on from the original.
    const more = log(...Array(10).fill(agentDelta("")), item(functionOutput("c1")), rolledBack(1)).slice(10);
    const next = more.map((e, i) => ({ ...e, seq: state.seq + 1 + i }));
    expect(serializeState(foldEntries(next, loaded))).toEqual(serializeState(foldEntries(next, state)));
  });

  it("refuses an entry out of order: a gap or a duplicate", () => {
    const entries = log(item(user("a")), item(user("b")), item(user("c")));
    const one = evolve(initialState(), entries[0]);
    expect(() => evolve(one, entries[2])).toThrow(OutOfOrderEntryError);
    expect(() => evolve(one, entries[0])).toThrow(OutOfOrderEntryError);
  });

  it("rejects a snapshot of another version", () => {
    expect(() => deserializeState({ ...serializeState(initialState()), v: 99 })).toThrow(IncompatibleSnapshotError);
  });
});
