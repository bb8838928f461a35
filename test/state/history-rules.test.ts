/**
 * The history rules on their own, ported from Codex's `context_manager/history_tests.rs`,
 * `compact_tests.rs` and `contextual_user_message_tests.rs`: what counts as context, how a
 * rollback cuts and trims, how a prompt is normalized, and how compaction selects user messages.
 */
import { describe, expect, it } from "vitest";
import type { ResponseItem } from "../../src/events/index.js";
import {
  SUMMARY_PREFIX,
  approxTokenCount,
  buildCompactedHistory,
  collectUserMessages,
  dropLastNUserTurns,
  isContextualUserMessage,
  isUserTurnBoundary,
  projectPrompt,
  truncateMiddleToTokens,
} from "../../src/state/index.js";
import {
  assistant,
  customCall,
  customOutput,
  developer,
  functionCall,
  functionOutput,
  interAgentInstruction,
  user,
} from "./support/entries.js";

const contextualUserTexts = [
  "<environment_context>ctx</environment_context>",
  "# AGENTS.md instructions for test_directory\n\n<INSTRUCTIONS>\ntest_text\n</INSTRUCTIONS>",
  "<user_instructions>legacy</user_instructions>",
  "<skill>\n<name>demo</name>\n<path>skills/demo/SKILL.md</path>\nbody\n</skill>",
  "<user_shell_command>echo 42</user_shell_command>",
  "<subagent_notification>{\"agent_id\":\"a\",\"status\":\"completed\"}</subagent_notification>",
  "<turn_aborted>\nThe user interrupted the previous turn on purpose.\n</turn_aborted>",
  '<hook_prompt hook_run_id="run-1">keep going</hook_prompt>',
  "  <ENVIRONMENT_CONTEXT>upper case markers match</Environment_Context>\n",
];

describe("contextual messages and turn boundaries", () => {
  it.each(contextualUserTexts)("%j is context, not a user turn", (text) => {
    expect(isContextualUserMessage(user(text))).toBe(true);
    expect(isUserTurnBoundary(user(text))).toBe(false);
  });

  it("a message that only mentions a marker, or has a blank hook run id, is a real user turn", () => {
    for (const text of ["please print <environment_context>", "<skill>unterminated", '<hook_prompt hook_run_id=" ">x</hook_prompt>']) {
      expect(isUserTurnBoundary(user(text))).toBe(true);
    }
  });

  it("inter-agent instructions are turn boundaries; plain or legacy-format assistant text is not", () => {
    expect(isUserTurnBoundary(interAgentInstruction("continue"))).toBe(true);
    expect(isUserTurnBoundary(assistant("author: /root\nrecipient: /root/worker\nother_recipients: []\nContent: continue"))).toBe(false);
    expect(isUserTurnBoundary(assistant("done"))).toBe(false);
    expect(isUserTurnBoundary(developer("<permissions instructions>x</permissions instructions>"))).toBe(false);
  });

  it("compaction summaries are user turns (they are user messages)", () => {
    expect(isUserTurnBoundary(user(`${SUMMARY_PREFIX}\nsummary`))).toBe(true);
  });
});

describe("dropLastNUserTurns", () => {
  it("keeps the session prefix", () => {
    const items = [assistant("session prefix item"), user("u1"), assistant("a1"), user("u2"), assistant("a2")];
    expect(dropLastNUserTurns(items, 1).items).toEqual([assistant("session prefix item"), user("u1"), assistant("a1")]);
    expect(dropLastNUserTurns(items, 99).items).toEqual([assistant("session prefix item")]);
  });

  it("treats contextual user messages before the first turn as prefix, whatever n is", () => {
    const prefix = contextualUserTexts.slice(0, 5).map(user);
    const items = [...prefix, user("turn 1 user"), assistant("turn 1 assistant"), user("turn 2 user"), assistant("turn 2 assistant")];
    expect(dropLastNUserTurns(items, 1).items).toEqual([...prefix, user("turn 1 user"), assistant("turn 1 assistant")]);
    expect(dropLastNUserTurns(items, 2).items).toEqual(prefix);
    expect(dropLastNUserTurns(items, 3).items).toEqual(prefix);
  });

  it("counts inter-agent instructions as turns", () => {
    const items = [user("first"), assistant("done"), interAgentInstruction("continue"), assistant("worker reply")];
    expect(dropLastNUserTurns(items, 1).items).toEqual([user("first"), assistant("done")]);
  });

  it("trims the context updates just above the rolled-back turn, and stops at anything else", () => {
    const items = [
      assistant("session prefix item"),
      user("turn 1 user"),
      assistant("turn 1 assistant"),
      developer("Generated images are saved to /tmp as /tmp/image-1.png by default."),
      developer("<collaboration_mode>ROLLED_BACK_DEV_INSTRUCTIONS</collaboration_mode>"),
      user("<environment_context><cwd>PRETURN_CONTEXT_DIFF_CWD</cwd></environment_context>"),
      user("turn 2 user"),
      assistant("turn 2 assistant"),
    ];
    const { items: kept, clearsReferenceContext } = dropLastNUserTurns(items, 1);
    expect(kept).toEqual(items.slice(0, 4));
    expect(clearsReferenceContext).toBe(false);
  });

  it("asks to clear the reference context when it trims a mixed developer bundle", () => {
    const items = [
      user("turn 1 user"),
      assistant("turn 1 assistant"),
      developer("<permissions instructions>contextual permissions</permissions instructions>", "persistent plugin instructions"),
      user("<environment_context><cwd>PRETURN_CONTEXT_DIFF_CWD</cwd></environment_context>"),
      user("turn 2 user"),
      assistant("turn 2 assistant"),
    ];
    const result = dropLastNUserTurns(items, 1);
    expect(result.items).toEqual([user("turn 1 user"), assistant("turn 1 assistant")]);
    expect(result.clearsReferenceContext).toBe(true);
  });

  it("does nothing for n <= 0 or a history without user turns", () => {
    const items = [assistant("a"), developer("d")];
    expect(dropLastNUserTurns(items, 0).items).toEqual(items);
    expect(dropLastNUserTurns(items, 3).items).toEqual(items);
  });
});

describe("projectPrompt", () => {
  it("inserts an aborted output right after each call that has none, and drops orphan outputs", () => {
    const shell: ResponseItem = {
      type: "local_shell_call",
      call_id: "s1",
      status: "completed",
      action: { type: "exec", command: ["echo"] },
    };
    const prompt = projectPrompt([functionCall("c1", "f1"), functionOutput("c2"), customCall("t1"), shell]);
    expect(prompt).toEqual([
      functionCall("c1", "f1"),
      { type: "function_call_output", call_id: "c1", output: "aborted" },
      customCall("t1"),
      { type: "custom_tool_call_output", call_id: "t1", output: "aborted" },
      shell,
      { type: "function_call_output", call_id: "s1", output: "aborted" },
    ]);
  });

  it("keeps answered calls as they are, wherever the output is", () => {
    const items = [functionCall("c1"), user("steer"), functionOutput("c1"), customCall("t1"), customOutput("t1")];
    expect(projectPrompt(items)).toEqual(items);
  });

  it("answers a tool search with an empty client result; keeps server searches without a call", () => {
    const search: ResponseItem = { type: "tool_search_call", call_id: "ts1", execution: "client", arguments: {} };
    const server: ResponseItem = { type: "tool_search_output", call_id: "ts9", status: "completed", execution: "server", tools: [] };
    const orphan: ResponseItem = { type: "tool_search_output", call_id: "ts8", status: "completed", execution: "client", tools: [] };
    expect(projectPrompt([search, server, orphan])).toEqual([
      search,
      { type: "tool_search_output", call_id: "ts1", status: "completed", execution: "client", tools: [] },
      server,
    ]);
  });

  it("drops ghost snapshots and ids; keeps image generation ids", () => {
    const ghost = { type: "ghost_snapshot", ghost_commit: { id: "abc" } } as ResponseItem;
    const withId: ResponseItem = { type: "message", id: "msg_1", role: "assistant", content: [{ type: "output_text", text: "hi" }] };
    const image: ResponseItem = { type: "image_generation_call", id: "ig_1", status: "completed", result: "b64" };
    expect(projectPrompt([ghost, withId, image])).toEqual([assistant("hi"), image]);
    expect(projectPrompt([withId], { keepIds: true })).toEqual([withId]);
  });

  it("replaces images when the model cannot read them", () => {
    const picture: ResponseItem = {
      type: "message",
      role: "user",
      content: [
        { type: "input_text", text: "look" },
        { type: "input_image", image_url: "data:image/png;base64,AAA" },
      ],
    };
    const toolImage: ResponseItem = {
      type: "function_call_output",
      call_id: "c1",
      output: [{ type: "input_image", image_url: "data:image/png;base64,AAA" }],
    };
    const image: ResponseItem = { type: "image_generation_call", id: "ig_1", status: "completed", result: "b64" };
    const placeholder = { type: "input_text", text: "image content omitted because you do not support image input" };
    expect(projectPrompt([picture, functionCall("c1"), toolImage, image], { supportsImages: false })).toEqual([
      { ...picture, content: [{ type: "input_text", text: "look" }, placeholder] },
      functionCall("c1"),
      { ...toolImage, output: [placeholder] },
      { ...image, result: "" },
    ]);
  });
});

describe("compaction", () => {
  it("collects real user messages only: no context, hooks, summaries or image tags", () => {
    const items: ResponseItem[] = [
      user("<environment_context>ctx</environment_context>"),
      user("first"),
      user(`${SUMMARY_PREFIX}\nold summary`),
      { type: "message", role: "user", content: [{ type: "input_text", text: '<hook_prompt hook_run_id="r">x</hook_prompt>' }] },
      {
        type: "message",
        role: "user",
        content: [
          { type: "input_text", text: "see " },
          { type: "input_text", text: "<image>" },
          { type: "input_image", image_url: "data:image/png;base64,AAA" },
          { type: "input_text", text: "</image>" },
          { type: "input_text", text: "this" },
        ],
      },
      assistant("reply"),
    ];
    expect(collectUserMessages(items)).toEqual(["first", "see this"]);
  });

  it("keeps the newest user messages within the budget, cutting the middle of the one that overflows", () => {
    const big = "x".repeat(50);
    const history = buildCompactedHistory([], ["oldest", big, "newest"], "SUMMARY", 10);
    const texts = history.map((item) => (item.type === "message" && item.content[0].type === "input_text" ? item.content[0].text : ""));
    // "newest" costs 2 tokens; the 50-byte message gets the remaining 8 tokens (32 bytes).
    expect(texts).toEqual([`${"x".repeat(16)}…5 tokens truncated…${"x".repeat(16)}`, "newest", "SUMMARY"]);
  });

  it("puts initial context first and a placeholder when the summary is empty", () => {
    const ctx = [developer("<permissions instructions>p</permissions instructions>")];
    expect(buildCompactedHistory(ctx, [], "")).toEqual([...ctx, user("(no summary available)")]);
  });

  it("counts tokens as UTF-8 bytes / 4, rounded up, and truncates on character boundaries", () => {
    expect(approxTokenCount("abcde")).toBe(2);
    expect(approxTokenCount("é")).toBe(1);
    const text = "ééééééééééé"; // 22 bytes
    const cut = truncateMiddleToTokens(text, 2); // 8 bytes: 2 chars each side
    expect(cut).toBe("éé…4 tokens truncated…éé");
    expect(truncateMiddleToTokens("short", 10)).toBe("short");
  });
});
