/** Human-readable one-line renderings of log entries and events for the terminal. */
import type { Event, LogEntry } from "../events/index.js";

function clip(text: string, max = 100): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function describePayload(entry: LogEntry): string {
  switch (entry.kind) {
    case "session_meta":
      return `session ${entry.payload.id} cwd=${entry.payload.cwd}`;
    case "submission":
      return `${entry.payload.op.type} (${entry.payload.id})`;
    case "event_msg":
      return describeMsg(entry.payload as Event["msg"]);
    case "response_item": {
      const item = entry.payload;
      switch (item.type) {
        case "message":
          return `${item.role}: ${clip(item.content.map((c) => ("text" in c ? c.text : "[image]")).join(" "))}`;
        case "function_call":
          return `call ${item.name} ${clip(item.arguments, 80)} (${item.call_id})`;
        case "function_call_output":
        case "custom_tool_call_output":
          return `output (${item.call_id}): ${clip(typeof item.output === "string" ? item.output : JSON.stringify(item.output), 80)}`;
        case "custom_tool_call":
          return `call ${item.name} ${clip(item.input, 80)} (${item.call_id})`;
        default:
          return item.type;
      }
    }
    case "turn_context":
      return `turn ${entry.payload.turn_id ?? "?"} model=${entry.payload.model} cwd=${entry.payload.cwd}`;
    case "compacted":
      return `compacted: ${clip(entry.payload.message, 80)}`;
  }
}

export function describeMsg(msg: Event["msg"]): string {
  if (msg.type === "exec_command_begin") return `exec_command_begin: ${clip(msg.command.join(" "))} (in ${msg.cwd})`;
  if (msg.type === "exec_command_end") return `exec_command_end: exit ${msg.exit_code}: ${clip(msg.aggregated_output, 80)}`;
  if (msg.type === "exec_approval_request") return `exec_approval_request ${msg.call_id}: ${clip(msg.command.join(" "))}`;
  const fields = msg as Record<string, unknown>;
  const text = (fields.message ?? fields.delta ?? fields.text ?? fields.last_agent_message) as string | undefined;
  return text !== undefined && text !== null ? `${msg.type}: ${clip(String(text))}` : msg.type;
}

export function describeEntry(entry: LogEntry): string {
  const type = entry.kind === "event_msg" || entry.kind === "response_item" ? `${entry.kind}` : entry.kind;
  return `${String(entry.seq).padStart(6)}  ${entry.ts}  ${type.padEnd(13)}  ${describePayload(entry)}`;
}
