/**
 * Where a thread came from, as its `session_meta` says: Codex's `SessionSource::SubAgent(ThreadSpawn)`
 * (`source: {subagent: {thread_spawn: {parent_thread_id, depth, ...}}}`) for a spawned agent, plus
 * Loom's link to the parent's turn and call (`spawned_by`), so a child names exactly what made it.
 */
import { z } from "zod";
import type { LogEntry, SessionMeta } from "../events/index.js";

export const ThreadSpawnSource = z.looseObject({
  parent_thread_id: z.string(),
  depth: z.number().int(),
  agent_path: z.string().nullish(),
  agent_nickname: z.string().nullish(),
  agent_role: z.string().nullish(),
});
export type ThreadSpawnSource = z.infer<typeof ThreadSpawnSource>;

/** Loom: the parent's turn and tool call that spawned the thread. */
export const SpawnedBy = z.object({ thread_id: z.string(), turn_id: z.string(), call_id: z.string() });
export type SpawnedBy = z.infer<typeof SpawnedBy>;

/** What a spawned thread's `session_meta` carries beyond a plain thread's. */
export interface SpawnLink {
  source: ThreadSpawnSource;
  spawnedBy: SpawnedBy;
}

/** The `session_meta` fields of a spawned thread (Codex writes `agent_nickname` / `agent_role` at the top too). */
export function sessionMetaFields(link: SpawnLink): Record<string, unknown> {
  return {
    source: { subagent: { thread_spawn: { ...link.source, agent_path: link.source.agent_path ?? null } } },
    ...(link.source.agent_nickname ? { agent_nickname: link.source.agent_nickname } : {}),
    ...(link.source.agent_role ? { agent_role: link.source.agent_role } : {}),
    spawned_by: link.spawnedBy,
  };
}

/** The spawn link of a thread from its `session_meta`, or undefined for a thread nobody spawned. */
export function spawnLinkOf(meta: SessionMeta | null | undefined): SpawnLink | undefined {
  const source = (meta?.source as { subagent?: { thread_spawn?: unknown } } | undefined)?.subagent?.thread_spawn;
  const parsed = ThreadSpawnSource.safeParse(source);
  if (!parsed.success) return undefined;
  const by = SpawnedBy.safeParse((meta as { spawned_by?: unknown }).spawned_by);
  return {
    source: parsed.data,
    spawnedBy: by.success ? by.data : { thread_id: parsed.data.parent_thread_id, turn_id: "", call_id: "" },
  };
}

/** A thread's spawn depth: 0 for a root thread. */
export function depthOf(meta: SessionMeta | null | undefined): number {
  return spawnLinkOf(meta)?.source.depth ?? 0;
}

/** The first `session_meta` among a thread's entries (a fork's own comes after its parent's). */
export function ownSessionMeta(entries: readonly LogEntry[], threadId: string): SessionMeta | undefined {
  for (const entry of entries) if (entry.kind === "session_meta" && entry.payload.id === threadId) return entry.payload;
  return undefined;
}
