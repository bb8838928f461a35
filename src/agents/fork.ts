/**
 * What a forked sub-agent starts from (Codex's `keep_forked_rollout_item`): the parent's messages
 * from the system, developer and user, and its final answers; no tool calls, outputs or reasoning.
 */
import type { ResponseItem } from "../events/index.js";

export function forkedHistory(history: Iterable<ResponseItem>): ResponseItem[] {
  const kept: ResponseItem[] = [];
  for (const item of history) {
    if (item.type !== "message") continue;
    const { role, phase } = item as { role: string; phase?: string | null };
    if (role === "system" || role === "developer" || role === "user" || (role === "assistant" && phase === "final_answer")) kept.push(item);
  }
  return kept;
}
