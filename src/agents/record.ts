/**
 * What the agent control keeps of one live agent, and how it watches the agent's thread: its
 * status folded from the thread's log as entries become durable, the requests it relays to the
 * client of its parent, and the end of the thread itself. A wait hears of every status the agent
 * reaches, in order, and of its thread's end (closed, shut down, or failed): whatever ends an
 * agent ends the waits on it, as Codex's status watch does when its sender goes away.
 */
import type { Subscription } from "rxjs";
import type { LogEntry } from "../events/index.js";
import type { AgentThread, RelayedEvent } from "./host.js";
import { foldStatus, INITIAL_STATUS, isFinal, type AgentStatus, type StatusFold } from "./status.js";

export interface AgentRecord {
  id: string;
  parentId: string;
  rootId: string;
  depth: number;
  nickname: string | null;
  role: string | null;
  /** The status folded from the thread's log, up to `seq`. */
  fold: StatusFold;
  seq: number;
  thread: AgentThread | undefined;
  /** Explicitly closed (close_agent): not resumed with its parent, not counted. */
  closed: boolean;
  subscriptions: Subscription[];
  /** The parent thread watched for interrupts (a reopened parent is a new thread object). */
  watchedParent: AgentThread | undefined;
  /** Waits on this agent: each hears the statuses it reaches and its thread's end. */
  listeners: Set<(status: AgentStatus) => void>;
  /** Codex notifies the parent once per spawn or resume, when the agent first reaches a final status. */
  notifyParent: boolean;
}

/** What the watch tells the control. */
export interface WatchCallbacks {
  /** The agent reached `status` (in log order). */
  status(status: AgentStatus): void;
  /** The agent's thread ended (closed, shut down, or stopped by a failure). */
  ended(): void;
  /** A request the agent (or a descendant of it) asks of a person, for the client of its parent. */
  relay(event: RelayedEvent): void;
}

/** What an agent asks of a person: relayed to the client driving its parent. */
const RELAYED = new Set([
  "exec_approval_request",
  "apply_patch_approval_request",
  "request_user_input",
  "elicitation_request",
  "dynamic_tool_call_request",
]);

/**
 * Watches `record.thread`. With `history`, the status is first folded from the thread's log as
 * read now; entries published meanwhile are held back and applied after it, each once (by seq).
 */
export async function watchThread(record: AgentRecord, callbacks: WatchCallbacks, history?: () => Promise<LogEntry[]>): Promise<void> {
  const thread = record.thread!;
  let held: LogEntry[] | undefined = history ? [] : undefined;
  const apply = (entry: LogEntry) => {
    if (entry.seq <= record.seq) return;
    record.seq = entry.seq;
    const before = record.fold.status;
    record.fold = foldStatus(record.fold, entry);
    if (record.fold.status !== before) callbacks.status(record.fold.status);
  };
  record.subscriptions.push(
    thread.entries$.subscribe({
      next: (entry) => (held ? held.push(entry) : apply(entry)),
      complete: () => callbacks.ended(),
    }),
    thread.events$.subscribe((event) => {
      const relayed = (event as { thread_id?: string }).thread_id;
      if (relayed !== undefined) callbacks.relay({ ...event, thread_id: relayed });
      else if (RELAYED.has(event.msg.type)) callbacks.relay({ ...event, thread_id: record.id });
    }),
  );
  if (!history) return;
  try {
    for (const entry of await history()) {
      record.fold = foldStatus(record.fold, entry);
      record.seq = entry.seq;
    }
  } finally {
    const pending = held;
    held = undefined;
    for (const entry of pending ?? []) apply(entry);
  }
}

/** A fresh record for `thread` (its listeners carried over from the record it replaces). */
export function newRecord(
  thread: AgentThread,
  meta: Pick<AgentRecord, "parentId" | "rootId" | "depth" | "nickname" | "role">,
  previous: AgentRecord | undefined,
): AgentRecord {
  return {
    id: thread.id,
    ...meta,
    fold: INITIAL_STATUS,
    seq: 0,
    thread,
    closed: false,
    subscriptions: [],
    watchedParent: undefined,
    listeners: previous?.listeners ?? new Set(),
    notifyParent: true,
  };
}

/** The agent is live: not closed by close_agent, its thread open. */
export function isLive(record: AgentRecord | undefined): record is AgentRecord & { thread: AgentThread } {
  return record !== undefined && !record.closed && record.thread !== undefined && !record.thread.closed;
}

/**
 * How an agent a wait was watching stands: its status while its thread runs; once its thread has
 * ended, the final status it reached, else why its thread stopped (a failure), else `not_found`
 * (closed under it: Codex's status once the thread is gone).
 */
export function waitedStatus(record: AgentRecord): AgentStatus {
  const status = record.fold.status;
  if (record.thread && !record.thread.closed) return status;
  if (isFinal(status)) return status;
  const reason = record.thread?.closeReason;
  return reason ? { errored: `the agent's thread stopped: ${reason}` } : "not_found";
}
