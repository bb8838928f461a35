/**
 * What Codex keeps of an output item. Codex parses `response.output_item.done` into its
 * `ResponseItem` enum and serializes that into history, the rollout and the next request, so
 * fields it does not model (`status` on messages, `annotations`, ...) vanish, `id` is never
 * written (`skip_serializing`, except on image generation calls), keys follow the Rust field order,
 * and an item it cannot parse is ignored. We reproduce that projection so our log and our requests
 * carry the same JSON as Codex's.
 */
import { parseResponseItem, type ResponseItem } from "../../events/index.js";

type Json = Record<string, unknown>;

/** Thrown inside this file when an item does not fit Codex's shape; callers see `null`. */
class NotCodexShape extends Error {}

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

function need<T>(value: T | undefined, check: (v: unknown) => boolean): T {
  if (value === undefined || !check(value)) throw new NotCodexShape();
  return value;
}
const isString = (v: unknown): boolean => typeof v === "string";
const isArray = (v: unknown): boolean => Array.isArray(v);
const isBoolean = (v: unknown): boolean => typeof v === "boolean";

/** Copies `key` when present and not null (serde's `skip_serializing_if = "Option::is_none"`). */
function optional(out: Json, source: Json, key: string, check: (v: unknown) => boolean = () => true): void {
  const value = source[key];
  if (value === undefined || value === null) return;
  if (!check(value)) throw new NotCodexShape();
  out[key] = value;
}

/** An `Option<T>` Codex always writes, as `null` when absent. */
function nullable(source: Json, key: string, check: (v: unknown) => boolean): unknown {
  const value = source[key];
  if (value === undefined || value === null) return null;
  if (!check(value)) throw new NotCodexShape();
  return value;
}

function contentItem(part: unknown): Json {
  if (!isObject(part)) throw new NotCodexShape();
  switch (part.type) {
    case "input_text":
    case "output_text":
      return { type: part.type, text: need(part.text, isString) };
    case "input_image": {
      const out: Json = { type: "input_image", image_url: need(part.image_url, isString) };
      optional(out, part, "detail", (v) => v === "auto" || v === "low" || v === "high" || v === "original");
      return out;
    }
    default:
      // A refusal or any other part makes Codex's whole item fail to parse.
      throw new NotCodexShape();
  }
}

function textPart(allowed: readonly string[]) {
  return (part: unknown): Json => {
    if (!isObject(part) || !allowed.includes(part.type as string)) throw new NotCodexShape();
    return { type: part.type, text: need(part.text, isString) };
  };
}
const summaryPart = textPart(["summary_text"]);
const reasoningContentPart = textPart(["reasoning_text", "text"]);

function project(raw: Json): Json | null {
  switch (raw.type) {
    case "message": {
      const out: Json = {
        type: "message",
        role: need(raw.role, isString),
        content: need(raw.content as unknown[], isArray).map(contentItem),
      };
      optional(out, raw, "end_turn", isBoolean);
      optional(out, raw, "phase", (v) => v === "commentary" || v === "final_answer");
      return out;
    }
    case "reasoning": {
      const out: Json = { type: "reasoning", summary: need(raw.summary as unknown[], isArray).map(summaryPart) };
      // Codex writes `content` as null when absent, and drops it when it holds no reasoning_text.
      const content = raw.content;
      if (content === undefined || content === null) out.content = null;
      else {
        const parts = need(content as unknown[], isArray).map(reasoningContentPart);
        if (parts.some((part) => part.type === "reasoning_text")) out.content = parts;
      }
      out.encrypted_content = nullable(raw, "encrypted_content", isString);
      return out;
    }
    case "local_shell_call":
      return {
        type: "local_shell_call",
        call_id: nullable(raw, "call_id", isString),
        status: need(raw.status, isString),
        action: need(raw.action, isObject),
      };
    case "function_call": {
      const out: Json = { type: "function_call", name: need(raw.name, isString) };
      optional(out, raw, "namespace", isString);
      out.arguments = need(raw.arguments, isString);
      out.call_id = need(raw.call_id, isString);
      return out;
    }
    case "tool_search_call": {
      const out: Json = { type: "tool_search_call", call_id: nullable(raw, "call_id", isString) };
      optional(out, raw, "status", isString);
      out.execution = need(raw.execution, isString);
      out.arguments = raw.arguments ?? null;
      return out;
    }
    case "custom_tool_call": {
      const out: Json = { type: "custom_tool_call" };
      optional(out, raw, "status", isString);
      out.call_id = need(raw.call_id, isString);
      out.name = need(raw.name, isString);
      out.input = need(raw.input, isString);
      return out;
    }
    case "web_search_call": {
      const out: Json = { type: "web_search_call" };
      optional(out, raw, "status", isString);
      optional(out, raw, "action", isObject);
      return out;
    }
    case "image_generation_call": {
      const out: Json = { type: "image_generation_call", id: need(raw.id, isString), status: need(raw.status, isString) };
      optional(out, raw, "revised_prompt", isString);
      out.result = need(raw.result, isString);
      return out;
    }
    case "compaction":
    case "compaction_summary":
      return { type: "compaction", encrypted_content: need(raw.encrypted_content, isString) };
    default:
      // Codex's `ResponseItem::Other`: neither recorded nor sent back.
      return null;
  }
}

/** The item as Codex records it, or null when Codex would ignore it. */
export function toHistoryItem(raw: unknown): ResponseItem | null {
  if (!isObject(raw)) return null;
  try {
    const projected = project(raw);
    if (!projected) return null;
    // Validate against our vocabulary, but keep our object: its key order is Codex's.
    parseResponseItem(projected);
    return projected as ResponseItem;
  } catch {
    return null;
  }
}

/** Drops `id` the way Codex's serializer does, so no request ever carries server item ids. */
export function withoutId(item: ResponseItem): ResponseItem {
  if (item.type === "image_generation_call" || !("id" in item)) return item;
  const { id: _id, ...rest } = item as ResponseItem & { id?: unknown };
  return rest as ResponseItem;
}
