/**
 * Codex's v2 `TurnItem`s for model output (codex-rs/protocol/src/items.rs, core/src/event_mapping.rs
 * `parse_turn_item`) and the legacy events an `item_completed` fans out to (`as_legacy_events`).
 * Only assistant messages and reasoning become turn items here; tool calls never do.
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

export type ModelTurnItem = AgentMessageTurnItem | ReasoningTurnItem;

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

/** What `item_completed` also says in the older event vocabulary, in Codex's order. */
export function legacyEventsOf(item: ModelTurnItem, showRawAgentReasoning: boolean): EventMsg[] {
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
