/**
 * Flattens chunks (as storage iterators deliver them) into single entries without an async
 * generator per entry: a buffered entry costs one resolved promise, which keeps `read` fast.
 */
export function flatten<T>(source: AsyncIterable<readonly T[]>): AsyncIterableIterator<T> {
  const chunks = source[Symbol.asyncIterator]();
  let buffer: readonly T[] = [];
  let index = 0;
  let done = false;

  async function pull(): Promise<IteratorResult<T>> {
    while (!done) {
      const result = await chunks.next();
      if (result.done) break;
      buffer = result.value;
      index = 0;
      if (buffer.length > 0) return { value: buffer[index++], done: false };
    }
    done = true;
    return { value: undefined, done: true };
  }

  return {
    next(): Promise<IteratorResult<T>> {
      if (index < buffer.length) return Promise.resolve({ value: buffer[index++], done: false });
      return pull();
    },
    async return(): Promise<IteratorResult<T>> {
      // An early `break` must release the storage iterator (a LevelDB snapshot) now, not at GC.
      done = true;
      buffer = [];
      await chunks.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
