// Input sent while a turn runs, with plain-data actors: taken by the turn, dropped with an
// interrupt (and reported), or run as a turn of its own; a logged answer is acted on at once.
import { describe, expect, it } from "vitest";
import { createActor, fromCallback, fromPromise, toPromise } from "xstate";
import { approvalMachine, type ApprovalInput, type ApprovalOutcome } from "../../src/machines/approval.js";
import { toolCallMachine, type ExecuteToolInput } from "../../src/machines/tool-call.js";
import { turnMachine, type AbortTurnInput, type BeginTurnOutput, type RecordOutputsInput, type RecordOutputsOutput, type RecordTurnInputOutput, type SampleEvent, type TurnError, type TurnInput } from "../../src/machines/turn.js";
import { sessionMachine, type ShutdownInput } from "../../src/machines/session.js";
import type { ResponseItem, Submission } from "../../src/events/index.js";
import type { AnswerEvent, PendingInput, ToolAssessment } from "../../src/machines/types.js";

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const userInput = (id: string, text = id): Submission => ({ id, op: { type: "user_input", items: [{ type: "text", text }] } });
const steer = (id: string) => ({ type: "STEER" as const, input: { subId: id, items: [{ type: "text" as const, text: id }] } });

/** A turn machine over plain actors; `log` says what each recorded, `gates` hold steps open. */
function turn(log: string[], gates: { sample?: Promise<void>; complete?: Promise<void>; completing?: () => void } = {}) {
  return turnMachine.provide({
    actors: {
      beginTurn: fromPromise<BeginTurnOutput, TurnInput>(async ({ input }) => {
        log.push(`begin ${input.turnId}`);
        return { preTurnCompaction: null };
      }),
      recordTurnInput: fromPromise<RecordTurnInputOutput, TurnInput>(async () => ({})),
      sample: fromCallback<{ type: "STOP" }, { turnId: string }>(({ sendBack }) => {
        void (gates.sample ?? Promise.resolve()).then(() => sendBack({ type: "SAMPLE_DONE", lastAgentMessage: "ok" } satisfies SampleEvent));
      }),
      recordOutputs: fromPromise<RecordOutputsOutput, RecordOutputsInput>(async () => ({ tokenLimitReached: false })),
      recordPendingInput: fromPromise<void, { turnId: string; inputs: PendingInput[] }>(async ({ input }) => {
        log.push(`steered ${input.inputs.map((i) => i.subId).join(",")}`);
      }),
      completeTurn: fromPromise<void, { turnId: string; lastAgentMessage: string | null }>(async ({ input }) => {
        log.push(`completing ${input.turnId}`);
        gates.completing?.();
        await gates.complete;
      }),
      failTurn: fromPromise<void, { turnId: string; error: TurnError; outputs: ResponseItem[] }>(async () => {}),
      abortTurn: fromPromise<void, AbortTurnInput>(async ({ input }) => {
        log.push(`abort ${input.turnId} dropped ${input.dropped.map((d) => d.subId).join(",")}`);
      }),
      answerUnheard: fromPromise<void, { turnId: string; answer: AnswerEvent }>(async ({ input }) => {
        log.push(`unheard ${input.answer.submission.id}`);
      }),
    },
  });
}

describe("input sent while a turn runs", () => {
  it("steering input is recorded by the turn, and the turn says so", async () => {
    const log: string[] = [];
    const sampled = deferred();
    const actor = createActor(turn(log, { sample: sampled.promise }), { input: { turnId: "t", items: [] } }).start();
    await new Promise((resolve) => actor.subscribe((s) => s.matches("sampling") && resolve(undefined)));
    actor.send(steer("s1"));
    sampled.resolve();
    const output = await toPromise(actor);
    expect(log).toContain("steered s1");
    expect(output).toMatchObject({ status: "completed", consumed: ["s1"], dropped: [] });
  });

  it("input arriving while the turn completes is left for the session", async () => {
    const log: string[] = [];
    const completed = deferred();
    const actor = createActor(turn(log, { complete: completed.promise }), { input: { turnId: "t", items: [] } }).start();
    await new Promise((resolve) => actor.subscribe((s) => s.matches("completing") && resolve(undefined)));
    actor.send(steer("late"));
    completed.resolve();
    expect(await toPromise(actor)).toMatchObject({ status: "completed", consumed: [], dropped: [] });
    expect(log).not.toContain("steered late");
  });

  it("steering input pending at an interrupt is dropped and reported by the abort", async () => {
    const log: string[] = [];
    const actor = createActor(turn(log, { sample: new Promise(() => {}) }), { input: { turnId: "t", items: [] } }).start();
    await new Promise((resolve) => actor.subscribe((s) => s.matches("sampling") && resolve(undefined)));
    actor.send(steer("s1"));
    actor.send({ type: "INTERRUPT" });
    actor.send(steer("after"));
    expect(await toPromise(actor)).toMatchObject({ status: "aborted", consumed: [], dropped: ["s1"] });
    expect(log).toContain("abort t dropped s1");
  });
});

describe("an answer is heard or answered", () => {
  it("an answer for a call that has ended is answered, not dropped", async () => {
    const log: string[] = [];
    const actor = createActor(turn(log, { sample: new Promise(() => {}) }), { input: { turnId: "t", items: [] } }).start();
    await new Promise((resolve) => actor.subscribe((s) => s.matches("sampling") && resolve(undefined)));
    actor.send({
      type: "ANSWER",
      targetId: "gone",
      submission: { id: "a1", op: { type: "exec_approval", id: "gone", decision: "approved" } },
      decision: "approved",
    });
    actor.send({ type: "INTERRUPT" });
    await toPromise(actor);
    expect(log).toContain("unheard a1");
  });
});

describe("the session keeps every input until something takes it", () => {
  function session(log: string[], gates: { complete?: Promise<void>; completing?: () => void; shutdown?: Promise<void> } = {}) {
    return sessionMachine.provide({
      actors: {
        turn: turn(log, gates),
        runTask: fromCallback(({ sendBack }) => {
          sendBack({ type: "TASK_DONE" });
        }),
        handleImmediate: fromPromise(async () => {}),
        shutdown: fromPromise<void, ShutdownInput>(async ({ input }) => {
          log.push(`shutdown, not delivered: ${input.undelivered.map((s) => s.id).join(",")}`);
          await gates.shutdown;
        }),
        refuse: fromPromise<void, { submission: Submission }>(async ({ input }) => {
          log.push(`refused ${input.submission.id}`);
        }),
      },
    });
  }

  it("input that came too late to steer a turn runs as the next turn", async () => {
    const log: string[] = [];
    const completed = deferred();
    const completing = deferred();
    const actor = createActor(session(log, { complete: completed.promise, completing: completing.resolve }), { input: { threadId: "th" } }).start();
    actor.send({ type: "SUBMIT", submission: userInput("t1") });
    await completing.promise;
    actor.send({ type: "SUBMIT", submission: userInput("late") });
    completed.resolve();
    await new Promise((resolve) => {
      const check = () => actor.getSnapshot().matches("idle") && log.includes("completing late") && resolve(undefined);
      actor.subscribe(check);
      check();
    });
    expect(log.filter((l) => l.startsWith("begin"))).toEqual(["begin t1", "begin late"]);
  });

  it("a resumed session starts with the queue the log left", async () => {
    const log: string[] = [];
    const actor = createActor(session(log), { input: { threadId: "th", queue: [userInput("q1"), userInput("q2")] } }).start();
    await new Promise((resolve) => actor.subscribe((s) => s.matches("idle") && resolve(undefined)));
    expect(log.filter((l) => l.startsWith("begin"))).toEqual(["begin q1", "begin q2"]);
  });

  it("while input waits for a turn of its own, new input waits behind it instead of steering", async () => {
    const log: string[] = [];
    const sampled = deferred();
    const machine = sessionMachine.provide({
      actors: {
        turn: turn(log, { sample: sampled.promise }),
        runTask: fromCallback(({ sendBack }) => void sendBack({ type: "TASK_DONE" })),
        handleImmediate: fromPromise(async () => {}),
        shutdown: fromPromise<void, ShutdownInput>(async () => {}),
        refuse: fromPromise<void, { submission: Submission }>(async () => {}),
      },
    });
    const actor = createActor(machine, { input: { threadId: "th", queue: [userInput("q1"), userInput("q2")] } }).start();
    await new Promise((resolve) => {
      const check = () => log.includes("begin q1") && resolve(undefined);
      actor.subscribe(check);
      check();
    });
    actor.send({ type: "SUBMIT", submission: userInput("q3") });
    sampled.resolve();
    await new Promise((resolve) => {
      const check = () => actor.getSnapshot().matches("idle") && resolve(undefined);
      actor.subscribe(check);
      check();
    });
    expect(log.filter((l) => l.startsWith("begin") || l.startsWith("steered"))).toEqual(["begin q1", "begin q2", "begin q3"]);
  });

  it("shutdown reports what is still queued, and refuses what comes after", async () => {
    const log: string[] = [];
    const blocked = deferred();
    const completing = deferred();
    const shutdown = deferred();
    const actor = createActor(session(log, { complete: blocked.promise, completing: completing.resolve, shutdown: shutdown.promise }), {
      input: { threadId: "th" },
    }).start();
    actor.send({ type: "SUBMIT", submission: userInput("t1") });
    await completing.promise;
    actor.send({ type: "SUBMIT", submission: userInput("queued") });
    actor.send({ type: "SUBMIT", submission: { id: "bye", op: { type: "shutdown" } } });
    blocked.resolve();
    await new Promise((resolve) => actor.subscribe((s) => s.matches("shuttingDown") && resolve(undefined)));
    actor.send({ type: "SUBMIT", submission: userInput("too-late") });
    shutdown.resolve();
    await toPromise(actor);
    expect(log).toContain("shutdown, not delivered: queued");
    expect(log).toContain("refused too-late");
  });
});

describe("an approval answered before a restart", () => {
  it("is decided at once when the resumed call starts, without asking again", async () => {
    const log: string[] = [];
    const call = { callId: "c1", name: "shell", kind: "function" as const, input: "{}" };
    const answer: AnswerEvent = {
      type: "ANSWER",
      targetId: "c1",
      submission: { id: "a1", op: { type: "exec_approval", id: "c1", decision: "approved" } },
      decision: "approved",
    };
    const machine = toolCallMachine.provide({
      actors: {
        assessToolCall: fromPromise(async () => ({ type: "run" }) as ToolAssessment),
        approval: approvalMachine.provide({
          actors: {
            requestApproval: fromPromise<void, ApprovalInput>(async () => void log.push("asked")),
            decideApproval: fromPromise<ApprovalOutcome, ApprovalInput & { answer: AnswerEvent }>(async ({ input }) => {
              log.push(`decided ${String(input.answer.decision)}`);
              return { type: "run" };
            }),
          },
        }),
        executeTool: fromCallback<{ type: "CANCEL" } | AnswerEvent, ExecuteToolInput>(({ sendBack, input }) => {
          log.push(`ran approved=${input.approved}`);
          sendBack({ type: "TOOL_RESULT", output: { type: "function_call_output", call_id: "c1", output: "ok" } });
        }),
      },
    });
    const actor = createActor(machine, { input: { turnId: "t", call, awaitingApprovalId: "c1", answer } }).start();
    await toPromise(actor);
    expect(log).toEqual(["decided approved", "ran approved=true"]);
  });
});
