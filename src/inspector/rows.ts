/**
 * The timeline's rows, fetched a page at a time as they scroll into view (a 100,000-entry thread
 * never travels whole), plus the rows the live stream brings. Pages are kept; a thread switch
 * starts a new cache.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Api, type EntrySummary } from "./api.js";
import { PAGE } from "./opening.js";


export class RowCache {
  readonly rows = new Map<number, EntrySummary>();
  readonly #loading = new Set<number>();
  constructor(
    readonly threadId: string,
    private readonly changed: () => void,
  ) {}

  get(seq: number): EntrySummary | undefined {
    return this.rows.get(seq);
  }

  add(rows: EntrySummary[]): void {
    for (const row of rows) this.rows.set(row.seq, row);
  }

  /** Loads the pages covering `from`..`to` that are neither here nor on their way. */
  ensure(from: number, to: number, head: number): void {
    if (head < 1) return;
    const first = Math.floor((Math.max(1, from) - 1) / PAGE);
    const last = Math.floor((Math.min(to, head) - 1) / PAGE);
    for (let page = first; page <= last; page++) {
      const lo = page * PAGE + 1;
      const hi = Math.min(head, lo + PAGE - 1);
      if (this.#loading.has(page) || (this.rows.has(lo) && this.rows.has(hi))) continue;
      this.#loading.add(page);
      Api.rows(this.threadId, lo, hi)
        .then(({ entries }) => {
          this.add(entries);
          this.changed();
        })
        .catch(() => undefined)
        .finally(() => this.#loading.delete(page));
    }
  }
}

/** A row cache for the thread; `version` changes whenever rows arrive, to re-render. */
export function useRowCache(threadId: string): { cache: RowCache; version: number; bump: () => void } {
  const [version, setVersion] = useState(0);
  const pending = useRef(false);
  const bump = useCallback(() => {
    // Many pages may land in one frame: one render for all of them.
    if (pending.current) return;
    pending.current = true;
    requestAnimationFrame(() => {
      pending.current = false;
      setVersion((v) => v + 1);
    });
  }, []);
  const cache = useMemo(() => new RowCache(threadId, bump), [threadId, bump]);
  useEffect(() => () => undefined, [cache]);
  return { cache, version, bump };
}
