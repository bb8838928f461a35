/**
 * Which rows of a scroller's list are in view, for a list whose rows all have one height: the
 * timeline, which has a row per log entry (100,000 and more). With one height, the window is
 * arithmetic on the scroll offset. A general virtualizer (TanStack Virtual, which the turn rail
 * uses) keeps a measurement per item and rebuilds them when the count changes: 17-70 ms for
 * 100,000 rows on opening a thread and again for every entry a live thread appends.
 */
import { useLayoutEffect, useState, type RefObject } from "react";

export interface RowWindow {
  /** First and last row index to render (overscan included); last < first when there are none. */
  first: number;
  last: number;
}

export function useRowWindow(scroller: RefObject<HTMLElement | null>, count: number, rowHeight: number, overscan: number, initialOffset: number): RowWindow {
  const [view, setView] = useState({ top: Math.floor(initialOffset / rowHeight), rows: 25 });
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    element.scrollTop = initialOffset;
    const update = () => {
      const top = Math.floor(element.scrollTop / rowHeight);
      const rows = Math.ceil(element.clientHeight / rowHeight) + 1;
      // Same rows in view: no render.
      setView((was) => (was.top === top && was.rows === rows ? was : { top, rows }));
    };
    update();
    element.addEventListener("scroll", update, { passive: true });
    const resized = new ResizeObserver(update);
    resized.observe(element);
    return () => {
      element.removeEventListener("scroll", update);
      resized.disconnect();
    };
    // The initial offset applies once, when the scroller appears.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [scroller, rowHeight]);
  return { first: Math.max(0, view.top - overscan), last: Math.min(count - 1, view.top + view.rows + overscan) };
}
