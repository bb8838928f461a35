// Reading a rollout is tolerant like Codex's `load_rollout_items`: each line on its own; a line that
// is not JSON, not a rollout item, or whose payload does not fit the vocabulary is skipped and
// reported with its line number; the legacy spellings Codex accepts are accepted.
import { describe, expect, it } from "vitest";
import { parseRollout, rolloutTimestamp } from "../../src/replay/index.js";
import { SCENARIOS, SESSION_META, fixtureText, rolloutLine, userMessage } from "./support.js";

describe("parseRollout", () => {
  it("parses every line of every real Codex rollout, in order, with its line number", () => {
    for (const scenario of SCENARIOS) {
      const text = fixtureText(scenario, "rollout-final-turn.jsonl");
      const { lines, errors } = parseRollout(text);
      expect(errors).toEqual([]);
      const raw = text.split("\n").filter(Boolean).map((line) => JSON.parse(line));
      expect(lines.map((line) => line.lineNumber)).toEqual(raw.map((_, i) => i + 1));
      expect(lines.map(({ timestamp, type, payload }) => ({ timestamp, type, payload }))).toEqual(raw);
    }
  });

  it("skips bad lines, reports each with its line number and why, and keeps the rest", () => {
    const text = [
      rolloutLine("session_meta", SESSION_META),
      "{not json",
      rolloutLine("response_item", userMessage("hi")),
      JSON.stringify([1, 2]),
      rolloutLine("mystery", {}),
      rolloutLine("submission", { id: "s1", op: { type: "interrupt" } }),
      rolloutLine("event_msg", { type: "no_such_event" }),
      rolloutLine("response_item", { type: "message", role: "user" }),
      JSON.stringify({ type: "event_msg", payload: { type: "context_compacted" } }),
      rolloutLine("event_msg", { type: "context_compacted" }),
    ].join("\n");
    const { lines, errors } = parseRollout(text);
    expect(lines.map((line) => [line.lineNumber, line.type])).toEqual([
      [1, "session_meta"],
      [3, "response_item"],
      [10, "event_msg"],
    ]);
    expect(errors.map((error) => error.lineNumber)).toEqual([2, 4, 5, 6, 7, 8, 9]);
    const why = Object.fromEntries(errors.map((error) => [error.lineNumber, error.message]));
    expect(why[2]).toMatch(/^invalid JSON/);
    expect(why[4]).toMatch(/not a rollout line/);
    expect(why[5]).toBe('unknown rollout item type "mystery"');
    // Submissions are Loom's own entries: Codex never writes ops to a rollout.
    expect(why[6]).toBe('unknown rollout item type "submission"');
    expect(why[7]).toBe('unknown event type "no_such_event"');
    expect(why[8]).toMatch(/^invalid response item "message": content/);
    expect(why[9]).toBe("timestamp must be a string");
  });

  it("skips blank lines silently and counts them, and reads CRLF files", () => {
    const text = ["", rolloutLine("session_meta", SESSION_META), "   ", "{", ""].join("\r\n");
    const { lines, errors } = parseRollout(text);
    expect(lines.map((line) => line.lineNumber)).toEqual([2]);
    expect(errors.map((error) => error.lineNumber)).toEqual([4]);
  });

  it("accepts the legacy keys and tags Codex tolerates", () => {
    const text = [
      // Older session_meta lines carry `instructions`; older user_message events carry `kind`.
      rolloutLine("session_meta", { ...SESSION_META, instructions: "be nice" }),
      rolloutLine("event_msg", { type: "user_message", message: "Saved user message", kind: "plain" }),
      // v2 interop spellings of the turn lifecycle.
      rolloutLine("event_msg", { type: "turn_started", turn_id: "t1" }),
      rolloutLine("event_msg", { type: "turn_complete", turn_id: "t1", last_agent_message: null }),
      // A compaction from before replacement histories.
      rolloutLine("compacted", { message: "summary" }),
    ].join("\n");
    const { lines, errors } = parseRollout(text);
    expect(errors).toEqual([]);
    expect(lines[0].payload).toMatchObject({ instructions: "be nice" });
    expect(lines[1].payload).toMatchObject({ kind: "plain" });
    expect(lines.slice(2, 4).map((line) => (line.payload as { type: string }).type)).toEqual(["task_started", "task_complete"]);
    expect(lines[4].payload).toEqual({ message: "summary" });
  });

  it("writes every timestamp in Codex's form, and keeps one that is not a time as Codex reads it", () => {
    expect(rolloutTimestamp("2025-01-05T12:00:00Z")).toBe("2025-01-05T12:00:00.000Z");
    expect(rolloutTimestamp("2025-01-05T13:00:00.1234+01:00")).toBe("2025-01-05T12:00:00.123Z");
    expect(rolloutTimestamp("2026-11-21T20:12:38.377Z")).toBe("2026-11-21T20:12:38.377Z");
    expect(rolloutTimestamp("yesterday")).toBe("yesterday");
    const { lines } = parseRollout(rolloutLine("session_meta", SESSION_META, "2025-01-05T12:00:00Z"));
    expect(lines[0].timestamp).toBe("2025-01-05T12:00:00.000Z");
  });
});
