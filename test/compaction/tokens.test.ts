// Codex's token arithmetic and compaction decisions as plain data: estimates, totals, limits, the
// pre-turn decision (model downshift included) and where re-injected context goes.
import { describe, expect, it } from "vitest";
import type { ResponseItem, TokenUsageInfo } from "../../src/events/index.js";
import { modelInfo } from "../../src/context/index.js";
import { AppendList, SUMMARY_PREFIX, summaryText } from "../../src/state/index.js";
import {
  appendUsage,
  contextLimits,
  estimateHistoryTokens,
  estimateItemTokens,
  estimatedUsage,
  fullUsage,
  insertInitialContext,
  preTurnCompaction,
  replacementHistory,
  totalTokenUsage,
  withoutOldest,
} from "../../src/runtime/compaction/index.js";
import { fixtureText } from "../replay/support.js";

const user = (text: string): ResponseItem => ({ type: "message", role: "user", content: [{ type: "input_text", text }] });
const assistant = (text: string): ResponseItem => ({ type: "message", role: "assistant", content: [{ type: "output_text", text }] });
const developer = (text: string): ResponseItem => ({ type: "message", role: "developer", content: [{ type: "input_text", text }] });
const usage = (total: number) => ({ input_tokens: total, cached_input_tokens: 0, output_tokens: 0, reasoning_output_tokens: 0, total_tokens: total });
const info = (last: number, total = last): TokenUsageInfo => ({ total_token_usage: usage(total), last_token_usage: usage(last), model_context_window: 1000 });

describe("estimates", () => {
  it("reproduce the 5499 tokens Codex reported after compacting the auto-compact fixture", () => {
    const lines = fixtureText("auto-compact", "rollout.jsonl").trim().split("\n").map((line) => JSON.parse(line));
    const instructions: string = lines[0].payload.base_instructions.text;
    const compacted = lines.find((line) => line.type === "compacted").payload;
    const reported = lines.filter((line) => line.type === "event_msg" && line.payload.type === "token_count" && line.payload.info);
    const afterCompaction = reported.find((line) => line.payload.info.last_token_usage.input_tokens === 0);
    expect(estimateHistoryTokens(compacted.replacement_history, instructions)).toBe(afterCompaction.payload.info.last_token_usage.total_tokens);
    expect(afterCompaction.payload.info.last_token_usage.total_tokens).toBe(5499);
  });

  it("count encrypted reasoning at three quarters of its length less 650 bytes", () => {
    const reasoning: ResponseItem = { type: "reasoning", summary: [], encrypted_content: "x".repeat(4000) };
    expect(estimateItemTokens(reasoning)).toBe(Math.ceil((3000 - 650) / 4));
    expect(estimateItemTokens({ type: "reasoning", summary: [], encrypted_content: "short" })).toBe(0);
  });

  it("count an inline image as a resized image, not as its base64 text", () => {
    const data = "A".repeat(100_000);
    const image: ResponseItem = {
      type: "message",
      role: "user",
      content: [{ type: "input_image", image_url: `data:image/png;base64,${data}` }],
    };
    const bytes = Buffer.byteLength(JSON.stringify(image)) - data.length + 7373;
    expect(estimateItemTokens(image)).toBe(Math.ceil(bytes / 4));
  });
});

describe("totalTokenUsage (Codex get_total_token_usage)", () => {
  it("adds estimates of the items recorded after the model's newest item to the last usage", () => {
    const output: ResponseItem = { type: "function_call_output", call_id: "c1", output: "x".repeat(400) };
    const history = AppendList.from<ResponseItem>([
      user("hi"),
      { type: "function_call", call_id: "c1", name: "shell", arguments: "{}" },
      output,
    ]);
    expect(totalTokenUsage(history, info(100))).toBe(100 + estimateItemTokens(output));
    expect(totalTokenUsage(AppendList.from([user("hi"), assistant("yo")]), info(100))).toBe(100);
  });

  it("adds encrypted reasoning from before the last user message, which the server no longer counts", () => {
    const reasoning: ResponseItem = { type: "reasoning", summary: [], encrypted_content: "x".repeat(4000) };
    const history = AppendList.from([user("one"), reasoning, assistant("a"), user("two"), assistant("b")]);
    expect(totalTokenUsage(history, info(10))).toBe(10 + estimateItemTokens(reasoning));
  });
});

describe("usage info", () => {
  it("appends a response's usage to the total and keeps it as the last usage", () => {
    const next = appendUsage(info(100, 300), usage(50), 900)!;
    expect(next.total_token_usage.total_tokens).toBe(350);
    expect(next.last_token_usage.total_tokens).toBe(50);
    expect(next.model_context_window).toBe(900);
    expect(appendUsage(null, null, 900)).toBeNull();
    expect(appendUsage(info(1), null, 900)).toEqual(info(1));
  });

  it("fills to the window after a context-window error, as Codex's fill_to_context_window", () => {
    const full = fullUsage(info(100, 300), 1000);
    expect(full.total_token_usage.total_tokens).toBe(1000);
    expect(full.last_token_usage.total_tokens).toBe(700);
    expect(fullUsage(null, 1000).last_token_usage.total_tokens).toBe(1000);
  });

  it("keeps the total and replaces the last usage with the estimate after compacting", () => {
    const estimated = estimatedUsage(info(100, 300), 42, 1000);
    expect(estimated.total_token_usage.total_tokens).toBe(300);
    expect(estimated.last_token_usage).toEqual({ ...usage(0), input_tokens: 0, total_tokens: 42 });
  });
});

describe("limits", () => {
  const gpt = modelInfo("gpt-5.5");

  it("default to 90% of the window and report 95% of it", () => {
    expect(contextLimits(gpt)).toEqual({ contextWindow: 272_000, reportedWindow: 258_400, autoCompactTokenLimit: 244_800 });
  });

  it("take model_context_window and clamp model_auto_compact_token_limit to 90% of it", () => {
    expect(contextLimits(gpt, { modelContextWindow: 100, autoCompactTokenLimit: 200 })).toEqual({
      contextWindow: 100,
      reportedWindow: 95,
      autoCompactTokenLimit: 90,
    });
    expect(contextLimits(gpt, { autoCompactTokenLimit: 20_000 }).autoCompactTokenLimit).toBe(20_000);
  });
});

describe("preTurnCompaction", () => {
  const big = { slug: "big", limits: { contextWindow: 1000, reportedWindow: 950, autoCompactTokenLimit: 900 } };
  const small = { slug: "small", limits: { contextWindow: 500, reportedWindow: 475, autoCompactTokenLimit: 450 } };

  it("compacts at the limit, not below it", () => {
    expect(preTurnCompaction({ total: 900, current: big, previous: big })).toEqual({ previousModel: null });
    expect(preTurnCompaction({ total: 899, current: big, previous: null })).toBeNull();
  });

  it("compacts with the previous model first when moving to a smaller window the history exceeds", () => {
    expect(preTurnCompaction({ total: 451, current: small, previous: big })).toEqual({ previousModel: "big" });
    // Exactly at the new limit: no downshift compaction (Codex compares with >), but the limit check fires.
    expect(preTurnCompaction({ total: 450, current: small, previous: big })).toEqual({ previousModel: null });
    expect(preTurnCompaction({ total: 400, current: small, previous: big })).toBeNull();
    // Moving to a larger window never needs the previous model.
    expect(preTurnCompaction({ total: 901, current: big, previous: small })).toEqual({ previousModel: null });
  });
});

describe("replacement history", () => {
  const summary = "the summary";

  it("keeps real user messages, drops context and earlier summaries, ends with the prefixed summary", () => {
    const history = [
      developer("<permissions instructions>\nx"),
      user("<environment_context>\n  <cwd>/w</cwd>\n</environment_context>"),
      user("first"),
      assistant("a"),
      user(summaryText("older summary")),
      user("second"),
      { type: "ghost_snapshot", ghost_commit: { id: "g1" } } as ResponseItem,
    ];
    const next = replacementHistory(history, summary, null);
    expect(next).toEqual([user("first"), user("second"), user(`${SUMMARY_PREFIX}\n${summary}`), history[6]]);
  });

  it("mid-turn, puts the initial context just above the last real user message", () => {
    const context = [developer("<permissions instructions>\nx"), user("<environment_context>\n</environment_context>")];
    const next = replacementHistory([user("first"), assistant("a"), user("second")], summary, context);
    expect(next).toEqual([user("first"), ...context, user("second"), user(summaryText(summary))]);
  });

  it("without a real user message, puts the context above the summary", () => {
    expect(insertInitialContext([user(summaryText("s"))], [developer("ctx")])).toEqual([developer("ctx"), user(summaryText("s"))]);
    expect(insertInitialContext([], [developer("ctx")])).toEqual([developer("ctx")]);
  });

  it("drops the oldest item with whatever pairs with it", () => {
    const call: ResponseItem = { type: "function_call", call_id: "c1", name: "shell", arguments: "{}" };
    const output: ResponseItem = { type: "function_call_output", call_id: "c1", output: "ok" };
    expect(withoutOldest([call, user("u"), output])).toEqual([user("u")]);
    expect(withoutOldest([output, user("u"), call])).toEqual([user("u")]);
    expect(withoutOldest([user("u"), call, output])).toEqual([call, output]);
  });
});
