/**
 * A batch the storage refuses: every write in it rejects, queued appends to the same threads (whose
 * seqs assumed it) reject too, and the heads roll back so the next append takes the same seqs.
 * The failure is injected at the storage port, as a full disk would be, around the real memory store.
 */
import { expect, it } from "vitest";
import type { LogEntry } from "../../src/events/index.js";
import { LogWriteError } from "../../src/log/index.js";
import { MemoryStore } from "../../src/log/memory.js";
import { StoreEventLog } from "../../src/log/store-event-log.js";
import type { LogStore, WriteSet } from "../../src/log/store.js";
import { agentDelta, collect, seqsOf } from "./entries.js";

class FailingStore extends MemoryStore implements LogStore {
  failNext = false;
  /** Resolves when a write has started, so the test can queue appends behind it. */
  writeStarted: Promise<void> = new Promise(() => {});
  #release: () => void = () => {};

  armFailure(): void {
    this.failNext = true;
    let started!: () => void;
    this.writeStarted = new Promise((resolve) => (started = resolve));
    const released = new Promise<void>((resolve) => (this.#release = resolve));
    this.#beforeWrite = async () => {
      started();
      await released;
    };
  }

  release(): void {
    this.#release();
  }

  #beforeWrite: () => Promise<void> = async () => {};

  override async write(set: WriteSet): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      await this.#beforeWrite();
      throw new Error("No space left on device");
    }
    return super.write(set);
  }
}

class LogOver extends StoreEventLog {
  constructor(store: LogStore) {
    super(store, []);
  }
}

it("rejects a failed batch and the appends queued behind it, and rolls the head back", async () => {
  const store = new FailingStore();
  const log = new LogOver(store);
  const { id } = await log.createThread();
  const other = await log.createThread();
  await log.append(id, [agentDelta("kept 1"), agentDelta("kept 2")]);
  const live: LogEntry[] = [];
  const abort = new AbortController();
  const watching = (async () => {
    for await (const entry of log.subscribe(id, 1, { signal: abort.signal })) live.push(entry);
  })();

  store.armFailure();
  const failing = [log.append(id, [agentDelta("lost 3"), agentDelta("lost 4")]), log.append(id, [agentDelta("lost 5")])];
  await store.writeStarted;
  const queued = log.append(id, [agentDelta("lost 6")], { expectedSeq: 5 });
  const unrelated = log.append(other.id, [agentDelta("other thread")]);
  store.release();

  for (const result of await Promise.allSettled([...failing, queued])) {
    expect(result.status).toBe("rejected");
    expect((result as PromiseRejectedResult).reason).toBeInstanceOf(LogWriteError);
    expect(((result as PromiseRejectedResult).reason as Error).message).toMatch(/No space left on device/);
  }
  expect(seqsOf(await unrelated)).toEqual([1]);
  expect(await log.head(id)).toBe(2);
  expect(seqsOf(await log.append(id, [agentDelta("written 3")], { expectedSeq: 2 }))).toEqual([3]);
  expect((await collect(log.read(id))).map((entry) => (entry.payload as { delta: string }).delta)).toEqual([
    "kept 1",
    "kept 2",
    "written 3",
  ]);
  await log.close();
  await watching;
  abort.abort();
  expect(seqsOf(live)).toEqual([1, 2, 3]);
});
