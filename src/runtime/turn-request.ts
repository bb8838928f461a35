/**
 * The Responses request of a turn (Codex's `build_responses_request` and the headers around it):
 * instructions, the prompt with refused images replaced, tools, reasoning, text controls, service
 * tier, client metadata, and the identity headers; and Loom's `model_request` digest of it.
 */
import { createHash, type Hash } from "node:crypto";
import type { EventMsg, ResponseItem } from "../events/index.js";
import { isUserTurnBoundary } from "../state/index.js";
import { modelInstructions, type ModelInfo, type TurnSettings } from "../context/index.js";
import {
  buildResponsesRequest,
  createTextControls,
  INSTALLATION_ID_KEY,
  ModelError,
  RecordedModelError,
  reasoningParams,
  requestHeaders,
  type ResponsesRequest,
} from "../actors/model/index.js";
import type { ThreadServices } from "./services.js";

const sameItems = (a: unknown, b: unknown) =>
  a === b || (Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => item === b[i]));

const digest = (value: unknown) => createHash("sha256").update(JSON.stringify(value ?? null)).digest("hex").slice(0, 16);

/**
 * A thread's digests of what its requests repeat: the instructions, the tool specs, and the prompt,
 * which each request extends. Hashing the whole prompt again cost O(history) per request; this
 * hashes only the items after the ones the previous request shared (by identity: the projection
 * keeps an unchanged item's object), giving the same digest as hashing `JSON.stringify(input)`.
 */
export class RequestDigests {
  #instructions: { text: unknown; digest: string } | undefined;
  #tools: { specs: unknown; digest: string } | undefined;
  #input: { items: readonly unknown[]; hash: Hash } | undefined;

  instructions(text: unknown): string {
    const cached = this.#instructions;
    if (cached && cached.text === text) return cached.digest;
    this.#instructions = { text, digest: digest(text) };
    return this.#instructions.digest;
  }

  tools(specs: unknown): string {
    // Each request copies the turn's spec list: the same specs, in a new array.
    const cached = this.#tools;
    if (cached && sameItems(cached.specs, specs)) return cached.digest;
    this.#tools = { specs, digest: digest(specs) };
    return this.#tools.digest;
  }

  input(items: unknown): string {
    if (!Array.isArray(items)) return digest(items);
    const previous = this.#input;
    let hash: Hash;
    let from: number;
    if (previous && previous.items.length <= items.length && previous.items.every((item, i) => item === items[i])) {
      hash = previous.hash.copy();
      from = previous.items.length;
    } else {
      hash = createHash("sha256").update("[");
      from = 0;
    }
    // JSON.stringify of an array, piece by piece: "[" item ("," item)* "]", undefined as null.
    for (let i = from; i < items.length; i++) hash.update((i > 0 ? "," : "") + (JSON.stringify(items[i]) ?? "null"));
    this.#input = { items, hash: hash.copy() };
    return hash.update("]").digest("hex").slice(0, 16);
  }
}

/** Loom's `model_request` record: digests of what was sent, so replay notices a changed prompt. */
export function modelRequestEvent(turnId: string, request: ResponsesRequest, purpose: "turn" | "compaction" = "turn", digests?: RequestDigests): EventMsg {
  // The installation id is who asks, not what is asked: a replay elsewhere must not diverge on it.
  const { instructions, tools, input, client_metadata: _identity, ...params } = request as ResponsesRequest & Record<string, unknown>;
  return {
    type: "model_request",
    turn_id: turnId,
    ...(purpose === "compaction" ? { purpose } : {}),
    model: String(params.model),
    input_items: Array.isArray(input) ? input.length : 0,
    digest: {
      instructions: digests ? digests.instructions(instructions) : digest(instructions),
      tools: digests ? digests.tools(tools) : digest(tools),
      input: digests ? digests.input(input) : digest(input),
      params: digest(params),
    },
  };
}

/** The turn's instructions: the thread's base instructions, else the model's own. */
export function turnInstructions(settings: TurnSettings, model: ModelInfo): string {
  return settings.baseInstructions ?? modelInstructions(model, settings.personality);
}

/** Codex's `service_tier` on the wire: "fast" is the API's "priority". */
function serviceTierParam(tier: TurnSettings["serviceTier"]): string | undefined {
  if (tier === undefined) return undefined;
  return tier === "fast" ? "priority" : tier;
}

/** The headers a request of this turn carries (Codex's identity headers and turn metadata). */
export function requestHeadersFor(services: ThreadServices, turnId: string, settings: TurnSettings): Record<string, string> {
  return requestHeaders({
    originator: services.identity.originator,
    threadId: services.threadId,
    turnId,
    window: services.windowGeneration,
    sandbox: settings.sandboxPolicy,
    workspaces: services.turns.get(turnId)?.git?.workspaces,
    parentThreadId: services.identity.parentThreadId,
  });
}

/** A Responses request under a turn's settings; compaction sends the same one without tools. */
export function turnRequest(
  services: ThreadServices,
  turn: { settings: TurnSettings; model: ModelInfo; outputSchema?: unknown },
  input: readonly ResponseItem[],
  tools: { specs: readonly unknown[]; parallel: boolean },
): ResponsesRequest {
  const { settings, model } = turn;
  return buildResponsesRequest({
    model: settings.model,
    instructions: turnInstructions(settings, model),
    input,
    tools: tools.specs,
    parallelToolCalls: tools.parallel,
    reasoning: model.supportsReasoningSummaries
      ? reasoningParams(settings.effort ?? model.defaultReasoningEffort, settings.summary ?? model.defaultReasoningSummary)
      : null,
    text: createTextControls(model.defaultVerbosity ?? undefined, turn.outputSchema),
    serviceTier: serviceTierParam(settings.serviceTier),
    promptCacheKey: services.threadId,
    clientMetadata: { [INSTALLATION_ID_KEY]: services.identity.installationId },
  });
}

/**
 * One sampling round: build the prompt from the folded history, stream the model, record every item
 * and event in stream order, and tell the turn about each tool call once its item is durable.
 */
/** What the user reads when an image of their own message is refused (Codex's text). */
export const INVALID_IMAGE_MESSAGE = "Invalid image in your last message. Please remove it and try again.";
/** What replaces a refused image in a tool output. */
const INVALID_IMAGE_PLACEHOLDER = "Invalid image";

export function isInvalidImage(error: unknown): boolean {
  if (error instanceof ModelError) return error.kind === "invalid_request" && error.message === "Image poisoning";
  return error instanceof RecordedModelError && error.event.message === "Image poisoning";
}

/**
 * Codex's `replace_last_turn_images`: the last tool output or user turn start; a tool output there
 * with images (not already replaced) is the one whose images go.
 */
export function lastImageOutput(history: Iterable<ResponseItem>, replaced: ReadonlySet<string>): string | null {
  let found: ResponseItem | undefined;
  for (const entry of history) if (entry.type === "function_call_output" || isUserTurnBoundary(entry)) found = entry;
  if (found?.type !== "function_call_output" || replaced.has(found.call_id) || !Array.isArray(found.output)) return null;
  return found.output.some((part) => part.type === "input_image") ? found.call_id : null;
}

/** The prompt with the images of refused tool outputs replaced (kept in memory only, as Codex). */
export function withoutInvalidImages(input: ResponseItem[], replaced: ReadonlySet<string>): ResponseItem[] {
  if (replaced.size === 0) return input;
  return input.map((entry) => {
    if (entry.type !== "function_call_output" || !replaced.has(entry.call_id) || !Array.isArray(entry.output)) return entry;
    const output = entry.output.map((part) => (part.type === "input_image" ? { type: "input_text" as const, text: INVALID_IMAGE_PLACEHOLDER } : part));
    return { ...entry, output };
  });
}
