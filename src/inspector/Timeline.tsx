/**
 * One thread as a timeline: a row per log entry, virtualised (only the rows on screen exist, and
 * only their pages are fetched), the cursor's row highlighted, turn boundaries banded, the diff
 * anchor and a replay's divergence marked in place.
 */
import { memo, useEffect, useLayoutEffect, useRef } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import type { TurnView } from "./api.js";
import { shortId, time, turnAt } from "./format.js";
import type { RowCache } from "./rows.js";

export const ROW_HEIGHT = 24;
/** One function for the virtualizer's life: a new one each render makes it re-measure every row. */
const rowSize = () => ROW_HEIGHT;

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
  const virtualizer = useVirtualizer({
    count: head,
    getScrollElement: () => scroller.current,
    estimateSize: rowSize,
    overscan: 10,
    // Start near the cursor (no fetch of page 1 for a thread opened at its head), never past the end.
    initialOffset: Math.max(0, Math.min((cursor - 10) * ROW_HEIGHT, head * ROW_HEIGHT - 600)),
    initialRect: { width: 800, height: 600 },
    // Scroll events re-render in React's own time: a synchronous flush per event made each move of
    // the cursor render the rows twice before the state panel could show its answer.
    useFlushSync: false,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  useEffect(() => {
    if (items.length) cache.ensure(first + 1, last + 1, head);
  }, [cache, first, last, head, items.length]);

  // Keep the cursor's row on screen when it moves by keyboard, scrubber or live follow. Rows have
  // one fixed height, so where a row is needs no measuring: one layout read and at most one write
  // of scrollTop, instead of the virtualizer's scroll-to-index loop (which reads the layout back
  // over several frames).
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element || cursor < 1 || cursor > head) return;
    scrollIntoView(element, (cursor - 1) * ROW_HEIGHT, ROW_HEIGHT);
  }, [cursor, head, virtualizer]);

  const ready = items.length > 0 && cache.get(items[Math.min(items.length - 1, Math.floor(items.length / 2))].index + 1) !== undefined;
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
      <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
        {items.map((item) => {
          const seq = item.index + 1;
          const row = cache.get(seq);
          const turn = turnAt(turns, seq);
          const classes = ["row", row?.level ?? "", seq === cursor ? "selected" : "", turn ? `band-${turn.index % 2}` : "between"];
          if (seq === props.anchor) classes.push("anchor");
          if (seq === props.divergenceSeq) classes.push("divergence");
          return (
            <div
              key={item.key}
              id={`row-${seq}`}
              role="option"
              aria-selected={seq === cursor}
              className={classes.join(" ")}
              data-seq={seq}
              style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
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
