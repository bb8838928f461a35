/**
 * When a thread compacts on its own (Codex `session/turn.rs`: `run_pre_sampling_compact`,
 * `maybe_run_previous_model_inline_compact`, the post-sampling check). The decisions read the
 * folded state, so IO actors make them and hand the turn machine plain data.
 */
import type { ThreadState } from "../../state/index.js";
import { modelInfo, type ModelInfo } from "../../context/index.js";
import type { PreTurnCompaction } from "../../machines/turn.js";
import type { ThreadServices } from "../services.js";
import { contextLimits, totalTokenUsage, type ContextLimits } from "./tokens.js";

/** A model's limits under the thread's `model_context_window` / `model_auto_compact_token_limit`. */
export function limitsFor(services: ThreadServices, model: ModelInfo): ContextLimits {
  return contextLimits(model, {
    modelContextWindow: services.modelContextWindow,
    autoCompactTokenLimit: services.autoCompactTokenLimit,
  });
}

/** Tokens the next request would carry, as Codex counts them before deciding to compact. */
export function threadTokens(state: Pick<ThreadState, "history" | "tokenUsage">): number {
  return totalTokenUsage(state.history, state.tokenUsage);
}

export interface PreTurnFacts {
  /** `get_total_token_usage` before the turn records anything. */
  total: number;
  current: { slug: string; limits: ContextLimits };
  /** The model of the previous user turn, when there was one. */
  previous: { slug: string; limits: ContextLimits } | null;
}

/**
 * Codex compacts before a turn when the thread is at its limit, and first with the previous model
 * when the thread moves to a model whose (effective) window is smaller and the history would not
 * fit under the new limit. Null: the turn starts without compacting.
 */
export function preTurnCompaction(facts: PreTurnFacts): PreTurnCompaction | null {
  const { total, current, previous } = facts;
  const downshift =
    previous !== null &&
    previous.slug !== current.slug &&
    total > current.limits.autoCompactTokenLimit &&
    previous.limits.reportedWindow > current.limits.reportedWindow;
  if (downshift) return { previousModel: previous.slug };
  return total >= current.limits.autoCompactTokenLimit ? { previousModel: null } : null;
}

/** The pre-turn decision for a turn on `model`, from the thread's folded state. */
export function planPreTurnCompaction(services: ThreadServices, model: ModelInfo): PreTurnCompaction | null {
  const state = services.state();
  const previousSlug = state.previousTurnSettings?.model;
  return preTurnCompaction({
    total: threadTokens(state),
    current: { slug: model.slug, limits: limitsFor(services, model) },
    previous: previousSlug ? { slug: previousSlug, limits: limitsFor(services, modelInfo(previousSlug)) } : null,
  });
}

/** The post-sampling check: whether a turn that needs a follow-up compacts first. */
export function tokenLimitReached(services: ThreadServices, model: ModelInfo): boolean {
  return threadTokens(services.state()) >= limitsFor(services, model).autoCompactTokenLimit;
}
