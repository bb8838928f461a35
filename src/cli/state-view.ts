/** How `loom state` shows a folded ThreadState: a JSON view and a short human summary. */
import type { PendingApproval, ThreadState } from "../state/index.js";

/** One line for a request the thread waits on, saying what would answer it. */
export function describePending(pending: PendingApproval): string {
  const clip = (text: string, max = 80) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
  switch (pending.kind) {
    case "exec":
      return `exec approval for \`${clip(pending.request.command.join(" "))}\` (exec_approval id ${pending.id}, seq ${pending.seq})`;
    case "patch": {
      const files = Object.keys(pending.request.changes);
      return `patch approval for ${clip(files.join(", "))} (patch_approval id ${pending.id}, seq ${pending.seq})`;
    }
    case "user_input":
      return `an answer to ${pending.request.questions.length} question(s) (user_input_answer id ${pending.id}, seq ${pending.seq})`;
    case "dynamic_tool":
      return `the host tool ${pending.request.tool} (dynamic_tool_response id ${pending.id}, seq ${pending.seq})`;
    case "elicitation":
      return `${pending.request.server_name}'s question "${clip(pending.request.message)}" (resolve_elicitation id ${pending.id}, seq ${pending.seq})`;
    default: {
      const unreachable: never = pending;
      return String(unreachable);
    }
  }
}

export function stateToJson(state: ThreadState): Record<string, unknown> {
  return {
    threadId: state.threadId,
    name: state.name,
    seq: state.seq,
    activeTurn: state.activeTurn,
    history: state.history,
    turns: state.turns,
    tokenUsage: state.tokenUsage,
    referenceContext: state.referenceContext,
    previousTurnSettings: state.previousTurnSettings,
    pendingApprovals: state.pendingApprovals,
    unansweredCalls: state.unansweredCalls,
  };
}

export function describeState(state: ThreadState): string[] {
  const waiting = state.pendingApprovals.length > 0 ? ", waiting on a request" : "";
  const lines = [
    `thread ${state.threadId}${state.name ? ` "${state.name}"` : ""} at seq ${state.seq}`,
    `turns: ${state.turns.length}${state.activeTurn ? ` (turn ${state.activeTurn} running${waiting})` : ""}`,
  ];
  for (const pending of state.pendingApprovals) lines.push(`waiting on: ${describePending(pending)}`);
  lines.push(`history: ${state.history.length} items`);
  const usage = state.tokenUsage?.total_token_usage;
  if (usage) lines.push(`tokens: ${usage.total_tokens} total (${usage.input_tokens} in, ${usage.output_tokens} out)`);
  for (const item of state.history) {
    if (item.type === "message") {
      const text = item.content.map((part) => ("text" in part ? part.text : "[image]")).join(" ").replace(/\s+/g, " ");
      lines.push(`  ${item.role}: ${text.length > 100 ? `${text.slice(0, 99)}…` : text}`);
    } else if (item.type === "function_call") lines.push(`  call ${item.name}(${item.arguments.slice(0, 60)})`);
    else if (item.type === "function_call_output" || item.type === "custom_tool_call_output") {
      const output = typeof item.output === "string" ? item.output : JSON.stringify(item.output);
      lines.push(`  output: ${output.replace(/\s+/g, " ").slice(0, 80)}`);
    } else lines.push(`  ${item.type}`);
  }
  return lines;
}

function itemLine(item: import("../events/index.js").ResponseItem): string {
  switch (item.type) {
    case "message": {
      const text = item.content.map((part) => ("text" in part ? part.text : "[image]")).join(" ").replace(/\s+/g, " ");
      return `${item.role}: ${text.length > 80 ? `${text.slice(0, 79)}…` : text}`;
    }
    case "function_call":
      return `call ${item.name}(${item.arguments.slice(0, 60)})`;
    case "function_call_output":
    case "custom_tool_call_output": {
      const output = typeof item.output === "string" ? item.output : JSON.stringify(item.output);
      return `output ${item.call_id}: ${output.replace(/\s+/g, " ").slice(0, 60)}`;
    }
    default:
      return item.type;
  }
}

/** What changed in the folded state between two points of a thread (for `loom diff`). */
export function diffStates(before: ThreadState, after: ThreadState): string[] {
  const lines = [`seq ${before.seq} -> ${after.seq}`];
  const a = before.history.toArray();
  const b = after.history.toArray();
  let common = 0;
  while (common < a.length && common < b.length && JSON.stringify(a[common]) === JSON.stringify(b[common])) common++;
  if (common < a.length) lines.push(`history: ${a.length - common} item(s) removed (rollback or compaction)`);
  for (const item of a.slice(common)) lines.push(`  - ${itemLine(item)}`);
  if (common < b.length) lines.push(`history: ${b.length - common} item(s) added`);
  for (const item of b.slice(common)) lines.push(`  + ${itemLine(item)}`);
  const turnsBefore = new Map(before.turns.map((t) => [t.id, t]));
  for (const turn of after.turns) {
    const old = turnsBefore.get(turn.id);
    if (!old) lines.push(`turn ${turn.id}: new, ${turn.status}${turn.userMessage ? ` "${turn.userMessage.slice(0, 60)}"` : ""}`);
    else if (old.status !== turn.status) lines.push(`turn ${turn.id}: ${old.status} -> ${turn.status}`);
  }
  for (const turn of before.turns) if (!after.turns.some((t) => t.id === turn.id)) lines.push(`turn ${turn.id}: dropped`);
  const tokensBefore = before.tokenUsage?.total_token_usage.total_tokens ?? 0;
  const tokensAfter = after.tokenUsage?.total_token_usage.total_tokens ?? 0;
  if (tokensBefore !== tokensAfter) lines.push(`tokens: ${tokensBefore} -> ${tokensAfter}`);
  const pendingBefore = before.pendingApprovals.map((p) => p.id).join(",");
  const pendingAfter = after.pendingApprovals.map((p) => p.id).join(",");
  if (pendingBefore !== pendingAfter) lines.push(`pending requests: [${pendingBefore}] -> [${pendingAfter}]`);
  if (JSON.stringify(before.referenceContext) !== JSON.stringify(after.referenceContext)) {
    lines.push(`reference context: ${before.referenceContext?.turn_id ?? "none"} -> ${after.referenceContext?.turn_id ?? "none"}`);
  }
  if (before.name !== after.name) lines.push(`name: ${before.name ?? "(none)"} -> ${after.name ?? "(none)"}`);
  return lines;
}
