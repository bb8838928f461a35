/**
 * The server's view of the runtime's threads: which are open (live), opening one at most once
 * however many requests race for it, and the thread list with its forks and sub-agent links.
 */
import type { Runtime } from "../runtime/runtime.js";
import type { Thread } from "../runtime/thread.js";
import type { ThreadMeta } from "../log/index.js";
import { NotFoundError } from "./errors.js";

export interface ThreadSummary extends ThreadMeta {
  /** For a sub-agent's thread (Codex `SessionSource::SubAgent(ThreadSpawn)`): its parent thread. */
  spawnedBy?: { threadId: string; depth?: number; nickname?: string; role?: string };
  cwd?: string;
  /** Open in this server (its actors run here, approvals can be answered). */
  live: boolean;
  /** For a live thread: the running turn, and how many requests wait for an answer. */
  activeTurn?: string | null;
  pendingApprovals?: number;
}

interface Origin {
  cwd?: string;
  spawnedBy?: ThreadSummary["spawnedBy"];
}

export class ThreadHub {
  readonly #opening = new Map<string, Promise<Thread>>();
  /** Seq 1 never changes: what each thread's session_meta says, read once. */
  readonly #origins = new Map<string, Origin>();

  constructor(readonly runtime: Runtime) {}

  /** The thread's metadata, or 404. */
  async meta(id: string): Promise<ThreadMeta> {
    const meta = await this.runtime.log.getThread(id);
    if (!meta) throw new NotFoundError(`unknown thread ${JSON.stringify(id)}`);
    return meta;
  }

  /** The thread open here, if it is. */
  live(id: string): Thread | undefined {
    const thread = this.runtime.openThread(id);
    return thread?.closed ? undefined : thread;
  }

  /** The live thread, opening it (resume: a turn a crash left open is repaired or continued) if needed. */
  async open(id: string): Promise<Thread> {
    const live = this.live(id);
    if (live) return live;
    await this.meta(id);
    let opening = this.#opening.get(id);
    if (!opening) {
      opening = this.runtime.resumeThread(id).finally(() => this.#opening.delete(id));
      this.#opening.set(id, opening);
    }
    return opening;
  }

  async list(): Promise<ThreadSummary[]> {
    const metas = await this.runtime.listThreads();
    return Promise.all(metas.map((meta) => this.summary(meta)));
  }

  async summary(meta: ThreadMeta): Promise<ThreadSummary> {
    const origin = await this.#origin(meta);
    const summary: ThreadSummary = { ...meta, ...origin, live: false };
    const thread = this.live(meta.id);
    if (thread) {
      const state = thread.state;
      summary.live = true;
      summary.activeTurn = state.activeTurn;
      summary.pendingApprovals = state.pendingApprovals.length;
      summary.headSeq = Math.max(meta.headSeq, state.seq);
    }
    return summary;
  }

  async #origin(meta: ThreadMeta): Promise<Origin> {
    const known = this.#origins.get(meta.id);
    if (known) return known;
    if (meta.headSeq < 1) return {};
    let origin: Origin = {};
    for await (const entry of this.runtime.log.read(meta.id, { from: 1, to: 1 })) {
      if (entry.kind !== "session_meta") break;
      // A fork reads its parent's session_meta: the spawn link belongs to the parent, not to it.
      origin = { cwd: entry.payload.cwd, spawnedBy: meta.parentId ? undefined : spawnLink(entry.payload.source) };
    }
    this.#origins.set(meta.id, origin);
    return origin;
  }
}

/** Codex serializes `SessionSource::SubAgent(SubAgentSource::ThreadSpawn{..})` as `{ subagent: { thread_spawn: {..} } }`. */
export function spawnLink(source: unknown): ThreadSummary["spawnedBy"] {
  if (typeof source !== "object" || source === null) return undefined;
  const sub = (source as Record<string, any>).subagent ?? (source as Record<string, any>).sub_agent;
  const spawn = sub?.thread_spawn;
  if (typeof spawn?.parent_thread_id !== "string") return undefined;
  return {
    threadId: spawn.parent_thread_id,
    depth: typeof spawn.depth === "number" ? spawn.depth : undefined,
    nickname: typeof spawn.agent_nickname === "string" ? spawn.agent_nickname : undefined,
    role: typeof spawn.agent_role === "string" ? spawn.agent_role : undefined,
  };
}
