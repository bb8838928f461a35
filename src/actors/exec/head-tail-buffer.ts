/**
 * Bounded output of a long-running process (Codex `unified_exec/head_tail_buffer.rs`): the first
 * half of the budget keeps the start of the output, the second half its latest bytes, and the
 * middle is dropped once the budget is spent. A process that prints for hours costs at most
 * `maxBytes` of memory, and what the model reads still shows how it began and where it is now.
 */

/** Codex's `UNIFIED_EXEC_OUTPUT_MAX_BYTES`. */
export const UNIFIED_EXEC_OUTPUT_MAX_BYTES = 1024 * 1024;

export class HeadTailBuffer {
  private readonly headBudget: number;
  private readonly tailBudget: number;
  private head: Buffer[] = [];
  private tail: Buffer[] = [];
  private headBytes = 0;
  private tailBytes = 0;
  /** Bytes dropped from the middle since the last drain. */
  omittedBytes = 0;

  constructor(private readonly maxBytes = UNIFIED_EXEC_OUTPUT_MAX_BYTES) {
    this.headBudget = Math.floor(maxBytes / 2);
    this.tailBudget = maxBytes - this.headBudget;
  }

  get retainedBytes(): number {
    return this.headBytes + this.tailBytes;
  }

  push(chunk: Buffer): void {
    if (this.maxBytes === 0) {
      this.omittedBytes += chunk.length;
      return;
    }
    if (this.headBytes < this.headBudget) {
      const room = this.headBudget - this.headBytes;
      if (chunk.length <= room) {
        this.head.push(chunk);
        this.headBytes += chunk.length;
        return;
      }
      this.head.push(chunk.subarray(0, room));
      this.headBytes += room;
      this.pushTail(chunk.subarray(room));
      return;
    }
    this.pushTail(chunk);
  }

  /** The retained bytes, head then tail. */
  toBuffer(): Buffer {
    return Buffer.concat([...this.head, ...this.tail], this.retainedBytes);
  }

  /** Takes everything retained and starts over. */
  drain(): Buffer {
    const out = this.toBuffer();
    this.head = [];
    this.tail = [];
    this.headBytes = 0;
    this.tailBytes = 0;
    this.omittedBytes = 0;
    return out;
  }

  private pushTail(chunk: Buffer): void {
    if (this.tailBudget === 0) {
      this.omittedBytes += chunk.length;
      return;
    }
    if (chunk.length >= this.tailBudget) {
      // One chunk larger than the whole tail: keep its last bytes only.
      this.omittedBytes += this.tailBytes + chunk.length - this.tailBudget;
      this.tail = [chunk.subarray(chunk.length - this.tailBudget)];
      this.tailBytes = this.tailBudget;
      return;
    }
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    let excess = this.tailBytes - this.tailBudget;
    while (excess > 0) {
      const front = this.tail[0]!;
      if (excess >= front.length) {
        this.tail.shift();
        this.tailBytes -= front.length;
        this.omittedBytes += front.length;
        excess -= front.length;
      } else {
        this.tail[0] = front.subarray(excess);
        this.tailBytes -= excess;
        this.omittedBytes += excess;
        excess = 0;
      }
    }
  }
}
