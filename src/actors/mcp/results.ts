/**
 * How an MCP `CallToolResult` becomes what the model reads, as Codex does it
 * (`CallToolResult::as_function_call_output_payload` and `McpToolOutput::response_payload`):
 * structured content as JSON text when present; otherwise the content list as JSON text, or as
 * input items when it holds an image; either way behind a "Wall time" header. Errors (timeouts,
 * crashes, refusals) become a one-text-block result with `isError`.
 */
import type { ToolOutputBody } from "../../events/index.js";

/** The MCP result shape, kept as the server sent it (content blocks are passed through). */
export interface CallToolResult {
  content: unknown[];
  structuredContent?: unknown;
  isError?: boolean;
  _meta?: unknown;
  [key: string]: unknown;
}

/** `Result<CallToolResult, String>` as Codex serializes it in `mcp_tool_call_end`. */
export type McpCallOutcome = { Ok: CallToolResult } | { Err: string };

/** Codex's `CallToolResult::from_error_text`. */
export function errorResult(text: string): CallToolResult {
  return { content: [{ type: "text", text }], isError: true };
}

export function resultOf(outcome: McpCallOutcome): CallToolResult {
  return "Ok" in outcome ? outcome.Ok : errorResult(outcome.Err);
}

/** Rust's `Duration` as serde writes it. */
export function durationOf(ms: number): { secs: number; nanos: number } {
  const secs = Math.floor(ms / 1000);
  return { secs, nanos: Math.round((ms - secs * 1000) * 1e6) };
}

type ContentItem = Extract<ToolOutputBody, unknown[]>[number];

/** Images become `input_image` items (data URLs, detail "high" unless the block asks otherwise). */
function contentItems(content: readonly unknown[]): ContentItem[] | undefined {
  let sawImage = false;
  const items = content.map((block): ContentItem => {
    const b = (block ?? {}) as Record<string, unknown>;
    if (b.type === "text" && typeof b.text === "string") return { type: "input_text", text: b.text };
    if (b.type === "image" && typeof b.data === "string") {
      sawImage = true;
      const mime = typeof b.mimeType === "string" ? b.mimeType : "application/octet-stream";
      const url = b.data.startsWith("data:") ? b.data : `data:${mime};base64,${b.data}`;
      const meta = (b._meta ?? {}) as Record<string, unknown>;
      const requested = meta["codex/imageDetail"];
      const detail = requested === "auto" || requested === "low" || requested === "high" || requested === "original" ? requested : "high";
      return { type: "input_image", image_url: url, detail };
    }
    return { type: "input_text", text: JSON.stringify(block) };
  });
  return sawImage ? items : undefined;
}

/** The body of the `function_call_output` the model gets for an MCP tool call. */
export function modelOutputOf(result: CallToolResult, wallTimeMs: number): ToolOutputBody {
  const header = `Wall time: ${(wallTimeMs / 1000).toFixed(4)} seconds\nOutput:`;
  if (result.structuredContent !== undefined && result.structuredContent !== null) {
    return `${header}\n${JSON.stringify(result.structuredContent)}`;
  }
  const items = contentItems(result.content ?? []);
  if (items) return [{ type: "input_text", text: header }, ...items];
  const text = JSON.stringify(result.content ?? []);
  return text === "" ? header : `${header}\n${text}`;
}
