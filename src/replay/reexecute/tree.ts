/**
 * Replay of a thread and every sub-agent it spawned: each thread re-executes against its own
 * recording (the parent's agent tools answer from its log, each child runs its own turns again),
 * parents before children, in the order they were spawned. The first divergence is reported with
 * the thread it is in.
 */
import type { EventLog } from "../../log/index.js";
import { spawnLinkOf } from "../../agents/index.js";
import { replayThread, type ReplayOptions, type ReplayReport } from "./replay.js";

export interface TreeReplayReport extends ReplayReport {
  /** The threads replayed, the root first. */
  threads: string[];
}

/** The threads whose `session_meta` names `parentId` as their parent, oldest first. */
export async function childThreads(log: EventLog, parentId: string): Promise<string[]> {
  const children: { id: string; createdAt: string }[] = [];
  for (const meta of await log.listThreads()) {
    for await (const entry of log.read(meta.id, { from: 1, to: 1 })) {
      if (entry.kind !== "session_meta" || entry.payload.id !== meta.id) continue;
      if (spawnLinkOf(entry.payload)?.source.parent_thread_id === parentId) children.push({ id: meta.id, createdAt: meta.createdAt });
    }
  }
  return children.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id)).map((child) => child.id);
}

export async function replayTree(log: EventLog, threadId: string, options: ReplayOptions = {}): Promise<TreeReplayReport> {
  const report: TreeReplayReport = { replayed: 0, fromSeq: options.fromSeq ?? 1, threads: [] };
  const visit = async (id: string, own: ReplayOptions): Promise<boolean> => {
    const result = await replayThread(log, id, own);
    report.threads.push(id);
    report.replayed += result.replayed;
    if (id === threadId) report.fromSeq = result.fromSeq;
    if (result.divergence) {
      report.divergence = id === threadId ? result.divergence : { ...result.divergence, threadId: id };
      return false;
    }
    for (const child of await childThreads(log, id)) {
      // `--from` names a seq of the root thread; its sub-agents replay whole.
      if (!(await visit(child, { ...own, fromSeq: undefined }))) return false;
    }
    return true;
  };
  await visit(threadId, options);
  return report;
}
