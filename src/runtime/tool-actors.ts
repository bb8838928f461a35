/** The IO behind the tool-call machine's named actors: assessment, approvals and execution. */
import { fromCallback, fromPromise } from "xstate";
import type { ExecuteToolInput, ToolCallInput } from "../machines/tool-call.js";
import type { ApprovalInput, ApprovalOutcome } from "../machines/approval.js";
import type { AnswerEvent, ToolAssessment } from "../machines/types.js";
import { rememberPrefix } from "./approvals.js";
import type { ThreadServices } from "./services.js";
import { outputFor, RwLock, unsupportedCall, type ToolContext } from "../actors/tools/index.js";
import type { ApprovalPolicyHooks } from "./approvals.js";
import { runPermissionRequestHooks, runPostToolUseHooks, runPreToolUseHooks } from "./hook-runtime.js";

/** One lock per thread: its commands share it, apply_patch takes it alone. */
const toolLocks = new WeakMap<ThreadServices, RwLock>();

function toolLockOf(services: ThreadServices): RwLock {
  let lock = toolLocks.get(services);
  if (!lock) toolLocks.set(services, (lock = new RwLock()));
  return lock;
}

/** PreToolUse hooks first (a blocked call never reaches approval, as in Codex), then the policy. */
export function assessToolCallActor(services: ThreadServices, approvals: ApprovalPolicyHooks) {
  return fromPromise<ToolAssessment, ToolCallInput>(async ({ input, signal }) => {
    const blocked = await runPreToolUseHooks(services, input.turnId, input.call, signal);
    if (blocked !== null) return { type: "reject", output: outputFor(input.call, blocked) };
    return approvals.assess(services, input, signal);
  });
}

export function requestApprovalActor(services: ThreadServices, approvals: ApprovalPolicyHooks) {
  return fromPromise<void, ApprovalInput>(async ({ input }) =>
    approvals.request(services, input),
  );
}

export function decideApprovalActor(services: ThreadServices, approvals: ApprovalPolicyHooks) {
  return fromPromise<ApprovalOutcome, ApprovalInput & { answer: AnswerEvent }>(async ({ input }) =>
    approvals.decide(services, input),
  );
}

/** Runs the call's handler; a CANCEL (interrupt) aborts it, and the handler reports what it had. */
export function executeToolActor(services: ThreadServices) {
  return fromCallback<{ type: "CANCEL" } | AnswerEvent, ExecuteToolInput>(({ input, sendBack, receive }) => {
    const controller = new AbortController();
    const waiting = new Map<string, (answer: unknown) => void>();
    receive((event) => {
      if (event.type === "CANCEL") controller.abort();
      else if (event.type === "ANSWER") waiting.get(event.targetId)?.(event.submission.op);
    });
    const { call } = input;
    const turn = services.turns.get(input.turnId);
    const handler = services.tools.get(call.name);
    const run = async () => {
      if (!handler || !turn) return unsupportedCall(call);
      const context: ToolContext = {
        threadId: services.threadId,
        turnId: input.turnId,
        settings: turn.settings,
        model: turn.model,
        tools: turn.toolsConfig,
        call,
        signal: controller.signal,
        approved: input.approved,
        clock: services.clock,
        ids: services.ids,
        record: (entries) => services.bus.record(entries, input.turnId),
        event: (msg) => services.bus.event(input.turnId, msg),
        waitForAnswer: (id) =>
          new Promise((resolve, reject) => {
            waiting.set(id, resolve);
            controller.signal.addEventListener("abort", () => reject(new Error("aborted")), { once: true });
          }),
        approvedForSession: () => services.state().approvedForSession,
        execPolicy: services.rules ? () => services.rules!.current() : undefined,
        rememberPrefix: (prefix) => rememberPrefix(services, input.turnId, prefix),
        permissionHooks: (runId) => runPermissionRequestHooks(services, input.turnId, call, runId, controller.signal),
        exclusive: (work) => toolLockOf(services).exclusive(work),
        shared: (work) => toolLockOf(services).shared(work),
      };
      const output = await handler.execute(context);
      if (controller.signal.aborted) return output;
      return runPostToolUseHooks(services, input.turnId, call, output, controller.signal);
    };
    run()
      .catch((error: unknown) => outputFor(call, `tool call failed: ${error instanceof Error ? error.message : String(error)}`))
      .then(async (output) => {
        // The result is in the log before the turn acts on it: outputs enter the model's history in
        // call order once every call of the round is done, and a crash in between must not make a
        // finished call look unfinished (it would be reported aborted, or worse, run again). The turn
        // hears of it once it has its seq: all the turn does next is record the round's outputs and
        // wait for them, which makes this durable too (one commit, not two).
        await services.bus.record([{ kind: "event_msg", payload: { type: "raw_response_item", item: output } }], input.turnId, {
          onAssigned: () => sendBack({ type: "TOOL_RESULT", output }),
        });
      })
      .catch(() => undefined);
    return () => controller.abort();
  });
}
