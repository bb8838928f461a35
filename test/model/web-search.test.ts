// A hosted web search in the stream: Codex's WebSearch turn item, with web_search_begin when it
// starts and web_search_end (query and action) when it is done; the call is kept in history
// without its id. Pure mapping, on the events the API sends.
import { describe, expect, it } from "vitest";
import { ResponseStreamMapper } from "../../src/actors/model/index.js";
import { webSearchDetail } from "../../src/actors/model/turn-items.js";
import type { IdSource } from "../../src/actors/clock.js";

const ids: IdSource = { next: (kind: string) => `${kind}-1` } as IdSource;
const events = (outputs: ReturnType<ResponseStreamMapper["push"]>) => outputs.flatMap((o) => (o.kind === "event" ? [o.msg] : []));

describe("web_search_call items", () => {
  it("become web_search_begin at the start and web_search_end with the query at the end", () => {
    const mapper = new ResponseStreamMapper({ threadId: "t", turnId: "u", ids });
    const started = events(mapper.push({ type: "response.output_item.added", item: { type: "web_search_call", id: "ws_1", status: "in_progress" } }));
    expect(started.map((m) => m.type)).toEqual(["item_started", "web_search_begin"]);
    expect(started[1]).toEqual({ type: "web_search_begin", call_id: "ws_1" });
    const done = mapper.push({
      type: "response.output_item.done",
      item: { type: "web_search_call", id: "ws_1", status: "completed", action: { type: "search", query: "loom" } },
    });
    expect(events(done)).toEqual([
      {
        type: "item_completed",
        thread_id: "t",
        turn_id: "u",
        item: { type: "WebSearch", id: "ws_1", query: "loom", action: { type: "search", query: "loom" } },
      },
      { type: "web_search_end", call_id: "ws_1", query: "loom", action: { type: "search", query: "loom" } },
    ]);
    const item = done.find((o) => o.kind === "item");
    expect(item && item.kind === "item" && item.item).toEqual({ type: "web_search_call", status: "completed", action: { type: "search", query: "loom" } });
  });

  it("describe each kind of action as Codex does", () => {
    expect(webSearchDetail({ type: "search", queries: ["a", "b"] })).toBe("a ...");
    expect(webSearchDetail({ type: "open_page", url: "https://x.test" })).toBe("https://x.test");
    expect(webSearchDetail({ type: "find_in_page", url: "https://x.test", pattern: "p" })).toBe("'p' in https://x.test");
    expect(webSearchDetail({ type: "other" })).toBe("");
  });
});
