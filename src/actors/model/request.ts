/**
 * The Responses API request body, built exactly as Codex builds `ResponsesApiRequest`
 * (codex-api/src/common.rs, core/src/client.rs::build_responses_request): same fields, same order,
 * same omissions. Stateless: the whole history goes out every time and nothing is stored server-side.
 */
import type { ReasoningEffort, ReasoningSummary, ResponseItem } from "../../events/index.js";
import { withoutId } from "./history-item.js";

/** Codex's `Reasoning`: absent members are omitted, not null. */
export interface ReasoningParams {
  effort?: ReasoningEffort;
  summary?: Exclude<ReasoningSummary, "none">;
}

/** Codex's `TextControls` (verbosity and an output JSON schema). */
export interface TextControls {
  verbosity?: "low" | "medium" | "high";
  format?: { type: "json_schema"; strict: boolean; schema: unknown; name: string };
}

/** The body POSTed to `/responses`. Key order matters for prompt caching: keep it Codex's. */
export interface ResponsesRequest {
  model: string;
  instructions?: string;
  input: ResponseItem[];
  tools: unknown[];
  tool_choice: "auto";
  parallel_tool_calls: boolean;
  reasoning: ReasoningParams | null;
  store: boolean;
  stream: true;
  include: string[];
  service_tier?: string;
  prompt_cache_key?: string;
  text?: TextControls;
  client_metadata?: Record<string, string>;
}

export interface BuildRequestInput {
  model: string;
  /** Base instructions; Codex omits the field when they are empty. */
  instructions: string;
  input: readonly ResponseItem[];
  /** Tool specs in Responses API JSON. */
  tools: readonly unknown[];
  parallelToolCalls: boolean;
  /** Present only for models that support reasoning summaries; turns on encrypted reasoning. */
  reasoning?: ReasoningParams | null;
  /** Codex uses the thread id. */
  promptCacheKey?: string;
  text?: TextControls;
  serviceTier?: string;
  /** True only for Azure Responses endpoints, which need stored items. */
  store?: boolean;
  clientMetadata?: Record<string, string>;
}

export function buildResponsesRequest(params: BuildRequestInput): ResponsesRequest {
  const reasoning = params.reasoning ?? null;
  const request: ResponsesRequest = { model: params.model } as ResponsesRequest;
  if (params.instructions !== "") request.instructions = params.instructions;
  request.input = params.input.map(withoutId);
  request.tools = [...params.tools];
  request.tool_choice = "auto";
  request.parallel_tool_calls = params.parallelToolCalls;
  request.reasoning = reasoning;
  request.store = params.store ?? false;
  request.stream = true;
  request.include = reasoning ? ["reasoning.encrypted_content"] : [];
  if (params.serviceTier !== undefined) request.service_tier = params.serviceTier;
  if (params.promptCacheKey !== undefined) request.prompt_cache_key = params.promptCacheKey;
  if (params.text !== undefined) request.text = params.text;
  if (params.clientMetadata !== undefined) request.client_metadata = params.clientMetadata;
  return request;
}

/**
 * Codex's `create_text_param_for_request`: nothing unless a verbosity or an output schema is set;
 * the schema goes out as `codex_output_schema`.
 */
export function createTextControls(
  verbosity: TextControls["verbosity"] | undefined,
  outputSchema: unknown,
  strict = true,
): TextControls | undefined {
  if (verbosity === undefined && outputSchema === undefined) return undefined;
  const text: TextControls = {};
  if (verbosity !== undefined) text.verbosity = verbosity;
  if (outputSchema !== undefined) {
    text.format = { type: "json_schema", strict, schema: outputSchema, name: "codex_output_schema" };
  }
  return text;
}

/** Codex's `build_reasoning`: effort falls back to the model default; summary "none" is left out. */
export function reasoningParams(
  effort: ReasoningEffort | null | undefined,
  summary: ReasoningSummary,
): ReasoningParams {
  const params: ReasoningParams = {};
  if (effort) params.effort = effort;
  if (summary !== "none") params.summary = summary;
  return params;
}
