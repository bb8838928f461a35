/**
 * Codex's hosted `web_search` tool: the API searches, the model's `web_search_call` items come
 * back in the stream (mapped to web_search_begin / web_search_end), and Loom runs nothing. Offered
 * unless the turn's web search is disabled; `external_web_access` says live or cached.
 */
import type { ToolsConfig } from "./config.js";
import type { ToolHandler } from "./registry.js";
import { unsupportedCall } from "./registry.js";

/** The Responses API entry, keys in Codex's order. */
export function webSearchSpec(config: Pick<ToolsConfig, "webSearch" | "model">): unknown | undefined {
  if (config.webSearch === "disabled") return undefined;
  return {
    type: "web_search",
    external_web_access: config.webSearch === "live",
    ...(config.model.webSearchToolType === "text_and_image" ? { search_content_types: ["text", "image"] } : {}),
  };
}

export const webSearchTool: ToolHandler = {
  name: "web_search",
  spec: webSearchSpec,
  // Hosted: the model never calls it as a function; a call by that name is refused like any unknown one.
  execute: async (context) => unsupportedCall(context.call),
};
