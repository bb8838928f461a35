/**
 * One unified exec process (Codex `unified_exec/process.rs`): its output waiting for the next call
 * to read it, the transcript its `exec_command_end` reports, its exit, and the wait a call does
 * for output (`collect_output_until_deadline`). Every wait has a deadline; nothing here sleeps on
 * a fixed time except that deadline.
 */
import { HeadTailBuffer } from "./head-tail-buffer.js";
import type { SpawnedProcess } from "./spawn.js";

/** How long a freshly started process may take to exit before it counts as long-running. */
export const EARLY_EXIT_GRACE_MS = 150;
/** After the exit, how long a call still waits for the last output (Codex's POST_EXIT_CLOSE_WAIT_CAP). */
const POST_EXIT_CLOSE_WAIT_MS = 50;

export interface SessionInfo {
  id: number;
  callId: string;
  turnId: string;
  command: string[];
  cwd: string;
  tty: boolean;
}

export class ExecSession {
  /** Output not yet handed to a call. */
  private readonly pending = new HeadTailBuffer();
  /** Everything kept for exec_command_end (bounded the same way). */
  readonly transcript = new HeadTailBuffer();
  exitCode: number | null = null;
  exited = false;
  lastUsed: number;
  readonly startedAt: number;
  private readonly wakers = new Set<() => void>();
  private readonly outputListeners = new Set<(chunk: Buffer) => void>();
  /** Resolves once the process is gone and its output read. */
  readonly done: Promise<void>;

  constructor(
    readonly info: SessionInfo,
    readonly process: SpawnedProcess,
    now: number,
  ) {
    this.startedAt = now;
    this.lastUsed = now;
    process.onData((chunk) => {
      this.pending.push(chunk);
      this.transcript.push(chunk);
      for (const listener of this.outputListeners) listener(chunk);
      this.wake();
    });
    this.done = process.exited.then((code) => {
      this.exitCode = code;
      this.exited = true;
      this.wake();
    });
  }

  /** Live output, for exec_command_output_delta events. */
  onOutput(listener: (chunk: Buffer) => void): () => void {
    this.outputListeners.add(listener);
    return () => this.outputListeners.delete(listener);
  }

  /** Waits up to `ms` for the process to exit (the early-exit grace of a new process). */
  async settle(ms: number): Promise<void> {
    if (this.exited) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.done, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
  }

  write(data: string): Promise<void> {
    this.lastUsed = Date.now();
    return this.process.write(data);
  }

  kill(): void {
    this.process.kill();
  }

  /**
   * Collects output until `deadline` (ms since epoch), returning early once the process has exited
   * and its output is read. An abort ends the wait with what was collected. What one call collects
   * is bounded like the process's own buffer (head and tail); `bytes` counts all of it.
   */
  async collect(deadline: number, signal?: AbortSignal): Promise<{ raw: Buffer; bytes: number }> {
    const collected = new HeadTailBuffer();
    let bytes = 0;
    let postExitDeadline: number | undefined;
    for (;;) {
      const chunk = this.pending.drain();
      if (chunk.length > 0) {
        collected.push(chunk);
        bytes += chunk.length;
        if (Date.now() >= deadline) break;
        continue;
      }
      if (signal?.aborted) break;
      const now = Date.now();
      const remaining = deadline - now;
      if (remaining <= 0) break;
      if (this.exited) {
        // `exited` is set once the output is read, so only a last chunk can still be on its way.
        postExitDeadline ??= now + Math.min(remaining, POST_EXIT_CLOSE_WAIT_MS);
        if (now >= postExitDeadline) break;
        await this.waitForChange(postExitDeadline - now, signal);
        if (this.pending.retainedBytes === 0) break;
        continue;
      }
      await this.waitForChange(remaining, signal);
    }
    return { raw: collected.toBuffer(), bytes };
  }

  private waitForChange(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.wakers.delete(finish);
        signal?.removeEventListener("abort", finish);
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.wakers.add(finish);
      signal?.addEventListener("abort", finish, { once: true });
    });
  }

  private wake(): void {
    for (const waker of [...this.wakers]) waker();
  }
}
