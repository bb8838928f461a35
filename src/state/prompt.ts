/**
 * The model's input from history (Codex `ContextManager::for_prompt` and `normalize.rs`): every call
 * gets an output (a missing one is synthesized as `aborted` right after its call, as after an
 * interrupt or a crash), outputs without a call are dropped, images are replaced when the model
 * cannot read them, ghost snapshots are dropped, and the ids Codex never sends back are removed.
 * Then, when asked, the request-time rewrite of shell outputs (`get_formatted_input`).
 */
import type { ContentItem, ResponseItem } from "../events/index.js";
import { callKey, outputKey } from "./calls.js";
import { reserializeShellOutputs } from "./shell-output.js";

export interface PromptOptions {
  /** The model accepts image input (default true); otherwise images become a placeholder text. */
  supportsImages?: boolean;
  /** Keep item `id`s (default false: Codex does not serialize them into requests). */
  keepIds?: boolean;
  /**
   * Rewrite JSON shell outputs as text (default false): what Codex does to a request that offers
   * the freeform apply_patch tool (see shell-output.ts; `offersFreeformApplyPatch(tools)` tells).
   */
  reserializeShellOutputs?: boolean;
}

export const IMAGE_OMITTED_PLACEHOLDER = "image content omitted because you do not support image input";

/** The output Codex inserts for a call that never got one. */
export function syntheticOutput(call: ResponseItem): ResponseItem | undefined {
  switch (call.type) {
    case "function_call":
      return { type: "function_call_output", call_id: call.call_id, output: "aborted" };
    case "custom_tool_call":
      return { type: "custom_tool_call_output", call_id: call.call_id, output: "aborted" };
    case "local_shell_call":
      return call.call_id ? { type: "function_call_output", call_id: call.call_id, output: "aborted" } : undefined;
    case "tool_search_call":
      return call.call_id
        ? { type: "tool_search_output", call_id: call.call_id, status: "completed", execution: "client", tools: [] }
        : undefined;
    default:
      return undefined;
  }
}

export function projectPrompt(history: Iterable<ResponseItem>, options: PromptOptions = {}): ResponseItem[] {
  const items = [...history];
  const calls = new Set<string>();
  const outputs = new Set<string>();
  for (const item of items) {
    const call = callKey(item);
    if (call) calls.add(call);
    const output = outputKey(item);
    if (output) outputs.add(output);
  }
  const out: ResponseItem[] = [];
  for (const item of items) {
    if (item.type === "ghost_snapshot") continue;
    const output = outputKey(item);
    // Server-run tool searches and outputs without a call id stand alone.
    if (output && !calls.has(output) && !standsAlone(item)) continue;
    out.push(prepare(item, options));
    const call = callKey(item);
    if (call && !outputs.has(call)) {
      const synthetic = syntheticOutput(item);
      if (synthetic) out.push(synthetic);
    }
  }
  return options.reserializeShellOutputs ? reserializeShellOutputs(out) : out;
}

function standsAlone(item: ResponseItem): boolean {
  return item.type === "tool_search_output" && (item.execution === "server" || item.call_id == null);
}

// Every request projects the whole history again: an item's prepared form is kept (history items
// are never mutated), so an unchanged item keeps its identity from one request to the next, and
// what hashes or serializes the prompt can skip the items it has seen (see runtime/turn-request).
const preparedForms = [new WeakMap<ResponseItem, ResponseItem>(), new WeakMap<ResponseItem, ResponseItem>(), new WeakMap<ResponseItem, ResponseItem>(), new WeakMap<ResponseItem, ResponseItem>()];

function prepare(item: ResponseItem, options: PromptOptions): ResponseItem {
  const forms = preparedForms[(options.keepIds ? 1 : 0) + (options.supportsImages === false ? 2 : 0)]!;
  let prepared = forms.get(item);
  if (prepared === undefined) forms.set(item, (prepared = prepareOnce(item, options)));
  return prepared;
}

function prepareOnce(item: ResponseItem, options: PromptOptions): ResponseItem {
  let result = item;
  if (!options.keepIds && "id" in result && result.type !== "image_generation_call") {
    const { id: _id, ...rest } = result as ResponseItem & { id?: unknown };
    result = rest as ResponseItem;
  }
  if (options.supportsImages === false) result = withoutImages(result);
  return result;
}

function replaceImages<T extends { type: string }>(parts: readonly T[]): T[] {
  return parts.map((part) =>
    part.type === "input_image" ? ({ type: "input_text", text: IMAGE_OMITTED_PLACEHOLDER } as unknown as T) : part,
  );
}

function withoutImages(item: ResponseItem): ResponseItem {
  switch (item.type) {
    case "message":
      return item.content.some((part) => part.type === "input_image")
        ? { ...item, content: replaceImages<ContentItem>(item.content) }
        : item;
    case "function_call_output":
    case "custom_tool_call_output":
      return Array.isArray(item.output) && item.output.some((part) => part.type === "input_image")
        ? { ...item, output: replaceImages(item.output) }
        : item;
    case "image_generation_call":
      return { ...item, result: "" };
    default:
      return item;
  }
}
