/**
 * Codex's v2 `TurnItem`s for model output (codex-rs/protocol/src/items.rs, core/src/event_mapping.rs
 * `parse_turn_item`) and the legacy events an `item_completed` fans out to (`as_legacy_events`).
 * Assistant messages, reasoning and hosted web searches become turn items here; tool calls never do.
 */
import type { EventMsg, TurnItem } from "../../events/index.js";

type Json = Record<string, unknown>;

export interface AgentMessageTurnItem extends TurnItem {
  type: "AgentMessage";
  content: Array<{ type: "Text"; text: string }>;
  phase?: "commentary" | "final_answer";
}

export interface ReasoningTurnItem extends TurnItem {
  type: "Reasoning";
  summary_text: string[];
  raw_content: string[];
}

export interface WebSearchTurnItem extends TurnItem {
  type: "WebSearch";
  query: string;
  action: Json;
}

export type ModelTurnItem = AgentMessageTurnItem | ReasoningTurnItem | WebSearchTurnItem;

/** Codex's `web_search_action_detail`: what a search action is about, in one line. */
export function webSearchDetail(action: Json | undefined): string {
  if (!action) return "";
  const str = (value: unknown) => (typeof value === "string" ? value : undefined);
  switch (action.type) {
    case "search": {
      const query = str(action.query);
      if (query) return query;
      const queries = Array.isArray(action.queries) ? action.queries.filter((q): q is string => typeof q === "string") : [];
      const first = queries[0] ?? "";
      return queries.length > 1 && first !== "" ? `${first} ...` : first;
    }
    case "open_page":
      return str(action.url) ?? "";
    case "find_in_page": {
      const pattern = str(action.pattern);
      const url = str(action.url);
      if (pattern !== undefined && url !== undefined) return `'${pattern}' in ${url}`;
      if (pattern !== undefined) return `'${pattern}'`;
      return url ?? "";
    }
    default:
      return "";
  }
}

const texts = (parts: unknown, types: readonly string[]): string[] =>
  (Array.isArray(parts) ? parts : [])
    .filter((part): part is Json => typeof part === "object" && part !== null && types.includes((part as Json).type as string))
    .map((part) => (typeof part.text === "string" ? part.text : ""));

/**
 * The turn item for a raw output item, or null when it is not one (tool calls, user messages).
 * `id` is the API item id; Codex invents one when the API sent none.
 */
export function turnItemOf(raw: Json, id: string): ModelTurnItem | null {
  if (raw.type === "message" && raw.role === "assistant") {
    const item: AgentMessageTurnItem = {
      type: "AgentMessage",
      id,
      // Codex joins the text parts into one entry.
      content: [{ type: "Text", text: texts(raw.content, ["output_text", "input_text"]).join("") }],
    };
    if (raw.phase === "commentary" || raw.phase === "final_answer") item.phase = raw.phase;
    return item;
  }
  if (raw.type === "web_search_call") {
    const action = typeof raw.action === "object" && raw.action !== null ? (raw.action as Json) : undefined;
    return { type: "WebSearch", id, query: webSearchDetail(action), action: action ?? { type: "other" } };
  }
  if (raw.type === "reasoning") {
    return {
      type: "Reasoning",
      id,
      summary_text: texts(raw.summary, ["summary_text"]),
      raw_content: texts(raw.content, ["reasoning_text", "text"]),
    };
  }
  return null;
}

/** What `item_started` also says in the older vocabulary (a web search begins). */
export function legacyStartEventsOf(item: ModelTurnItem): EventMsg[] {
  return item.type === "WebSearch" ? [{ type: "web_search_begin", call_id: item.id }] : [];
}

/** What `item_completed` also says in the older event vocabulary, in Codex's order. */
export function legacyEventsOf(item: ModelTurnItem, showRawAgentReasoning: boolean): EventMsg[] {
  if (item.type === "WebSearch") return [{ type: "web_search_end", call_id: item.id, query: item.query, action: item.action }];
  if (item.type === "AgentMessage") {
    return item.content.map((part) => ({
      type: "agent_message" as const,
      message: part.text,
      phase: item.phase ?? null,
      memory_citation: null,
    }));
  }
  const events: EventMsg[] = item.summary_text.map((text) => ({ type: "agent_reasoning" as const, text }));
  if (showRawAgentReasoning) {
    for (const text of item.raw_content) events.push({ type: "agent_reasoning_raw_content", text });
  }
  return events;
}

/** Codex's `last_assistant_message_from_item`: the output text, unless it is blank. */
export function assistantText(raw: Json): string | null {
  if (raw.type !== "message" || raw.role !== "assistant") return null;
  const text = texts(raw.content, ["output_text"]).join("");
  return text.trim() === "" ? null : text;
}
