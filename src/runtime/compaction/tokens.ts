/**
 * Token accounting as Codex keeps it (`TokenUsageInfo` in protocol.rs, `ContextManager` in
 * context_manager/history.rs): the API's usage from each `response.completed`, summed into a total;
 * byte-based estimates for what the API has not counted yet; and the window limits that decide when
 * a thread compacts. Pure: callers read the folded state and record the `token_count` events.
 */
import type { ResponseItem, TokenUsage, TokenUsageInfo } from "../../events/index.js";
import type { ModelInfo } from "../../context/index.js";
import { approxTokenCount, isUserTurnBoundary, type AppendList } from "../../state/index.js";

export const ZERO_USAGE: TokenUsage = {
  input_tokens: 0,
  cached_input_tokens: 0,
  output_tokens: 0,
  reasoning_output_tokens: 0,
  total_tokens: 0,
};

export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    input_tokens: a.input_tokens + b.input_tokens,
    cached_input_tokens: a.cached_input_tokens + b.cached_input_tokens,
    output_tokens: a.output_tokens + b.output_tokens,
    reasoning_output_tokens: a.reasoning_output_tokens + b.reasoning_output_tokens,
    total_tokens: a.total_tokens + b.total_tokens,
  };
}

// ---- window limits ---------------------------------------------------------------------------

/** The config keys that change a model's limits (`model_context_window`, `model_auto_compact_token_limit`). */
export interface LimitOverrides {
  modelContextWindow?: number;
  autoCompactTokenLimit?: number;
}

export interface ContextLimits {
  /** The model's window after the `model_context_window` override. */
  contextWindow: number;
  /** What Codex reports as the window (`TurnContext::model_context_window`): the effective share of it. */
  reportedWindow: number;
  /** Compaction starts at this many tokens: the configured limit, never above 90% of the window. */
  autoCompactTokenLimit: number;
}

export function contextLimits(model: ModelInfo, overrides: LimitOverrides = {}): ContextLimits {
  const contextWindow = overrides.modelContextWindow ?? model.contextWindow;
  const ninetyPercent = Math.floor((contextWindow * 9) / 10);
  const configured = overrides.autoCompactTokenLimit;
  return {
    contextWindow,
    reportedWindow: Math.floor((contextWindow * model.effectiveContextWindowPercent) / 100),
    autoCompactTokenLimit: configured === undefined ? ninetyPercent : Math.min(configured, ninetyPercent),
  };
}

// ---- TokenUsageInfo arithmetic -----------------------------------------------------------------

/** `TokenUsageInfo::new_or_append`: a response's usage added to the total; nothing changes without usage. */
export function appendUsage(info: TokenUsageInfo | null, usage: TokenUsage | null, window: number): TokenUsageInfo | null {
  if (!usage) return info;
  return {
    total_token_usage: addUsage(info?.total_token_usage ?? ZERO_USAGE, usage),
    last_token_usage: usage,
    model_context_window: window,
  };
}

/**
 * `set_token_usage_full` (`fill_to_context_window`): after the model refused the prompt as too long,
 * the total becomes the window and the last usage the part of it not yet counted.
 */
export function fullUsage(info: TokenUsageInfo | null, window: number): TokenUsageInfo {
  const previousTotal = info?.total_token_usage.total_tokens ?? 0;
  return {
    total_token_usage: { ...ZERO_USAGE, total_tokens: window },
    last_token_usage: { ...ZERO_USAGE, total_tokens: Math.max(0, window - previousTotal) },
    model_context_window: window,
  };
}

/** `recompute_token_usage`: the total stays, the last usage becomes the estimate of the new history. */
export function estimatedUsage(info: TokenUsageInfo | null, estimate: number, window: number): TokenUsageInfo {
  return {
    total_token_usage: info?.total_token_usage ?? ZERO_USAGE,
    last_token_usage: { ...ZERO_USAGE, total_tokens: Math.max(0, estimate) },
    model_context_window: window,
  };
}

// ---- estimates ---------------------------------------------------------------------------------

/** Codex's per-image stand-in for an inline base64 image, in bytes (about 1,844 tokens). */
const RESIZED_IMAGE_BYTES_ESTIMATE = 7373;

const tokensFromBytes = (bytes: number): number => (bytes <= 0 ? 0 : Math.ceil(bytes / 4));

/** Encrypted content is base64 with some framing: Codex counts 3/4 of it, less 650 bytes. */
function encryptedBytes(length: number): number {
  return Math.max(0, Math.floor((length * 3) / 4) - 650);
}

/** The base64 payload of a `data:image/...;base64,` URL, or undefined for any other URL. */
function base64ImagePayload(url: string): string | undefined {
  if (url.slice(0, 5).toLowerCase() !== "data:") return undefined;
  const comma = url.indexOf(",");
  if (comma < 0) return undefined;
  const [mime = "", ...params] = url.slice(5, comma).split(";");
  if (mime.slice(0, 6).toLowerCase() !== "image/") return undefined;
  if (!params.some((param) => param.toLowerCase() === "base64")) return undefined;
  return url.slice(comma + 1);
}

function imageUrls(item: ResponseItem): string[] {
  const parts =
    item.type === "message"
      ? item.content
      : (item.type === "function_call_output" || item.type === "custom_tool_call_output") && Array.isArray(item.output)
        ? item.output
        : [];
  return parts.flatMap((part) => (part.type === "input_image" ? [part.image_url] : []));
}

/**
 * `estimate_response_item_model_visible_bytes`: the item's JSON size, except that encrypted
 * reasoning is scaled down and an inline image counts as a resized image, not as its base64 text.
 */
export function estimateItemBytes(item: ResponseItem): number {
  if (item.type === "ghost_snapshot") return 0;
  if (item.type === "compaction" || item.type === "compaction_summary") return encryptedBytes(item.encrypted_content.length);
  if (item.type === "reasoning" && typeof item.encrypted_content === "string") return encryptedBytes(item.encrypted_content.length);
  const raw = Buffer.byteLength(JSON.stringify(item), "utf8");
  let payload = 0;
  let replacement = 0;
  for (const url of imageUrls(item)) {
    const data = base64ImagePayload(url);
    if (data === undefined) continue;
    payload += data.length;
    replacement += RESIZED_IMAGE_BYTES_ESTIMATE;
  }
  return payload === 0 || replacement === 0 ? raw : raw - payload + replacement;
}

export function estimateItemTokens(item: ResponseItem): number {
  return tokensFromBytes(estimateItemBytes(item));
}

/** `estimate_token_count_with_base_instructions`: the instructions plus every item of the history. */
export function estimateHistoryTokens(items: Iterable<ResponseItem>, baseInstructions: string): number {
  let total = approxTokenCount(baseInstructions);
  for (const item of items) total += estimateItemTokens(item);
  return total;
}

/** Items the model produced: the API's last usage already counts everything up to the newest one. */
function isModelGenerated(item: ResponseItem): boolean {
  switch (item.type) {
    case "message":
      return item.role === "assistant";
    case "reasoning":
    case "function_call":
    case "tool_search_call":
    case "web_search_call":
    case "image_generation_call":
    case "custom_tool_call":
    case "local_shell_call":
    case "compaction":
    case "compaction_summary":
      return true;
    default:
      return false;
  }
}

type Items = Pick<AppendList<ResponseItem>, "length" | "at">;

/**
 * `get_total_token_usage` (server reasoning not included): the last response's total, plus estimates
 * of the items recorded after the model's newest one (tool outputs, new user input), plus the
 * encrypted reasoning of earlier turns, which the server drops from its count.
 */
export function totalTokenUsage(history: Items, tokenUsage: TokenUsageInfo | null): number {
  let total = tokenUsage?.last_token_usage.total_tokens ?? 0;
  let i = history.length - 1;
  for (; i >= 0; i--) {
    const item = history.at(i)!;
    if (isModelGenerated(item)) break;
    total += estimateItemTokens(item);
  }
  let lastBoundary = -1;
  for (let j = history.length - 1; j >= 0; j--) {
    if (isUserTurnBoundary(history.at(j)!)) {
      lastBoundary = j;
      break;
    }
  }
  for (let j = 0; j < lastBoundary; j++) {
    const item = history.at(j)!;
    if (item.type === "reasoning" && typeof item.encrypted_content === "string") total += estimateItemTokens(item);
  }
  return total;
}
