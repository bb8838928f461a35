/**
 * The IO behind the turn machine's named actors: each records its facts through the bus, in one
 * append per step, so a step stopped half-way (interrupt) never interleaves with what follows it.
 */
import { fromCallback, fromPromise } from "xstate";
import type { NewEntry, ResponseItem } from "../events/index.js";
import type {
  AbortTurnInput,
  BeginTurnOutput,
  RecordOutputsInput,
  RecordOutputsOutput,
  RecordTurnInputOutput,
  StopHooksOutput,
  TurnError,
  TurnInput,
} from "../machines/turn.js";
import type { AnswerEvent, PendingInput } from "../machines/types.js";
import { toolCallRequestOf } from "../machines/types.js";
import { offersFreeformApplyPatch, projectPrompt } from "../state/index.js";
import { modelInfo } from "../context/index.js";
import { resolveTurnSettings } from "./turn-settings.js";
import type { TurnSettings } from "../context/index.js";
import { ModelError, RecordedModelError, toErrorEvent } from "../actors/model/index.js";
import {
  INVALID_IMAGE_MESSAGE,
  isInvalidImage,
  lastImageOutput,
  modelRequestEvent,
  RequestDigests,
  requestHeadersFor,
  turnRequest,
  withoutInvalidImages,
} from "./turn-request.js";
import { toolsConfigFor, webSearchModeFor } from "../actors/tools/index.js";
import { appendUsage, fullUsage } from "./compaction/tokens.js";
import { limitsFor, planPreTurnCompaction, tokenLimitReached } from "./compaction/plan.js";
import type { ActiveTurn, ThreadServices } from "./services.js";
import { undeliveredEntry } from "./undelivered.js";
import { abortEntries, event, item, stamped, taskComplete, turnContextEntries, userInputEntries } from "./turn-entries.js";
import { buildSkillInjections, mentionedSkills, readSkillFile } from "../skills/index.js";
import { recordPendingThroughHooks, recordPromptThroughHooks, stopStep, type StopStepInput } from "./hook-runtime.js";

const requestDigests = new WeakMap<ThreadServices, RequestDigests>();

function digestsOf(services: ThreadServices): RequestDigests {
  let digests = requestDigests.get(services);
  if (!digests) requestDigests.set(services, (digests = new RequestDigests()));
  return digests;
}
/**
 * Records the turn's start (`first`, then its context and user message) as Codex's `run_turn` does:
 * with hooks, SessionStart runs after the context and UserPromptSubmit before the user message; a
 * hook may stop the turn there (false). Without hooks it is one append.
 */
async function recordTurnStart(
  services: ThreadServices,
  active: ActiveTurn,
  input: TurnInput,
  signal: AbortSignal,
  opening?: { first: NewEntry[]; at: number },
): Promise<boolean> {
  // Skills the input names ($name, `skill` items): their warnings come before the prompt, their
  // bodies after it (Codex's `build_skill_injections`).
  const skills = await buildSkillInjections(mentionedSkills(input.items, services.skills ?? []), (path) =>
    services.skillCatalog ? services.skillCatalog.read(path) : readSkillFile(path),
  );
  const warnings = skills.warnings.map((message) => event({ type: "warning", message }));
  const context = [...(opening?.first ?? []), ...turnContextEntries(services, active, input), ...warnings];
  const stamp = (entries: NewEntry[]) => (opening ? stamped(entries, opening.at) : entries);
  const user = [...(await userInputEntries(services, input.turnId, input.items, active.settings.cwd))];
  const skillItems = skills.items.map(item);
  if (!services.hooks?.port) {
    await services.bus.record(stamp([...context, ...user, ...skillItems]), input.turnId);
    return true;
  }
  await services.bus.record(stamp(context), input.turnId);
  return recordPromptThroughHooks(services, active, input, { user, skillItems }, signal);
}

/**
 * A turn about to run with `settings`: its model, the tools it offers (Codex's ToolsConfig from
 * the catalog, features, web search under the turn's sandbox and the collaboration mode) and the
 * output schema its user turn asked for.
 */
export function activateTurn(services: ThreadServices, turnId: string, settings: TurnSettings, startedAt: number): ActiveTurn {
  const model = modelInfo(settings.model);
  const toolsConfig = toolsConfigFor({
    model,
    features: services.features,
    webSearch: webSearchModeFor(services.webSearch, settings.sandboxPolicy),
    mode: settings.collaborationMode?.mode ?? "default",
  });
  const options = services.turnOptions.get(turnId);
  services.turnOptions.delete(turnId);
  const active: ActiveTurn = {
    turnId,
    settings,
    model,
    toolsConfig,
    tools: services.tools.specsFor(toolsConfig),
    startedAt,
    items: [],
    ...(options?.outputSchema !== undefined ? { outputSchema: options.outputSchema } : {}),
    ...(services.gitProbe ? { git: services.gitProbe(settings.cwd) } : {}),
    ...(options?.traceId !== undefined ? { traceId: options.traceId } : {}),
  };
  services.turns.set(turnId, active);
  return active;
}

/** Forgets an ended turn and stops its background work. */
function endTurn(services: ThreadServices, turnId: string): void {
  services.turns.get(turnId)?.git?.cancel();
  services.turns.delete(turnId);
}

/**
 * Starts a turn. When the thread must compact first (Codex compacts before the turn's context and
 * user message exist), only `task_started` is recorded here; the machine compacts, then records
 * the input with `recordTurnInput`.
 */
export function beginTurnActor(services: ThreadServices) {
  return fromPromise<BeginTurnOutput, TurnInput>(async ({ input, signal }) => {
    const settings = await resolveTurnSettings(services);
    const active = activateTurn(services, input.turnId, settings, services.clock.now().getTime());
    const { model } = active;
    const preTurnCompaction = planPreTurnCompaction(services, model);
    const started = event({
      type: "task_started",
      turn_id: input.turnId,
      started_at: Math.floor(active.startedAt / 1000),
      model_context_window: limitsFor(services, model).reportedWindow,
      collaboration_mode_kind: settings.collaborationMode?.mode ?? "default",
    });
    if (signal.aborted) return { preTurnCompaction: null };
    if (preTurnCompaction) {
      await services.bus.record(stamped([started], active.startedAt), input.turnId);
      return { preTurnCompaction };
    }
    const proceed = await recordTurnStart(services, active, input, signal, { first: [started], at: active.startedAt });
    return { preTurnCompaction: null, ...(proceed ? {} : { stopped: true }) };
  });
}

export function recordTurnInputActor(services: ThreadServices) {
  return fromPromise<RecordTurnInputOutput, TurnInput>(async ({ input, signal }) => {
    const active = services.turns.get(input.turnId);
    if (!active) throw new Error(`turn ${input.turnId} has no settings`);
    if (signal.aborted) return {};
    return (await recordTurnStart(services, active, input, signal)) ? {} : { stopped: true };
  });
}

export function sampleActor(services: ThreadServices) {
  return fromCallback<{ type: "STOP" }, { turnId: string }>(({ input, sendBack }) => {
    const controller = new AbortController();
    const active = services.turns.get(input.turnId);
    let pending: Promise<unknown> = Promise.resolve();
    const record = (entries: NewEntry[]) => {
      if (controller.signal.aborted) return pending;
      const written = services.bus.record(entries, input.turnId);
      pending = written;
      return written;
    };
    const run = async (): Promise<void> => {
      if (!active) throw new Error(`turn ${input.turnId} has no settings`);
      const { model } = active;
      // Rebuilt on every attempt from the folded history, as Codex does before a retry.
      const request = () => {
        const reserializeShellOutputs = offersFreeformApplyPatch(active.tools);
        // As Codex's `for_prompt` then `get_formatted_input`: images only for a model that reads them.
        const projection = { reserializeShellOutputs, supportsImages: model.supportsImages };
        const prompt = withoutInvalidImages(projectPrompt(services.state().history, projection), services.invalidImages);
        const body = turnRequest(services, active, prompt, {
          specs: active.tools,
          parallel: model.supportsParallelToolCalls,
        });
        void record([event(modelRequestEvent(input.turnId, body, "turn", digestsOf(services)))]).catch(() => undefined);
        return body;
      };
      const sample = () => services.sample(request, {
        ...services.retry,
        headers: requestHeadersFor(services, input.turnId, active.settings),
        signal: controller.signal,
        threadId: services.threadId,
        turnId: input.turnId,
        ids: services.ids,
        clock: services.clock,
        onEvent: async (out) => {
          if (out.kind === "event") {
            // Deltas are not awaited one by one: the log keeps their order and the turn waits for
            // `pending` before it moves on.
            void record([event(out.msg)]).catch(() => undefined);
            return;
          }
          active.items.push(out.item);
          const call = toolCallRequestOf(out.item);
          // Only a call waits for its item to be durable: it is about to act. Any other item rides
          // the commit of whatever the turn awaits next (the log keeps the order either way).
          if (!call) {
            void record([item(out.item)]).catch(() => undefined);
            return;
          }
          // A call starts once its item is durable (it may act outside the log), which also gives
          // the rest of the sample time to be recorded before any request the call makes.
          await record([item(out.item)]);
          if (!controller.signal.aborted) sendBack({ type: "TOOL_CALL", call });
        },
      });
      let result: Awaited<ReturnType<typeof sample>>;
      for (;;) {
        try {
          result = await sample();
          break;
        } catch (error) {
          // Codex's answer to an image the API refuses: the last tool output's images become
          // "Invalid image" and the request goes again; without one, the turn ends with its error.
          if (!isInvalidImage(error)) throw error;
          const callId = lastImageOutput(services.state().history, services.invalidImages);
          if (callId === null) throw new RecordedModelError({ type: "error", message: INVALID_IMAGE_MESSAGE, codex_error_info: "bad_request" });
          services.invalidImages.add(callId);
        }
      }
      if (controller.signal.aborted) return;
      const window = limitsFor(services, model).reportedWindow;
      const info = appendUsage(services.state().tokenUsage, result.usage, window);
      void record([event({ type: "token_count", info, rate_limits: null })]).catch(() => undefined);
      // What the turn does next awaits its own record, which commits after (and with) these: a
      // plain turn's output, usage and end make one commit. Hooks and notify act outside the
      // process on what the model said, so they wait for it to be durable first.
      if (services.hooks?.port || services.hooks?.notify) await pending;
      if (!controller.signal.aborted) sendBack({ type: "SAMPLE_DONE", lastAgentMessage: result.lastAgentMessage });
    };
    const fail = async (error: unknown): Promise<void> => {
      if (controller.signal.aborted) return;
      // Codex marks the window full when the model refuses the prompt as too long, so the next
      // turn compacts before it samples.
      if (isContextWindowExceeded(error) && active) {
        const info = fullUsage(services.state().tokenUsage, limitsFor(services, active.model).reportedWindow);
        await record([event({ type: "token_count", info, rate_limits: null })]).catch(() => undefined);
        await pending.catch(() => undefined);
      }
      if (!controller.signal.aborted) sendBack({ type: "SAMPLE_FAILED", error: modelErrorToTurnError(error) });
    };
    run().catch(fail);
    return () => controller.abort();
  });
}

function isContextWindowExceeded(error: unknown): boolean {
  if (error instanceof ModelError) return error.kind === "context_window_exceeded";
  return error instanceof RecordedModelError && error.event.codex_error_info === "context_window_exceeded";
}

function modelErrorToTurnError(error: unknown): TurnError {
  const msg = toErrorEvent(error);
  return { message: msg.message, info: msg.codex_error_info };
}

/** Mid-turn compactions one turn may run before it stops compacting (Codex runs as many as needed). */
export const MAX_MID_TURN_COMPACTIONS = 8;

/** Records the round's outputs, then checks the limit: Codex counts the outputs before deciding. */
export function recordOutputsActor(services: ThreadServices) {
  return fromPromise<RecordOutputsOutput, RecordOutputsInput>(async ({ input }) => {
    // A round that ends the turn has nothing to record or decide: the turn's end record comes next
    // and carries what the round left unawaited in its commit.
    if (!input.followUp && input.outputs.length === 0) return { tokenLimitReached: false };
    // Waits for what the round recorded before (usage included) even when there are no outputs.
    await services.bus.record(input.outputs.map(item), input.turnId);
    const active = services.turns.get(input.turnId);
    if (!active || !tokenLimitReached(services, active.model)) return { tokenLimitReached: false };
    // A limit no summary can get under (set below the context a request always carries) would
    // compact between every round for ever: past a bound, the turn goes on and says so.
    if ((active.midTurnCompactions ?? 0) >= MAX_MID_TURN_COMPACTIONS) {
      if (active.midTurnCompactions === MAX_MID_TURN_COMPACTIONS) {
        active.midTurnCompactions += 1;
        await services.bus.event(input.turnId, {
          type: "warning",
          message: `stopped compacting this turn after ${MAX_MID_TURN_COMPACTIONS} compactions: the thread stays over model_auto_compact_token_limit; raise the limit`,
        });
      }
      return { tokenLimitReached: false };
    }
    return { tokenLimitReached: true };
  });
}

export function recordPendingInputActor(services: ThreadServices) {
  return fromPromise<void, { turnId: string; inputs: PendingInput[] }>(async ({ input, signal }) => {
    const active = services.turns.get(input.turnId);
    const cwd = active?.settings.cwd ?? services.settings().cwd;
    // Injected response items (a sub-agent's notification) go in as they are: no hook sees them.
    const entriesOf = async (pending: PendingInput): Promise<NewEntry[]> =>
      pending.raw ? pending.raw.map((item): NewEntry => ({ kind: "response_item", payload: item })) : userInputEntries(services, input.turnId, pending.items, cwd);
    if (!services.hooks?.port || !active) {
      const entries = await Promise.all(input.inputs.map(entriesOf));
      await services.bus.record(entries.flat(), input.turnId);
      return;
    }
    await recordPendingThroughHooks(services, active, input.inputs, entriesOf, signal);
  });
}

/** Stop hooks once the model is done, then (when the turn really ends) legacy `notify`. */
export function runStopHooksActor(services: ThreadServices) {
  return fromPromise<StopHooksOutput, StopStepInput>(({ input, signal }) => stopStep(services, input, signal));
}

export function completeTurnActor(services: ThreadServices) {
  return fromPromise<void, { turnId: string; lastAgentMessage: string | null }>(async ({ input }) => {
    const active = services.turns.get(input.turnId);
    const now = services.clock.now().getTime();
    try {
      await services.bus.record(
        stamped(
          [
            taskComplete(input.turnId, input.lastAgentMessage, now, active?.startedAt),
          ],
          now,
        ),
        input.turnId,
      );
    } finally {
      endTurn(services, input.turnId);
    }
  });
}

/** Codex reports the error, then completes the turn so the thread stays usable. */
export function failTurnActor(services: ThreadServices) {
  return fromPromise<void, { turnId: string; error: TurnError; outputs: ResponseItem[] }>(async ({ input }) => {
    const active = services.turns.get(input.turnId);
    const now = services.clock.now().getTime();
    try {
      await services.bus.record(
        stamped(
          [
            ...input.outputs.map(item),
            event({ type: "error", message: input.error.message, codex_error_info: input.error.info }),
            taskComplete(input.turnId, null, now, active?.startedAt),
          ],
          now,
        ),
        input.turnId,
      );
    } finally {
      endTurn(services, input.turnId);
    }
  });
}

/** Codex's interrupt trail: outputs for unanswered calls, the `<turn_aborted>` marker, `turn_aborted`. */
export function abortTurnActor(services: ThreadServices) {
  return fromPromise<void, AbortTurnInput>(async ({ input }) => {
    // Loom ends every process the thread started at an interrupt (Codex leaves background ones
    // running until `clean_background_terminals` or shutdown).
    services.processes.terminateAll();
    const active = services.turns.get(input.turnId);
    const now = services.clock.now().getTime();
    try {
      await services.bus.record(
        [
          ...stamped(abortEntries(input.turnId, input.outputs, now, active?.startedAt), now),
          ...input.dropped.map((steer) => undeliveredEntry(steer.subId, "user_input", "interrupted")),
        ],
        input.turnId,
      );
    } finally {
      endTurn(services, input.turnId);
    }
  });
}

/** An answer that reached the turn after the call it answers had ended: logged, so it is answered. */
export function answerUnheardActor(services: ThreadServices) {
  return fromPromise<void, { turnId: string; answer: AnswerEvent }>(async ({ input }) => {
    const { submission, targetId } = input.answer;
    const message = targetId.startsWith("request_permissions:")
      ? `request_permissions_response: no request_permissions call ${JSON.stringify(targetId.slice("request_permissions:".length))} is waiting; the answer changed nothing`
      : `${submission.op.type}: call ${targetId} had already ended (its turn was stopping); the answer changed nothing`;
    await services.bus.event(submission.id, { type: "error", message });
  });
}
