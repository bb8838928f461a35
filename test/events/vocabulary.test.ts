// The vocabulary at the edges: unknown types are named, unknown fields are kept, shapes are checked.
import { describe, expect, it } from "vitest";
import {
  SchemaError,
  UnknownTypeError,
  parseEventMsg,
  parseLogEntry,
  parseOp,
  parsePayload,
  parseResponseItem,
  parseSubmission,
} from "../../src/events/index.js";

describe("unknown types from outside", () => {
  it("rejects an unknown event type, naming it", () => {
    expect(() => parseEventMsg({ type: "made_up_event" })).toThrow(UnknownTypeError);
    expect(() => parseEventMsg({ type: "made_up_event" })).toThrow('unknown event type "made_up_event"');
  });

  it("rejects an unknown op, response item and entry kind, naming each", () => {
    expect(() => parseOp({ type: "launch_rockets" })).toThrow('unknown op type "launch_rockets"');
    expect(() => parseResponseItem({ type: "hologram" })).toThrow('unknown response item type "hologram"');
    expect(() => parsePayload("diary" as never, {})).toThrow('unknown entry kind "diary"');
  });

  it("says what is missing when there is no type at all", () => {
    expect(() => parseEventMsg({ message: "no type" })).toThrow("unknown event type undefined");
    expect(() => parseEventMsg(null)).toThrow(SchemaError);
  });
});

describe("known types", () => {
  it("keeps fields the schema does not name", () => {
    const msg = parseEventMsg({ type: "agent_message", message: "hi", future_field: { a: 1 } });
    expect(msg).toEqual({ type: "agent_message", message: "hi", future_field: { a: 1 } });
    const item = parseResponseItem({ type: "message", role: "user", content: [{ type: "input_text", text: "x", extra: true }], id: "m1" });
    expect(item).toMatchObject({ id: "m1", content: [{ extra: true }] });
  });

  it("names the field that does not fit", () => {
    expect(() => parseEventMsg({ type: "token_count", info: { total_token_usage: 5 } })).toThrow(/invalid event "token_count": info\.total_token_usage/);
    expect(() => parseOp({ type: "exec_approval", id: "c1", decision: "maybe" })).toThrow(/invalid op "exec_approval": decision/);
  });

  it("accepts Codex's older tags and stores the current ones", () => {
    expect(parseEventMsg({ type: "turn_started", turn_id: "t" }).type).toBe("task_started");
    expect(parseEventMsg({ type: "turn_complete", turn_id: "t" }).type).toBe("task_complete");
  });

  it("checks a submission's id and op", () => {
    expect(parseSubmission({ id: "s1", op: { type: "interrupt" } })).toEqual({ id: "s1", op: { type: "interrupt" } });
    expect(() => parseSubmission({ op: { type: "interrupt" } })).toThrow("a submission needs a non-empty string id");
  });
});

describe("log entries", () => {
  const entry = { v: 1, threadId: "t1", seq: 3, ts: "2026-01-01T00:00:00.000Z", kind: "event_msg", payload: { type: "shutdown_complete" } };

  it("round-trips the envelope, keeping the submission id", () => {
    expect(parseLogEntry({ ...entry, sub: "s9" })).toEqual({ ...entry, sub: "s9" });
  });

  it("refuses another schema version, a bad seq, and a bad payload", () => {
    expect(() => parseLogEntry({ ...entry, v: 2 })).toThrow("unsupported schema version 2");
    expect(() => parseLogEntry({ ...entry, seq: 0 })).toThrow("seq must be a positive integer");
    expect(() => parseLogEntry({ ...entry, payload: { type: "nope" } })).toThrow('unknown event type "nope"');
  });
});
