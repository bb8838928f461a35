/**
 * The buffer between commits and one subscriber: commits push chunks of entries without waiting,
 * the subscriber pulls them at its own pace. Ends (dropping what is buffered) on abort or close.
 */
export class LiveQueue<T> {
  #chunks: Array<readonly T[]> = [];
  #waiter: ((chunk: readonly T[] | null) => void) | undefined;
  #ended = false;

  constructor(private readonly signal?: AbortSignal) {
    signal?.addEventListener("abort", this.end, { once: true });
  }

  get ended(): boolean {
    return this.#ended;
  }

  push(chunk: readonly T[]): void {
    if (this.#ended) return;
    const waiter = this.#waiter;
    if (waiter) {
      this.#waiter = undefined;
      waiter(chunk);
    } else {
      this.#chunks.push(chunk);
    }
  }

  /** The next chunk, or null once ended. */
  next(): Promise<readonly T[] | null> {
    if (this.#ended) return Promise.resolve(null);
    const chunk = this.#chunks.shift();
    if (chunk) return Promise.resolve(chunk);
    return new Promise((resolve) => (this.#waiter = resolve));
  }

  readonly end = (): void => {
    if (this.#ended) return;
    this.#ended = true;
    this.#chunks = [];
    this.signal?.removeEventListener("abort", this.end);
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.(null);
  };
}
