/**
 * Where a turn meets its hooks (Codex's `hook_runtime.rs`): each lifecycle point builds Codex's
 * payload, logs the matched runs as `hook_started`, runs them through the thread's hook port, logs
 * each `hook_completed`, and reads its decision back from those summaries. Because the decision
 * comes from what the log holds, a resumed or replayed thread decides the same (replay's port
 * answers from the recording and runs nothing). The turn's steps that wait on hooks (the rest of its
 * start, steering input, Stop then notify) live here too; turn-actors.ts only calls them.
 */
import type { EventMsg, HookEventName, HookRunSummary, NewEntry, ResponseItem, UserInputItem } from "../events/index.js";
import type { StopHooksOutput } from "../machines/turn.js";
import type { PendingInput, ToolCallRequest } from "../machines/types.js";
import { selectSandbox } from "../sandbox/index.js";
import { shlexJoin } from "../safety/shlex.js";
import {
  additionalContextMessages,
  blockedCallMessage,
  hookPromptMessage,
  postToolUseOutcome,
  permissionRequestVerdict,
  preToolUseBlockReason,
  sessionStartOutcome,
  type PermissionVerdict,
  stopOutcome,
  userPromptSubmitOutcome,
  type ContextOutcome,
  runNotify,
} from "../hooks/index.js";
import { isContextualUserMessage } from "../state/index.js";
import type { ActiveTurn, ThreadServices } from "./services.js";
import { userMessageText } from "./user-input.js";
export type { ThreadHooks } from "./services.js";

const hookEvent = (msg: EventMsg): NewEntry => ({ kind: "event_msg", payload: msg });

/** Codex's `hook_permission_mode`. */
function permissionMode(active: ActiveTurn): string {
  return active.settings.approvalPolicy === "never" ? "bypassPermissions" : "default";
}

function basePayload(services: ThreadServices, active: ActiveTurn, eventName: string, withTurn = true): Record<string, unknown> {
  return {
    session_id: services.threadId,
    ...(withTurn ? { turn_id: active.turnId } : {}),
    // Filled in by `dispatch` (the thread's rollout file, see hook-transcript.ts); the key keeps Codex's order.
    transcript_path: null,
    cwd: active.settings.cwd,
    hook_event_name: eventName,
    model: active.settings.model,
    permission_mode: permissionMode(active),
  };
}

/**
 * Logs the runs `eventName` matched, runs them, logs their results: the completed summaries, or
 * null when the turn was stopped meanwhile (nothing more is written for it).
 */
async function dispatch(
  services: ThreadServices,
  active: ActiveTurn,
  request: { eventName: HookEventName; matcherInputs: string[]; toolUseId?: string; input: Record<string, unknown> },
  signal: AbortSignal,
): Promise<HookRunSummary[] | null> {
  const port = services.hooks?.port;
  if (!port) return [];
  const { settings } = active;
  const confine = selectSandbox(settings.sandboxPolicy, settings.platformSandbox) === "bubblewrap";
  const transcript = services.hooks?.transcript;
  const transcriptPath = transcript ? await transcript.pathOf() : null;
  const run = port.dispatch({
    ...request,
    input: { ...request.input, transcript_path: transcriptPath },
    turnId: active.turnId,
    cwd: settings.cwd,
    sandbox: { policy: settings.sandboxPolicy, confine },
  });
  if (run.started.length === 0) return [];
  // Codex writes its rollout out before a hook runs: the file holds everything logged so far.
  await transcript?.materialize();
  const turnId = active.turnId;
  await services.bus.record(run.started.map((summary) => hookEvent({ type: "hook_started", turn_id: turnId, run: summary })), turnId);
  const completed = await run.complete(signal);
  if (signal.aborted) return null;
  await services.bus.record(completed.map((summary) => hookEvent({ type: "hook_completed", turn_id: turnId, run: summary })), turnId);
  return completed;
}

async function recordContexts(services: ThreadServices, turnId: string, contexts: string[]): Promise<void> {
  const items = additionalContextMessages(contexts);
  if (items.length > 0) await services.bus.record(items.map((payload): NewEntry => ({ kind: "response_item", payload })), turnId);
}

/** SessionStart, once per started or resumed thread: true when a hook stopped the turn. */
async function runSessionStartHooks(services: ThreadServices, active: ActiveTurn, signal: AbortSignal): Promise<boolean> {
  const hooks = services.hooks;
  const source = hooks?.pendingSessionStart;
  if (!hooks || !source) return false;
  hooks.pendingSessionStart = null;
  const runs = await dispatch(
    services,
    active,
    { eventName: "session_start", matcherInputs: [source], input: { ...basePayload(services, active, "SessionStart", false), source } },
    signal,
  );
  if (runs === null) return true;
  const outcome = sessionStartOutcome(runs);
  await recordContexts(services, active.turnId, outcome.additionalContexts);
  return outcome.shouldStop;
}

/**
 * UserPromptSubmit for one prompt. The caller records the prompt when it is not stopped, then
 * `recordContexts`; a stopped prompt is dropped, its contexts still recorded (Codex).
 */
async function runUserPromptSubmitHooks(services: ThreadServices, active: ActiveTurn, prompt: string, signal: AbortSignal): Promise<ContextOutcome | null> {
  const runs = await dispatch(
    services,
    active,
    { eventName: "user_prompt_submit", matcherInputs: [], input: { ...basePayload(services, active, "UserPromptSubmit"), prompt } },
    signal,
  );
  return runs === null ? null : userPromptSubmitOutcome(runs);
}

/**
 * The rest of a turn's start once its context is recorded, in Codex's `run_turn` order: SessionStart,
 * then UserPromptSubmit before the user message (a prompt a hook stops is not recorded, its hooks'
 * context is). False when a hook stopped the turn.
 */
export async function recordPromptThroughHooks(
  services: ThreadServices,
  active: ActiveTurn,
  input: { turnId: string; items: UserInputItem[] },
  entries: { user: NewEntry[]; skillItems: NewEntry[] },
  signal: AbortSignal,
): Promise<boolean> {
  const { user, skillItems } = entries;
  if (await runSessionStartHooks(services, active, signal)) return false;
  if (input.items.length === 0) {
    await services.bus.record([...user, ...skillItems], input.turnId);
    return true;
  }
  const outcome = await runUserPromptSubmitHooks(services, active, userMessageText(input.items), signal);
  if (!outcome) return false;
  if (outcome.shouldStop) {
    await recordContexts(services, input.turnId, outcome.additionalContexts);
    return false;
  }
  await services.bus.record(user, input.turnId);
  await recordContexts(services, input.turnId, outcome.additionalContexts);
  if (skillItems.length > 0) await services.bus.record(skillItems, input.turnId);
  return true;
}

/**
 * Input that arrived during a turn: each steering prompt passes UserPromptSubmit on its own (Codex's
 * `inspect_pending_input`); a stopped one is dropped, its context still recorded. Injected items
 * (a sub-agent's notification) go in as they are.
 */
export async function recordPendingThroughHooks(
  services: ThreadServices,
  active: ActiveTurn,
  inputs: PendingInput[],
  entriesOf: (pending: PendingInput) => Promise<NewEntry[]>,
  signal: AbortSignal,
): Promise<void> {
  for (const pending of inputs) {
    if (pending.raw) {
      await services.bus.record(await entriesOf(pending), active.turnId);
      continue;
    }
    const outcome = await runUserPromptSubmitHooks(services, active, userMessageText(pending.items), signal);
    if (!outcome) return;
    if (!outcome.shouldStop) await services.bus.record(await entriesOf(pending), active.turnId);
    await recordContexts(services, active.turnId, outcome.additionalContexts);
  }
}


/** The name hooks know a call by (Codex's `HookToolName`), its matcher aliases and its `tool_input`. */
export function hookToolOf(call: ToolCallRequest): { name: string; aliases: string[]; input: unknown } | null {
  const args = (): Record<string, unknown> | null => {
    try {
      const value = JSON.parse(call.input) as unknown;
      return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  };
  switch (call.name) {
    case "shell":
    case "local_shell":
    case "container.exec": {
      const command = args()?.command;
      return Array.isArray(command) && command.every((w) => typeof w === "string") ? { name: "Bash", aliases: [], input: { command: shlexJoin(command) } } : null;
    }
    case "shell_command": {
      const command = args()?.command;
      return typeof command === "string" ? { name: "Bash", aliases: [], input: { command } } : null;
    }
    case "exec_command": {
      const cmd = args()?.cmd;
      return typeof cmd === "string" ? { name: "Bash", aliases: [], input: { command: cmd } } : null;
    }
    case "apply_patch": {
      const patch = call.kind === "custom" ? call.input : args()?.input;
      return typeof patch === "string" ? { name: "apply_patch", aliases: ["Write", "Edit"], input: { command: patch } } : null;
    }
    default:
      if (!call.name.startsWith("mcp__")) return null;
      if (call.input.trim() === "") return { name: call.name, aliases: [], input: {} };
      return { name: call.name, aliases: [], input: args() ?? call.input };
  }
}

/** PreToolUse: the output the model gets instead of running the call, or null to go on. */
export async function runPreToolUseHooks(services: ThreadServices, turnId: string, call: ToolCallRequest, signal: AbortSignal): Promise<string | null> {
  const active = services.turns.get(turnId);
  const tool = hookToolOf(call);
  if (!active || !tool || !services.hooks) return null;
  const runs = await dispatch(
    services,
    active,
    {
      eventName: "pre_tool_use",
      matcherInputs: [tool.name, ...tool.aliases],
      toolUseId: call.callId,
      input: { ...basePayload(services, active, "PreToolUse"), tool_name: tool.name, tool_input: tool.input, tool_use_id: call.callId },
    },
    signal,
  );
  const reason = runs && preToolUseBlockReason(runs);
  return reason ? blockedCallMessage(tool.name, reason, tool.input) : null;
}

/**
 * The patch of an `apply_patch` the model sent through a command tool (Codex's
 * `intercept_apply_patch`), else null. Codex shows such a call to PreToolUse as the command tool's
 * (its handler's payload comes first), to PermissionRequest as the patch (its ApplyPatchRuntime asks),
 * and not to PostToolUse (the intercepted output has no post-tool-use response).
 */
function interceptedPatchOf(services: ThreadServices, active: ActiveTurn, call: ToolCallRequest): string | null {
  return services.tools.get(call.name)?.interceptedPatch?.(call, active.settings) ?? null;
}

/**
 * Codex's `permission_request_payload`: the hook name and input of the call, and for the shell
 * tools the model's `justification` as `description` (Codex's `PermissionRequestPayload::bash`).
 */
function permissionPayloadOf(services: ThreadServices, active: ActiveTurn, call: ToolCallRequest): { name: string; aliases: string[]; input: unknown } | null {
  const intercepted = interceptedPatchOf(services, active, call);
  const tool = intercepted !== null ? { name: "apply_patch", aliases: ["Write", "Edit"], input: { command: intercepted } } : hookToolOf(call);
  // Codex's ApplyPatchRuntime gives the patch as its parser keeps it: trimmed, one `\n` per line.
  const patch = tool?.name === "apply_patch" ? (tool.input as { command: string }).command : null;
  if (patch !== null) return { ...tool!, input: { command: patch.trim().split(/\r?\n/).join("\n") } };
  if (!tool || tool.name !== "Bash") return tool;
  let justification: unknown;
  try {
    justification = (JSON.parse(call.input) as { justification?: unknown } | null)?.justification;
  } catch {
    justification = undefined;
  }
  return typeof justification === "string" ? { ...tool, input: { ...(tool.input as object), description: justification } } : tool;
}

/**
 * PermissionRequest, where an approval would be asked (Codex's `run_permission_request_hooks`):
 * the hooks' verdict, or null to ask as usual. `runId` is the approval's: the call id, or
 * `<call id>:retry` for running again outside the sandbox. The verdict is read from the logged runs.
 */
export async function runPermissionRequestHooks(
  services: ThreadServices,
  turnId: string,
  call: ToolCallRequest,
  runId: string,
  signal: AbortSignal,
): Promise<PermissionVerdict | null> {
  const active = services.turns.get(turnId);
  const tool = active && permissionPayloadOf(services, active, call);
  if (!active || !tool || !services.hooks) return null;
  const runs = await dispatch(
    services,
    active,
    {
      eventName: "permission_request",
      matcherInputs: [tool.name, ...tool.aliases],
      toolUseId: runId,
      input: { ...basePayload(services, active, "PermissionRequest"), tool_name: tool.name, tool_input: tool.input },
    },
    signal,
  );
  return runs ? permissionRequestVerdict(runs) : null;
}

function outputText(output: ResponseItem): unknown {
  return output.type === "function_call_output" || output.type === "custom_tool_call_output" ? output.output : null;
}

/**
 * PostToolUse after a call produced its output: records the hooks' context for the model and
 * returns the output the model reads (a hook's feedback replaces it, as in Codex).
 */
export async function runPostToolUseHooks(services: ThreadServices, turnId: string, call: ToolCallRequest, output: ResponseItem, signal: AbortSignal): Promise<ResponseItem> {
  const active = services.turns.get(turnId);
  const tool = hookToolOf(call);
  if (!active || !tool || !services.hooks || interceptedPatchOf(services, active, call) !== null) return output;
  const runs = await dispatch(
    services,
    active,
    {
      eventName: "post_tool_use",
      matcherInputs: [tool.name, ...tool.aliases],
      toolUseId: call.callId,
      input: {
        ...basePayload(services, active, "PostToolUse"),
        tool_name: tool.name,
        tool_input: tool.input,
        tool_response: outputText(output),
        tool_use_id: call.callId,
      },
    },
    signal,
  );
  if (!runs) return output;
  const outcome = postToolUseOutcome(runs);
  await recordContexts(services, turnId, outcome.additionalContexts);
  if (outcome.replacement === null || (output.type !== "function_call_output" && output.type !== "custom_tool_call_output")) return output;
  return { ...output, output: outcome.replacement };
}

/**
 * Stop, when the model is done: true sends the model back to work (the hooks' prompt is already in
 * the history). `stopHookActive` is Codex's loop guard, told to the hooks after a continuation.
 */
async function runStopHooks(
  services: ThreadServices,
  turnId: string,
  lastAgentMessage: string | null,
  stopHookActive: boolean,
  signal: AbortSignal,
): Promise<"continue" | "stopped" | "done"> {
  const active = services.turns.get(turnId);
  if (!active || !services.hooks) return "done";
  const runs = await dispatch(
    services,
    active,
    {
      eventName: "stop",
      matcherInputs: [],
      input: { ...basePayload(services, active, "Stop"), stop_hook_active: stopHookActive, last_assistant_message: lastAgentMessage },
    },
    signal,
  );
  if (!runs) return "stopped";
  const outcome = stopOutcome(runs);
  if (outcome.shouldBlock) {
    const prompt = hookPromptMessage(outcome.fragments);
    if (prompt) {
      await services.bus.record([{ kind: "response_item", payload: prompt }], turnId);
      return "continue";
    }
    await services.bus.event(turnId, { type: "warning", message: "Stop hook requested continuation without a prompt; ignoring the block." });
  }
  return outcome.shouldStop ? "stopped" : "done";
}

/** The user messages the model saw (Codex's `input_messages` of the turn's last request). */
function userMessagesOf(history: Iterable<ResponseItem>): string[] {
  const messages: string[] = [];
  for (const item of history) {
    if (item.type !== "message" || item.role !== "user" || isContextualUserMessage(item)) continue;
    messages.push(item.content.map((part) => (part.type === "input_text" ? part.text : "")).join(""));
  }
  return messages;
}

export interface StopStepInput {
  turnId: string;
  lastAgentMessage: string | null;
  stopHookActive: boolean;
}

/** Stop hooks once the model is done, then (when the turn really ends) legacy `notify`. */
export async function stopStep(services: ThreadServices, input: StopStepInput, signal: AbortSignal): Promise<StopHooksOutput> {
  const verdict = await runStopHooks(services, input.turnId, input.lastAgentMessage, input.stopHookActive, signal);
  if (verdict === "continue") return { continue: true };
  if (verdict === "done") await notifyTurnComplete(services, input.turnId, input.lastAgentMessage);
  return { continue: false };
}

/** Legacy `notify` at the end of a turn: started, not waited for; never in replay (no argv there). */
async function notifyTurnComplete(services: ThreadServices, turnId: string, lastAgentMessage: string | null): Promise<void> {
  const argv = services.hooks?.notify;
  if (!argv) return;
  await runNotify(argv, {
    threadId: services.threadId,
    turnId,
    cwd: services.turns.get(turnId)?.settings.cwd ?? services.settings().cwd,
    inputMessages: userMessagesOf(services.state().history),
    lastAssistantMessage: lastAgentMessage,
  });
}
