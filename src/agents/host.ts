/**
 * What the agent control needs from the runtime, as small ports: open threads, start a child, read
 * a thread's first entry and its log. The runtime implements them; this folder never imports it.
 */
import type { Observable } from "rxjs";
import type { AskForApproval, Event, LogEntry, ReasoningEffort, ReasoningSummary, ResponseItem, SandboxPolicy } from "../events/index.js";
import type { ThreadState } from "../state/index.js";
import type { SpawnLink } from "./source.js";

/** The part of a runtime thread the control drives. */
export interface AgentThread {
  readonly id: string;
  /** The thread's events, and the approval requests its descendants relay to it. */
  readonly events$: Observable<Event>;
  readonly entries$: Observable<LogEntry>;
  readonly state: ThreadState;
  readonly closed: boolean;
  /** Why the thread stopped by itself (its log could not be written), once it has. */
  readonly closeReason?: string;
  submit(op: Record<string, unknown>, options?: { id?: string }): Promise<string>;
  interrupt(): Promise<void>;
  close(): Promise<void>;
}

/** The settings a child starts with (its parent's turn settings, with the spawn's overrides). */
export interface ChildSettings {
  cwd: string;
  model: string;
  effort?: ReasoningEffort;
  summary?: ReasoningSummary;
  approvalPolicy: AskForApproval;
  sandboxPolicy: SandboxPolicy;
  developerInstructions?: string;
  baseInstructions?: string;
}

export interface SpawnThreadRequest {
  settings: ChildSettings;
  link: SpawnLink;
  /** The parent's history a forked child starts from (Codex's `fork_context`); empty otherwise. */
  forkedItems: ResponseItem[];
}

/** An event of a descendant, relayed to an ancestor's client: `thread_id` names the descendant. */
export interface RelayedEvent extends Event {
  thread_id: string;
}

export interface AgentHost {
  /** Starts a child thread (nothing submitted to it yet). */
  spawn(request: SpawnThreadRequest): Promise<AgentThread>;
  /** The thread open in this runtime, else resumed from the log; undefined when no such thread. */
  open(id: string): Promise<AgentThread | undefined>;
  /** The thread if it is open in this runtime. */
  openNow(id: string): AgentThread | undefined;
  /** Every thread id in the log that may be a spawned agent (log forks are left out). */
  threadIds(): Promise<string[]>;
  /** A thread's first entries (its `session_meta` when it is a thread of its own). */
  head(id: string, count: number): Promise<LogEntry[]>;
  /** A thread's whole log. */
  entries(id: string): Promise<LogEntry[]>;
  /** Hands `event` to the client of `threadId` (through that thread's `events$`). */
  relay(threadId: string, event: RelayedEvent): void;
}
