/**
 * One thread as a timeline: a row per log entry, virtualised (only the rows on screen exist, and
 * only their pages are fetched), the cursor's row highlighted, turn boundaries banded, the diff
 * anchor and a replay's divergence marked in place.
 */
import { memo, useEffect, useLayoutEffect, useRef } from "react";
import type { TurnView } from "./api.js";
import { shortId, time, turnAt } from "./format.js";
import type { RowCache } from "./rows.js";
import { useRowWindow } from "./useRowWindow.js";

export const ROW_HEIGHT = 24;
/** Rows rendered beyond each edge of the view. */
const OVERSCAN = 10;

export interface TimelineProps {
  cache: RowCache;
  version: number;
  head: number;
  cursor: number;
  turns: readonly TurnView[];
  anchor: number | null;
  divergenceSeq: number | null;
  onSelect(seq: number): void;
  /** Called once the first rows with data are on screen (for the time-to-first-render figure). */
  onReady?(): void;
}

export const Timeline = memo(function Timeline(props: TimelineProps) {
  const { cache, head, cursor, turns } = props;
  const scroller = useRef<HTMLDivElement>(null);
  // Start near the cursor (no fetch of page 1 for a thread opened at its head), never past the end.
  const { first, last } = useRowWindow(scroller, head, ROW_HEIGHT, OVERSCAN, Math.max(0, Math.min((cursor - 10) * ROW_HEIGHT, head * ROW_HEIGHT - 600)));
  const seqs: number[] = [];
  for (let index = first; index <= last; index++) seqs.push(index + 1);
  useEffect(() => {
    if (seqs.length) cache.ensure(first + 1, last + 1, head);
  }, [cache, first, last, head, seqs.length]);

  // Keep the cursor's row on screen when it moves by keyboard, scrubber or live follow. Rows have
  // one fixed height, so where a row is needs no measuring: one layout read and at most one write
  // of scrollTop.
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element || cursor < 1 || cursor > head) return;
    scrollIntoView(element, (cursor - 1) * ROW_HEIGHT, ROW_HEIGHT);
  }, [cursor, head]);

  const ready = seqs.length > 0 && cache.get(seqs[Math.floor(seqs.length / 2)]) !== undefined;
  const reported = useRef(false);
  useEffect(() => {
    if (ready && !reported.current) {
      reported.current = true;
      props.onReady?.();
    }
  }, [ready, props]);

  return (
    <div
      ref={scroller}
      className="timeline"
      role="listbox"
      aria-label="log entries"
      aria-activedescendant={cursor ? `row-${cursor}` : undefined}
      tabIndex={0}
      data-ready={ready ? "1" : "0"}
    >
      <div style={{ height: head * ROW_HEIGHT, position: "relative" }}>
        {seqs.map((seq) => {
          const row = cache.get(seq);
          const turn = turnAt(turns, seq);
          const classes = ["row", row?.level ?? "", seq === cursor ? "selected" : "", turn ? `band-${turn.index % 2}` : "between"];
          if (seq === props.anchor) classes.push("anchor");
          if (seq === props.divergenceSeq) classes.push("divergence");
          return (
            <div
              key={seq}
              id={`row-${seq}`}
              role="option"
              aria-selected={seq === cursor}
              className={classes.join(" ")}
              data-seq={seq}
              style={{ transform: `translateY(${(seq - 1) * ROW_HEIGHT}px)`, height: ROW_HEIGHT }}
              onClick={() => props.onSelect(seq)}
            >
              <span className="seq">{seq}</span>
              {row ? (
                <>
                  <span className="ts">{time(row.ts)}</span>
                  <span className="turn" title={turn ? `turn ${turn.index}: ${turn.id}` : "outside any turn"}>
                    {turn ? `T${turn.index}` : ""}
                  </span>
                  <span className={`kind kind-${row.kind}`}>{row.type ?? row.kind}</span>
                  <span className="text">
                    {seq === props.divergenceSeq ? "⚠ diverges here — " : ""}
                    {seq === props.anchor ? "◆ A — " : ""}
                    {row.writer ? `[${shortId(row.writer)}] ` : ""}
                    {row.text}
                  </span>
                </>
              ) : (
                <span className="loading">…</span>
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
});

/** Scrolls `element` the least that brings the band [top, top + height) of its content into view. */
export function scrollIntoView(element: HTMLElement, top: number, height: number): void {
  const offset = element.scrollTop;
  const view = element.clientHeight;
  if (top < offset) element.scrollTop = top;
  else if (top + height > offset + view) element.scrollTop = top + height - view;
}
