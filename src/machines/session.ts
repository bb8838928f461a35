/**
 * One actor per thread: Codex's `submission_loop`. Submissions arrive already in the log; the
 * session queues them, runs at most one turn (or one other task) at a time, routes steering input,
 * interrupts and answers to the active turn, and ends with `shutdown`. Every submission it is given
 * is acted on or answered: input stays queued until a turn has taken it, in log order, and what a
 * shutdown leaves (or meets) is answered as not delivered.
 */
import { and, assign, enqueueActions, fromCallback, fromPromise, sendTo, setup } from "xstate";
import type { ResponseItem, ReviewDecision, Submission, UserInputItem } from "../events/index.js";
import { turnMachine, type TurnInput, type TurnOutput } from "./turn.js";

export interface SessionInput {
  threadId: string;
  /** A turn the log left waiting for approvals: the session starts by continuing it. */
  resumeTurn?: TurnInput;
  /** Submissions the log holds that no one has acted on yet (a restart): queued, in log order. */
  queue?: Submission[];
  /** Which of those steer `resumeTurn` (it was given their input). */
  steering?: string[];
}

/** `targetId`: for an answer, the call it answers (resolved by the caller from the pending requests). */
export type SubmitEvent = { type: "SUBMIT"; submission: Submission; targetId?: string };
export type SessionEvent = SubmitEvent | { type: "TASK_DONE" };

export interface SessionContext {
  threadId: string;
  queue: Submission[];
  /** Set when `shutdown` arrived while a turn ran: end after it. */
  shutdownRequested: Submission | null;
  immediateCount: number;
  /** The turn being run (taken off the queue, or resumed from the log). */
  currentTurn: TurnInput | null;
  /**
   * Ids of queued input handed to the running turn as steering. Other queued input waits for a turn
   * of its own, and while some does, new input waits behind it: input is taken in log order.
   */
  steering: string[];
}

/** History items for the running turn, else recorded by a task of their own (never a turn). */
const INJECT_OP = "inject_response_items";
/** Ops that start a model turn (when idle) or steer the running one. */
const TURN_OPS = new Set(["user_input", "user_turn", "user_input_with_turn_context"]);
/** Ops answered by whatever waits inside the active turn, by id. */
const ANSWER_OPS = new Set([
  "exec_approval",
  "patch_approval",
  "user_input_answer",
  "request_user_input_response",
  "dynamic_tool_response",
  "resolve_elicitation",
  "request_permissions_response",
]);
/** Ops handled at once, whatever runs: they never touch the model history. */
const IMMEDIATE_OPS = new Set([
  "override_turn_context",
  "set_thread_name",
  "list_mcp_tools",
  "list_skills",
  "add_to_history",
  "clean_background_terminals",
]);

export interface ShutdownInput {
  submission: Submission;
  /** Submissions still queued: each is answered with an event saying it did not run. */
  undelivered: Submission[];
}

export function userItemsOf(submission: Submission): UserInputItem[] {
  const op = submission.op as { items?: UserInputItem[] };
  return op.items ?? [];
}

/** The id an answer op names: the request it answers. */
export function answerTargetId(submission: Submission): string {
  const op = submission.op as { id?: string; request_id?: string | number; server_name?: string };
  if (submission.op.type === "resolve_elicitation") return `${op.server_name}:${String(op.request_id)}`;
  // Loom offers no request_permissions tool: this answer is for no call, whatever id it names
  // (a call waiting on an exec or patch approval must not take it for its own denial).
  if (submission.op.type === "request_permissions_response") return `request_permissions:${op.id ?? ""}`;
  return op.id ?? "";
}

const notProvided = (name: string) => () => {
  throw new Error(`session actor "${name}" was not provided`);
};

export const sessionMachine = setup({
  types: {
    input: {} as SessionInput,
    context: {} as SessionContext,
    events: {} as SessionEvent,
  },
  actors: {
    turn: turnMachine,
    /** A queued task that is not a model turn: compact, rollback, a user shell command, ... */
    /** Receives INTERRUPT (a task is interruptible like a turn); sends TASK_DONE when it has ended. */
    runTask: fromCallback<{ type: "INTERRUPT" }, { submission: Submission }>(notProvided("runTask")),
    /** An op handled alongside whatever runs; `busy` says whether a turn or task is active. */
    handleImmediate: fromPromise<void, { submission: Submission; busy: boolean }>(notProvided("handleImmediate")),
    /** Reports what will never run (`undelivered`), then records `shutdown_complete`. */
    shutdown: fromPromise<void, ShutdownInput>(notProvided("shutdown")),
    /** Answers a submission that arrived too late to run (the session is shutting down). */
    refuse: fromPromise<void, { submission: Submission }>(notProvided("refuse")),
  },
  actions: {
    enqueue: assign(({ context, event }) => ({ queue: [...context.queue, (event as SubmitEvent).submission] })),
    noteSteering: assign(({ context, event }) => ({ steering: [...context.steering, (event as SubmitEvent).submission.id] })),
    dequeue: assign(({ context }) => ({ queue: context.queue.slice(1) })),
    takeTurn: assign(({ context }) => ({
      currentTurn: { turnId: context.queue[0]!.id, items: userItemsOf(context.queue[0]!) },
      queue: context.queue.slice(1),
    })),
    spawnImmediate: enqueueActions(({ context, event, enqueue }, params: { busy: boolean }) => {
      enqueue.assign({ immediateCount: context.immediateCount + 1 });
      enqueue.spawnChild("handleImmediate", {
        id: `immediate:${context.immediateCount + 1}`,
        input: { submission: (event as SubmitEvent).submission, busy: params.busy },
      });
    }),
    routeToTurn: enqueueActions(({ event, enqueue }) => {
      const { submission } = event as SubmitEvent;
      const type = submission.op.type;
      if (TURN_OPS.has(type)) {
        enqueue.sendTo("turn", { type: "STEER", input: { subId: submission.id, items: userItemsOf(submission) } });
      } else if (type === INJECT_OP) {
        const raw = (submission.op as { items: ResponseItem[] }).items;
        enqueue.sendTo("turn", { type: "STEER", input: { subId: submission.id, items: [], raw } });
      } else if (type === "interrupt") {
        enqueue.sendTo("turn", { type: "INTERRUPT" });
      } else if (ANSWER_OPS.has(type)) {
        enqueue.sendTo("turn", {
          type: "ANSWER",
          targetId: (event as SubmitEvent).targetId ?? answerTargetId(submission),
          submission,
          decision: (submission.op as { decision?: ReviewDecision }).decision,
        });
      }
    }),
    requestShutdown: enqueueActions(({ event, enqueue }) => {
      enqueue.assign({ shutdownRequested: (event as SubmitEvent).submission });
      enqueue.sendTo("turn", { type: "INTERRUPT" });
    }),
    /**
     * The turn is over: steering input it recorded or dropped leaves the queue; the rest (arrived
     * too late to steer it, or left by a failure) stays, in log order, to run as turns of its own.
     */
    finishTurn: assign(({ context, event }) => {
      const output = (event as unknown as { output?: TurnOutput }).output;
      const done = new Set([...(output?.consumed ?? []), ...(output?.dropped ?? [])]);
      return {
        currentTurn: null,
        steering: [],
        queue: done.size === 0 ? context.queue : context.queue.filter((s) => !done.has(s.id)),
      };
    }),
    refuseLate: enqueueActions(({ context, event, enqueue }) => {
      enqueue.assign({ immediateCount: context.immediateCount + 1 });
      enqueue.spawnChild("refuse", {
        id: `refuse:${context.immediateCount + 1}`,
        input: { submission: (event as SubmitEvent).submission },
      });
    }),
  },
  guards: {
    isImmediate: ({ event }) => IMMEDIATE_OPS.has((event as SubmitEvent).submission.op.type),
    isTurnRouted: ({ event }) =>
      TURN_OPS.has((event as SubmitEvent).submission.op.type) ||
      ANSWER_OPS.has((event as SubmitEvent).submission.op.type) ||
      (event as SubmitEvent).submission.op.type === "interrupt",
    isShutdown: ({ event }) => (event as SubmitEvent).submission.op.type === "shutdown",
    isTurnInput: ({ event }) => TURN_OPS.has((event as SubmitEvent).submission.op.type),
    isInjection: ({ event }) => (event as SubmitEvent).submission.op.type === INJECT_OP,
    noInputWaiting: ({ context }) => !context.queue.some((s) => TURN_OPS.has(s.op.type) && !context.steering.includes(s.id)),
    isRollback: ({ event }) => (event as SubmitEvent).submission.op.type === "thread_rollback",
    queueEmpty: ({ context }) => context.queue.length === 0,
    hasCurrentTurn: ({ context }) => context.currentTurn !== null,
    nextIsTurn: ({ context }) => TURN_OPS.has(context.queue[0]!.op.type),
    nextIsShutdown: ({ context }) => context.queue[0]!.op.type === "shutdown",
    nextIsIgnored: ({ context }) => context.queue[0]!.op.type === "interrupt",
    shutdownRequested: ({ context }) => context.shutdownRequested !== null,
  },
}).createMachine({
  id: "session",
  context: ({ input }) => ({
    threadId: input.threadId,
    queue: input.queue ?? [],
    shutdownRequested: null,
    immediateCount: 0,
    currentTurn: input.resumeTurn ?? null,
    steering: input.steering ?? [],
  }),
  initial: "dispatching",
  states: {
    dispatching: {
      always: [
        { guard: "hasCurrentTurn", target: "turn" },
        { guard: "queueEmpty", target: "idle" },
        { guard: "nextIsShutdown", target: "shuttingDown" },
        { guard: "nextIsIgnored", target: "dispatching", actions: "dequeue", reenter: true },
        { guard: "nextIsTurn", target: "turn", actions: "takeTurn" },
        { target: "task" },
      ],
    },
    idle: {
      on: {
        SUBMIT: [
          { guard: "isImmediate", actions: { type: "spawnImmediate", params: { busy: false } } },
          // Nothing runs: answers and interrupts find no one; the immediate handler reports it.
          {
            guard: ({ event }) => (event as SubmitEvent).submission.op.type === "interrupt" || ANSWER_OPS.has((event as SubmitEvent).submission.op.type),
            actions: { type: "spawnImmediate", params: { busy: false } },
          },
          { target: "dispatching", actions: "enqueue" },
        ],
      },
    },
    turn: {
      invoke: {
        id: "turn",
        src: "turn",
        input: ({ context }) => context.currentTurn!,
        onDone: [
          { guard: "shutdownRequested", target: "shuttingDown", actions: "finishTurn" },
          { target: "dispatching", actions: "finishTurn" },
        ],
        onError: { target: "dispatching", actions: "finishTurn" },
      },
      on: {
        SUBMIT: [
          { guard: "isShutdown", actions: "requestShutdown" },
          { guard: "isImmediate", actions: { type: "spawnImmediate", params: { busy: true } } },
          // Codex refuses a rollback while a turn runs; the handler reports it.
          { guard: "isRollback", actions: { type: "spawnImmediate", params: { busy: true } } },
          // Input steers the turn, and keeps its place in the queue until the turn has taken it;
          // when input already waits for a turn of its own, it waits behind it.
          { guard: and(["isTurnInput", "noInputWaiting"]), actions: ["routeToTurn", "enqueue", "noteSteering"] },
          // Kept in the queue too: if the turn ends before taking it, it is recorded by itself.
          { guard: "isInjection", actions: ["routeToTurn", "enqueue", "noteSteering"] },
          { guard: "isTurnInput", actions: "enqueue" },
          { guard: "isTurnRouted", actions: "routeToTurn" },
          { actions: "enqueue" },
        ],
      },
    },
    task: {
      invoke: {
        id: "task",
        src: "runTask",
        input: ({ context }) => ({ submission: context.queue[0]! }),
      },
      on: {
        TASK_DONE: { target: "dispatching", actions: "dequeue" },
        SUBMIT: [
          { guard: ({ event }) => (event as SubmitEvent).submission.op.type === "interrupt", actions: sendTo("task", { type: "INTERRUPT" }) },
          { guard: "isImmediate", actions: { type: "spawnImmediate", params: { busy: true } } },
          { guard: "isRollback", actions: { type: "spawnImmediate", params: { busy: true } } },
          { actions: "enqueue" },
        ],
      },
    },
    shuttingDown: {
      invoke: {
        src: "shutdown",
        input: ({ context }) => {
          const submission = context.shutdownRequested ?? context.queue.find((s) => s.op.type === "shutdown")!;
          return { submission, undelivered: context.queue.filter((s) => s.id !== submission.id) };
        },
        onDone: "closed",
        onError: "closed",
      },
      on: { SUBMIT: { actions: "refuseLate" } },
    },
    closed: { type: "final" },
  },
});

export type { TurnOutput };
