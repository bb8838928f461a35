/**
 * The five agent tools' handlers (Codex's multi_agents handlers, codex-rs/core/src/tools/handlers/
 * multi_agents/): each parses its arguments, emits Codex's `collab_*` begin and end events in the
 * parent's log, asks the agent control, and answers the model with Codex's JSON output. A refusal
 * goes back to the model as the call's output, in Codex's words.
 */
import type { EventMsg, LogEntry, ResponseItem } from "../events/index.js";
import { abortedByUserText, outputFor, type ToolContext, type ToolHandler } from "../actors/tools/index.js";
import { modelInfo } from "../context/index.js";
import { BUNDLED_MODELS } from "../context/catalog/bundled.js";
import { AgentToolError, type AgentControl } from "./control.js";
import type { ChildSettings } from "./host.js";
import { CloseArgs, collabInput, inputPreview, parseArgs, ResumeArgs, SendInputArgs, SpawnArgs, WaitArgs, waitTargets } from "./args.js";
import { CLOSE_AGENT_SPEC, RESUME_AGENT_SPEC, SEND_INPUT_SPEC, SPAWN_AGENT_SPEC, WAIT_AGENT_SPEC, WAIT_TIMEOUT } from "./specs.js";
import { resolveRole } from "./roles.js";
import { forkedHistory } from "./fork.js";
import type { AgentStatus } from "./status.js";

/** What the tools know of the thread they run in. */
export interface AgentToolDeps {
  control: AgentControl;
  /** This thread's spawn depth (0 for a root thread). */
  depth: number;
  baseInstructions(): string | undefined;
  /** The thread's history as the model sees it (a forked child starts from it). */
  history(): readonly ResponseItem[];
  /** The entries of the thread's current turn (a wait resumed after a restart keeps its deadline). */
  turnEntries(): Promise<LogEntry[]>;
}

const DEPTH_LIMIT = "Agent depth limit reached. Solve the task yourself.";

type Run = (context: ToolContext) => Promise<unknown>;

/** A handler whose refusals and failures become the call's output. */
function agentTool(name: string, spec: unknown, run: Run, failure: string): ToolHandler {
  return {
    name,
    spec: () => spec,
    async execute(context) {
      try {
        return outputFor(context.call, JSON.stringify(await run(context)));
      } catch (error) {
        const message = error instanceof AgentToolError ? error.message : `${failure}: ${(error as Error).message}`;
        return outputFor(context.call, message);
      }
    },
  };
}

const ref = (control: AgentControl, id: string) => {
  const { nickname, role } = control.metadata(id);
  return { thread_id: id, ...(nickname ? { agent_nickname: nickname } : {}), ...(role ? { agent_role: role } : {}) };
};

const receiver = (control: AgentControl, id: string) => {
  const { nickname, role } = control.metadata(id);
  return { ...(nickname ? { receiver_agent_nickname: nickname } : {}), ...(role ? { receiver_agent_role: role } : {}) };
};

const emit = (context: ToolContext, msg: Record<string, unknown>) => context.event(msg as EventMsg);

/** The child's settings: the parent turn's, its base instructions, the spawn's overrides. */
function childSettings(context: ToolContext, args: SpawnArgs, baseInstructions: string | undefined): ChildSettings {
  const turn = context.settings;
  const settings: ChildSettings = {
    cwd: turn.cwd,
    model: turn.model,
    effort: turn.effort ?? modelInfo(turn.model).defaultReasoningEffort ?? undefined,
    summary: turn.summary,
    approvalPolicy: turn.approvalPolicy,
    sandboxPolicy: turn.sandboxPolicy,
    developerInstructions: turn.developerInstructions,
    baseInstructions,
  };
  if (args.model) {
    const model = BUNDLED_MODELS.find((candidate) => candidate.slug === args.model);
    if (!model) {
      throw new AgentToolError(`Unknown model \`${args.model}\` for spawn_agent. Available models: ${BUNDLED_MODELS.map((m) => m.slug).join(", ")}`);
    }
    settings.model = model.slug;
    settings.effort = model.defaultReasoningEffort ?? undefined;
  }
  if (args.reasoning_effort) {
    const slug = settings.model;
    const supported = BUNDLED_MODELS.find((m) => m.slug === slug)?.supportedReasoningEfforts.map((preset) => preset.effort) ?? [];
    if (!supported.includes(args.reasoning_effort)) {
      throw new AgentToolError(
        `Reasoning effort \`${args.reasoning_effort}\` is not supported for model \`${slug}\`. Supported reasoning efforts: ${supported.join(", ")}`,
      );
    }
    settings.effort = args.reasoning_effort;
  }
  return settings;
}

export function agentToolHandlers(deps: AgentToolDeps): ToolHandler[] {
  const { control } = deps;

  const spawn = agentTool("spawn_agent", SPAWN_AGENT_SPEC, async (context) => {
    const args = parseArgs(SpawnArgs, context.call.input);
    const input = collabInput(args.message, args.items);
    const prompt = inputPreview(input);
    if (deps.depth + 1 > control.limits.maxDepth) throw new AgentToolError(DEPTH_LIMIT);
    const sender = context.threadId;
    await emit(context, {
      type: "collab_agent_spawn_begin",
      call_id: context.call.callId,
      sender_thread_id: sender,
      prompt,
      model: args.model ?? "",
      reasoning_effort: args.reasoning_effort ?? "medium",
    });
    const fork = args.fork_context === true;
    if (fork && (args.agent_type?.trim() || args.model || args.reasoning_effort)) {
      throw new AgentToolError(
        "Full-history forked agents inherit the parent agent type, model, and reasoning effort; omit agent_type, model, and reasoning_effort, or spawn without a full-history fork.",
      );
    }
    const role = fork ? { role: args.agent_type?.trim() || null } : resolveRole(args.agent_type ?? undefined);
    if ("error" in role) throw new AgentToolError(role.error);
    const settings = fork ? childSettings(context, {}, deps.baseInstructions()) : childSettings(context, args, deps.baseInstructions());
    let spawned: Awaited<ReturnType<AgentControl["spawn"]>> | undefined;
    let failure: unknown;
    try {
      spawned = await control.spawn({
        parentId: sender,
        parentDepth: deps.depth,
        turnId: context.turnId,
        callId: context.call.callId,
        settings,
        role: role.role,
        input,
        forkedItems: fork ? forkedHistory(deps.history()) : [],
      });
    } catch (error) {
      failure = error;
    }
    await emit(context, {
      type: "collab_agent_spawn_end",
      call_id: context.call.callId,
      sender_thread_id: sender,
      new_thread_id: spawned?.id ?? null,
      ...(spawned?.nickname ? { new_agent_nickname: spawned.nickname } : {}),
      ...(role.role ? { new_agent_role: role.role } : {}),
      prompt,
      model: settings.model,
      reasoning_effort: settings.effort ?? "medium",
      status: spawned?.status ?? "not_found",
    });
    if (failure) throw failure instanceof AgentToolError ? failure : new AgentToolError(`collab spawn failed: ${(failure as Error).message}`);
    return { agent_id: spawned!.id, nickname: spawned!.nickname };
  }, "collab spawn failed");

  const send = agentTool("send_input", SEND_INPUT_SPEC, async (context) => {
    const args = parseArgs(SendInputArgs, context.call.input);
    const input = collabInput(args.message, args.items);
    const prompt = inputPreview(input);
    await control.ensureChildren(context.threadId);
    if (args.interrupt) await control.interrupt(args.target);
    const base = { call_id: context.call.callId, sender_thread_id: context.threadId, receiver_thread_id: args.target };
    await emit(context, { type: "collab_agent_interaction_begin", ...base, prompt });
    let submissionId: string | undefined;
    let failure: unknown;
    try {
      submissionId = await control.sendInput(args.target, input);
    } catch (error) {
      failure = error;
    }
    await emit(context, { type: "collab_agent_interaction_end", ...base, ...receiver(control, args.target), prompt, status: control.status(args.target) });
    if (failure) throw failure;
    return { submission_id: submissionId };
  }, "collab tool failed");

  const resume = agentTool("resume_agent", RESUME_AGENT_SPEC, async (context) => {
    const args = parseArgs(ResumeArgs, context.call.input);
    if (deps.depth + 1 > control.limits.maxDepth) throw new AgentToolError(DEPTH_LIMIT);
    await control.ensureChildren(context.threadId);
    const base = { call_id: context.call.callId, sender_thread_id: context.threadId, receiver_thread_id: args.id };
    await emit(context, { type: "collab_resume_begin", ...base, ...receiver(control, args.id) });
    let status: AgentStatus = control.status(args.id);
    let failure: unknown;
    if (status === "not_found") {
      try {
        status = await control.resume(args.id, context.threadId);
      } catch (error) {
        failure = error;
        status = control.status(args.id);
      }
    }
    await emit(context, { type: "collab_resume_end", ...base, ...receiver(control, args.id), status });
    if (failure) throw failure;
    return { status };
  }, "collab tool failed");

  const wait = agentTool("wait_agent", WAIT_AGENT_SPEC, async (context) => {
    const args = parseArgs(WaitArgs, context.call.input);
    const targets = waitTargets(args.targets);
    const requested = args.timeout_ms ?? WAIT_TIMEOUT.defaultMs;
    if (requested <= 0) throw new AgentToolError("timeout_ms must be greater than zero");
    const timeout = Math.min(Math.max(requested, WAIT_TIMEOUT.minMs), WAIT_TIMEOUT.maxMs);
    await control.ensureChildren(context.threadId);
    const callId = context.call.callId;
    // A wait the process was in when it stopped keeps its deadline: it counts from its begin event.
    const begun = (await deps.turnEntries()).find(
      (entry) => entry.kind === "event_msg" && entry.payload.type === "collab_waiting_begin" && (entry.payload as { call_id?: string }).call_id === callId,
    );
    let start: number;
    if (begun) start = Date.parse(begun.ts);
    else {
      start = context.clock.now().getTime();
      await emit(context, {
        type: "collab_waiting_begin",
        sender_thread_id: context.threadId,
        receiver_thread_ids: targets,
        receiver_agents: targets.map((id) => ref(control, id)),
        call_id: callId,
      });
    }
    const statuses = await control.waitAny(targets, start + timeout, () => context.clock.now().getTime(), context.signal);
    // Interrupted: Codex drops the wait (no end event) and the call reads as aborted, not timed out.
    if (context.signal.aborted) throw new AgentToolError(abortedByUserText(start, context.clock));
    const entries = [...statuses].map(([id, status]) => ({ ...ref(control, id), status }));
    await emit(context, {
      type: "collab_waiting_end",
      sender_thread_id: context.threadId,
      call_id: callId,
      ...(entries.length > 0 ? { agent_statuses: entries } : {}),
      statuses: Object.fromEntries(statuses),
    });
    return { status: Object.fromEntries(statuses), timed_out: statuses.size === 0 };
  }, "collab tool failed");

  const close = agentTool("close_agent", CLOSE_AGENT_SPEC, async (context) => {
    const args = parseArgs(CloseArgs, context.call.input);
    await control.ensureChildren(context.threadId);
    const base = { call_id: context.call.callId, sender_thread_id: context.threadId, receiver_thread_id: args.target };
    const names = receiver(control, args.target);
    await emit(context, { type: "collab_close_begin", ...base });
    let previous: AgentStatus = control.status(args.target);
    let failure: unknown;
    try {
      previous = await control.close(args.target);
    } catch (error) {
      failure = error;
    }
    await emit(context, { type: "collab_close_end", ...base, ...names, status: previous });
    if (failure) throw failure;
    return { previous_status: previous };
  }, "collab tool failed");

  return [spawn, send, resume, wait, close];
}
