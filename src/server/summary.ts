/**
 * One log entry as one timeline row: what it is and a short text, so the inspector can show a page
 * of a 100,000-entry thread without shipping every tool output. The full entry is a request away.
 * Presentation only: read loosely, so a new event type still gets a row.
 */
import type { LogEntry } from "../events/index.js";

export interface EntrySummary {
  seq: number;
  ts: string;
  kind: LogEntry["kind"];
  /** The payload's `type` (event, op or item type), when it has one. */
  type: string | null;
  /** The submission (turn) the entry belongs to. */
  sub: string | null;
  text: string;
  /** How the row is shown: errors and requests stand out, streaming deltas recede. */
  level: "error" | "warning" | "request" | "answer" | "delta" | "turn" | null;
  /** The thread that wrote the entry, when it is not the one read (a fork's inherited prefix). */
  writer?: string;
}

const MAX_TEXT = 240;

/** The payload's type: the event, item or op type (`exec_approval_request`, `function_call`, `user_input`). */
export function entryType(entry: LogEntry): string | null {
  const payload = entry.payload as Record<string, unknown>;
  return typeof payload.type === "string" ? payload.type : entry.kind === "submission" ? opType(payload) : null;
}

export function summarizeEntry(entry: LogEntry, threadId?: string): EntrySummary {
  const type = entryType(entry);
  const row: EntrySummary = {
    seq: entry.seq,
    ts: entry.ts,
    kind: entry.kind,
    type,
    sub: entry.sub ?? null,
    text: clip(describe(entry)),
    level: levelOf(entry.kind, type),
  };
  if (threadId !== undefined && entry.threadId !== threadId) row.writer = entry.threadId;
  return row;
}

function opType(payload: Record<string, unknown>): string | null {
  const op = payload.op as Record<string, unknown> | undefined;
  return typeof op?.type === "string" ? op.type : null;
}

const ERRORS = new Set(["error", "stream_error"]);
const WARNINGS = new Set(["warning", "turn_aborted", "thread_rolled_back", "context_compacted"]);
const REQUESTS = new Set(["exec_approval_request", "apply_patch_approval_request", "request_user_input", "dynamic_tool_call_request", "elicitation_request"]);
const ANSWERS = new Set(["exec_approval", "patch_approval", "user_input_answer", "request_user_input_response", "dynamic_tool_response", "resolve_elicitation"]);
const TURN_MARKS = new Set(["task_started", "task_complete"]);

function levelOf(kind: LogEntry["kind"], type: string | null): EntrySummary["level"] {
  if (type === null) return kind === "compacted" ? "warning" : null;
  if (ERRORS.has(type)) return "error";
  if (WARNINGS.has(type)) return "warning";
  if (REQUESTS.has(type)) return "request";
  if (kind === "submission" && ANSWERS.has(type)) return "answer";
  if (TURN_MARKS.has(type)) return "turn";
  if (type.endsWith("_delta")) return "delta";
  return null;
}

function clip(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > MAX_TEXT ? `${flat.slice(0, MAX_TEXT - 1)}…` : flat;
}

const str = (value: unknown): string => (typeof value === "string" ? value : value === undefined || value === null ? "" : JSON.stringify(value));

function contentText(content: unknown): string {
  if (!Array.isArray(content)) return str(content);
  return content.map((part: Record<string, unknown>) => (typeof part.text === "string" ? part.text : `[${str(part.type)}]`)).join(" ");
}

function command(value: unknown): string {
  return Array.isArray(value) ? value.map(String).join(" ") : str(value);
}

function describe(entry: LogEntry): string {
  const p = entry.payload as Record<string, any>;
  switch (entry.kind) {
    case "session_meta":
      return `session in ${str(p.cwd)} (${str(p.originator)} ${str(p.cli_version)})`;
    case "turn_context":
      return `${str(p.model)}, approval ${str(p.approval_policy)}, sandbox ${str(p.sandbox_policy?.type)}, cwd ${str(p.cwd)}`;
    case "compacted":
      return str(p.message);
    case "submission":
      return describeOp(p.op ?? {});
    case "response_item":
      return describeItem(p);
    case "event_msg":
      return describeEvent(p);
    default:
      return "";
  }
}

function describeOp(op: Record<string, any>): string {
  switch (op.type) {
    case "user_input":
    case "user_turn":
    case "user_input_with_turn_context":
      return contentText(op.items);
    case "exec_approval":
    case "patch_approval":
      return `${str(op.id)}: ${str(op.decision)}`;
    case "thread_rollback":
      return `${op.num_turns} turn(s)`;
    case "set_thread_name":
      return str(op.name);
    case "run_user_shell_command":
      return str(op.command);
    default: {
      const { type: _type, ...rest } = op;
      return Object.keys(rest).length ? JSON.stringify(rest) : "";
    }
  }
}

function describeItem(item: Record<string, any>): string {
  switch (item.type) {
    case "message":
      return `${str(item.role)}: ${contentText(item.content)}`;
    case "reasoning":
      return Array.isArray(item.summary) ? item.summary.map((s: Record<string, unknown>) => str(s.text)).join(" ") : "";
    case "function_call":
      return `${str(item.name)}(${str(item.arguments)})`;
    case "custom_tool_call":
      return `${str(item.name)}: ${str(item.input)}`;
    case "function_call_output":
    case "custom_tool_call_output":
      return `${str(item.call_id)} → ${typeof item.output === "string" ? item.output : contentText(item.output?.content ?? item.output)}`;
    case "local_shell_call":
      return command(item.action?.command);
    default:
      return "";
  }
}

function describeEvent(msg: Record<string, any>): string {
  switch (msg.type) {
    case "agent_message":
    case "user_message":
    case "error":
    case "warning":
    case "stream_error":
      return str(msg.message);
    case "agent_message_delta":
    case "agent_reasoning_delta":
    case "agent_reasoning_raw_content_delta":
      return str(msg.delta);
    case "exec_command_output_delta":
      return `${str(msg.stream)}: ${str(msg.chunk)}`;
    case "exec_command_begin":
    case "exec_approval_request":
      return `${str(msg.call_id)}: ${command(msg.command)}${msg.reason ? ` (${str(msg.reason)})` : ""}`;
    case "exec_command_end":
      return `${str(msg.call_id)}: exit ${str(msg.exit_code)} ${str(msg.aggregated_output ?? msg.stdout)}`;
    case "apply_patch_approval_request":
    case "patch_apply_begin":
      return `${str(msg.call_id)}: ${Object.keys(msg.changes ?? {}).join(", ")}`;
    case "patch_apply_end":
      return `${str(msg.call_id)}: ${msg.success ? "applied" : "failed"} ${str(msg.stderr)}`;
    case "task_started":
      return `turn ${str(msg.turn_id)}`;
    case "task_complete":
      return `turn ${str(msg.turn_id)}: ${str(msg.last_agent_message)}`;
    case "turn_aborted":
      return `turn ${str(msg.turn_id)}: ${str(msg.reason)}`;
    case "token_count": {
      const total = msg.info?.total_token_usage?.total_tokens;
      return total === undefined ? "no usage" : `${total} tokens in total, ${str(msg.info?.last_token_usage?.total_tokens)} last`;
    }
    case "session_configured":
      return `${str(msg.model)}, approval ${str(msg.approval_policy)}, cwd ${str(msg.cwd)}`;
    case "thread_rolled_back":
      return `${str(msg.num_turns)} turn(s)`;
    case "thread_name_updated":
      return str(msg.thread_name);
    case "item_started":
    case "item_completed":
      return `${str(msg.item?.type)} ${str(msg.item?.id)}`;
    case "raw_response_item":
      return str(msg.item?.type);
    case "model_request":
      return `${str(msg.purpose ?? "turn")} request to ${str(msg.model)}, ${str(msg.input_items)} input items`;
    case "agent_message_content_delta":
      return str(msg.delta);
    case "mcp_tool_call_begin":
    case "mcp_tool_call_end":
      return `${str(msg.invocation?.server)}.${str(msg.invocation?.tool)}`;
    case "request_user_input":
    case "dynamic_tool_call_request":
    case "elicitation_request":
      return str(msg.questions ?? msg.tool ?? msg.message ?? msg.arguments);
    default: {
      const { type: _type, ...rest } = msg;
      return Object.keys(rest).length ? JSON.stringify(rest) : "";
    }
  }
}
