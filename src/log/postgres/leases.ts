/**
 * Thread leases: one writer per thread across machines. A lease is a row update on the thread
 * (owner, fencing token, expiry in the database's clock, so workers' clocks do not matter). The
 * holder renews all its leases in one statement every third of the lease time; a lease it fails
 * to renew in time is gone, and the group commit refuses any append carrying its token. Taking a
 * lease that expired is how a surviving worker takes over a dead one's threads.
 */
import type pg from "pg";
import { LeaseLostError, ThreadBusyError, ThreadNotFoundError } from "../errors.js";
import type { ThreadLease } from "../types.js";
import type { Statements } from "./sql.js";

export interface LeaseInfo {
  threadId: string;
  owner: string;
  token: number;
  expiresAt: Date;
  /** True when the lease has run out (the owner is presumed dead): any worker may take the thread. */
  expired: boolean;
}

interface Held {
  token: number;
  controller: AbortController;
}

export class Leases {
  readonly #held = new Map<string, Held>();
  /** Leases this process lost, until it takes the thread again: its appends there are refused at once. */
  readonly #lost = new Map<string, LeaseLostError>();
  #timer: NodeJS.Timeout | undefined;
  #renewing: Promise<void> | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly sql: Statements,
    readonly owner: string,
    readonly ttlMs: number,
  ) {}

  /** The token appends to `threadId` must carry, while this process holds its lease. */
  tokenFor(threadId: string): number | undefined {
    return this.#held.get(threadId)?.token;
  }

  /** Why appends to `threadId` are refused here: this process lost its lease on it. */
  lostLease(threadId: string): LeaseLostError | undefined {
    return this.#lost.get(threadId);
  }

  async acquire(threadId: string): Promise<ThreadLease> {
    if (this.#held.has(threadId)) {
      // Two holders in one process would share one token: refuse the second, like another worker.
      throw new ThreadBusyError(threadId, this.owner, new Date(Date.now() + this.ttlMs));
    }
    const { rows } = await this.pool.query<{ lease_token: number; lease_expires_at: Date }>(this.sql.acquireLease, [
      threadId,
      this.owner,
      this.ttlMs,
    ]);
    if (rows.length === 0) {
      const holder = await this.pool.query<{ lease_owner: string | null; lease_expires_at: Date | null }>(this.sql.leaseHolder, [threadId]);
      const row = holder.rows[0];
      if (!row) throw new ThreadNotFoundError(threadId, "lease");
      throw new ThreadBusyError(threadId, row.lease_owner ?? "?", row.lease_expires_at ?? new Date());
    }
    const token = rows[0].lease_token;
    this.#lost.delete(threadId);
    const controller = new AbortController();
    this.#held.set(threadId, { token, controller });
    this.#startRenewing();
    return {
      threadId,
      owner: this.owner,
      token,
      signal: controller.signal,
      release: () => this.release(threadId, token),
    };
  }

  /** Marks a lease lost (the database refused its token); its holder is told through the signal. */
  lost(threadId: string, token: number, reason: string): LeaseLostError {
    const error = new LeaseLostError(threadId, this.owner, token, reason);
    const held = this.#held.get(threadId);
    if (held?.token === token) {
      this.#held.delete(threadId);
      this.#lost.set(threadId, error);
      held.controller.abort(error);
    }
    return error;
  }

  async release(threadId: string, token: number): Promise<void> {
    const held = this.#held.get(threadId);
    if (!held || held.token !== token) return;
    this.#held.delete(threadId);
    held.controller.abort(new Error(`the lease on thread ${threadId} was released`));
    if (this.#held.size === 0) this.#stopRenewing();
    await this.pool.query(this.sql.releaseLease, [threadId, token, this.owner]).catch(() => undefined);
  }

  async list(): Promise<LeaseInfo[]> {
    const { rows } = await this.pool.query<{ id: string; lease_owner: string; lease_token: number; lease_expires_at: Date; expired: boolean }>(
      this.sql.leases,
    );
    return rows.map((row) => ({
      threadId: row.id,
      owner: row.lease_owner,
      token: row.lease_token,
      expiresAt: row.lease_expires_at,
      expired: row.expired,
    }));
  }

  /** Gives every lease up (a clean shutdown: other workers may take the threads at once). */
  async close(): Promise<void> {
    this.#stopRenewing();
    await this.#renewing;
    await Promise.all([...this.#held].map(([threadId, held]) => this.release(threadId, held.token)));
  }

  /** Extends every held lease; those the database no longer extends are lost. */
  async renew(): Promise<void> {
    if (this.#renewing) return this.#renewing;
    const held = [...this.#held];
    if (held.length === 0) return;
    this.#renewing = (async () => {
      let renewed: Set<string>;
      try {
        const { rows } = await this.pool.query<{ id: string }>(this.sql.renewLeases, [
          held.map(([id]) => id),
          held.map(([, h]) => h.token),
          this.ttlMs,
          this.owner,
        ]);
        renewed = new Set(rows.map((row) => row.id));
      } catch {
        return; // the database is unreachable: try again next time; it decides at the next renewal
      }
      for (const [threadId, { token }] of held) {
        if (!renewed.has(threadId)) this.lost(threadId, token, "it expired before it could be renewed, or another worker took the thread over");
      }
    })().finally(() => (this.#renewing = undefined));
    return this.#renewing;
  }

  #startRenewing(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.renew(), Math.max(10, Math.floor(this.ttlMs / 3)));
    this.#timer.unref();
  }

  #stopRenewing(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
