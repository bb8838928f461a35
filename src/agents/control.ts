/**
 * The agent control (Codex's `AgentControl`, codex-rs/core/src/agent/control.rs): spawns, messages,
 * waits for, closes and resumes sub-agents. Every sub-agent is a thread of the runtime with its own
 * session actor and log; this object only keeps what Codex keeps in memory (which agents are live,
 * their nicknames, the concurrency count) and watches their events. Their status is always a fold of
 * their own log (status.ts), so it is read back after a restart.
 */
import type { LogEntry, ResponseItem, UserInputItem } from "../events/index.js";
import type { AgentHost, AgentThread, ChildSettings, RelayedEvent } from "./host.js";
import { NicknamePool } from "./nicknames.js";
import { isLive, newRecord, waitedStatus, watchThread, type AgentRecord } from "./record.js";
import { spawnLinkOf, type SpawnLink } from "./source.js";
import { isFinal, statusOf, type AgentStatus } from "./status.js";
import { waitForAny } from "./wait.js";

/** Codex's `agents.max_depth` and `agents.max_threads` defaults. */
export const DEFAULT_MAX_DEPTH = 1;
export const DEFAULT_MAX_THREADS = 6;

export interface AgentLimits {
  /** How deep spawned agents may nest (a root thread is depth 0). */
  maxDepth: number;
  /** Live sub-agents per root thread; null for no limit. */
  maxThreads: number | null;
}

/** A refusal the model is told about, in Codex's words. */
export class AgentToolError extends Error {
  override readonly name = "AgentToolError";
}

export interface SpawnRequest {
  parentId: string;
  parentDepth: number;
  turnId: string;
  callId: string;
  settings: ChildSettings;
  role: string | null;
  input: UserInputItem[];
  forkedItems: ResponseItem[];
}

/** `<subagent_notification>`: what a parent is told when a sub-agent reaches a final status. */
export function notificationText(agentId: string, status: AgentStatus): string {
  return `<subagent_notification>\n${JSON.stringify({ agent_path: agentId, status })}\n</subagent_notification>`;
}

export class AgentControl {
  private readonly agents = new Map<string, AgentRecord>();
  private readonly nicknames = new NicknamePool();
  /** Children by parent, from every thread's `session_meta` (built on first use, then kept up to date). */
  private children: Map<string, string[]> | undefined;
  /** Spawns under way, by root thread (they count against `max_threads`). */
  private readonly reserved = new Map<string, number>();
  /** Reopenings of a parent's children in flight, by parent. */
  private readonly resuming = new Map<string, Promise<void>>();

  constructor(
    private readonly host: AgentHost,
    readonly limits: AgentLimits = { maxDepth: DEFAULT_MAX_DEPTH, maxThreads: DEFAULT_MAX_THREADS },
  ) {}

  /** Spawns a child thread, hands it its input, and starts watching it. */
  async spawn(request: SpawnRequest): Promise<{ id: string; nickname: string | null; status: AgentStatus }> {
    const rootId = this.rootOf(request.parentId);
    const release = this.reserveSlot(rootId);
    try {
      return await this.spawnReserved(request, rootId);
    } finally {
      release();
    }
  }

  private async spawnReserved(request: SpawnRequest, rootId: string): Promise<{ id: string; nickname: string | null; status: AgentStatus }> {
    const nickname = this.nicknames.take();
    const link: SpawnLink = {
      source: { parent_thread_id: request.parentId, depth: request.parentDepth + 1, agent_path: null, agent_nickname: nickname, agent_role: request.role },
      spawnedBy: { thread_id: request.parentId, turn_id: request.turnId, call_id: request.callId },
    };
    let thread: AgentThread;
    try {
      thread = await this.host.spawn({ settings: request.settings, link, forkedItems: request.forkedItems });
    } catch (error) {
      this.nicknames.release(nickname);
      throw error;
    }
    (await this.childIndex()).set(request.parentId, [...(this.children!.get(request.parentId) ?? []), thread.id]);
    const { record } = this.track(thread, { parentId: request.parentId, rootId, depth: link.source.depth, nickname, role: request.role });
    await thread.submit({ type: "user_input", items: request.input });
    return { id: thread.id, nickname, status: record.fold.status };
  }

  /** Input for a live agent (Codex's `send_input`). */
  async sendInput(id: string, input: UserInputItem[]): Promise<string> {
    return this.live(id).thread.submit({ type: "user_input", items: input });
  }

  /** Stops a live agent's current task (send_input with `interrupt`). */
  async interrupt(id: string): Promise<void> {
    await this.live(id).thread.interrupt();
  }

  /**
   * Makes sure the children `parentId` left open are live again (a restarted process): the agent
   * tools call it before they look at an agent, so a resumed wait finds the agents it waits on.
   */
  ensureChildren(parentId: string): Promise<void> {
    let pending = this.resuming.get(parentId);
    if (!pending) {
      pending = this.resumeChildren(parentId).finally(() => this.resuming.delete(parentId));
      this.resuming.set(parentId, pending);
    }
    return pending;
  }

  /** The agent's status; `not_found` when it is not live in this runtime. */
  status(id: string): AgentStatus {
    const record = this.agents.get(id);
    return isLive(record) ? record.fold.status : "not_found";
  }

  /** The nickname and role the agent was spawned with, when known. */
  metadata(id: string): { nickname: string | null; role: string | null } {
    const record = this.agents.get(id);
    return { nickname: record?.nickname ?? null, role: record?.role ?? null };
  }

  /**
   * Waits until one of `ids` reaches a final status, or until `deadline` (ms since the epoch, read
   * against `now`). Resolves with every target final by then (empty: timed out or aborted). An
   * agent that is not live counts as final (`not_found`), as in Codex; one whose thread ends while
   * waited on ends the wait (see wait.ts).
   */
  waitAny(ids: readonly string[], deadline: number, now: () => number, signal: AbortSignal): Promise<Map<string, AgentStatus>> {
    return waitForAny(this.agents, { ids, deadline, now, signal });
  }

  /** Closes an agent and its live descendants; resolves with its status before the close. */
  async close(id: string): Promise<AgentStatus> {
    const record = this.live(id);
    const previous = record.fold.status;
    record.closed = true;
    const descendants = this.liveDescendants(id);
    await this.shutdown(record);
    for (const descendant of descendants) await this.shutdown(descendant).catch(() => undefined);
    return previous;
  }

  /**
   * Resumes a closed agent (Codex's `resume_agent`): a live one is left as it is; one that is not
   * live is reopened from its log with its open descendants. Throws when no such thread exists.
   */
  async resume(id: string, callerId: string): Promise<AgentStatus> {
    const existing = this.agents.get(id);
    if (isLive(existing)) return existing.fold.status;
    const link = await this.linkOf(id);
    if (!link) throw new AgentToolError(`agent with id ${id} not found`);
    const rootId = this.rootOf(callerId);
    const release = this.reserveSlot(rootId);
    try {
      const before = statusOf(await this.host.entries(id));
      const thread = await this.host.open(id);
      if (!thread) throw new AgentToolError(`agent with id ${id} not found`);
      await this.attachExisting(thread, link, rootId, before);
    } finally {
      release();
    }
    await this.resumeChildren(id);
    return this.status(id);
  }

  /**
   * Reopens the open children of a thread just reopened (Codex resumes every descendant whose spawn
   * edge is still open): an agent its parent closed stays closed.
   */
  async resumeChildren(parentId: string): Promise<void> {
    const children = (await this.childIndex()).get(parentId) ?? [];
    for (const childId of children) {
      const known = this.agents.get(childId);
      if (known?.closed) continue;
      if (known?.thread && !known.thread.closed) {
        this.watchParent(known);
        continue;
      }
      const before = statusOf(await this.host.entries(childId));
      if (before === "shutdown") continue;
      const link = await this.linkOf(childId);
      const thread = link && (await this.host.open(childId));
      if (!link || !thread) continue;
      await this.attachExisting(thread, link, this.rootOf(parentId), before);
      await this.resumeChildren(childId);
    }
  }

  /** The open children of a thread, in spawn order, as Codex lists them in `<subagents>`. */
  openChildren(parentId: string): { id: string; nickname: string | null }[] {
    return [...this.agents.values()]
      .filter((record) => record.parentId === parentId && isLive(record) && record.fold.status !== "shutdown")
      .map((record) => ({ id: record.id, nickname: record.nickname }));
  }

  /**
   * An answer a client sent to `threadId` for a request one of its live descendants asked: handed to
   * that descendant. Resolves with the descendant's submission id, or undefined when none asked it.
   */
  async routeAnswer(threadId: string, op: Record<string, unknown>): Promise<string | undefined> {
    const id = op.id;
    if (typeof id !== "string") return undefined;
    for (const record of this.liveDescendants(threadId)) {
      const pending = record.thread.state.pendingApprovals;
      if (pending.some((p) => p.id === id || p.turnId === id)) return record.thread.submit(op);
    }
    return undefined;
  }

  /**
   * What live descendants of `threadId` wait on a person for, as relayed events: a client opening
   * the thread (a resume) is asked again, as it is for the thread's own requests.
   */
  pendingRequests(threadId: string): RelayedEvent[] {
    return this.liveDescendants(threadId).flatMap((record) =>
      record.thread.state.pendingApprovals.map((pending) => ({ id: pending.turnId ?? "", msg: pending.request, thread_id: record.id })),
    );
  }

  /** Stops watching everything (the runtime is closing). */
  dispose(): void {
    for (const record of this.agents.values()) for (const subscription of record.subscriptions) subscription.unsubscribe();
  }

  private live(id: string): AgentRecord & { thread: AgentThread } {
    const record = this.agents.get(id);
    if (!isLive(record)) throw new AgentToolError(`agent with id ${id} not found`);
    return record;
  }

  private liveDescendants(id: string): (AgentRecord & { thread: AgentThread })[] {
    const out: (AgentRecord & { thread: AgentThread })[] = [];
    const visit = (parentId: string) => {
      for (const record of this.agents.values()) {
        if (record.parentId !== parentId || !record.thread || record.thread.closed) continue;
        out.push(record as AgentRecord & { thread: AgentThread });
        visit(record.id);
      }
    };
    visit(id);
    return out;
  }

  private rootOf(threadId: string): string {
    return this.agents.get(threadId)?.rootId ?? threadId;
  }

  /**
   * Codex's `reserve_spawn_slot`: live agents under one root, and spawns under way, stay within
   * `max_threads`. The returned function gives the reservation back once the agent is tracked (or failed).
   */
  private reserveSlot(rootId: string): () => void {
    const max = this.limits.maxThreads;
    const reserved = this.reserved.get(rootId) ?? 0;
    if (max !== null) {
      const live = [...this.agents.values()].filter((r) => r.rootId === rootId && isLive(r)).length;
      if (live + reserved >= max) throw new AgentToolError(`collab spawn failed: agent thread limit reached (max ${max})`);
    }
    this.reserved.set(rootId, reserved + 1);
    return () => this.reserved.set(rootId, (this.reserved.get(rootId) ?? 1) - 1);
  }

  private async linkOf(id: string): Promise<SpawnLink | undefined> {
    const [first] = await this.host.head(id, 1);
    if (first?.kind !== "session_meta" || first.payload.id !== id) return undefined;
    return spawnLinkOf(first.payload);
  }

  private async childIndex(): Promise<Map<string, string[]>> {
    if (this.children) return this.children;
    const index = new Map<string, string[]>();
    for (const id of await this.host.threadIds()) {
      const link = await this.linkOf(id).catch(() => undefined);
      if (link) index.set(link.source.parent_thread_id, [...(index.get(link.source.parent_thread_id) ?? []), id]);
    }
    this.children ??= index;
    return this.children;
  }

  /**
   * Watches a thread reopened from its log: its status is what its log leaves it in. `before` is
   * the status before the reopening: one the reopening made final (a turn the process's death cut
   * short) is told to the parent, as any agent's end is, before this resolves (so a wait that
   * reads it next finds the notification in the parent's history already).
   */
  private async attachExisting(thread: AgentThread, link: SpawnLink, rootId: string, before: AgentStatus): Promise<void> {
    const meta = { parentId: link.source.parent_thread_id, rootId, depth: link.source.depth, nickname: link.source.agent_nickname ?? null, role: link.source.agent_role ?? null };
    const { record, ready } = this.track(thread, meta, { history: () => this.host.entries(thread.id), notifyParent: !isFinal(before) });
    if (record.nickname) this.nicknames.hold(record.nickname);
    await ready;
  }

  /**
   * Watches `thread` as an agent. With `history`, its status starts as its log leaves it, and
   * `ready` resolves once that status (when final) has been handled like any later one.
   */
  private track(
    thread: AgentThread,
    meta: { parentId: string; rootId: string; depth: number; nickname: string | null; role: string | null },
    options: { history?: () => Promise<LogEntry[]>; notifyParent?: boolean } = {},
  ): { record: AgentRecord; ready: Promise<void> } {
    const previous = this.agents.get(thread.id);
    for (const subscription of previous?.subscriptions ?? []) subscription.unsubscribe();
    const record = newRecord(thread, meta, previous);
    record.notifyParent = options.notifyParent ?? true;
    this.agents.set(thread.id, record);
    // Statuses are handled in log order; a final one first reaches the parent's history, then the
    // waits: the notification is in the parent's next request whatever ends the wait.
    let chain = Promise.resolve();
    const next = (status: AgentStatus) => {
      chain = chain.then(() => this.onStatus(record, status)).catch(() => undefined);
    };
    const callbacks = { status: next, ended: () => next(waitedStatus(record)), relay: (event: RelayedEvent) => this.host.relay(record.parentId, event) };
    const ready = watchThread(record, callbacks, options.history).then(() => {
      if (options.history && isFinal(record.fold.status)) next(record.fold.status);
      return chain;
    });
    this.watchParent(record);
    return { record, ready };
  }

  /** Interrupting the parent interrupts the child (its running turn); watched once per parent thread. */
  private watchParent(record: AgentRecord): void {
    const parent = this.host.openNow(record.parentId);
    if (!parent || record.watchedParent === parent) return;
    record.watchedParent = parent;
    record.subscriptions.push(
      parent.entries$.subscribe((entry) => {
        if (entry.kind !== "submission" || entry.payload.op.type !== "interrupt") return;
        if (record.fold.status === "running" && isLive(record)) void record.thread.interrupt().catch(() => undefined);
      }),
    );
  }

  private async onStatus(record: AgentRecord, status: AgentStatus): Promise<void> {
    if (isFinal(status) && record.notifyParent) {
      record.notifyParent = false;
      const parent = this.host.openNow(record.parentId);
      if (parent && !parent.closed) {
        const text = notificationText(record.id, status);
        await parent
          .submit({ type: "inject_response_items", items: [{ type: "message", role: "user", content: [{ type: "input_text", text }] }] })
          .catch(() => undefined);
      }
    }
    for (const listener of [...record.listeners]) listener(status);
  }

  private async shutdown(record: AgentRecord): Promise<void> {
    record.closed = true;
    const thread = record.thread;
    if (!thread || thread.closed) return;
    if (record.fold.status !== "shutdown") {
      const done = new Promise<void>((resolve) => {
        const sub = thread.events$.subscribe({
          next: (event) => {
            if (event.msg.type === "shutdown_complete") {
              sub.unsubscribe();
              resolve();
            }
          },
          complete: () => resolve(),
        });
      });
      await thread.submit({ type: "shutdown" }).catch(() => undefined);
      await done;
    }
    await thread.close();
    if (record.nickname) this.nicknames.release(record.nickname);
  }
}
