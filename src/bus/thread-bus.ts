/**
 * The per-thread bus. Actors hand it entries; it validates them, appends them to the thread's log
 * (group-committed there) and only then publishes them, in seq order. Nothing reaches a subscriber
 * that is not durably in the log: that is what lets resume, fork and replay trust the log alone.
 */
import { Observable, Subject, filter, map } from "./rx.js";
import type { Event, EventMsg, LogEntry, NewEntry } from "../events/index.js";
import { parsePayload } from "../events/index.js";
import type { EventLog } from "../log/types.js";
import type { Clock } from "../actors/clock.js";

export class BusClosedError extends Error {
  override readonly name = "BusClosedError";
}

/**
 * Whether a record whose first entry is `first` may take seq `seq` now. Replay installs one so
 * the machines' writes take the recorded order, whatever the timing of the re-execution.
 */
export type RecordOrder = (seq: number, first: NewEntry) => boolean;

interface Held {
  entries: NewEntry[];
  options: RecordOptions | undefined;
  resolve(stored: LogEntry[]): void;
  reject(error: unknown): void;
}

/** How `record` tells its caller more than "durable". */
export interface RecordOptions {
  /**
   * Called once the entries have their seqs (at once, or when replay admits them), before they are
   * durable. What the caller does then is numbered after them and commits with or after them, so
   * work that only records can start a commit early; anything acting outside the log must still
   * wait for the returned promise.
   */
  onAssigned?(entries: readonly NewEntry[]): void;
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
  private publishWaiters: { seq: number; resolve: () => void }[] = [];
  private order: RecordOrder | undefined;
  private held: Held[] = [];
  private readonly failureListeners: ((error: Error) => void)[] = [];

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

  /** The append that failed, once one has: nothing more can be recorded. */
  get failed(): Error | undefined {
    return this.failure;
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
  record(entries: readonly NewEntry[], sub?: string, options?: RecordOptions): Promise<LogEntry[]> {
    if (this.closed || this.sealed || this.head >= this.lastAllowed) return Promise.reject(new BusClosedError(`thread ${this.threadId} is closed`));
    if (this.failure) return Promise.reject(this.failure);
    // Nothing to add, but the promise still means "what was recorded before is in the state now":
    // callers that read the state after it rely on that, whatever they had left unawaited.
    // (An append that fails makes this fail too, as it makes every later record fail.)
    if (entries.length === 0) return this.inFlight.size === 0 ? Promise.resolve([]) : Promise.all([...this.inFlight]).then(() => []);
    const validated = entries.map((entry) => {
      const payload = parsePayload(entry.kind, entry.payload);
      return { kind: entry.kind, payload, ts: entry.ts, sub: entry.sub ?? sub } as NewEntry;
    });
    if (this.order && !this.order(this.head + 1, validated[0]!)) {
      return new Promise((resolve, reject) => this.held.push({ entries: validated, options, resolve, reject }));
    }
    return this.append(validated, options);
  }

  private append(entries: NewEntry[], options?: RecordOptions): Promise<LogEntry[]> {
    // Read at the append, not at the call: a held record takes the time of the seq it gets.
    const ts = this.clock.now().toISOString();
    const prepared = entries.map((entry) => (entry.ts ? entry : ({ ...entry, ts } as NewEntry)));
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
        this.fail(new Error(`appending to thread ${this.threadId} failed: ${(error as Error)?.message ?? String(error)}`, { cause: error }));
        throw error;
      },
    );
    this.inFlight.add(appended);
    const settle = () => this.inFlight.delete(appended);
    appended.then(settle, settle);
    this.admitHeld();
    options?.onAssigned?.(entries);
    return appended;
  }

  /**
   * Replay only: from now on a record is appended when `order` admits it at the next seq, and held
   * until then (held records are admitted as the head moves, oldest first).
   */
  sequence(order: RecordOrder): void {
    this.order = order;
  }

  /** The records `sequence` holds back, oldest first (a stalled replay reports the first). */
  get heldEntries(): NewEntry[] {
    return this.held.map((held) => held.entries[0]!);
  }

  /** Admits the oldest held record the next seq allows (its append admits the next one, and so on). */
  private admitHeld(): void {
    if (!this.order || this.held.length === 0) return;
    const index = this.held.findIndex((held) => this.order!(this.head + 1, held.entries[0]!));
    if (index < 0) return;
    const [next] = this.held.splice(index, 1);
    this.append(next!.entries, next!.options).then(next!.resolve, next!.reject);
  }

  private rejectHeld(error: Error): void {
    const held = this.held;
    this.held = [];
    for (const record of held) record.reject(error);
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    this.rejectHeld(error);
    for (const listener of this.failureListeners) listener(error);
  }

  /** Called once, when an append fails: the thread cannot go on writing (see `Thread`). */
  onFailure(listener: (error: Error) => void): void {
    this.failureListeners.push(listener);
  }

  /** Resolves once `seq` has been assigned (replay uses it to put recorded inputs back in place). */
  whenAssigned(seq: number): Promise<void> {
    if (this.head >= seq) return Promise.resolve();
    return new Promise((resolve) => this.headWaiters.push({ seq, resolve }));
  }

  /** Resolves once `seq` is durable and published (the folded state includes it). */
  whenPublished(seq: number): Promise<void> {
    if (this.published >= seq) return Promise.resolve();
    return new Promise((resolve) => this.publishWaiters.push({ seq, resolve }));
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
    if (this.publishWaiters.length > 0) {
      const ready = this.publishWaiters.filter((w) => w.seq <= this.published);
      this.publishWaiters = this.publishWaiters.filter((w) => w.seq > this.published);
      for (const waiter of ready) waiter.resolve();
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
    this.rejectHeld(new BusClosedError(`thread ${this.threadId} is closed`));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.rejectHeld(new BusClosedError(`thread ${this.threadId} is closed`));
    this.subject.complete();
  }
}
