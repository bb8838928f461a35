// The `compact` op through the embedding API against a fake Responses server: Codex's
// manual-compaction scenarios (core/tests/suite/compact.rs) as Given/When/Then.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startLoom, type LoomHarness } from "../support/loom.js";
import { evCreated, hanging, inputItems, messageTexts, sseFailed, textTurn } from "../support/fake-responses.js";
import { SUMMARIZATION_PROMPT } from "../../src/state/index.js";
import { COMPACTION_WARNING } from "../../src/runtime/compaction/index.js";
import { compact, entriesOf, isSummarization, kinds, shape, summaryOf } from "./support.js";

let loom: LoomHarness;
afterEach(async () => {
  await loom.close();
});

describe("manual compaction", () => {
  beforeEach(async () => {
    loom = await startLoom();
  });

  it("summarizes the history without tools and records Codex's compaction trail", async () => {
    loom.server.enqueue(textTurn("FIRST_REPLY"), textTurn("FIRST_SUMMARY"), textTurn("AFTER_REPLY"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    await thread.run("first manual turn");
    const events = await compact(thread, "compact-1");

    const [turn, summarize] = loom.server.requests;
    expect(isSummarization(summarize!)).toBe(true);
    expect(summarize!.body.parallel_tool_calls).toBe(false);
    expect(summarize!.body.instructions).toBe(turn!.body.instructions);
    expect(summarize!.body.model).toBe(turn!.body.model);
    expect(summarize!.body.prompt_cache_key).toBe(thread.id);
    // The whole history as the turn left it, then the prompt.
    expect(inputItems(summarize!).slice(0, -2)).toEqual(inputItems(turn!));
    expect(shape(summarize!).slice(-3)).toEqual(["user:first manual turn", "assistant:FIRST_REPLY", "user:<SUMMARIZATION_PROMPT>"]);

    expect(kinds(await entriesOf(thread, "compact-1"))).toEqual([
      "submission",
      "task_started",
      "item_started",
      "model_request",
      "token_count",
      "compacted",
      "token_count",
      "item_completed",
      "context_compacted",
      "warning",
      "task_complete",
    ]);
    const started = events.find((e) => e.msg.type === "item_started")!.msg as { item: { type: string; id: string } };
    const completed = events.find((e) => e.msg.type === "item_completed")!.msg as { item: { type: string; id: string } };
    expect(started.item).toEqual(completed.item);
    expect(started.item.type).toBe("ContextCompaction");
    expect(events.find((e) => e.msg.type === "warning")!.msg).toMatchObject({ message: COMPACTION_WARNING });
    expect(events.at(-1)!.msg).toMatchObject({ type: "task_complete", last_agent_message: null });

    const compacted = (await entriesOf(thread, "compact-1")).find((entry) => entry.kind === "compacted")!;
    expect(compacted.payload).toEqual({
      message: summaryOf("FIRST_SUMMARY"),
      replacement_history: [
        { type: "message", role: "user", content: [{ type: "input_text", text: "first manual turn" }] },
        { type: "message", role: "user", content: [{ type: "input_text", text: summaryOf("FIRST_SUMMARY") }] },
      ],
    });

    // The next turn sees the compacted history, then the whole initial context, then its message.
    await thread.run("second manual turn");
    expect(shape(loom.server.requests[2]!)).toEqual([
      "user:first manual turn",
      "user:<SUMMARY>\nFIRST_SUMMARY",
      "developer:<permissions instructions>",
      "user:<environment_context>",
      "user:second manual turn",
    ]);
    loom.server.assertAllUsed();
  });

  it("reports the API's usage, then the estimate of the compacted history", async () => {
    loom.server.enqueue(
      textTurn("FIRST_REPLY", { usage: { input_tokens: 100, output_tokens: 20 } }),
      textTurn("SUMMARY", { usage: { input_tokens: 0, output_tokens: 0, total_tokens: 0 } }),
    );
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    await thread.run("hello");
    const counts = (await compact(thread)).flatMap((e) => (e.msg.type === "token_count" && e.msg.info ? [e.msg.info] : []));
    expect(counts).toHaveLength(2);
    expect(counts[0]!.last_token_usage.total_tokens).toBe(0);
    expect(counts[1]!.last_token_usage.total_tokens).toBeGreaterThan(0);
    expect(counts[1]!.total_token_usage.total_tokens).toBe(120);
    expect(counts[1]!.model_context_window).toBe(258_400);
    expect(thread.state.tokenUsage).toEqual(counts[1]);
  });

  it("keeps the latest user messages across two compactions", async () => {
    loom.server.enqueue(
      textTurn("FIRST_REPLY"),
      textTurn("FIRST_MANUAL_SUMMARY"),
      textTurn("SECOND_REPLY"),
      textTurn("SECOND_MANUAL_SUMMARY"),
      textTurn("FINAL_REPLY"),
    );
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    await thread.run("first manual turn");
    await compact(thread);
    await thread.run("second manual turn");
    await compact(thread);
    await thread.run("post compact follow-up");

    const requests = loom.server.requests;
    expect(requests).toHaveLength(5);
    expect(isSummarization(requests[1]!)).toBe(true);
    expect(isSummarization(requests[3]!)).toBe(true);
    expect(messageTexts(requests[3]!, "user")).toContain("second manual turn");
    // The earlier summary is not a user message to keep: only the newest summary survives.
    expect(shape(requests[4]!)).toEqual([
      "user:first manual turn",
      "user:second manual turn",
      "user:<SUMMARY>\nSECOND_MANUAL_SUMMARY",
      "developer:<permissions instructions>",
      "user:<environment_context>",
      "user:post compact follow-up",
    ]);
  });

  it("drops the oldest item and retries when the summarization request is too long", async () => {
    loom.server.enqueue(
      textTurn("FIRST_REPLY"),
      [evCreated("r-fail"), sseFailed("r-fail", "context_length_exceeded", "Your input exceeds the context window.")],
      textTurn("SUMMARY_TEXT"),
    );
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    await thread.run("first turn");
    const events = await compact(thread);
    const [, attempt, retry] = loom.server.requests;
    expect(isSummarization(attempt!) && isSummarization(retry!)).toBe(true);
    expect(inputItems(retry!)).toEqual(inputItems(attempt!).slice(1));
    const background = events.find((e) => e.msg.type === "background_event")!.msg as { message: string };
    expect(background.message).toContain("Trimmed 1 older thread item");
    expect(events.at(-1)!.msg.type).toBe("task_complete");
    expect(events.some((e) => e.msg.type === "error")).toBe(false);
  });

  it("reports a compaction that cannot fit, marks the window full and stays usable", async () => {
    const tooLong = () => [evCreated("r-fail"), sseFailed("r-fail", "context_length_exceeded", "too long")];
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    // An empty thread: the prompt is the only item, there is nothing left to drop.
    loom.server.enqueue(tooLong());
    const events = await compact(thread);
    const types = events.map((e) => e.msg.type);
    expect(types.slice(-3)).toEqual(["token_count", "error", "task_complete"]);
    const full = events.find((e) => e.msg.type === "token_count")!.msg as { info: { total_token_usage: { total_tokens: number } } };
    expect(full.info.total_token_usage.total_tokens).toBe(258_400);
    expect(events.find((e) => e.msg.type === "error")!.msg).toMatchObject({ codex_error_info: "context_window_exceeded" });
    expect(types).not.toContain("compacted");
    expect(thread.state.activeTurn).toBeNull();
  });

  it("stops when interrupted and records the abort trail, never the compaction", async () => {
    loom.server.enqueue(textTurn("FIRST_REPLY"));
    const stream = hanging([evCreated("r-held")]);
    loom.server.enqueue(stream.reply, textTurn("NEXT_REPLY"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    await thread.run("first turn");
    const done = compact(thread, "compact-int");
    await stream.reached;
    await thread.interrupt();
    const events = await done;
    expect(events.at(-1)!.msg).toMatchObject({ type: "turn_aborted", reason: "interrupted" });
    await stream.disconnected;
    const written = kinds(await entriesOf(thread, "compact-int"));
    expect(written).not.toContain("compacted");
    expect(written.slice(-2)).toEqual(["response_item", "turn_aborted"]);

    const result = await thread.run("after the interrupt");
    expect(result.finalResponse).toBe("NEXT_REPLY");
    expect(messageTexts(loom.server.requests[2]!, "user")).toContain("first turn");
  });
});

describe("compact_prompt", () => {
  it("replaces the summarization prompt", async () => {
    loom = await startLoom({ config: { compact_prompt: "Summarize the thread for a colleague." } });
    loom.server.enqueue(textTurn("FIRST_REPLY"), textTurn("SUMMARY"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    await thread.run("hello");
    await compact(thread);
    const request = loom.server.requests[1]!;
    expect(isSummarization(request, "Summarize the thread for a colleague.")).toBe(true);
    expect(JSON.stringify(request.body)).not.toContain(SUMMARIZATION_PROMPT.slice(0, 40));
  });
});
