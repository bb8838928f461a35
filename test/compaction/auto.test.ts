// Automatic compaction through the embedding API: before a turn when the thread is over its limit,
// mid-turn when a follow-up is needed at the limit, after a context-window error, after resume.
// Codex's scenarios from core/tests/suite/compact.rs, against a fake Responses server.
import { afterEach, describe, expect, it } from "vitest";
import { createRuntime } from "../../src/runtime/runtime.js";
import { startLoom, type LoomHarness } from "../support/loom.js";
import {
  evCompletedWithTokens,
  evCreated,
  evFunctionCall,
  gated,
  hanging,
  inputItems,
  messageTexts,
  sseFailed,
  textTurn,
  type Reply,
} from "../support/fake-responses.js";
import { compact, entriesOf, isSummarization, kinds, shape, summaryOf } from "./support.js";

let loom: LoomHarness;
afterEach(async () => {
  await loom.close();
});

const overLimitCall = (callId: string, tokens: number): Reply => [
  evCreated(`r-${callId}`),
  evFunctionCall(callId, "test_tool", "{}"),
  evCompletedWithTokens(`r-${callId}`, tokens),
];

describe("pre-turn compaction", () => {
  it("compacts before the turn's input when the last usage is at the limit", async () => {
    loom = await startLoom({ config: { model_auto_compact_token_limit: 20_000 } });
    loom.server.enqueue(
      textTurn("Reply 1.", { usage: { input_tokens: 29_000, output_tokens: 1_000 } }),
      textTurn("SUMMARY_TEXT", { usage: { input_tokens: 300, output_tokens: 10 } }),
      textTurn("Reply 3.", { usage: { input_tokens: 300, output_tokens: 10 } }),
      textTurn("Reply 4.", { usage: { input_tokens: 300, output_tokens: 10 } }),
    );
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    await thread.run("Say hi.");
    const run = await thread.run("Say more.");
    expect(run.finalResponse).toBe("Reply 3.");

    const [, summarize, sampled] = loom.server.requests;
    expect(isSummarization(summarize!)).toBe(true);
    // The incoming user message is not part of what gets summarized.
    expect(messageTexts(summarize!, "user")).not.toContain("Say more.");
    expect(shape(sampled!)).toEqual([
      "user:Say hi.",
      "user:<SUMMARY>\nSUMMARY_TEXT",
      "developer:<permissions instructions>",
      "user:<environment_context>",
      "user:Say more.",
    ]);
    const turnId = (await thread.entries()).find((e) => e.kind === "event_msg" && e.payload.type === "user_message" && e.payload.message === "Say more.")!.sub!;
    expect(kinds(await entriesOf(thread, turnId)).slice(0, 17)).toEqual([
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
      "response_item",
      "response_item",
      "turn_context",
      "response_item",
      "item_started",
      "item_completed",
      "user_message",
    ]);

    // The estimate after compacting is far below the limit: the next turn just samples.
    await thread.run("After compaction.");
    expect(loom.server.requests).toHaveLength(4);
    expect(shape(loom.server.requests[3]!).slice(-2)).toEqual(["assistant:Reply 3.", "user:After compaction."]);
  });

  it("clamps model_auto_compact_token_limit to 90% of model_context_window", async () => {
    loom = await startLoom({ config: { model_context_window: 100, model_auto_compact_token_limit: 200 } });
    loom.server.enqueue(
      textTurn("FIRST", { usage: { input_tokens: 90 } }),
      textTurn("SUMMARY"),
      textTurn("SECOND"),
    );
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    const started = await thread.run("one");
    expect(started.finalResponse).toBe("FIRST");
    expect(thread.state.tokenUsage?.model_context_window).toBe(95);
    await thread.run("two");
    expect(isSummarization(loom.server.requests[1]!)).toBe(true);
  });

  it("compacts after a resume when the logged usage is over the limit", async () => {
    loom = await startLoom({ config: { model_auto_compact_token_limit: 20_000 } });
    loom.server.enqueue(textTurn("FIRST", { usage: { input_tokens: 30_000 } }), textTurn("SUMMARY"), textTurn("SECOND"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    await thread.run("before restart");
    await loom.rt.close();

    const rt = await createRuntime({
      dataDir: loom.dataDir,
      durable: false,
      config: { model_auto_compact_token_limit: 20_000 },
      env: {},
      model: { apiKey: "test-key", baseURL: loom.server.baseURL },
      retry: { baseDelayMs: 1 },
    });
    try {
      const resumed = await rt.resumeThread(thread.id);
      const result = await resumed.run("after restart");
      expect(result.finalResponse).toBe("SECOND");
      expect(isSummarization(loom.server.requests[1]!)).toBe(true);
      expect(shape(loom.server.requests[2]!).slice(0, 2)).toEqual(["user:before restart", "user:<SUMMARY>\nSUMMARY"]);
    } finally {
      await rt.close();
    }
  });

  it("ends the turn with the error when even the prompt alone is too long, before recording its input", async () => {
    loom = await startLoom({ config: { model_auto_compact_token_limit: 1_000 } });
    loom.server.enqueue(textTurn("FIRST", { usage: { input_tokens: 5_000 } }));
    loom.server.setHandler((request) =>
      isSummarization(request) ? [evCreated("r"), sseFailed("r", "context_length_exceeded", "too long")] : textTurn("unexpected"),
    );
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    await thread.run("USER_ONE");
    await expect(thread.run("USER_TWO")).rejects.toThrow(/context window/);

    // Each refusal drops the oldest item, down to the prompt alone.
    const attempts = loom.server.requests.slice(1);
    expect(attempts.every((request) => isSummarization(request))).toBe(true);
    expect(attempts.map((request) => inputItems(request).length)).toEqual([5, 4, 3, 2, 1]);
    expect(shape(attempts[0]!)).toEqual([
      "developer:<permissions instructions>",
      "user:<environment_context>",
      "user:USER_ONE",
      "assistant:FIRST",
      "user:<SUMMARIZATION_PROMPT>",
    ]);
    expect(thread.state.history.toArray().some((item) => JSON.stringify(item).includes("USER_TWO"))).toBe(false);
    expect(thread.state.tokenUsage?.total_token_usage.total_tokens).toBe(258_400);
    expect(thread.state.activeTurn).toBeNull();
  });
});

describe("context_length_exceeded while sampling", () => {
  it("marks the window full, so the next turn compacts first", async () => {
    loom = await startLoom();
    loom.server.enqueue(
      textTurn("FIRST"),
      [evCreated("r-fail"), sseFailed("r-fail", "context_length_exceeded", "too long")],
      textTurn("SUMMARY"),
      textTurn("RECOVERED"),
    );
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    await thread.run("first");
    const failing = thread.run("too much");
    await expect(failing).rejects.toThrow();
    const info = thread.state.tokenUsage!;
    expect(info.model_context_window).toBe(258_400);
    expect(info.total_token_usage.total_tokens).toBe(258_400);

    expect((await thread.run("again")).finalResponse).toBe("RECOVERED");
    expect(isSummarization(loom.server.requests[2]!)).toBe(true);
    expect(messageTexts(loom.server.requests[2]!, "user")).toContain("too much");
  });
});

describe("mid-turn compaction", () => {
  it("compacts after the tool output when a follow-up is needed at the limit, and re-injects the context", async () => {
    loom = await startLoom({ config: { model_context_window: 100, model_auto_compact_token_limit: 90 } });
    loom.server.enqueue(
      overLimitCall("call_1", 96),
      [evCreated("r2"), ...textTurn("AUTO_SUMMARY").slice(1, -1), evCompletedWithTokens("r2", 10)],
      [evCreated("r3"), ...textTurn("FINAL_REPLY").slice(1, -1), evCompletedWithTokens("r3", 10)],
      textTurn("NEXT_REPLY"),
    );
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    const result = await thread.run("function call limit push");
    expect(result.finalResponse).toBe("FINAL_REPLY");

    const [, summarize, continued] = loom.server.requests;
    expect(shape(summarize!)).toEqual([
      "developer:<permissions instructions>",
      "user:<environment_context>",
      "user:function call limit push",
      "function_call/test_tool",
      "function_call_output",
      "user:<SUMMARIZATION_PROMPT>",
    ]);
    expect(inputItems(summarize!).find((item) => item.type === "function_call_output").output).toContain("test_tool");
    expect(shape(continued!)).toEqual([
      "developer:<permissions instructions>",
      "user:<environment_context>",
      "user:function call limit push",
      "user:<SUMMARY>\nAUTO_SUMMARY",
    ]);
    // The compaction re-established the reference context: the next turn adds only its message.
    const written = kinds(await thread.entries());
    expect(written[written.indexOf("compacted") + 1]).toBe("turn_context");
    await thread.run("next");
    expect(shape(loom.server.requests[3]!).slice(-2)).toEqual(["assistant:FINAL_REPLY", "user:next"]);
  });

  it("compacts as often as the turn reaches the limit", async () => {
    loom = await startLoom({ config: { model_context_window: 100, model_auto_compact_token_limit: 90 } });
    loom.server.enqueue(
      overLimitCall("call_1", 96),
      textTurn("SUMMARY_ONE"),
      overLimitCall("call_2", 96),
      textTurn("SUMMARY_TWO"),
      [evCreated("r-final"), ...textTurn("DONE").slice(1, -1), evCompletedWithTokens("r-final", 10)],
    );
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    const result = await thread.run("keep going");
    expect(result.finalResponse).toBe("DONE");
    const requests = loom.server.requests;
    expect(requests.map((request) => isSummarization(request))).toEqual([false, true, false, true, false]);
    expect(shape(requests[4]!).slice(-2)).toEqual(["user:keep going", "user:<SUMMARY>\nSUMMARY_TWO"]);
    expect(kinds(await thread.entries()).filter((kind) => kind === "compacted")).toHaveLength(2);
  });

  it("stops on interrupt without recording the compaction", async () => {
    loom = await startLoom({ config: { model_context_window: 100, model_auto_compact_token_limit: 90 } });
    const held = hanging([evCreated("r-held")]);
    loom.server.enqueue(overLimitCall("call_1", 96), held.reply);
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    const aborted = new Promise((resolve) => thread.events$.subscribe((e) => e.msg.type === "turn_aborted" && resolve(e)));
    const run = thread.run("interrupt me");
    await held.reached;
    await thread.interrupt();
    await aborted;
    await expect(run).rejects.toThrow();
    await held.disconnected;
    const written = kinds(await thread.entries());
    expect(written).not.toContain("compacted");
    expect(written.slice(-2)).toEqual(["response_item", "turn_aborted"]);
    const compactionItems = (await thread.entries()).filter(
      (e) => e.kind === "event_msg" && (e.payload.type === "item_started" || e.payload.type === "item_completed") && e.payload.item.type === "ContextCompaction",
    );
    expect(compactionItems.map((e) => (e.kind === "event_msg" ? e.payload.type : ""))).toEqual(["item_started"]);
  });
});

describe("steering around a mid-turn compaction", () => {
  const steer = (thread: { submit(op: unknown): Promise<string> }, text: string) =>
    thread.submit({ type: "user_input", items: [{ type: "text", text }] });

  it("keeps steered input pending until the model has continued after the compaction", async () => {
    loom = await startLoom({ config: { model_auto_compact_token_limit: 200 } });
    const first = gated([evCreated("r1"), evFunctionCall("call-1", "test_tool", "{}")], [evCompletedWithTokens("r1", 500)]);
    loom.server.enqueue(
      first.reply,
      [evCreated("r-compact"), ...textTurn("AUTO_COMPACT_SUMMARY").slice(1, -1), evCompletedWithTokens("r-compact", 50)],
      [evCreated("r-post"), ...textTurn("resumed old task").slice(1, -1), evCompletedWithTokens("r-post", 60)],
      [evCreated("r-steered"), ...textTurn("processed steered prompt").slice(1, -1), evCompletedWithTokens("r-steered", 70)],
    );
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    const run = thread.run("first prompt");
    await first.reached;
    await steer(thread, "second prompt");
    first.release();
    expect((await run).finalResponse).toBe("processed steered prompt");
    const requests = loom.server.requests;
    expect(requests.map((request) => isSummarization(request))).toEqual([false, true, false, false]);
    expect(messageTexts(requests[1]!, "user")).not.toContain("second prompt");
    expect(messageTexts(requests[2]!, "user")).not.toContain("second prompt");
    expect(messageTexts(requests[3]!, "user")).toContain("second prompt");
  });

  it("records steered input right after the compaction when only the steer needs a follow-up", async () => {
    loom = await startLoom({ config: { model_auto_compact_token_limit: 200 } });
    const first = gated(textTurn("first answer").slice(0, -1), [evCompletedWithTokens("r1", 500)]);
    loom.server.enqueue(
      first.reply,
      [evCreated("r-compact"), ...textTurn("AUTO_COMPACT_SUMMARY").slice(1, -1), evCompletedWithTokens("r-compact", 50)],
      [evCreated("r-steered"), ...textTurn("processed steered prompt").slice(1, -1), evCompletedWithTokens("r-steered", 70)],
    );
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    const run = thread.run("first prompt");
    await first.reached;
    await steer(thread, "second prompt");
    first.release();
    expect((await run).finalResponse).toBe("processed steered prompt");
    const requests = loom.server.requests;
    expect(requests).toHaveLength(3);
    expect(isSummarization(requests[1]!)).toBe(true);
    expect(messageTexts(requests[1]!, "user")).not.toContain("second prompt");
    expect(shape(requests[2]!)).toEqual([
      "developer:<permissions instructions>",
      "user:<environment_context>",
      "user:first prompt",
      "user:<SUMMARY>\nAUTO_COMPACT_SUMMARY",
      "user:second prompt",
    ]);
  });
});

describe("resume, fork and rollback after compaction", () => {
  const compactFlow = (): Reply[] => [textTurn("FIRST_REPLY"), textTurn("SUMMARY_ONLY_CONTEXT"), textTurn("AFTER_COMPACT_REPLY")];

  it("resume and fork continue from the compacted view: it is a prefix of what they send", async () => {
    loom = await startLoom();
    loom.server.enqueue(...compactFlow(), textTurn("AFTER_RESUME_REPLY"), textTurn("AFTER_FORK_REPLY"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    await thread.run("hello world");
    await compact(thread);
    await thread.run("AFTER_COMPACT");
    const afterCompact = inputItems(loom.server.requests[2]!);
    const head = (await loom.rt.stateAt(thread.id)).seq;
    await thread.close();

    const resumed = await loom.rt.resumeThread(thread.id);
    await resumed.run("AFTER_RESUME");
    const afterResume = inputItems(loom.server.requests[3]!);
    expect(afterResume.slice(0, afterCompact.length)).toEqual(afterCompact);
    expect(messageTexts(loom.server.requests[3]!, "user")).toEqual([
      "hello world",
      summaryOf("SUMMARY_ONLY_CONTEXT"),
      expect.stringContaining("<environment_context>"),
      "AFTER_COMPACT",
      "AFTER_RESUME",
    ]);

    const fork = await loom.rt.forkThread(thread.id, { atSeq: head });
    await fork.run("AFTER_FORK");
    const afterFork = inputItems(loom.server.requests[4]!);
    expect(afterFork.slice(0, afterCompact.length)).toEqual(afterCompact);
    expect(messageTexts(loom.server.requests[4]!, "user").slice(-2)).toEqual(["AFTER_COMPACT", "AFTER_FORK"]);
  });

  it("keeps the summary and not the rolled-back turn after a rollback past the compaction", async () => {
    loom = await startLoom();
    loom.server.enqueue(...compactFlow(), textTurn("AFTER_ROLLBACK_REPLY"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    await thread.run("hello world");
    await compact(thread);
    await thread.run("EDITED_AFTER_COMPACT");
    await thread.rollback(1);
    await thread.run("AFTER_ROLLBACK");
    const requests = loom.server.requests;
    expect(shape(requests[2]!)).toEqual([
      "user:hello world",
      "user:<SUMMARY>\nSUMMARY_ONLY_CONTEXT",
      "developer:<permissions instructions>",
      "user:<environment_context>",
      "user:EDITED_AFTER_COMPACT",
    ]);
    expect(shape(requests[3]!)).toEqual([
      "user:hello world",
      "user:<SUMMARY>\nSUMMARY_ONLY_CONTEXT",
      "developer:<permissions instructions>",
      "user:<environment_context>",
      "user:AFTER_ROLLBACK",
    ]);
  });

  it("a second compaction after resume keeps the history the first one left", async () => {
    loom = await startLoom();
    loom.server.enqueue(...compactFlow(), textTurn("SECOND_SUMMARY"), textTurn("FINAL"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    await thread.run("hello world");
    await compact(thread);
    await thread.run("AFTER_COMPACT");
    await thread.close();
    const resumed = await loom.rt.resumeThread(thread.id);
    await compact(resumed);
    await resumed.run("AFTER_SECOND_COMPACT");
    expect(messageTexts(loom.server.requests[3]!, "user").slice(0, 3)).toEqual([
      "hello world",
      summaryOf("SUMMARY_ONLY_CONTEXT"),
      expect.stringContaining("<environment_context>"),
    ]);
    expect(shape(loom.server.requests[4]!)).toEqual([
      "user:hello world",
      "user:AFTER_COMPACT",
      "user:<SUMMARY>\nSECOND_SUMMARY",
      "developer:<permissions instructions>",
      "user:<environment_context>",
      "user:AFTER_SECOND_COMPACT",
    ]);
  });
});

