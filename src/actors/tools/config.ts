/**
 * Which tools a turn offers, decided as Codex's `ToolsConfig::new` decides it: the model's catalog
 * entry, the `[features]` switches, the `web_search` setting under the turn's sandbox, and the
 * collaboration mode. Pure data in, pure data out; handlers read it to shape their specs.
 */
import type { SandboxPolicy } from "../../events/index.js";
import type { ModeKind, ModelInfo, ShellToolType } from "../../context/index.js";

/** Codex's `WebSearchMode`: live fetches, the cached index, or no hosted search at all. */
export type WebSearchMode = "live" | "cached" | "disabled";

/** The `[features]` switches Loom reads, with Codex 0.125's defaults. */
export interface Features {
  /** Any shell tool at all (`shell_tool`, default on). */
  shellTool: boolean;
  /** `exec_command` / `write_stdin` instead of the catalog's shell tool (`unified_exec`, default on). */
  unifiedExec: boolean;
  /** `request_user_input` also in Default mode (`default_mode_request_user_input`, default off). */
  defaultModeRequestUserInput: boolean;
  /** A freeform apply_patch for models whose catalog names none (`apply_patch_freeform`, default off). */
  applyPatchFreeform: boolean;
  /** The five agent tools (`multi_agent`, default on). */
  multiAgent: boolean;
}

export const DEFAULT_FEATURES: Features = {
  shellTool: true,
  unifiedExec: true,
  defaultModeRequestUserInput: false,
  applyPatchFreeform: false,
  multiAgent: true,
};

/** What the handlers of one turn see when they describe themselves to the model. */
export interface ToolsConfig {
  model: ModelInfo;
  /** The shell tool family offered: the catalog's, unless a feature says otherwise. */
  shellType: ShellToolType;
  applyPatchToolType: "freeform" | "function" | null;
  webSearch: WebSearchMode;
  mode: ModeKind;
  defaultModeRequestUserInput: boolean;
}

/** The feature switches a `[features]` table sets; unknown keys and non-booleans are ignored. */
export function featuresFrom(table: unknown): Features {
  const features = { ...DEFAULT_FEATURES };
  if (typeof table !== "object" || table === null) return features;
  const read = (key: string, into: keyof Features) => {
    const value = (table as Record<string, unknown>)[key];
    if (typeof value === "boolean") features[into] = value;
  };
  read("shell_tool", "shellTool");
  read("unified_exec", "unifiedExec");
  read("default_mode_request_user_input", "defaultModeRequestUserInput");
  read("apply_patch_freeform", "applyPatchFreeform");
  read("multi_agent", "multiAgent");
  return features;
}

/**
 * Codex's `resolve_web_search_mode_for_turn`: the configured mode (cached when unset), except that
 * an unsandboxed turn searches live unless search is disabled.
 */
export function webSearchModeFor(configured: WebSearchMode | undefined, sandbox: SandboxPolicy): WebSearchMode {
  const preferred = configured ?? "cached";
  if (sandbox.type === "danger-full-access" && preferred !== "disabled") return "live";
  return preferred;
}

export function toolsConfigFor(input: {
  model: ModelInfo;
  features: Features;
  webSearch: WebSearchMode;
  mode: ModeKind;
}): ToolsConfig {
  const { model, features } = input;
  let shellType: ShellToolType;
  if (!features.shellTool) shellType = "disabled";
  else if (features.unifiedExec) shellType = "unified_exec";
  else shellType = model.shellType;
  return {
    model,
    shellType,
    applyPatchToolType: model.applyPatchToolType ?? (features.applyPatchFreeform ? "freeform" : null),
    webSearch: input.webSearch,
    mode: input.mode,
    defaultModeRequestUserInput: features.defaultModeRequestUserInput,
  };
}

/** Parses the `web_search` setting; anything else is a configuration error for the caller to name. */
export function parseWebSearchMode(value: unknown): WebSearchMode | undefined {
  if (value === undefined) return undefined;
  if (value === "live" || value === "cached" || value === "disabled") return value;
  throw new TypeError(`web_search must be "live", "cached" or "disabled", got ${JSON.stringify(value)}`);
}
