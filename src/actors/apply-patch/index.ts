/** Codex's `apply_patch`: the patch format, its parser and in-memory planner, the all-or-nothing applier, diffs, and the tool specs. */
export { InvalidPatchError, ApplyPatchError, describeIoError } from "./errors.js";
export type { ApplyPatchStage } from "./errors.js";
/** Parse patch text into hunks (`parsePatchStreaming` for partial input while the model streams). */
export { parsePatch, parsePatchStreaming } from "./parser.js";
export type { Hunk, UpdateFileChunk, ParsedPatch } from "./parser.js";
/** Find a chunk's lines in a file with Codex's decreasing strictness. */
export { seekSequence } from "./seek-sequence.js";
/** Compute every file's new text in memory, and the `FileChange` map, without writing. */
export { planPatch, applyChunks } from "./plan.js";
export type { PatchPlan, PlannedFile, PatchFileChange, AffectedPaths, ReadTextFile } from "./plan.js";
/** Apply a patch atomically; compute approval `changes`; Codex's success summary. */
export { applyPatch, changesForApproval, planPatchText, readTextFile, summary } from "./apply.js";
export type { ApplyPatchOptions, ApplyPatchResult } from "./apply.js";
/** Unified diff of two texts, hunk for hunk what `git diff` prints; the line diff beneath it. */
export { unifiedDiff } from "./unified-diff.js";
export type { UnifiedDiffOptions } from "./unified-diff.js";
export { diffLines } from "./myers.js";
export type { LineChanges, DiffOptions } from "./myers.js";
/** The turn's aggregated `git diff` for `turn_diff`. */
export { TurnDiffTracker, blobOid } from "./turn-diff-tracker.js";
/** The tool definitions sent to the Responses API, and Codex's instructions text. */
export {
  APPLY_PATCH_TOOL,
  APPLY_PATCH_LARK_GRAMMAR,
  APPLY_PATCH_JSON_TOOL_DESCRIPTION,
  APPLY_PATCH_FREEFORM_TOOL_DESCRIPTION,
  APPLY_PATCH_TOOL_INSTRUCTIONS,
} from "./tool-spec.js";
export type { FreeformToolSpec, FunctionToolSpec, ApplyPatchToolArgs } from "./tool-spec.js";
