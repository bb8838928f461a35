/**
 * The session machine with every named actor bound to a thread's IO: the one place where the pure
 * machines meet the outside world. Replay and tests change the world through `ThreadServices`
 * (sampler, tools, exec, clock, ids), never through the machines.
 */
import { createActor, fromCallback, fromPromise } from "xstate";
import type { Actor, AnyActorRef, CallbackActorLogic, CallbackLogicFunction, EventObject, PromiseActorLogic } from "xstate";
import { sessionMachine, type SessionInput } from "../machines/session.js";
import { turnMachine } from "../machines/turn.js";
import { toolCallMachine } from "../machines/tool-call.js";
import { approvalMachine } from "../machines/approval.js";
import type { ResponseItem, Submission } from "../events/index.js";
import type { EventLog } from "../log/index.js";
import type { McpManager } from "../actors/mcp/index.js";
import type { ThreadServices } from "./services.js";
import type { ApprovalPolicyHooks } from "./approvals.js";
import { compactActor, compactTask } from "./compaction/index.js";
import { runUserShellCommand } from "./user-shell.js";
import * as turnActors from "./turn-actors.js";
import * as toolActors from "./tool-actors.js";
import * as sessionActors from "./session-actors.js";
import type { SessionActorDeps } from "./session-actors.js";

/** A non-turn task; `signal` aborts when the task is interrupted or the thread closes. */
export type Task = (submission: Submission, services: ThreadServices, signal: AbortSignal) => Promise<void>;

/** The non-turn tasks every thread knows, by op type. */
export const BUILTIN_TASKS: ReadonlyArray<[string, Task]> = [
  ["compact", compactTask],
  ["run_user_shell_command", runUserShellCommand],
  // History items no turn took (none ran, or it ended first): recorded as they are, no turn started.
  ["inject_response_items", async (submission, services) => {
    const items = (submission.op as { items: ResponseItem[] }).items;
    await services.bus.record(items.map((payload) => ({ kind: "response_item" as const, payload })), submission.id);
  }],
];

export interface WiringDeps {
  services: ThreadServices;
  log: EventLog;
  mcp: McpManager | null;
  approvals: ApprovalPolicyHooks;
  /** Extra or replacement tasks by op type. */
  tasks?: Iterable<[string, Task]>;
}

type ActorSystemOf = AnyActorRef["system"];

interface ThreadWiring {
  services: ThreadServices;
  approvals: ApprovalPolicyHooks;
  session: SessionActorDeps;
}

/**
 * Each thread's IO, found through the actor system its session runs in. The machines are provided
 * once per process, not once per thread: a provided machine rebuilds every state node, which made
 * up half of an idle thread's memory.
 */
const wirings = new WeakMap<ActorSystemOf, ThreadWiring>();

function wiringOf(system: ActorSystemOf): ThreadWiring {
  const wiring = wirings.get(system);
  if (!wiring) throw new Error("an actor started outside a thread's session");
  return wiring;
}

// The actors' logic is built for a thread each time one of them starts (a few closures): xstate
// keeps a logic's per-instance state by actor, so the shared shell only hands over its arguments.
type Creator<A> = (args: A) => unknown;
const creatorOf = <A>(logic: unknown) => (logic as { config: Creator<A> }).config;

function threadPromise<TOutput, TInput>(make: (wiring: ThreadWiring) => PromiseActorLogic<TOutput, TInput>) {
  return fromPromise<TOutput, TInput>((args) => creatorOf<typeof args>(make(wiringOf(args.system)))(args) as PromiseLike<TOutput>);
}

function threadCallback<TEvent extends EventObject, TInput>(make: (wiring: ThreadWiring) => CallbackActorLogic<TEvent, TInput>) {
  return fromCallback<TEvent, TInput>((args) => creatorOf<typeof args>(make(wiringOf(args.system)))(args) as ReturnType<CallbackLogicFunction>);
}

const session = sessionMachine.provide({
  actors: {
    turn: turnMachine.provide({
      actors: {
        beginTurn: threadPromise(({ services }) => turnActors.beginTurnActor(services)),
        recordTurnInput: threadPromise(({ services }) => turnActors.recordTurnInputActor(services)),
        compact: threadPromise(({ services }) => compactActor(services)),
        sample: threadCallback(({ services }) => turnActors.sampleActor(services)),
        recordOutputs: threadPromise(({ services }) => turnActors.recordOutputsActor(services)),
        recordPendingInput: threadPromise(({ services }) => turnActors.recordPendingInputActor(services)),
        runStopHooks: threadPromise(({ services }) => turnActors.runStopHooksActor(services)),
        completeTurn: threadPromise(({ services }) => turnActors.completeTurnActor(services)),
        failTurn: threadPromise(({ services }) => turnActors.failTurnActor(services)),
        abortTurn: threadPromise(({ services }) => turnActors.abortTurnActor(services)),
        answerUnheard: threadPromise(({ services }) => turnActors.answerUnheardActor(services)),
        toolCall: toolCallMachine.provide({
          actors: {
            assessToolCall: threadPromise(({ services, approvals }) => toolActors.assessToolCallActor(services, approvals)),
            approval: approvalMachine.provide({
              actors: {
                requestApproval: threadPromise(({ services, approvals }) => toolActors.requestApprovalActor(services, approvals)),
                decideApproval: threadPromise(({ services, approvals }) => toolActors.decideApprovalActor(services, approvals)),
              },
            }),
            executeTool: threadCallback(({ services }) => toolActors.executeToolActor(services)),
          },
        }),
      },
    }),
    runTask: threadCallback(({ session }) => sessionActors.runTaskActor(session)),
    handleImmediate: threadPromise(({ session }) => sessionActors.handleImmediateActor(session)),
    shutdown: threadPromise(({ session }) => sessionActors.shutdownActor(session)),
    refuse: threadPromise(({ session }) => sessionActors.refuseActor(session)),
  },
});

/** A thread's session actor (not started), its named actors bound to the thread's IO. */
export function createSessionActor({ services, log, mcp, approvals, tasks = [] }: WiringDeps, input: SessionInput): Actor<typeof session> {
  const actor = createActor(session, { input });
  const deps: SessionActorDeps = { services, log, mcp: mcp ?? undefined, tasks: new Map<string, Task>([...BUILTIN_TASKS, ...tasks]) };
  wirings.set(actor.system, { services, approvals, session: deps });
  return actor;
}
