/**
 * Where compactions run: inside a turn (the turn machine's `compact` actor, before the turn's
 * input or mid-turn before a follow-up) and as a task of its own (the `compact` op, Codex's
 * `CompactTask`, which is a turn without user input: `task_started` ... `task_complete`).
 */
import { fromPromise } from "xstate";
import type { EventMsg, NewEntry, Submission } from "../../events/index.js";
import type { CompactInput, CompactOutput } from "../../machines/turn.js";
import { modelInfo } from "../../context/index.js";
import { abortEntries, stamped } from "../turn-entries.js";
import { resolveTurnSettings } from "../turn-settings.js";
import type { ActiveTurn, ThreadServices } from "../services.js";
import { limitsFor, threadTokens } from "./plan.js";
import { runCompaction, type CompactionResult } from "./run.js";

const event = (msg: EventMsg): NewEntry => ({ kind: "event_msg", payload: msg });

function activeTurn(services: ThreadServices, turnId: string): ActiveTurn {
  const active = services.turns.get(turnId);
  if (!active) throw new Error(`turn ${turnId} has no settings`);
  return active;
}

/**
 * Codex's `run_pre_sampling_compact`: with the previous model first when the thread moved to a
 * smaller window, then with the turn's own model while the thread is still at its limit. The
 * history is compacted without the turn's context and user message, which come after.
 */
async function compactBeforeTurn(
  services: ThreadServices,
  active: ActiveTurn,
  previousModel: string | null,
  signal: AbortSignal,
): Promise<CompactionResult> {
  const { turnId, settings, model } = active;
  if (previousModel !== null) {
    const previous = { ...settings, model: previousModel };
    const result = await runCompaction(services, { turnId, settings: previous, model: modelInfo(previousModel), reinjectContext: false, signal });
    if (!result.ok) return result;
  }
  if (threadTokens(services.state()) < limitsFor(services, model).autoCompactTokenLimit) return { ok: true };
  return runCompaction(services, { turnId, settings, model, reinjectContext: false, signal });
}

/** The turn machine's `compact` actor: the compaction a running turn decided on. */
export function compactActor(services: ThreadServices) {
  return fromPromise<CompactOutput, CompactInput>(async ({ input, signal }) => {
    const active = activeTurn(services, input.turnId);
    if (input.phase === "pre_turn") return compactBeforeTurn(services, active, input.plan.previousModel, signal);
    const result = await runCompaction(services, {
      turnId: input.turnId,
      settings: active.settings,
      model: active.model,
      reinjectContext: true,
      signal,
    });
    active.midTurnCompactions = (active.midTurnCompactions ?? 0) + 1;
    return result;
  });
}

/**
 * The `compact` op (Codex `run_compact_task`): a turn of its own that summarizes the history and
 * leaves the context to the next turn. An error is reported and the task still completes, so the
 * thread stays usable; an interrupt ends it with Codex's abort trail.
 */
export async function compactTask(submission: Submission, services: ThreadServices, signal: AbortSignal): Promise<void> {
  const turnId = submission.id;
  {
    const settings = await resolveTurnSettings(services);
    const model = modelInfo(settings.model);
    const startedAt = services.clock.now().getTime();
    if (signal.aborted) return;
    await services.bus.event(
      turnId,
      {
        type: "task_started",
        turn_id: turnId,
        started_at: Math.floor(startedAt / 1000),
        model_context_window: limitsFor(services, model).reportedWindow,
        collaboration_mode_kind: "default",
      },
      startedAt,
    );
    let result: CompactionResult | undefined;
    try {
      result = await runCompaction(services, { turnId, settings, model, reinjectContext: false, signal });
    } catch (error) {
      if (!signal.aborted) throw error;
    }
    const now = services.clock.now().getTime();
    if (!result) {
      if (!services.signal.aborted) await services.bus.record(stamped(abortEntries(turnId, [], now, startedAt), now), turnId);
      return;
    }
    await services.bus.record(
      stamped(
        [
          ...(result.ok ? [] : [event({ type: "error", message: result.error.message, codex_error_info: result.error.info })]),
          event({
            type: "task_complete",
            turn_id: turnId,
            last_agent_message: null,
            completed_at: Math.floor(now / 1000),
            duration_ms: now - startedAt,
          }),
        ],
        now,
      ),
      turnId,
    );
  }
}
