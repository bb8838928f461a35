/**
 * The model catalog Loom knows, with Codex's metadata: gpt-5.5 from the 0.125 catalog, gpt-5.1-codex
 * from the 0.100 catalog, and Codex's fallback metadata for any other slug (`model_info_from_slug`).
 */
import type { ReasoningEffort, ReasoningSummary } from "../events/index.js";
import { FALLBACK_INSTRUCTIONS } from "./prompts/fallback.js";
import { GPT_5_1_CODEX_INSTRUCTIONS } from "./prompts/gpt-5.1-codex.js";
import {
  GPT_5_5_BASE_INSTRUCTIONS,
  GPT_5_5_INSTRUCTIONS_TEMPLATE,
  GPT_5_5_PERSONALITY_DEFAULT,
  GPT_5_5_PERSONALITY_FRIENDLY,
  GPT_5_5_PERSONALITY_PRAGMATIC,
} from "./prompts/gpt-5.5.js";
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
  shellType: ShellToolType;
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

const CATALOG: Record<string, Omit<ModelInfo, "autoCompactTokenLimit" | "usedFallbackMetadata">> = {
  "gpt-5.5": {
    slug: "gpt-5.5",
    baseInstructions: GPT_5_5_BASE_INSTRUCTIONS,
    modelMessages: {
      instructionsTemplate: GPT_5_5_INSTRUCTIONS_TEMPLATE,
      personalities: {
        default: GPT_5_5_PERSONALITY_DEFAULT,
        friendly: GPT_5_5_PERSONALITY_FRIENDLY,
        pragmatic: GPT_5_5_PERSONALITY_PRAGMATIC,
      },
    },
    contextWindow: CONTEXT_WINDOW,
    effectiveContextWindowPercent: 95,
    supportsParallelToolCalls: true,
    applyPatchToolType: "freeform",
    shellType: "shell_command",
    truncationPolicy: { mode: "tokens", limit: 10_000 },
    defaultReasoningEffort: "medium",
    defaultReasoningSummary: "none",
    supportsReasoningSummaries: true,
    defaultVerbosity: "low",
  },
  "gpt-5.1-codex": {
    slug: "gpt-5.1-codex",
    baseInstructions: GPT_5_1_CODEX_INSTRUCTIONS,
    contextWindow: CONTEXT_WINDOW,
    effectiveContextWindowPercent: 95,
    supportsParallelToolCalls: false,
    applyPatchToolType: "freeform",
    shellType: "shell_command",
    truncationPolicy: { mode: "tokens", limit: 10_000 },
    defaultReasoningEffort: "medium",
    defaultReasoningSummary: "auto",
    supportsReasoningSummaries: true,
    defaultVerbosity: null,
  },
};

/** Codex's metadata for `model`; unknown slugs get the fallback metadata under their own slug. */
export function modelInfo(model: string): ModelInfo {
  const known = CATALOG[model];
  const info = known ?? {
    slug: model,
    baseInstructions: FALLBACK_INSTRUCTIONS,
    contextWindow: CONTEXT_WINDOW,
    effectiveContextWindowPercent: 95,
    supportsParallelToolCalls: false,
    applyPatchToolType: null,
    shellType: "default" as const,
    truncationPolicy: { mode: "bytes" as const, limit: 10_000 },
    defaultReasoningEffort: null,
    defaultReasoningSummary: "auto" as const,
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
  return template.split(PERSONALITY_PLACEHOLDER).join(personalityMessage(info, personality) ?? "");
}
