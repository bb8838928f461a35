/**
 * One actor per tool call: assess it under the thread's policy, wait for an approval when one is
 * needed, run it, and end with the output item. Cancelling ends it at once with an aborted output
 * (a running tool is told to stop and reports what it had, like Codex's "aborted by user").
 */
import { assign, enqueueActions, fromCallback, fromPromise, sendTo, setup } from "xstate";
import type { ResponseItem } from "../events/index.js";
import type { AnswerEvent, ToolAssessment, ToolCallRequest, ToolCallResult } from "./types.js";
import { approvalMachine } from "./approval.js";
export type { ApprovalOutcome } from "./approval.js";

export interface ToolCallInput {
  turnId: string;
  call: ToolCallRequest;
  /** Set when a resumed turn re-attaches to a request already in the log: wait for its answer. */
  awaitingApprovalId?: string;
  /** The answer to that request, when the log already holds it (answered just before a crash). */
  answer?: AnswerEvent;
}

export interface ToolCallContext extends ToolCallInput {
  approvalId?: string;
  /** The approval request is already in the log (a resumed turn). */
  requested?: boolean;
  /** A running tool's own request (a retry outside the sandbox) was answered `abort`: end the turn. */
  abortTurn?: boolean;
  result?: ToolCallResult;
}

export type ToolCallEvent =
  | { type: "CANCEL" }
  | AnswerEvent
  | { type: "TOOL_RESULT"; output: ResponseItem };

export interface ExecuteToolInput extends ToolCallInput {
  approved: boolean;
}


/** The output item Codex records for a call that never ran. */
export function abortedOutput(call: ToolCallRequest, text = "aborted"): ResponseItem {
  return call.kind === "custom"
    ? { type: "custom_tool_call_output", call_id: call.callId, output: text }
    : { type: "function_call_output", call_id: call.callId, output: text };
}

const notProvided = (name: string) => () => {
  throw new Error(`tool-call actor "${name}" was not provided`);
};

export const toolCallMachine = setup({
  types: {
    input: {} as ToolCallInput,
    context: {} as ToolCallContext,
    events: {} as ToolCallEvent,
    output: {} as ToolCallResult,
  },
  actors: {
    assessToolCall: fromPromise<ToolAssessment, ToolCallInput>(notProvided("assessToolCall")),
    approval: approvalMachine,
    executeTool: fromCallback<{ type: "CANCEL" } | AnswerEvent, ExecuteToolInput>(notProvided("executeTool")),
  },
  actions: {
    setResult: assign(({ context, event }) => ({
      result: {
        callId: context.call.callId,
        output: (event as unknown as { output: ResponseItem }).output,
        ...(context.abortTurn ? { abortTurn: true } : {}),
      },
    })),
    // Codex interrupts the turn when any approval is answered `abort`, a running tool's included.
    forwardAnswer: enqueueActions(({ event, enqueue }) => {
      if (event.type !== "ANSWER") return;
      if (event.decision === "abort") enqueue.assign({ abortTurn: true });
      enqueue.sendTo("exec", event);
    }),
    failWithError: assign(({ context, event }) => ({
      result: {
        callId: context.call.callId,
        output: abortedOutput(context.call, `tool call failed: ${errorText((event as { error?: unknown }).error)}`),
      },
    })),
  },
}).createMachine({
  id: "toolCall",
  context: ({ input }) => ({ ...input }),
  initial: "entering",
  output: ({ context }) => context.result ?? { callId: context.call.callId, output: abortedOutput(context.call) },
  states: {
    entering: {
      always: [
        {
          guard: ({ context }) => context.awaitingApprovalId !== undefined,
          target: "approving",
          actions: assign({ approvalId: ({ context }) => context.awaitingApprovalId, requested: true }),
        },
        { target: "assessing" },
      ],
    },
    assessing: {
      invoke: {
        src: "assessToolCall",
        input: ({ context }) => ({ turnId: context.turnId, call: context.call }),
        onDone: [
          {
            guard: ({ event }) => event.output.type === "needs_approval",
            target: "approving",
            actions: assign({
              approvalId: ({ event }) => (event.output.type === "needs_approval" ? event.output.approvalId : undefined),
            }),
          },
          { guard: ({ event }) => event.output.type === "approved", target: "runningApproved" },
          {
            guard: ({ event }) => event.output.type === "reject",
            target: "done",
            actions: assign({
              result: ({ context, event }) => ({
                callId: context.call.callId,
                output: event.output.type === "reject" ? event.output.output : abortedOutput(context.call),
              }),
            }),
          },
          { target: "running" },
        ],
        onError: { target: "done", actions: "failWithError" },
      },
      on: { CANCEL: "done" },
    },
    approving: {
      invoke: {
        id: "approval",
        src: "approval",
        input: ({ context }) => ({
          turnId: context.turnId,
          call: context.call,
          approvalId: context.approvalId!,
          requested: context.requested ?? false,
          answer: context.answer,
        }),
        onDone: [
          { guard: ({ event }) => event.output.type === "run", target: "runningApproved" },
          {
            target: "done",
            actions: assign({
              result: ({ context, event }) => {
                const outcome = event.output;
                if (outcome.type === "failed") {
                  return { callId: context.call.callId, output: abortedOutput(context.call, `tool call failed: ${outcome.error}`) };
                }
                return {
                  callId: context.call.callId,
                  output: outcome.output ?? abortedOutput(context.call),
                  abortTurn: outcome.type === "abort_turn",
                };
              },
            }),
          },
        ],
      },
      on: {
        ANSWER: { actions: sendTo("approval", ({ event }) => event) },
        CANCEL: "done",
      },
    },
    running: {
      invoke: {
        id: "exec",
        src: "executeTool",
        input: ({ context }) => ({ turnId: context.turnId, call: context.call, approved: false }),
      },
      on: {
        TOOL_RESULT: { target: "done", actions: "setResult" },
        CANCEL: { actions: sendTo("exec", { type: "CANCEL" }) },
        // A running tool may wait for an answer (a question to the user, a host tool's result).
        ANSWER: { actions: "forwardAnswer" },
      },
    },
    runningApproved: {
      invoke: {
        id: "exec",
        src: "executeTool",
        input: ({ context }) => ({ turnId: context.turnId, call: context.call, approved: true }),
      },
      on: {
        TOOL_RESULT: { target: "done", actions: "setResult" },
        CANCEL: { actions: sendTo("exec", { type: "CANCEL" }) },
        // A running tool may wait for an answer (a question to the user, a host tool's result).
        ANSWER: { actions: "forwardAnswer" },
      },
    },
    done: { type: "final" },
  },
});

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
