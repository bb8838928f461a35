/**
 * The session machine with every named actor bound to a thread's IO: the one place where the pure
 * machines meet the outside world. Replay and tests change the world through `ThreadServices`
 * (sampler, tools, exec, clock, ids), never through the machines.
 */
import { sessionMachine } from "../machines/session.js";
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

export function wireSession({ services, log, mcp, approvals, tasks = [] }: WiringDeps) {
  const deps = { services, log, mcp: mcp ?? undefined, tasks: new Map<string, Task>([...BUILTIN_TASKS, ...tasks]) };
  return sessionMachine.provide({
    actors: {
      turn: turnMachine.provide({
        actors: {
          beginTurn: turnActors.beginTurnActor(services),
          recordTurnInput: turnActors.recordTurnInputActor(services),
          compact: compactActor(services),
          sample: turnActors.sampleActor(services),
          recordOutputs: turnActors.recordOutputsActor(services),
          recordPendingInput: turnActors.recordPendingInputActor(services),
          runStopHooks: turnActors.runStopHooksActor(services),
          completeTurn: turnActors.completeTurnActor(services),
          failTurn: turnActors.failTurnActor(services),
          abortTurn: turnActors.abortTurnActor(services),
          answerUnheard: turnActors.answerUnheardActor(services),
          toolCall: toolCallMachine.provide({
            actors: {
              assessToolCall: toolActors.assessToolCallActor(services, approvals),
              approval: approvalMachine.provide({
                actors: {
                  requestApproval: toolActors.requestApprovalActor(services, approvals),
                  decideApproval: toolActors.decideApprovalActor(services, approvals),
                },
              }),
              executeTool: toolActors.executeToolActor(services),
            },
          }),
        },
      }),
      runTask: sessionActors.runTaskActor(deps),
      handleImmediate: sessionActors.handleImmediateActor(deps),
      shutdown: sessionActors.shutdownActor(deps),
      refuse: sessionActors.refuseActor(deps),
    },
  });
}
