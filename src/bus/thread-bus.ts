/**
 * The per-thread bus. Actors hand it entries; it validates them, appends them to the thread's log
 * (group-committed there) and only then publishes them, in seq order. Nothing reaches a subscriber
 * that is not durably in the log: that is what lets resume, fork and replay trust the log alone.
 */
import { Observable, Subject, filter, map } from "rxjs";
import type { Event, EventMsg, LogEntry, NewEntry } from "../events/index.js";
import { parsePayload } from "../events/index.js";
import type { EventLog } from "../log/types.js";
import type { Clock } from "../actors/clock.js";

export class BusClosedError extends Error {
  override readonly name = "BusClosedError";
}

export class ThreadBus {
  readonly entries$: Observable<LogEntry>;
  readonly events$: Observable<Event>;
  private readonly subject = new Subject<LogEntry>();
  private head: number;
  private published: number;
  private readonly early = new Map<number, LogEntry[]>();
  private failure: Error | undefined;
  private closed = false;
  private sealed = false;
  /** Records that would go past this seq are refused (see `sealAfter`). */
  private lastAllowed = Number.POSITIVE_INFINITY;
  private readonly inFlight = new Set<Promise<unknown>>();
  private headWaiters: { seq: number; resolve: () => void }[] = [];

  constructor(
    private readonly log: EventLog,
    readonly threadId: string,
    headSeq: number,
    private readonly clock: Clock,
  ) {
    this.head = headSeq;
    this.published = headSeq;
    this.entries$ = this.subject.asObservable();
    this.events$ = this.entries$.pipe(
      filter((entry): entry is Extract<LogEntry, { kind: "event_msg" }> => entry.kind === "event_msg"),
      map((entry) => ({ id: entry.sub ?? "", msg: entry.payload })),
    );
  }

  get headSeq(): number {
    return this.head;
  }

  /**
   * Records one event message on behalf of submission `sub`. Pass `at` (ms) when the payload holds
   * a time read from the clock, so the entry's `ts` is that same reading (replay relies on it).
   */
  event(sub: string, msg: EventMsg, at?: number): Promise<LogEntry[]> {
    const ts = at === undefined ? undefined : new Date(at).toISOString();
    return this.record([{ kind: "event_msg", payload: msg, ts }], sub);
  }

  /**
   * Appends entries and resolves once they are durable and published. Validation happens here,
   * before the head moves, so a bad entry never disturbs appends already in flight.
   */
  record(entries: readonly NewEntry[], sub?: string): Promise<LogEntry[]> {
    if (this.closed || this.sealed || this.head >= this.lastAllowed) return Promise.reject(new BusClosedError(`thread ${this.threadId} is closed`));
    if (this.failure) return Promise.reject(this.failure);
    if (entries.length === 0) return Promise.resolve([]);
    const ts = this.clock.now().toISOString();
    const prepared = entries.map((entry) => {
      const payload = parsePayload(entry.kind, entry.payload);
      return { kind: entry.kind, payload, ts: entry.ts ?? ts, sub: entry.sub ?? sub } as NewEntry;
    });
    const expectedSeq = this.head;
    this.head += prepared.length;
    if (this.headWaiters.length > 0) this.wakeHeadWaiters();
    const appended = this.log.append(this.threadId, prepared, { expectedSeq }).then(
      (stored) => {
        this.publish(stored);
        return stored;
      },
      (error: unknown) => {
        // The log wrote nothing of this append, but later appends were numbered after it:
        // the thread cannot continue consistently, so every later record fails too.
        this.failure ??= new Error(`appending to thread ${this.threadId} failed`, { cause: error });
        throw error;
      },
    );
    this.inFlight.add(appended);
    const settle = () => this.inFlight.delete(appended);
    appended.then(settle, settle);
    return appended;
  }

  /** Resolves once `seq` has been assigned (replay uses it to put recorded inputs back in place). */
  whenAssigned(seq: number): Promise<void> {
    if (this.head >= seq) return Promise.resolve();
    return new Promise((resolve) => this.headWaiters.push({ seq, resolve }));
  }

  private wakeHeadWaiters(): void {
    const ready = this.headWaiters.filter((w) => w.seq <= this.head);
    this.headWaiters = this.headWaiters.filter((w) => w.seq > this.head);
    for (const waiter of ready) waiter.resolve();
  }

  /** Resolves once every append issued so far has settled (used before closing the log). */
  async flush(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Publishes in seq order even if the backend resolves appends out of order. */
  private publish(stored: LogEntry[]): void {
    if (stored.length === 0) return;
    this.early.set(stored[0]!.seq, stored);
    let next = this.early.get(this.published + 1);
    while (next) {
      this.early.delete(this.published + 1);
      for (const entry of next) {
        this.published = entry.seq;
        this.subject.next(entry);
      }
      next = this.early.get(this.published + 1);
    }
  }

  /**
   * Refuses every record that would go past `seq`, as if the process stopped right after it: replay
   * puts a recorded crash back exactly where it happened, between any two entries.
   */
  sealAfter(seq: number): void {
    this.lastAllowed = seq;
  }

  /** Refuses new records (appends already issued still complete): the thread is stopping. */
  seal(): void {
    this.sealed = true;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.subject.complete();
  }
}
