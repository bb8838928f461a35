/**
 * Waiting on agents (Codex's wait_agent loop, codex-rs/core/src/tools/handlers/multi_agents/wait.rs):
 * the targets already final (or not live: `not_found`) answer at once; otherwise the wait ends
 * with the first final status one reaches, plus any other target final by then, or at the deadline
 * with none. Like Codex's status watch, a wait keeps the status it saw: an agent that shuts down
 * while waited on is `shutdown`, though it is not live any more when the wait reads the others.
 */
import { isLive, waitedStatus, type AgentRecord } from "./record.js";
import { isFinal, type AgentStatus } from "./status.js";

export interface WaitRequest {
  ids: readonly string[];
  /** ms since the epoch, read against `now`. */
  deadline: number;
  now: () => number;
  signal: AbortSignal;
}

/** Resolves with every target final by the end (empty: the deadline passed, or `signal` aborted). */
export async function waitForAny(records: ReadonlyMap<string, AgentRecord>, request: WaitRequest): Promise<Map<string, AgentStatus>> {
  const { ids, signal } = request;
  const found = new Map<string, AgentStatus>();
  const watched: AgentRecord[] = [];
  for (const id of ids) {
    const record = records.get(id);
    if (!isLive(record)) found.set(id, "not_found");
    else if (isFinal(record.fold.status)) found.set(id, record.fold.status);
    else watched.push(record);
  }
  if (found.size > 0 || signal.aborted) return found;
  await new Promise<void>((resolve) => {
    const listeners = new Map<AgentRecord, (status: AgentStatus) => void>();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      for (const [record, listener] of listeners) record.listeners.delete(listener);
      resolve();
    };
    for (const record of watched) {
      const listener = (status: AgentStatus) => {
        if (!isFinal(status) || found.has(record.id)) return;
        found.set(record.id, status);
        done();
      };
      listeners.set(record, listener);
      record.listeners.add(listener);
    }
    const timer = setTimeout(done, Math.max(0, request.deadline - request.now()));
    signal.addEventListener("abort", done, { once: true });
  });
  if (found.size === 0) return found;
  // Codex takes the others that are ready too (`now_or_never`), in the order of the targets.
  const out = new Map<string, AgentStatus>();
  for (const record of watched) {
    const status = found.get(record.id) ?? waitedStatus(record);
    if (isFinal(status)) out.set(record.id, status);
  }
  return out;
}
