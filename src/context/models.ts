/**
 * The model catalog Loom knows, with Codex's metadata: the five models of Codex 0.125's bundled
 * catalog (generated from `codex debug models`, see ./catalog), gpt-5.1-codex from the 0.100
 * catalog, and Codex's fallback metadata for any other slug (`model_info_from_slug`).
 */
import type { ReasoningEffort, ReasoningSummary } from "../events/index.js";
import { BUNDLED_MODELS } from "./catalog/bundled.js";
import type { CatalogModel } from "./catalog/types.js";
import { FALLBACK_INSTRUCTIONS } from "./prompts/fallback.js";
import { GPT_5_1_CODEX_INSTRUCTIONS } from "./prompts/gpt-5.1-codex.js";
import type { Personality } from "./settings.js";

export type ShellToolType = "default" | "local" | "unified_exec" | "disabled" | "shell_command";
export type TruncationPolicy = { mode: "bytes" | "tokens"; limit: number };

/** Personality-aware instructions (Codex's `model_messages`). */
export interface ModelMessages {
  instructionsTemplate: string;
  personalities: { default: string; friendly: string; pragmatic: string };
}

export interface ModelInfo {
  slug: string;
  /** The name the catalog shows (the slug for unknown models). */
  displayName: string;
  /** The instructions used when no personality template applies. */
  baseInstructions: string;
  modelMessages?: ModelMessages;
  contextWindow: number;
  /** `ModelInfo::auto_compact_token_limit()`: 90% of the context window unless the catalog is lower. */
  autoCompactTokenLimit: number;
  /** Share of the context window reported as usable (`model_context_window` in `task_started`). */
  effectiveContextWindowPercent: number;
  supportsParallelToolCalls: boolean;
  /** null: the catalog names no apply_patch tool type (fallback metadata). */
  applyPatchToolType: "freeform" | "function" | null;
  /** The catalog's shell tool; features (unified exec) may replace it, see `toolsConfigFor`. */
  shellType: ShellToolType;
  /** What the hosted web search may return: "text", or "text_and_image". */
  webSearchToolType: "text" | "text_and_image";
  /** The model reads images (view_image and image input are refused otherwise). */
  supportsImages: boolean;
  /** `view_image` may ask for `detail: "original"`. */
  supportsImageDetailOriginal: boolean;
  truncationPolicy: TruncationPolicy;
  defaultReasoningEffort: ReasoningEffort | null;
  defaultReasoningSummary: ReasoningSummary;
  supportsReasoningSummaries: boolean;
  /** Sent as `text.verbosity` when the model supports it. */
  defaultVerbosity: "low" | "medium" | "high" | null;
  /** True when the slug is unknown and these are Codex's fallback values. */
  usedFallbackMetadata: boolean;
}

const PERSONALITY_PLACEHOLDER = "{{ personality }}";
const CONTEXT_WINDOW = 272_000;

type CatalogInfo = Omit<ModelInfo, "autoCompactTokenLimit" | "usedFallbackMetadata">;

function fromCatalog(model: CatalogModel): CatalogInfo {
  return {
    slug: model.slug,
    displayName: model.displayName,
    baseInstructions: model.baseInstructions,
    ...(model.modelMessages ? { modelMessages: model.modelMessages } : {}),
    contextWindow: model.contextWindow,
    effectiveContextWindowPercent: model.effectiveContextWindowPercent,
    supportsParallelToolCalls: model.supportsParallelToolCalls,
    applyPatchToolType: model.applyPatchToolType,
    shellType: model.shellType,
    webSearchToolType: model.webSearchToolType,
    supportsImages: model.inputModalities.includes("image"),
    supportsImageDetailOriginal: model.supportsImageDetailOriginal,
    truncationPolicy: model.truncationPolicy,
    defaultReasoningEffort: model.defaultReasoningEffort,
    defaultReasoningSummary: model.defaultReasoningSummary,
    supportsReasoningSummaries: model.supportsReasoningSummaries,
    defaultVerbosity: model.defaultVerbosity,
  };
}

const CATALOG: Record<string, CatalogInfo> = {
  ...Object.fromEntries(BUNDLED_MODELS.map((model) => [model.slug, fromCatalog(model)])),
  "gpt-5.1-codex": {
    slug: "gpt-5.1-codex",
    displayName: "gpt-5.1-codex",
    baseInstructions: GPT_5_1_CODEX_INSTRUCTIONS,
    contextWindow: CONTEXT_WINDOW,
    effectiveContextWindowPercent: 95,
    supportsParallelToolCalls: false,
    applyPatchToolType: "freeform",
    shellType: "shell_command",
    webSearchToolType: "text",
    supportsImages: true,
    supportsImageDetailOriginal: false,
    truncationPolicy: { mode: "tokens", limit: 10_000 },
    defaultReasoningEffort: "medium",
    defaultReasoningSummary: "auto",
    supportsReasoningSummaries: true,
    defaultVerbosity: null,
  },
};

/** The slugs of Codex 0.125's bundled catalog, in its order. */
export const CATALOG_MODELS: readonly string[] = BUNDLED_MODELS.map((model) => model.slug);

/** Codex's metadata for `model`; unknown slugs get the fallback metadata under their own slug. */
export function modelInfo(model: string): ModelInfo {
  const known = CATALOG[model];
  const info: CatalogInfo = known ?? {
    slug: model,
    displayName: model,
    baseInstructions: FALLBACK_INSTRUCTIONS,
    contextWindow: CONTEXT_WINDOW,
    effectiveContextWindowPercent: 95,
    supportsParallelToolCalls: false,
    applyPatchToolType: null,
    shellType: "default",
    webSearchToolType: "text",
    supportsImages: true,
    supportsImageDetailOriginal: false,
    truncationPolicy: { mode: "bytes", limit: 10_000 },
    defaultReasoningEffort: null,
    defaultReasoningSummary: "auto",
    supportsReasoningSummaries: false,
    defaultVerbosity: null,
  };
  return {
    ...info,
    autoCompactTokenLimit: Math.floor((info.contextWindow * 9) / 10),
    usedFallbackMetadata: known === undefined,
  };
}

/** Whether the model's instructions template takes a personality (`supports_personality`). */
export function supportsPersonality(info: ModelInfo): boolean {
  return info.modelMessages?.instructionsTemplate.includes(PERSONALITY_PLACEHOLDER) ?? false;
}

/** The personality text for `personality` (`get_personality_message`); "none" is the empty text. */
export function personalityMessage(info: ModelInfo, personality: Personality | undefined): string | undefined {
  const personalities = info.modelMessages?.personalities;
  if (!personalities) return undefined;
  if (personality === undefined) return personalities.default;
  return personality === "none" ? "" : personalities[personality];
}

/**
 * The instructions a thread on `model` starts with (`get_model_instructions`): the template with the
 * personality filled in when the model has one, its base instructions otherwise.
 */
export function modelInstructions(model: string | ModelInfo, personality?: Personality): string {
  const info = typeof model === "string" ? modelInfo(model) : model;
  const template = info.modelMessages?.instructionsTemplate;
  if (template === undefined) return info.baseInstructions;
  // One string per model and personality: every thread keeps its instructions (some 40 KB), and a
  // string built per thread made them most of an idle thread's memory.
  const message = personalityMessage(info, personality) ?? "";
  let built = instructionsBuilt.get(template);
  if (!built) instructionsBuilt.set(template, (built = new Map()));
  let text = built.get(message);
  if (text === undefined) built.set(message, (text = template.split(PERSONALITY_PLACEHOLDER).join(message)));
  return text;
}

/** Instructions by template, then personality text (both come from the catalog: a handful). */
const instructionsBuilt = new Map<string, Map<string, string>>();
