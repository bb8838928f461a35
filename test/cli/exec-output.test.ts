// exec's human rendering as plain data in, lines out: what codex exec shows for each kind of event.
import { describe, expect, it } from "vitest";
import { HumanOutput, clipLines } from "../../src/cli/exec-output.js";
import type { EventMsg } from "../../src/events/index.js";

function render(events: EventMsg[]): string[] {
  const lines: string[] = [];
  const out = new HumanOutput((line) => lines.push(...line.split("\n")), false);
  out.header(
    {
      version: "9.9.9",
      workdir: "/repo",
      model: "gpt-test",
      provider: "openai",
      approval: "never",
      sandbox: { type: "read-only" },
      effort: "high",
      threadId: "t-1",
      resumed: true,
    },
    "do it",
  );
  lines.length = 0;
  for (const event of events) out.event(event);
  out.finish();
  return lines;
}

describe("HumanOutput", () => {
  it("shows MCP calls by server and tool, with a failure's text", () => {
    const invocation = { server: "fs", tool: "read_file", arguments: { path: "/x" } };
    expect(
      render([
        { type: "mcp_tool_call_begin", call_id: "c1", invocation },
        { type: "mcp_tool_call_end", call_id: "c1", invocation, result: { Ok: { content: [], isError: false } } },
        { type: "mcp_tool_call_end", call_id: "c2", invocation, result: { Err: "tool call timed out" } },
      ]),
    ).toEqual(["mcp: fs/read_file started", "mcp: fs/read_file (completed)", "mcp: fs/read_file (failed)", "tool call timed out"]);
  });

  it("shows thinking while the model reasons, then its summary, warnings, retries, errors and a plan", () => {
    expect(
      render([
        { type: "item_started", thread_id: "t", turn_id: "u", item: { type: "Reasoning", id: "r1" } },
        { type: "agent_reasoning_delta", delta: "Look" },
        { type: "agent_reasoning", text: "Looking at the tests" },
        { type: "agent_message_delta", delta: "Do" },
        { type: "stream_error", message: "Reconnecting... 1/5", additional_details: "stream disconnected before completion: idle timeout waiting for SSE" },
        { type: "warning", message: "skipped an unparsable event" },
        { type: "plan_update", explanation: "Plan", plan: [{ step: "read", status: "completed" }, { step: "fix", status: "in_progress" }, { step: "test", status: "pending" }] },
        { type: "error", message: "Quota exceeded." },
        { type: "token_count", info: { total_token_usage: { input_tokens: 1200, cached_input_tokens: 200, output_tokens: 34, reasoning_output_tokens: 0, total_tokens: 1234 }, last_token_usage: { input_tokens: 0, cached_input_tokens: 0, output_tokens: 0, reasoning_output_tokens: 0, total_tokens: 0 } } },
      ]),
    ).toEqual([
      "thinking…",
      "Looking at the tests",
      "warning: Reconnecting... 1/5 (stream disconnected before completion: idle timeout waiting for SSE)",
      "warning: skipped an unparsable event",
      "Plan",
      "  ✓ read",
      "  → fix",
      "  • test",
      "ERROR: Quota exceeded.",
      "tokens used",
      "1,034",
    ]);
  });

  it("shows a failed command's exit code, a declined one, and patched files relative to the workdir", () => {
    const base = { call_id: "c", turn_id: "u", command: ["make"], cwd: "/repo", parsed_cmd: [], stdout: "", stderr: "", formatted_output: "" };
    expect(
      render([
        { ...base, type: "exec_command_end", aggregated_output: "boom\n", exit_code: 2, duration: { secs: 1, nanos: 500_000_000 } },
        { ...base, type: "exec_command_end", aggregated_output: "", exit_code: -1, duration: { secs: 0, nanos: 0 }, status: "declined" },
        { type: "patch_apply_begin", call_id: "p", turn_id: "u", auto_approved: true, changes: { "/repo/src/a.ts": { add: { content: "" } }, "/elsewhere/b.ts": { delete: { content: "" } } } },
        { type: "patch_apply_end", call_id: "p", turn_id: "u", stdout: "", stderr: "", success: true },
      ]),
    ).toEqual([" exited 2 in 1500ms:", "boom", " declined in 0ms:", "apply patch", "  src/a.ts", "  /elsewhere/b.ts", "patch: completed"]);
  });

  it("clips long output to its first lines, and long lines", () => {
    expect(clipLines("a\nb\nc\nd\n", 2)).toBe("a\nb\n… +2 lines");
    expect(clipLines("x".repeat(300), 5)).toBe(`${"x".repeat(199)}…`);
  });
});
