/**
 * Group commit: writes requested in the same tick go to storage as one batch, and while a batch is
 * being written the next one accumulates. One batch is in flight at a time, so batches commit in
 * the order their seqs were assigned, and a pipelining writer gets batches as large as its backlog.
 */
export class GroupCommit<T> {
  #pending: T[] = [];
  #scheduled = false;
  #writing = false;
  #idle: Array<() => void> = [];

  /** `writeGroup` settles every item itself and must not reject. */
  constructor(private readonly writeGroup: (group: T[]) => Promise<void>) {}

  enqueue(item: T): void {
    this.#pending.push(item);
    this.#schedule();
  }

  /** Removes (and returns) queued items not yet handed to a write, e.g. those a failed batch invalidates. */
  take(predicate: (item: T) => boolean): T[] {
    const taken = this.#pending.filter(predicate);
    if (taken.length > 0) this.#pending = this.#pending.filter((item) => !predicate(item));
    return taken;
  }

  /** Resolves once everything enqueued so far (and anything enqueued meanwhile) has been written. */
  drained(): Promise<void> {
    if (!this.#writing && !this.#scheduled && this.#pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #schedule(): void {
    if (this.#scheduled || this.#writing) return;
    this.#scheduled = true;
    // setImmediate rather than a microtask: it runs after every promise continuation of the current
    // tick, so appends made by continuations of the previous batch's acknowledgements join this one.
    setImmediate(() => void this.#flush());
  }

  async #flush(): Promise<void> {
    this.#scheduled = false;
    const group = this.#pending;
    this.#pending = [];
    if (group.length > 0) {
      this.#writing = true;
      try {
        await this.writeGroup(group);
      } finally {
        this.#writing = false;
      }
    }
    if (this.#pending.length > 0) {
      this.#schedule();
      return;
    }
    const idle = this.#idle;
    this.#idle = [];
    for (const resolve of idle) resolve();
  }
}
