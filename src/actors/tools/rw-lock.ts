/**
 * A readers-writer lock for a thread's tool calls (Codex runs calls that do not support parallel
 * execution under a write lock, `tools/parallel.rs`). Commands share it; apply_patch takes it alone,
 * so no command of the thread can move a path between the patch's check and its writes. Waiters
 * are served in arrival order, so a patch is not starved by a stream of commands.
 */
export class RwLock {
  private readers = 0;
  private writer = false;
  private readonly queue: { exclusive: boolean; start: () => void }[] = [];

  shared<T>(work: () => Promise<T>): Promise<T> {
    return this.run(false, work);
  }

  exclusive<T>(work: () => Promise<T>): Promise<T> {
    return this.run(true, work);
  }

  private async run<T>(exclusive: boolean, work: () => Promise<T>): Promise<T> {
    await new Promise<void>((start) => {
      this.queue.push({ exclusive, start });
      this.pump();
    });
    try {
      return await work();
    } finally {
      if (exclusive) this.writer = false;
      else this.readers -= 1;
      this.pump();
    }
  }

  private pump(): void {
    while (this.queue.length > 0 && !this.writer) {
      const next = this.queue[0]!;
      if (next.exclusive) {
        if (this.readers > 0) return;
        this.writer = true;
      } else {
        this.readers += 1;
      }
      this.queue.shift();
      next.start();
    }
  }
}
