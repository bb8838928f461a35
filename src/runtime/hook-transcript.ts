/**
 * The file a hook payload's `transcript_path` names. Codex gives its rollout file, written out
 * before each hook runs (`Session::hook_transcript_path`). Loom's truth is its log, so it keeps the
 * same file as a view of it: the thread's Codex rollout (`loom export-codex`'s lines) at
 * `<data dir>/sessions/YYYY/MM/DD/rollout-<created>-<thread id>.jsonl`, Codex's layout, brought up
 * to date (appending what the log gained) before a hook runs. Each process writes it afresh the first
 * time, so a crash or another writer never leaves it doubled or stale for long. It is never read back.
 */
import { appendFile, mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { EventLog } from "../log/index.js";
import { exportRolloutLines } from "../replay/rollout/export.js";
import { VERSION } from "./version.js";

const CHUNK_CHARS = 1 << 20;

export class HookTranscript {
  private path: string | null | undefined;
  /** The last seq already in the file this process wrote (0: nothing written yet). */
  private written = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly log: EventLog,
    private readonly threadId: string,
    private readonly dataDir: string,
  ) {}

  /** The file's path (null when the thread is gone), known before anything is written. */
  async pathOf(): Promise<string | null> {
    if (this.path === undefined) {
      const meta = await this.log.getThread(this.threadId);
      this.path = meta ? rolloutPath(this.dataDir, meta.createdAt, this.threadId) : null;
    }
    return this.path;
  }

  /**
   * Writes what the log holds beyond the file (one writer at a time). A write that fails leaves
   * the hook its path, as Codex does when it cannot materialize its rollout; the next one retries.
   */
  materialize(): Promise<void> {
    const run = this.queue.then(() => this.catchUp()).catch(() => undefined);
    this.queue = run;
    return run;
  }

  private async catchUp(): Promise<void> {
    const path = await this.pathOf();
    const head = (await this.log.getThread(this.threadId))?.headSeq ?? 0;
    if (path === null || head <= this.written) return;
    await mkdir(dirname(path), { recursive: true });
    if (this.written === 0) await writeFile(path, "");
    // Appended in bounded chunks: a long thread's first write never sits whole in memory.
    let chunk = "";
    for await (const line of exportRolloutLines(this.log, this.threadId, { from: this.written + 1, to: head, cliVersion: VERSION })) {
      chunk += `${line}\n`;
      if (chunk.length >= CHUNK_CHARS) {
        await appendFile(path, chunk);
        chunk = "";
      }
    }
    if (chunk !== "") await appendFile(path, chunk);
    this.written = head;
  }
}

/** Codex's rollout file name: its creation time (UTC here) with `-` for `:`, then the thread id. */
function rolloutPath(dataDir: string, createdAt: string, threadId: string): string {
  const [date = "", time = ""] = createdAt.split("T");
  const [year = "", month = "", day = ""] = date.split("-");
  const stamp = `${date}T${time.slice(0, 8).replaceAll(":", "-")}`;
  return join(dataDir, "sessions", year, month, day, `rollout-${stamp}-${threadId}.jsonl`);
}
