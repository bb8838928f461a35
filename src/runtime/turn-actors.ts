/**
 * The IO behind the turn machine's named actors: each records its facts through the bus, in one
 * append per step, so a step stopped half-way (interrupt) never interleaves with what follows it.
 */
import { fromCallback, fromPromise } from "xstate";
import type { EventMsg, NewEntry, ResponseItem, TokenUsage, TokenUsageInfo, UserInputItem } from "../events/index.js";
import type { AbortTurnInput, RecordOutputsInput, SampleEvent, TurnError, TurnInput } from "../machines/turn.js";
import type { PendingInput } from "../machines/types.js";
import { toolCallRequestOf } from "../machines/types.js";
import { projectPrompt } from "../state/index.js";
import { buildContextUpdates, buildInitialContext, loadAgentsMd, modelInfo, modelInstructions, probeSandboxHost, toTurnContextItem } from "../context/index.js";
import type { TurnSettings } from "../context/index.js";
import { buildResponsesRequest, createTextControls, reasoningParams, sampleWithRetry, toErrorEvent } from "../actors/model/index.js";
import type { ActiveTurn, ThreadServices } from "./services.js";
import { userMessageItem, userMessageText } from "./user-input.js";

export const TURN_ABORTED_GUIDANCE =
  "The user interrupted the previous turn on purpose. Any running unified exec processes may still be running in the background. If any tools/commands were aborted, they may have partially executed.";

export function turnAbortedMarker(): ResponseItem {
  return {
    type: "message",
    role: "user",
    content: [{ type: "input_text", text: `<turn_aborted>\n${TURN_ABORTED_GUIDANCE}\n</turn_aborted>` }],
  };
}

const event = (msg: EventMsg): NewEntry => ({ kind: "event_msg", payload: msg });
const item = (payload: ResponseItem): NewEntry => ({ kind: "response_item", payload });

function localDate(now: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

function timezone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "Etc/UTC";
}

/** The settings a new turn runs with: session settings plus what only the outside world knows. */
export async function resolveTurnSettings(services: ThreadServices): Promise<TurnSettings> {
  const session = services.settings();
  const now = services.clock.now();
  const zone = timezone();
  const [userInstructions, host] = await Promise.all([
    loadAgentsMd(session.cwd, { signal: services.signal }),
    probeSandboxHost(session.cwd, session.sandboxPolicy, { signal: services.signal }),
  ]);
  return {
    cwd: session.cwd,
    approvalPolicy: session.approvalPolicy,
    sandboxPolicy: session.sandboxPolicy,
    model: session.model,
    effort: session.effort,
    summary: session.summary,
    developerInstructions: session.developerInstructions,
    baseInstructions: session.baseInstructions,
    userInstructions,
    currentDate: localDate(now, zone),
    timezone: zone,
    shell: "bash",
    personality: services.personality,
    host,
  };
}

function userInputEntries(services: ThreadServices, turnId: string, items: UserInputItem[]): NewEntry[] {
  const message = userMessageItem(items);
  const text = userMessageText(items);
  const itemId = services.ids.next("item");
  const turnItem = { type: "UserMessage", id: itemId, content: items };
  return [
    item(message),
    event({ type: "item_started", thread_id: services.threadId, turn_id: turnId, item: turnItem }),
    event({ type: "item_completed", thread_id: services.threadId, turn_id: turnId, item: turnItem }),
    event({
      type: "user_message",
      message: text,
      images: items.flatMap((i) => (i.type === "image" ? [i.image_url] : [])),
      local_images: items.flatMap((i) => (i.type === "local_image" ? [i.path] : [])),
      text_elements: [],
    }),
  ];
}

export function beginTurnActor(services: ThreadServices) {
  return fromPromise<void, TurnInput>(async ({ input }) => {
    const settings = await resolveTurnSettings(services);
    const model = modelInfo(settings.model);
    const state = services.state();
    const active: ActiveTurn = {
      turnId: input.turnId,
      settings,
      model,
      tools: services.tools.specsFor(model),
      startedAt: services.clock.now().getTime(),
      items: [],
    };
    services.turns.set(input.turnId, active);
    const contextItems = state.referenceContext
      ? buildContextUpdates(state.referenceContext, settings)
      : buildInitialContext(settings);
    const contextWindow = services.modelContextWindow ?? model.contextWindow;
    await services.bus.record(
      [
        event({
          type: "task_started",
          turn_id: input.turnId,
          started_at: Math.floor(active.startedAt / 1000),
          model_context_window: Math.floor((contextWindow * model.effectiveContextWindowPercent) / 100),
          collaboration_mode_kind: "default",
        }),
        ...contextItems.map(item),
        { kind: "turn_context", payload: toTurnContextItem(settings, input.turnId) },
        ...userInputEntries(services, input.turnId, input.items),
      ],
      input.turnId,
    );
  });
}

function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    input_tokens: a.input_tokens + b.input_tokens,
    cached_input_tokens: a.cached_input_tokens + b.cached_input_tokens,
    output_tokens: a.output_tokens + b.output_tokens,
    reasoning_output_tokens: a.reasoning_output_tokens + b.reasoning_output_tokens,
    total_tokens: a.total_tokens + b.total_tokens,
  };
}

const ZERO_USAGE: TokenUsage = {
  input_tokens: 0,
  cached_input_tokens: 0,
  output_tokens: 0,
  reasoning_output_tokens: 0,
  total_tokens: 0,
};


/**
 * One sampling round: build the prompt from the folded history, stream the model, record every item
 * and event in stream order, and tell the turn about each tool call once its item is durable.
 */
export function sampleActor(services: ThreadServices) {
  return fromCallback<{ type: "STOP" }, { turnId: string }>(({ input, sendBack }) => {
    const controller = new AbortController();
    const active = services.turns.get(input.turnId);
    const run = async (): Promise<void> => {
      if (!active) throw new Error(`turn ${input.turnId} has no settings`);
      const { settings, model } = active;
      // Rebuilt on every attempt from the folded history, as Codex does before a retry.
      const request = () =>
        buildResponsesRequest({
          model: settings.model,
          instructions: settings.baseInstructions ?? modelInstructions(model, settings.personality),
          input: projectPrompt(services.state().history),
          tools: active.tools,
          parallelToolCalls: model.supportsParallelToolCalls,
          reasoning: model.supportsReasoningSummaries
            ? reasoningParams(settings.effort ?? model.defaultReasoningEffort, settings.summary ?? model.defaultReasoningSummary)
            : null,
          text: createTextControls(model.defaultVerbosity ?? undefined, undefined),
          promptCacheKey: services.threadId,
        });
      let pending: Promise<unknown> = Promise.resolve();
      const record = (entries: NewEntry[]) => {
        if (controller.signal.aborted) return pending;
        const written = services.bus.record(entries, input.turnId);
        pending = written;
        return written;
      };
      const result = await sampleWithRetry(services.model, request, {
        ...services.retry,
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
          await record([item(out.item)]);
          const call = toolCallRequestOf(out.item);
          if (call && !controller.signal.aborted) sendBack({ type: "TOOL_CALL", call });
        },
      });
      if (controller.signal.aborted) return;
      const previous = services.state().tokenUsage;
      const last = result.usage ?? ZERO_USAGE;
      const info: TokenUsageInfo = {
        total_token_usage: addUsage(previous?.total_token_usage ?? ZERO_USAGE, last),
        last_token_usage: last,
        model_context_window: services.modelContextWindow ?? model.contextWindow,
      };
      await record([event({ type: "token_count", info, rate_limits: null })]);
      await pending;
      if (!controller.signal.aborted) sendBack({ type: "SAMPLE_DONE", lastAgentMessage: result.lastAgentMessage });
    };
    run().catch((error: unknown) => {
      if (controller.signal.aborted) return;
      sendBack({ type: "SAMPLE_FAILED", error: modelErrorToTurnError(error) });
    });
    return () => controller.abort();
  });
}

function modelErrorToTurnError(error: unknown): TurnError {
  const msg = toErrorEvent(error);
  return { message: msg.message, info: msg.codex_error_info };
}

export function recordOutputsActor(services: ThreadServices) {
  return fromPromise<void, RecordOutputsInput>(async ({ input }) => {
    await services.bus.record(input.outputs.map(item), input.turnId);
  });
}

export function recordPendingInputActor(services: ThreadServices) {
  return fromPromise<void, { turnId: string; inputs: PendingInput[] }>(async ({ input }) => {
    await services.bus.record(
      input.inputs.flatMap((pending) => userInputEntries(services, input.turnId, pending.items)),
      input.turnId,
    );
  });
}

export function completeTurnActor(services: ThreadServices) {
  return fromPromise<void, { turnId: string; lastAgentMessage: string | null }>(async ({ input }) => {
    const active = services.turns.get(input.turnId);
    const now = services.clock.now().getTime();
    try {
      await services.bus.record(
        [
          event({
            type: "task_complete",
            turn_id: input.turnId,
            last_agent_message: input.lastAgentMessage,
            completed_at: Math.floor(now / 1000),
            duration_ms: active ? now - active.startedAt : null,
          }),
        ],
        input.turnId,
      );
    } finally {
      services.turns.delete(input.turnId);
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
        [
          ...input.outputs.map(item),
          event({ type: "error", message: input.error.message, codex_error_info: input.error.info }),
          event({
            type: "task_complete",
            turn_id: input.turnId,
            last_agent_message: null,
            completed_at: Math.floor(now / 1000),
            duration_ms: active ? now - active.startedAt : null,
          }),
        ],
        input.turnId,
      );
    } finally {
      services.turns.delete(input.turnId);
    }
  });
}

/** Codex's interrupt trail: outputs for unanswered calls, the `<turn_aborted>` marker, `turn_aborted`. */
export function abortTurnActor(services: ThreadServices) {
  return fromPromise<void, AbortTurnInput>(async ({ input }) => {
    const active = services.turns.get(input.turnId);
    const now = services.clock.now().getTime();
    try {
      await services.bus.record(abortEntries(input.turnId, input.outputs, now, active?.startedAt), input.turnId);
    } finally {
      services.turns.delete(input.turnId);
    }
  });
}

export function abortEntries(turnId: string, outputs: ResponseItem[], now: number, startedAt?: number): NewEntry[] {
  return [
    ...outputs.map(item),
    item(turnAbortedMarker()),
    event({
      type: "turn_aborted",
      turn_id: turnId,
      reason: "interrupted",
      completed_at: Math.floor(now / 1000),
      duration_ms: startedAt !== undefined ? now - startedAt : null,
    }),
  ];
}
