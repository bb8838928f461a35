/**
 * Plain log entries for state tests, built the way Codex's reconstruction tests build rollout items:
 * `log(turnStarted("t1"), userMessage("hi"), ...)` numbers them from seq 1. Every payload goes
 * through the vocabulary's parser, so a test cannot fold something the log would refuse.
 */
import { parsePayload, type LogEntry, type NewEntry, type ResponseItem, type TurnContextItem } from "../../../src/events/index.js";

export const THREAD = "thread-1";

export function log(...entries: NewEntry[]): LogEntry[] {
  return entries.map((entry, i) => ({
    v: 1,
    threadId: THREAD,
    seq: i + 1,
    ts: "2025-01-01T00:00:00.000Z",
    kind: entry.kind,
    payload: parsePayload(entry.kind, entry.payload),
  })) as LogEntry[];
}

const event = (payload: Record<string, unknown>): NewEntry => ({ kind: "event_msg", payload }) as NewEntry;

export const turnStarted = (turnId: string) => event({ type: "task_started", turn_id: turnId, model_context_window: 128_000 });
export const turnComplete = (turnId: string) => event({ type: "task_complete", turn_id: turnId, last_agent_message: null });
export const turnAborted = (turnId: string | null, reason = "interrupted") => event({ type: "turn_aborted", turn_id: turnId, reason });
export const userMessage = (message: string) => event({ type: "user_message", message, images: null });
export const rolledBack = (numTurns: number) => event({ type: "thread_rolled_back", num_turns: numTurns });
export const tokenCount = (total: number | null) =>
  event({
    type: "token_count",
    info:
      total === null
        ? null
        : {
            total_token_usage: usage(total),
            last_token_usage: usage(total),
            model_context_window: 128_000,
          },
  });
export const agentDelta = (delta: string) => event({ type: "agent_message_delta", delta });
export const nameUpdated = (name: string | null) => event({ type: "thread_name_updated", thread_name: name });
export const contextCompacted = () => event({ type: "context_compacted" });

function usage(total: number) {
  return { input_tokens: total, cached_input_tokens: 0, output_tokens: 0, reasoning_output_tokens: 0, total_tokens: total };
}

export const item = (payload: ResponseItem): NewEntry => ({ kind: "response_item", payload });
export const turnContext = (payload: TurnContextItem): NewEntry => ({ kind: "turn_context", payload });
export const compacted = (message: string, replacementHistory?: ResponseItem[] | null): NewEntry => ({
  kind: "compacted",
  payload: replacementHistory === undefined ? { message } : { message, replacement_history: replacementHistory },
});
export const submission = (id: string, op: Record<string, unknown>): NewEntry => ({ kind: "submission", payload: { id, op } }) as NewEntry;
export const sessionMeta = (id: string, extra: Record<string, unknown> = {}): NewEntry =>
  ({
    kind: "session_meta",
    payload: { id, timestamp: "2025-01-01T00:00:00Z", cwd: "/repo", originator: "test", cli_version: "0", ...extra },
  }) as NewEntry;

export const user = (text: string): ResponseItem => ({ type: "message", role: "user", content: [{ type: "input_text", text }] });
export const assistant = (text: string): ResponseItem => ({ type: "message", role: "assistant", content: [{ type: "output_text", text }] });
export const developer = (...texts: string[]): ResponseItem => ({
  type: "message",
  role: "developer",
  content: texts.map((text) => ({ type: "input_text" as const, text })),
});
export const environmentContext = (cwd = "/repo") => user(`<environment_context>\n  <cwd>${cwd}</cwd>\n</environment_context>`);
export const turnAbortedMarker = () =>
  user("<turn_aborted>\nThe user interrupted the previous turn on purpose.\n</turn_aborted>");
export const functionCall = (callId: string, name = "exec_command", args = "{}"): ResponseItem => ({
  type: "function_call",
  name,
  arguments: args,
  call_id: callId,
});
export const functionOutput = (callId: string, output = "ok"): ResponseItem => ({ type: "function_call_output", call_id: callId, output });
export const customCall = (callId: string, input = "*** Begin Patch\n*** End Patch"): ResponseItem => ({
  type: "custom_tool_call",
  name: "apply_patch",
  input,
  call_id: callId,
});
export const customOutput = (callId: string, output = "ok"): ResponseItem => ({ type: "custom_tool_call_output", call_id: callId, output });

/** An inter-agent instruction: an assistant message holding a serialized `InterAgentCommunication`. */
export const interAgentInstruction = (text: string): ResponseItem =>
  assistant(JSON.stringify({ author: "/root", recipient: "/root/worker", other_recipients: [], content: text, trigger_turn: true }));

export function context(turnId: string | null, overrides: Partial<TurnContextItem> = {}): TurnContextItem {
  const base: TurnContextItem = {
    cwd: "/repo",
    current_date: "2025-01-01",
    timezone: "Etc/UTC",
    approval_policy: "on-request",
    sandbox_policy: { type: "workspace-write" },
    model: "gpt-5",
    realtime_active: false,
    summary: "auto",
    truncation_policy: { mode: "tokens", limit: 10_000 },
  };
  return turnId === null ? { ...base, ...overrides } : { ...base, turn_id: turnId, ...overrides };
}

/** `{ model, realtime_active }` as Codex's `PreviousTurnSettings` reports a context. */
export const settingsOf = (ctx: TurnContextItem) => ({ model: ctx.model, realtime_active: ctx.realtime_active ?? null });
