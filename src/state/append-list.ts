/**
 * An immutable list that many states share: a backing array that only ever grows, and a length per
 * list. `push` on the newest list appends in place (O(1)), so folding N entries never copies the
 * history per entry; `push` on an older or truncated list copies its prefix first (a branch), so a
 * list, once made, never changes. It serializes as a plain JSON array.
 */
export class AppendList<T> implements Iterable<T> {
  static readonly #EMPTY = new AppendList<never>([], 0);

  readonly #buffer: T[];
  readonly length: number;

  private constructor(buffer: T[], length: number) {
    this.#buffer = buffer;
    this.length = length;
  }

  static empty<T>(): AppendList<T> {
    return AppendList.#EMPTY as AppendList<T>;
  }

  /** A list of `items` (copied, so the caller's array may change later). */
  static from<T>(items: Iterable<T>): AppendList<T> {
    const buffer = [...items];
    return buffer.length === 0 ? AppendList.empty<T>() : new AppendList(buffer, buffer.length);
  }

  /** A list over `items` itself, without a copy: the caller hands the array over and must not touch it again. */
  static adopt<T>(items: T[]): AppendList<T> {
    return items.length === 0 ? AppendList.empty<T>() : new AppendList(items, items.length);
  }

  at(index: number): T | undefined {
    if (index < 0) index += this.length;
    return index >= 0 && index < this.length ? this.#buffer[index] : undefined;
  }

  last(): T | undefined {
    return this.length > 0 ? this.#buffer[this.length - 1] : undefined;
  }

  push(...items: T[]): AppendList<T> {
    return this.concat(items);
  }

  /** `push` of an array's items, without spreading it into arguments (it may be long). */
  concat(items: readonly T[]): AppendList<T> {
    if (items.length === 0) return this;
    // Another list already appended past our length: we are a branch point, so copy our prefix.
    // The empty list's array is shared by every empty list, so it is never appended to.
    const owned = this.length > 0 && this.#buffer.length === this.length;
    const buffer = owned ? this.#buffer : this.#buffer.slice(0, this.length);
    for (const item of items) buffer.push(item);
    return new AppendList(buffer, buffer.length);
  }

  /** The first `length` items; shares the backing array (the next push copies). */
  truncate(length: number): AppendList<T> {
    if (length >= this.length) return this;
    if (length <= 0) return AppendList.empty<T>();
    return new AppendList(this.#buffer, length);
  }

  /** Index of the last item matching `predicate` at or before `from`, or -1. */
  findLastIndex(predicate: (item: T, index: number) => boolean, from = this.length - 1): number {
    for (let i = Math.min(from, this.length - 1); i >= 0; i--) if (predicate(this.#buffer[i], i)) return i;
    return -1;
  }

  some(predicate: (item: T) => boolean): boolean {
    for (let i = 0; i < this.length; i++) if (predicate(this.#buffer[i])) return true;
    return false;
  }

  toArray(): T[] {
    return this.#buffer.slice(0, this.length);
  }

  toJSON(): T[] {
    return this.toArray();
  }

  *[Symbol.iterator](): Iterator<T> {
    const buffer = this.#buffer;
    for (let i = 0; i < this.length; i++) yield buffer[i];
  }
}
