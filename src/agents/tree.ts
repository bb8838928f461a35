/**
 * The threads of a log as a tree: each sub-agent under the thread that spawned it (read from its
 * `session_meta`), in the log's order otherwise. What `loom threads` prints.
 */
import type { EventLog, ThreadMeta } from "../log/index.js";
import { spawnLinkOf, type SpawnLink } from "./source.js";

export interface ThreadNode {
  meta: ThreadMeta;
  /** Set for a sub-agent: its parent, depth, nickname, role, and the parent's turn and call. */
  link?: SpawnLink;
  /** 0 for a thread nobody spawned (or whose parent is not in the log). */
  level: number;
}

export async function threadTree(log: EventLog): Promise<ThreadNode[]> {
  const metas = await log.listThreads();
  const links = new Map<string, SpawnLink>();
  for (const meta of metas) {
    // A log fork starts with its source's session_meta: it is never a spawned agent.
    if (meta.parentId !== undefined) continue;
    for await (const entry of log.read(meta.id, { from: 1, to: 1 })) {
      const link = entry.kind === "session_meta" && entry.payload.id === meta.id ? spawnLinkOf(entry.payload) : undefined;
      if (link) links.set(meta.id, link);
    }
  }
  const known = new Set(metas.map((meta) => meta.id));
  const children = new Map<string, ThreadMeta[]>();
  const roots: ThreadMeta[] = [];
  for (const meta of metas) {
    const parent = links.get(meta.id)?.source.parent_thread_id;
    if (parent && known.has(parent) && parent !== meta.id) children.set(parent, [...(children.get(parent) ?? []), meta]);
    else roots.push(meta);
  }
  const out: ThreadNode[] = [];
  const seen = new Set<string>();
  const visit = (meta: ThreadMeta, level: number) => {
    if (seen.has(meta.id)) return;
    seen.add(meta.id);
    out.push({ meta, link: links.get(meta.id), level });
    for (const child of children.get(meta.id) ?? []) visit(child, level + 1);
  };
  for (const root of roots) visit(root, 0);
  // A cycle of links (a hand-edited log) leaves threads unvisited: list them at the top level.
  for (const meta of metas) visit(meta, 0);
  return out;
}
