/**
 * The runtime's side of thread leases: on a log many processes share (PostgreSQL), a runtime writes
 * a thread only while it holds the thread's lease. It takes the lease when it starts or resumes the
 * thread, gives it up when the thread closes, and closes the thread (as a crash would: nothing more
 * is written) when the lease is lost. On a single-process log (LevelDB, memory) all of this is a no-op.
 */
import { isLeasingLog, type EventLog, type ThreadLease } from "../log/index.js";

export class RuntimeLeases {
  readonly #held = new Map<string, ThreadLease>();

  constructor(private readonly log: EventLog) {}

  /**
   * Takes the thread's lease (true), or does nothing on a single-process log (false); rejects with
   * `ThreadBusyError` naming the worker that holds it, this one included.
   */
  async take(threadId: string): Promise<boolean> {
    if (!isLeasingLog(this.log)) return false;
    this.#held.set(threadId, await this.log.acquireLease(threadId));
    return true;
  }

  /** When the lease is lost, `thread` is closed. */
  watch(threadId: string, thread: { close(): Promise<void> }): void {
    const lease = this.#held.get(threadId);
    if (!lease) return;
    const onLost = () => void thread.close().catch(() => undefined);
    if (lease.signal.aborted) onLost();
    else lease.signal.addEventListener("abort", onLost, { once: true });
  }

  async release(threadId: string): Promise<void> {
    const lease = this.#held.get(threadId);
    if (!lease) return;
    this.#held.delete(threadId);
    await lease.release();
  }

  /** Runs `open` under the thread's lease, giving the lease back if it fails. */
  async holding<T>(threadId: string, open: () => Promise<T>): Promise<T> {
    const took = await this.take(threadId);
    try {
      return await open();
    } catch (error) {
      if (took) await this.release(threadId);
      throw error;
    }
  }
}
