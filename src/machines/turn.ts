/**
 * One actor per turn: what Codex's `run_turn` does. Record the turn's start (context updates and the
 * user message), compacting the history first when it is over the limit, then loop: sample the
 * model (tool calls start as soon as their item is in the log), wait for the calls, record their
 * outputs in call order, compact if the limit is reached and a follow-up is needed, drain steering
 * input, and sample again while a follow-up is needed. Interrupt cancels whatever runs and records
 * Codex's abort trail. The turn's output says which steering input it recorded and which the
 * interrupt dropped (reported as not delivered); input arriving once the turn is ending is left to
 * the session, which runs it as a turn of its own.
 */
import { and, assign, enqueueActions, fromCallback, fromPromise, setup } from "xstate";
import type { ResponseItem } from "../events/index.js";
import { abortedOutput, toolCallMachine } from "./tool-call.js";
import type { AnswerEvent, PendingInput, ToolCallResult } from "./types.js";
import type {
  AbortTurnInput,
  BeginTurnOutput,
  CompactInput,
  CompactOutput,
  RecordOutputsInput,
  RecordOutputsOutput,
  RecordTurnInputOutput,
  StopHooksOutput,
  TurnContext,
  TurnError,
  TurnEvent,
  TurnInput,
  TurnOutput,
} from "./turn-types.js";
export type * from "./turn-types.js";

const notProvided = (name: string) => () => {
  throw new Error(`turn actor "${name}" was not provided`);
};

const childId = (callId: string) => `call:${callId}`;
const CALL_DONE = "xstate.done.actor.call:";

function allDone(context: TurnContext): boolean {
  return context.calls.every((call) => context.results[call.callId] !== undefined);
}

function unrecordedOutputs(context: TurnContext): ResponseItem[] {
  return context.calls
    .filter((call) => !context.recorded.includes(call.callId))
    .map((call) => context.results[call.callId]?.output ?? abortedOutput(call));
}

export const turnMachine = setup({
  types: {
    input: {} as TurnInput,
    context: {} as TurnContext,
    events: {} as TurnEvent,
    output: {} as TurnOutput,
  },
  actors: {
    beginTurn: fromPromise<BeginTurnOutput, TurnInput>(notProvided("beginTurn")),
    /** Records the turn's context and user message after a pre-turn compaction. */
    recordTurnInput: fromPromise<RecordTurnInputOutput, TurnInput>(notProvided("recordTurnInput")),
    compact: fromPromise<CompactOutput, CompactInput>(notProvided("compact")),
    sample: fromCallback<{ type: "STOP" }, { turnId: string }>(notProvided("sample")),
    toolCall: toolCallMachine,
    recordOutputs: fromPromise<RecordOutputsOutput, RecordOutputsInput>(notProvided("recordOutputs")),
    recordPendingInput: fromPromise<void, { turnId: string; inputs: PendingInput[] }>(notProvided("recordPendingInput")),
    /** Stop hooks (and legacy notify) once the model is done: they may send it back to work. */
    runStopHooks: fromPromise<StopHooksOutput, { turnId: string; lastAgentMessage: string | null; stopHookActive: boolean }>(notProvided("runStopHooks")),
    completeTurn: fromPromise<void, { turnId: string; lastAgentMessage: string | null }>(notProvided("completeTurn")),
    failTurn: fromPromise<void, { turnId: string; error: TurnError; outputs: ResponseItem[] }>(notProvided("failTurn")),
    abortTurn: fromPromise<void, AbortTurnInput>(notProvided("abortTurn")),
    /** Answers an answer whose call had already ended (the turn was stopping): it changed nothing. */
    answerUnheard: fromPromise<void, { turnId: string; answer: AnswerEvent }>(notProvided("answerUnheard")),
  },
  actions: {
    spawnCall: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== "TOOL_CALL") return;
      enqueue.assign({ calls: [...context.calls, event.call] });
      enqueue.spawnChild("toolCall", {
        id: childId(event.call.callId),
        input: { turnId: context.turnId, call: event.call },
      });
    }),
    collectResult: assign(({ context, event }) => {
      const output = (event as unknown as { output: ToolCallResult }).output;
      return { results: { ...context.results, [output.callId]: output } };
    }),
    queueInput: assign(({ context, event }) =>
      event.type === "STEER" ? { pendingInput: [...context.pendingInput, event.input] } : {},
    ),
    routeAnswer: enqueueActions(({ context, event, enqueue, self }) => {
      if (event.type !== "ANSWER") return;
      const target = self.getSnapshot().children[childId(event.targetId)];
      if (target) enqueue.sendTo(target, event);
      else enqueue.spawnChild("answerUnheard", { id: `unheard:${event.submission.id}`, input: { turnId: context.turnId, answer: event } });
    }),
    cancelCalls: enqueueActions(({ context, enqueue, self }) => {
      const children = self.getSnapshot().children;
      for (const call of context.calls) {
        const child = children[childId(call.callId)];
        if (child && context.results[call.callId] === undefined) enqueue.sendTo(child, { type: "CANCEL" });
      }
    }),
    markRecorded: assign(({ context }) => ({
      recorded: [...context.recorded, ...context.calls.map((call) => call.callId)],
    })),
    startNextRound: assign({ calls: [], results: {} }),
    assignCompactionError: assign(({ event }) => {
      const output = (event as unknown as { output: CompactOutput }).output;
      return output.ok ? {} : { error: output.error };
    }),
  },
  guards: {
    allCallsDone: ({ context }) => allDone(context),
    abortRequestedByCall: ({ context }) => Object.values(context.results).some((result) => result.abortTurn),
    needsFollowUp: ({ context }) => context.calls.length > 0 || context.pendingInput.length > 0,
    /** Codex keeps steering input queued after a mid-turn compaction while the model's own calls need answering. */
    hasCalls: ({ context }) => context.calls.length > 0,
    hasPendingInput: ({ context }) => context.pendingInput.length > 0,
    isCallDone: ({ event }) => event.type.startsWith(CALL_DONE),
  },
}).createMachine({
  id: "turn",
  context: ({ input }) => ({
    turnId: input.turnId,
    items: input.items,
    calls: input.resume?.calls ?? [],
    results: input.resume?.results ?? {},
    pendingInput: input.resume?.pendingInput ?? [],
    draining: [],
    consumed: [],
    dropped: [],
    stopHookActive: false,
    lastAgentMessage: null,
    recorded: [],
    status: "completed",
    resuming: input.resume?.awaiting ?? [],
    resumeAnswers: input.resume?.answers ?? [],
    resumeRerun: input.resume?.rerun ?? [],
    preTurnCompaction: null,
  }),
  initial: "entering",
  output: ({ context }) => ({
    turnId: context.turnId,
    status: context.status,
    lastAgentMessage: context.lastAgentMessage,
    consumed: context.consumed,
    dropped: context.dropped.map((input) => input.subId),
  }),
  on: {
    STEER: { actions: "queueInput" },
    ANSWER: { actions: "routeAnswer" },
    "xstate.done.actor.*": { guard: "isCallDone", actions: "collectResult" },
  },
  states: {
    entering: {
      always: [
        { guard: ({ context }) => context.resuming.length > 0, target: "resuming" },
        { target: "starting" },
      ],
    },
    resuming: {
      entry: enqueueActions(({ context, enqueue }) => {
        for (const call of context.calls) {
          if (!context.resuming.includes(call.callId)) continue;
          const rerun = context.resumeRerun.includes(call.callId);
          enqueue.spawnChild("toolCall", {
            id: childId(call.callId),
            input: rerun
              ? { turnId: context.turnId, call }
              : {
                  turnId: context.turnId,
                  call,
                  awaitingApprovalId: call.callId,
                  answer: context.resumeAnswers.find((answer) => answer.targetId === call.callId),
                },
          });
        }
        enqueue.assign({ resuming: [], resumeAnswers: [], resumeRerun: [] });
      }),
      always: "awaitingCalls",
      on: { INTERRUPT: "cancelling" },
    },
    starting: {
      invoke: {
        src: "beginTurn",
        input: ({ context }) => ({ turnId: context.turnId, items: context.items }),
        onDone: [
          { guard: ({ event }) => event.output.stopped === true, target: "completing" },
          {
            guard: ({ event }) => event.output.preTurnCompaction !== null,
            target: "compactingBeforeTurn",
            actions: assign({ preTurnCompaction: ({ event }) => event.output.preTurnCompaction }),
          },
          { target: "sampling" },
        ],
        onError: { target: "failing", actions: assign({ error: ({ event }) => toTurnError(event.error) }) },
      },
      on: { INTERRUPT: "cancelling" },
    },
    compactingBeforeTurn: {
      invoke: {
        src: "compact",
        input: ({ context }) => ({ turnId: context.turnId, phase: "pre_turn" as const, plan: context.preTurnCompaction! }),
        onDone: [
          { guard: ({ event }) => !event.output.ok, target: "failing", actions: "assignCompactionError" },
          { target: "recordingTurnInput" },
        ],
        onError: { target: "failing", actions: assign({ error: ({ event }) => toTurnError(event.error) }) },
      },
      on: { INTERRUPT: "cancelling" },
    },
    recordingTurnInput: {
      invoke: {
        src: "recordTurnInput",
        input: ({ context }) => ({ turnId: context.turnId, items: context.items }),
        onDone: [{ guard: ({ event }) => event.output?.stopped === true, target: "completing" }, { target: "sampling" }],
        onError: { target: "failing", actions: assign({ error: ({ event }) => toTurnError(event.error) }) },
      },
      on: { INTERRUPT: "cancelling" },
    },
    sampling: {
      invoke: { id: "sample", src: "sample", input: ({ context }) => ({ turnId: context.turnId }) },
      on: {
        TOOL_CALL: { actions: "spawnCall" },
        SAMPLE_DONE: {
          target: "awaitingCalls",
          actions: assign({ lastAgentMessage: ({ event }) => event.lastAgentMessage }),
        },
        SAMPLE_FAILED: { target: "cancellingForFailure", actions: assign({ error: ({ event }) => event.error }) },
        INTERRUPT: "cancelling",
      },
    },
    awaitingCalls: {
      always: [
        { guard: "abortRequestedByCall", target: "cancelling" },
        { guard: "allCallsDone", target: "recordingOutputs" },
      ],
      on: { INTERRUPT: "cancelling" },
    },
    recordingOutputs: {
      entry: "markRecorded",
      invoke: {
        src: "recordOutputs",
        input: ({ context }) => ({
          turnId: context.turnId,
          outputs: context.calls.map((call) => context.results[call.callId]!.output),
          followUp: context.calls.length > 0 || context.pendingInput.length > 0,
        }),
        onDone: [
          {
            guard: and(["needsFollowUp", ({ event }) => event.output.tokenLimitReached]),
            target: "compacting",
          },
          { guard: "needsFollowUp", target: "drainingInput" },
          { target: "stopping" },
        ],
        onError: { target: "failing", actions: assign({ error: ({ event }) => toTurnError(event.error) }) },
      },
      on: { INTERRUPT: "cancelling" },
    },
    compacting: {
      invoke: {
        src: "compact",
        input: ({ context }) => ({ turnId: context.turnId, phase: "mid_turn" as const }),
        onDone: [
          { guard: ({ event }) => !event.output.ok, target: "failing", actions: "assignCompactionError" },
          { guard: "hasCalls", target: "sampling", actions: "startNextRound" },
          { target: "drainingInput" },
        ],
        onError: { target: "failing", actions: assign({ error: ({ event }) => toTurnError(event.error) }) },
      },
      on: { INTERRUPT: "cancelling" },
    },
    drainingInput: {
      // Taken at once: from here an interrupt no longer counts this input as undelivered.
      entry: [
        "startNextRound",
        assign(({ context }) => ({
          draining: context.pendingInput,
          consumed: [...context.consumed, ...context.pendingInput.map((input) => input.subId)],
          pendingInput: [],
        })),
      ],
      always: { guard: ({ context }) => context.draining.length === 0, target: "sampling" },
      invoke: {
        src: "recordPendingInput",
        input: ({ context }) => ({ turnId: context.turnId, inputs: context.draining }),
        onDone: { target: "sampling", actions: assign({ draining: [] }) },
        onError: { target: "failing", actions: assign({ error: ({ event }) => toTurnError(event.error) }) },
      },
      on: { INTERRUPT: "cancelling" },
    },
    stopping: {
      invoke: {
        src: "runStopHooks",
        input: ({ context }) => ({ turnId: context.turnId, lastAgentMessage: context.lastAgentMessage, stopHookActive: context.stopHookActive }),
        onDone: [
          { guard: ({ event }) => event.output.continue, target: "drainingInput", actions: assign({ stopHookActive: true }) },
          // Input that arrived while the hooks ran is a follow-up, as Codex counts pending input.
          { guard: "hasPendingInput", target: "drainingInput" },
          { target: "completing" },
        ],
        onError: [{ guard: "hasPendingInput", target: "drainingInput" }, { target: "completing" }],
      },
      on: { INTERRUPT: "cancelling" },
    },
    completing: {
      // Input arriving now is too late to steer this turn: the session runs it as a turn of its own.
      on: { STEER: {} },
      invoke: {
        src: "completeTurn",
        input: ({ context }) => ({ turnId: context.turnId, lastAgentMessage: context.lastAgentMessage }),
        onDone: "completed",
        onError: "completed",
      },
    },
    cancellingForFailure: {
      on: { STEER: {} },
      entry: "cancelCalls",
      always: { guard: "allCallsDone", target: "failing" },
    },
    failing: {
      on: { STEER: {} },
      entry: assign({ status: "failed" }),
      invoke: {
        src: "failTurn",
        input: ({ context }) => ({ turnId: context.turnId, error: context.error!, outputs: unrecordedOutputs(context) }),
        onDone: "completed",
        onError: "completed",
      },
    },
    cancelling: {
      on: { STEER: {} },
      // What steered the turn before the interrupt is dropped with it (and reported); what comes
      // after the interrupt runs as a turn of its own.
      entry: ["cancelCalls", assign(({ context }) => ({ dropped: [...context.dropped, ...context.pendingInput], pendingInput: [] }))],
      always: { guard: "allCallsDone", target: "recordingAbort" },
    },
    recordingAbort: {
      on: { STEER: {} },
      entry: assign({ status: "aborted" }),
      invoke: {
        src: "abortTurn",
        input: ({ context }) => ({ turnId: context.turnId, outputs: unrecordedOutputs(context), dropped: context.dropped }),
        onDone: "aborted",
        onError: "aborted",
      },
    },
    completed: { type: "final" },
    aborted: { type: "final" },
  },
});

export function toTurnError(error: unknown): TurnError {
  return { message: error instanceof Error ? error.message : String(error) };
}
