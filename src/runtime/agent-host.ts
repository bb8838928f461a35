/**
 * The runtime side of sub-agents: the ports the agent control drives (src/agents/host.ts), over
 * this runtime's threads and log, and the relay that hands a descendant's requests to the client
 * of its ancestor. Kept out of runtime.ts, which only creates it.
 */
import { Subject } from "../bus/rx.js";
import type { LogEntry } from "../events/index.js";
import type { EventLog } from "../log/index.js";
import { agentToolHandlers, type AgentControl, type AgentHost, type AgentThread, type AgentToolDeps, type RelayedEvent, type SpawnThreadRequest } from "../agents/index.js";
import type { ToolHandler } from "../actors/tools/index.js";
import type { Thread } from "./thread.js";

export interface AgentHostParts {
  log: EventLog;
  /** Starts a child thread of this runtime. */
  spawn(request: SpawnThreadRequest): Promise<Thread>;
  /** Reopens a thread (without reopening its children: the control does that). */
  reopen(id: string): Promise<Thread>;
  openNow(id: string): Thread | undefined;
}

export class RuntimeAgentHost implements AgentHost {
  /** Relayed requests of descendants, by the thread whose client should see them. */
  private readonly relays = new Map<string, Subject<RelayedEvent>>();

  constructor(private readonly parts: AgentHostParts) {}

  /** The stream a thread merges into its `events$` (created on first use, kept across reopenings). */
  relayed(threadId: string): Subject<RelayedEvent> {
    let subject = this.relays.get(threadId);
    if (!subject) {
      subject = new Subject();
      this.relays.set(threadId, subject);
    }
    return subject;
  }

  spawn(request: SpawnThreadRequest): Promise<AgentThread> {
    return this.parts.spawn(request);
  }

  async open(id: string): Promise<AgentThread | undefined> {
    if (!(await this.parts.log.getThread(id))) return undefined;
    return this.parts.openNow(id) ?? this.parts.reopen(id);
  }

  openNow(id: string): AgentThread | undefined {
    const thread = this.parts.openNow(id);
    return thread && !thread.closed ? thread : undefined;
  }

  async threadIds(): Promise<string[]> {
    // A log fork starts with its source's session_meta, so it is never a spawned agent: a resume
    // reads the first entry of each thread left, not of every fork.
    return (await this.parts.log.listThreads()).filter((meta) => meta.parentId === undefined).map((meta) => meta.id);
  }

  async head(id: string, count: number): Promise<LogEntry[]> {
    const out: LogEntry[] = [];
    for await (const entry of this.parts.log.read(id, { from: 1, to: count })) out.push(entry);
    return out;
  }

  async entries(id: string): Promise<LogEntry[]> {
    const out: LogEntry[] = [];
    for await (const entry of this.parts.log.read(id)) out.push(entry);
    return out;
  }

  relay(threadId: string, event: RelayedEvent): void {
    this.relayed(threadId).next(event);
  }
}

/** A thread's agent tools: none at the depth limit (Codex turns the feature off for such a child). */
export function agentToolsFor(control: AgentControl, deps: Omit<AgentToolDeps, "control">): ToolHandler[] {
  return deps.depth < control.limits.maxDepth ? agentToolHandlers({ control, ...deps }) : [];
}

/** Codex's `<subagents>` lines: `- <id>: <nickname>` for each open sub-agent of the thread. */
export function subagentLines(control: AgentControl, threadId: string): string {
  return control
    .openChildren(threadId)
    .map((child) => (child.nickname ? `- ${child.id}: ${child.nickname}` : `- ${child.id}`))
    .join("\n");
}
