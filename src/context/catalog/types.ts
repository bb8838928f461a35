/**
 * One model of Codex's bundled catalog as `codex debug models` reports it: the facts that decide a
 * request (context window, tool types, reasoning and verbosity defaults, parallel calls) and the
 * instructions texts. The per-model files beside this one are generated data.
 */
import type { ReasoningEffort, ReasoningSummary } from "../../events/index.js";

/** Codex's `ConfigShellToolType` as the catalog names it. */
export type CatalogShellType = "default" | "local" | "unified_exec" | "disabled" | "shell_command";

export interface CatalogModel {
  slug: string;
  displayName: string;
  description: string;
  contextWindow: number;
  maxContextWindow: number;
  autoCompactTokenLimit: number | null;
  effectiveContextWindowPercent: number;
  supportsParallelToolCalls: boolean;
  applyPatchToolType: "freeform" | "function" | null;
  shellType: CatalogShellType;
  /** "text" or "text_and_image": which content types the hosted web search may return. */
  webSearchToolType: "text" | "text_and_image";
  truncationPolicy: { mode: "bytes" | "tokens"; limit: number };
  defaultReasoningEffort: ReasoningEffort | null;
  supportedReasoningEfforts: { effort: ReasoningEffort; description: string }[];
  defaultReasoningSummary: ReasoningSummary;
  supportsReasoningSummaries: boolean;
  /** Null when the model takes no verbosity. */
  defaultVerbosity: "low" | "medium" | "high" | null;
  inputModalities: ("text" | "image")[];
  supportsImageDetailOriginal: boolean;
  additionalSpeedTiers: string[];
  baseInstructions: string;
  modelMessages?: {
    instructionsTemplate: string;
    personalities: { default: string; friendly: string; pragmatic: string };
  };
}
