// The machines alone, with plain-data actors: no network, no disk, no clock.
import { describe, expect, it } from "vitest";
import { createActor, fromCallback, fromPromise, toPromise } from "xstate";
import { approvalMachine, type ApprovalInput, type ApprovalOutcome } from "../../src/machines/approval.js";
import { toolCallMachine } from "../../src/machines/tool-call.js";
import { turnMachine, type SampleEvent } from "../../src/machines/turn.js";
import type { ResponseItem } from "../../src/events/index.js";
import type { AnswerEvent, PendingInput, ToolAssessment, ToolCallRequest } from "../../src/machines/types.js";
import type { ExecuteToolInput } from "../../src/machines/tool-call.js";
import type { AbortTurnInput, BeginTurnOutput, RecordOutputsInput, RecordOutputsOutput, RecordTurnInputOutput, TurnError, TurnInput } from "../../src/machines/turn.js";

const call: ToolCallRequest = { callId: "c1", name: "shell", kind: "function", input: "{}" };
const answer = (decision: string) => ({
  type: "ANSWER" as const,
  targetId: "c1",
  submission: { id: "s", op: { type: "exec_approval" as const, id: "c1", decision: decision as never } },
  decision: decision as never,
});
const output = (text: string): ResponseItem => ({ type: "function_call_output", call_id: "c1", output: text });

describe("approval", () => {
  const machine = (log: string[]) =>
    approvalMachine.provide({
      actors: {
        requestApproval: fromPromise<void, ApprovalInput>(async () => {
          log.push("requested");
        }),
        decideApproval: fromPromise<ApprovalOutcome, ApprovalInput & { answer: AnswerEvent }>(async ({ input }) =>
          input.answer.decision === "approved" ? { type: "run" } : { type: "output", output: output("denied") },
        ),
      },
    });

  it("records the request, waits for the answer, and decides", async () => {
    const log: string[] = [];
    const actor = createActor(machine(log), { input: { turnId: "t", call, approvalId: "c1", requested: false } }).start();
    await new Promise((resolve) => actor.subscribe((s) => s.matches("waiting") && resolve(undefined)));
    expect(log).toEqual(["requested"]);
    actor.send(answer("approved"));
    expect(await toPromise(actor)).toEqual({ type: "run" });
  });

  it("a request already in the log is not recorded again", async () => {
    const log: string[] = [];
    const actor = createActor(machine(log), { input: { turnId: "t", call, approvalId: "c1", requested: true } }).start();
    expect(actor.getSnapshot().value).toBe("waiting");
    actor.send(answer("denied"));
    expect(await toPromise(actor)).toEqual({ type: "output", output: output("denied") });
    expect(log).toEqual([]);
  });
});

describe("tool call", () => {
  const machine = (assessment: ToolAssessment) =>
    toolCallMachine.provide({
      actors: {
        assessToolCall: fromPromise(async () => assessment),
        approval: approvalMachine.provide({
          actors: {
            requestApproval: fromPromise<void, ApprovalInput>(async () => {}),
            decideApproval: fromPromise<ApprovalOutcome, ApprovalInput & { answer: AnswerEvent }>(async () => ({
              type: "abort_turn",
              output: output("aborted"),
            })),
          },
        }),
        executeTool: fromCallback<{ type: "CANCEL" } | AnswerEvent, ExecuteToolInput>(({ sendBack, receive }) => {
          receive((event) => {
            if (event.type === "CANCEL") sendBack({ type: "TOOL_RESULT", output: output("cancelled") });
          });
        }),
      },
    });

  it("a cancelled run reports what the tool reported", async () => {
    const actor = createActor(machine({ type: "run" }), { input: { turnId: "t", call } }).start();
    await new Promise((resolve) => actor.subscribe((s) => s.matches("running") && resolve(undefined)));
    actor.send({ type: "CANCEL" });
    expect(await toPromise(actor)).toEqual({ callId: "c1", output: output("cancelled") });
  });

  it("an approval answered with abort ends the call and asks the turn to stop", async () => {
    const actor = createActor(machine({ type: "needs_approval", approvalId: "c1" }), { input: { turnId: "t", call } }).start();
    await new Promise((resolve) => actor.subscribe((s) => s.matches("approving") && resolve(undefined)));
    actor.send(answer("abort"));
    expect(await toPromise(actor)).toEqual({ callId: "c1", output: output("aborted"), abortTurn: true });
  });

  it("a rejected call never runs", async () => {
    const actor = createActor(machine({ type: "reject", output: output("no") }), { input: { turnId: "t", call } }).start();
    expect(await toPromise(actor)).toEqual({ callId: "c1", output: output("no") });
  });
});

describe("turn", () => {
  const noop = <I>() => fromPromise<void, I>(async () => {});
  const machine = (rounds: SampleEvent[][], log: string[]) => {
    let round = 0;
    return turnMachine.provide({
      actors: {
        beginTurn: fromPromise<BeginTurnOutput, TurnInput>(async () => ({ preTurnCompaction: null })),
        recordTurnInput: fromPromise<RecordTurnInputOutput, TurnInput>(async () => ({})),
        sample: fromCallback(({ sendBack }) => {
          for (const event of rounds[round++] ?? []) sendBack(event);
          return () => log.push("sample stopped");
        }),
        recordOutputs: fromPromise<RecordOutputsOutput, RecordOutputsInput>(async ({ input }) => {
          log.push(`outputs ${input.outputs.length}`);
          return { tokenLimitReached: false };
        }),
        recordPendingInput: noop<{ turnId: string; inputs: PendingInput[] }>(),
        completeTurn: fromPromise<void, { turnId: string; lastAgentMessage: string | null }>(async () => {
          log.push("complete");
        }),
        failTurn: noop<{ turnId: string; error: TurnError; outputs: ResponseItem[] }>(),
        abortTurn: fromPromise<void, AbortTurnInput>(async ({ input }) => {
          log.push(`abort ${input.outputs.length}`);
        }),
        toolCall: toolCallMachine.provide({
          actors: {
            assessToolCall: fromPromise(async () => ({ type: "run" }) as ToolAssessment),
            executeTool: fromCallback<{ type: "CANCEL" } | AnswerEvent, ExecuteToolInput>(({ sendBack, input }) => {
              sendBack({ type: "TOOL_RESULT", output: { type: "function_call_output", call_id: input.call.callId, output: "ok" } });
            }),
          },
        }),
      },
    });
  };

  it("samples, runs the calls, records their outputs, samples again, completes", async () => {
    const log: string[] = [];
    const rounds: SampleEvent[][] = [
      [{ type: "TOOL_CALL", call }, { type: "TOOL_CALL", call: { ...call, callId: "c2" } }, { type: "SAMPLE_DONE", lastAgentMessage: null }],
      [{ type: "SAMPLE_DONE", lastAgentMessage: "done" }],
    ];
    const actor = createActor(machine(rounds, log), { input: { turnId: "t", items: [] } }).start();
    expect(await toPromise(actor)).toEqual({ turnId: "t", status: "completed", lastAgentMessage: "done", consumed: [], dropped: [] });
    expect(log.filter((l) => !l.startsWith("sample"))).toEqual(["outputs 2", "outputs 0", "complete"]);
  });

  it("an interrupt while sampling stops the sampler and aborts the turn", async () => {
    const log: string[] = [];
    const actor = createActor(machine([[]], log), { input: { turnId: "t", items: [] } }).start();
    await new Promise((resolve) => actor.subscribe((s) => s.matches("sampling") && resolve(undefined)));
    actor.send({ type: "INTERRUPT" });
    expect((await toPromise(actor)).status).toBe("aborted");
    expect(log).toEqual(["sample stopped", "abort 0"]);
  });
});
