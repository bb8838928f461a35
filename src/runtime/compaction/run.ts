/**
 * One local compaction, as Codex's `run_compact_task_inner_impl` does it: ask the model for a
 * handoff summary of the history (no tools), then replace the history with the newest user
 * messages and that summary. What it learns goes into the log: the `compacted` entry with its
 * replacement history, the token counts, the item events. Nothing is recorded once `signal` has
 * fired, so an interrupted compaction never writes after the turn's abort trail.
 */
import type { EventMsg, NewEntry, ResponseItem } from "../../events/index.js";
import type { TurnError } from "../../machines/turn.js";
import { projectPrompt, SUMMARIZATION_PROMPT, summaryText } from "../../state/index.js";
import { buildInitialContext, toTurnContextItem, type ModelInfo, type TurnSettings } from "../../context/index.js";
import {
  abortableSleep,
  codexBackoff,
  DEFAULT_STREAM_MAX_RETRIES,
  fatalModelError,
  ModelAbortedError,
  ModelError,
  toErrorEvent,
  toStreamErrorEvent,
  type SampleResult,
} from "../../actors/model/index.js";
import type { ThreadServices } from "../services.js";
import { modelRequestEvent, requestHeadersFor, turnInstructions, turnRequest } from "../turn-request.js";
import { lastAssistantText, replacementHistory, userTextMessage, withoutOldest } from "./history.js";
import { limitsFor } from "./plan.js";
import { appendUsage, estimatedUsage, estimateHistoryTokens, fullUsage } from "./tokens.js";

export const COMPACTION_WARNING =
  "Heads up: Long threads and multiple compactions can cause the model to be less accurate. Start a new thread when possible to keep threads small and targeted.";

export interface CompactionRun {
  turnId: string;
  /** The turn context it runs under: the current turn's, or the previous model's on a downshift. */
  settings: TurnSettings;
  model: ModelInfo;
  /**
   * Mid-turn: put the initial context back above the last user message and record the turn
   * context, since the turn goes on. Otherwise the next turn re-injects it (the `compacted` entry
   * clears the reference context).
   */
  reinjectContext: boolean;
  signal: AbortSignal;
}

/** `ok: false` carries the error for the caller to report; the model's verdict is already logged. */
export type CompactionResult = { ok: true } | { ok: false; error: TurnError };

const event = (msg: EventMsg): NewEntry => ({ kind: "event_msg", payload: msg });

/** Thrown (and ignored) when the run was stopped: the caller's abort trail owns the log now. */
function stopped(): ModelAbortedError {
  return new ModelAbortedError();
}

export async function runCompaction(services: ThreadServices, run: CompactionRun): Promise<CompactionResult> {
  const { turnId, settings, model, signal } = run;
  const window = limitsFor(services, model).reportedWindow;
  const record = async (entries: NewEntry[]): Promise<void> => {
    if (signal.aborted) throw stopped();
    await services.bus.record(entries, turnId);
  };
  const compactionItem = { type: "ContextCompaction", id: services.ids.next("item") };
  const itemEvent = (type: "item_started" | "item_completed"): EventMsg => ({
    type,
    thread_id: services.threadId,
    turn_id: turnId,
    item: compactionItem,
  });
  await record([event(itemEvent("item_started"))]);

  const prompt = services.compactPrompt ?? SUMMARIZATION_PROMPT;
  let items: ResponseItem[] = [...services.state().history, userTextMessage(prompt)];
  let trimmed = 0;
  let retries = 0;
  const maxRetries = services.retry.maxStreamRetries ?? DEFAULT_STREAM_MAX_RETRIES;
  const backoff = services.retry.backoff ?? codexBackoff;
  let result: SampleResult;
  for (;;) {
    // Codex's compaction request is `for_prompt` of the history (images only for a model that reads
    // them) and offers no tools, so its shell outputs keep the JSON they were recorded in.
    const input = projectPrompt(items, { supportsImages: model.supportsImages });
    try {
      const request = turnRequest(services, run, input, { specs: [], parallel: false });
      // One attempt per call: this loop retries the way Codex's compaction does, not the sampler's
      // way. Each attempt is logged as a `model_request`, like a turn's.
      const logged = async () => {
        await record([event(modelRequestEvent(turnId, request, "compaction"))]);
        return request;
      };
      result = await services.sample(logged, {
        purpose: "compaction",
        headers: requestHeadersFor(services, turnId, run.settings),
        maxStreamRetries: 0,
        signal,
        threadId: services.threadId,
        turnId,
        ids: services.ids,
        clock: services.clock,
        // Codex drains the stream silently: no deltas, no agent message, only the final text.
        onEvent: () => undefined,
      });
      break;
    } catch (caught) {
      if (signal.aborted || caught instanceof ModelAbortedError) throw stopped();
      const error = caught instanceof ModelError ? caught : fatalModelError(caught);
      if (error.kind === "context_window_exceeded") {
        if (input.length > 1) {
          // Drop the oldest item and try again: the newest work and the prompt matter most.
          items = withoutOldest(items);
          trimmed += 1;
          retries = 0;
          continue;
        }
        await record([event({ type: "token_count", info: fullUsage(services.state().tokenUsage, window), rate_limits: null })]);
        return { ok: false, error: turnErrorOf(error) };
      }
      if (retries >= maxRetries) return { ok: false, error: turnErrorOf(error) };
      retries += 1;
      await record([event(toStreamErrorEvent(`Reconnecting... ${retries}/${maxRetries}`, error))]);
      await abortableSleep(backoff(retries), signal).catch(() => {
        throw stopped();
      });
    }
  }

  const state = services.state();
  // Without a summary in the reply Codex takes the newest assistant text it has (its history holds
  // the reply's items by then), so a blank summary falls back to the last answer.
  const summary = result.lastAgentMessage ?? lastAssistantText(state.history) ?? "";
  const initialContext = run.reinjectContext
    ? buildInitialContext(settings, { previousModel: state.previousTurnSettings?.model, subagents: services.subagents?.() })
    : null;
  const replacement = replacementHistory(state.history, summary, initialContext);
  const afterResponse = appendUsage(state.tokenUsage, result.usage, window);
  const estimate = estimateHistoryTokens(replacement, turnInstructions(settings, model));
  await record([
    event({ type: "token_count", info: afterResponse, rate_limits: null }),
    // Rebuilding the initial context rebuilds the skills list, and Codex warns again.
    ...(initialContext && settings.skillsWarning ? [event({ type: "warning", message: settings.skillsWarning })] : []),
    ...(trimmed > 0
      ? [
          event({
            type: "background_event",
            message: `Trimmed ${trimmed} older thread item(s) before compacting so the prompt fits the model context window.`,
          }),
        ]
      : []),
    { kind: "compacted", payload: { message: summaryText(summary), replacement_history: replacement } },
    ...(run.reinjectContext ? [{ kind: "turn_context", payload: toTurnContextItem(settings, turnId, { traceId: services.turns.get(turnId)?.traceId }) } as NewEntry] : []),
    event({ type: "token_count", info: estimatedUsage(afterResponse, estimate, window), rate_limits: null }),
    event(itemEvent("item_completed")),
    event({ type: "context_compacted" }),
    event({ type: "warning", message: COMPACTION_WARNING }),
  ]);
  return { ok: true };
}

function turnErrorOf(error: ModelError): TurnError {
  const msg = toErrorEvent(error);
  return { message: msg.message, info: msg.codex_error_info };
}
