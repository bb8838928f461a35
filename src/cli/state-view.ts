/** How `loom state` shows a folded ThreadState: a JSON view and a short human summary. */
import type { ThreadState } from "../state/index.js";

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
  const lines = [
    `thread ${state.threadId}${state.name ? ` "${state.name}"` : ""} at seq ${state.seq}`,
    `turns: ${state.turns.length}${state.activeTurn ? ` (turn ${state.activeTurn} running)` : ""}`,
    `history: ${state.history.length} items`,
  ];
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
