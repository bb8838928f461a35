/** Compaction and token accounting: Codex's local compaction, its triggers and its token counts. */

/** The `compact` op's task, and the turn machine's `compact` actor (pre-turn and mid-turn). */
export { compactTask, compactActor } from "./actors.js";
/** One compaction: summarize, replace the history, record `compacted` and the item events. */
export { runCompaction, COMPACTION_WARNING } from "./run.js";
export type { CompactionRun, CompactionResult } from "./run.js";
/** When a thread compacts on its own: the pre-turn decision and the post-sampling check. */
export { preTurnCompaction, planPreTurnCompaction, tokenLimitReached, limitsFor, threadTokens } from "./plan.js";
export type { PreTurnFacts } from "./plan.js";
/** The summarization input and the replacement history. */
export { replacementHistory, insertInitialContext, withoutOldest, lastAssistantText } from "./history.js";
/** Token arithmetic: usage totals, window limits, Codex's byte-based estimates. */
export {
  contextLimits,
  appendUsage,
  fullUsage,
  estimatedUsage,
  estimateItemTokens,
  estimateHistoryTokens,
  totalTokenUsage,
} from "./tokens.js";
export type { ContextLimits, LimitOverrides } from "./tokens.js";
