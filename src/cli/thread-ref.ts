/**
 * Which thread a command means: a full id, any unique prefix of one (ids are long UUIDs), or
 * `--last`, the thread written to most recently (for `exec resume --last`, like `codex exec resume
 * --last`, among the threads started in the working directory unless `--all`).
 */
import type { EventLog, ThreadMeta } from "../log/index.js";
import { UserError } from "../runtime/errors.js";

export interface ThreadRef {
  /** The id or prefix the user typed. */
  id?: string;
  last?: boolean;
  /** With `last`: only threads whose session started in this directory. */
  cwd?: string;
}

export async function resolveThread(log: EventLog, ref: ThreadRef, usage: string): Promise<string> {
  if (ref.last) {
    if (ref.id !== undefined) throw new UserError(`give a THREAD_ID or --last, not both; usage: ${usage}`);
    return lastThread(log, ref.cwd);
  }
  if (ref.id === undefined || ref.id === "") throw new UserError(`missing THREAD_ID; usage: ${usage}`);
  if (await log.getThread(ref.id)) return ref.id;
  const matches = (await log.listThreads()).filter((meta) => meta.id.startsWith(ref.id!));
  if (matches.length === 1) return matches[0]!.id;
  if (matches.length === 0) throw new UserError(`unknown thread ${JSON.stringify(ref.id)}; \`loom threads\` lists them`);
  const shown = matches.slice(0, 5).map((meta) => meta.id).join(", ");
  throw new UserError(
    `thread id ${JSON.stringify(ref.id)} is ambiguous: ${matches.length} threads start with it (${shown}${matches.length > 5 ? ", ..." : ""}); give more of it`,
  );
}

/** The time of a thread's newest entry (what "most recent" means), and the cwd its session started in. */
async function describe(log: EventLog, meta: ThreadMeta): Promise<{ ts: string; cwd: string | undefined }> {
  let ts = meta.createdAt;
  let cwd: string | undefined;
  if (meta.headSeq > 0) {
    for await (const entry of log.read(meta.id, { from: meta.headSeq, to: meta.headSeq })) ts = entry.ts;
    for await (const entry of log.read(meta.id, { from: 1, to: 1 })) {
      if (entry.kind === "session_meta") cwd = entry.payload.cwd;
    }
  }
  return { ts, cwd };
}

async function lastThread(log: EventLog, cwd: string | undefined): Promise<string> {
  let best: { id: string; ts: string } | undefined;
  for (const meta of await log.listThreads()) {
    const { ts, cwd: started } = await describe(log, meta);
    if (cwd !== undefined && started !== cwd) continue;
    if (!best || ts > best.ts || (ts === best.ts && meta.id > best.id)) best = { id: meta.id, ts };
  }
  if (!best) {
    throw new UserError(cwd !== undefined ? `no thread was started in ${cwd} (--all looks at every thread)` : "there are no threads in this data dir");
  }
  return best.id;
}
