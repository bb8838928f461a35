/**
 * One actor per approval request: record the request, wait for the person's answer (however long:
 * the request is in the log, so a restart asks again and re-creates this actor already waiting),
 * then turn the answer into what the tool call does next.
 */
import { assign, fromPromise, setup } from "xstate";
import type { ResponseItem } from "../events/index.js";
import type { AnswerEvent, ToolCallRequest } from "./types.js";

export interface ApprovalInput {
  turnId: string;
  call: ToolCallRequest;
  approvalId: string;
  /** The request is already in the log (a resumed turn): only wait for the answer. */
  requested: boolean;
  /** ...and so is its answer: decide at once. */
  answer?: AnswerEvent;
}

export interface ApprovalOutcome {
  /** Run the tool, or end the call with this output (denied), or end the turn (abort). */
  type: "run" | "output" | "abort_turn";
  output?: ResponseItem;
}

const notProvided = (name: string) => () => {
  throw new Error(`approval actor "${name}" was not provided`);
};

export const approvalMachine = setup({
  types: {
    input: {} as ApprovalInput,
    context: {} as ApprovalInput & { answer?: AnswerEvent; outcome?: ApprovalOutcome; error?: string },
    events: {} as AnswerEvent,
    output: {} as ApprovalOutcome | { type: "failed"; error: string },
  },
  actors: {
    requestApproval: fromPromise<void, ApprovalInput>(notProvided("requestApproval")),
    decideApproval: fromPromise<ApprovalOutcome, ApprovalInput & { answer: AnswerEvent }>(notProvided("decideApproval")),
  },
}).createMachine({
  id: "approval",
  context: ({ input }) => ({ ...input }),
  initial: "entering",
  output: ({ context }) => context.outcome ?? { type: "failed", error: context.error ?? "approval failed" },
  states: {
    entering: {
      always: [
        { guard: ({ context }) => context.requested && context.answer !== undefined, target: "deciding" },
        { guard: ({ context }) => context.requested, target: "waiting" },
        { target: "requesting" },
      ],
    },
    requesting: {
      invoke: {
        src: "requestApproval",
        input: ({ context }) => context,
        onDone: "waiting",
        onError: { target: "done", actions: assign({ error: ({ event }) => String(event.error) }) },
      },
    },
    waiting: {
      on: { ANSWER: { target: "deciding", actions: assign({ answer: ({ event }) => event }) } },
    },
    deciding: {
      invoke: {
        src: "decideApproval",
        input: ({ context }) => ({ ...context, answer: context.answer! }),
        onDone: { target: "done", actions: assign({ outcome: ({ event }) => event.output }) },
        onError: { target: "done", actions: assign({ error: ({ event }) => String(event.error) }) },
      },
    },
    done: { type: "final" },
  },
});
