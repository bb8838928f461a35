/**
 * The thread's turns, newest last: status, first user message, seq range. Virtualised too (a long
 * thread has thousands); turns with errors are flagged, so the one that went wrong is easy to find.
 */
import { memo, useLayoutEffect, useRef } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import type { TurnView } from "./api.js";
import { scrollIntoView } from "./Timeline.js";

export interface TurnRailProps {
  turns: readonly TurnView[];
  current: TurnView | undefined;
  /** Ids of turns that logged an error. */
  failed: ReadonlySet<string>;
  onSelect(turn: TurnView): void;
}

const HEIGHT = 44;
const turnSize = () => HEIGHT;

export const TurnRail = memo(function TurnRail({ turns, current, failed, onSelect }: TurnRailProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: turns.length, getScrollElement: () => scroller.current, estimateSize: turnSize, overscan: 10, useFlushSync: false });
  // Fixed heights: the current turn's place is arithmetic (see Timeline).
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element || !current) return;
    scrollIntoView(element, current.index * HEIGHT, HEIGHT);
  }, [current, virtualizer]);
  return (
    <div className="turn-rail" ref={scroller} aria-label="turns">
      {turns.length === 0 && <p className="muted pad">no turns yet</p>}
      <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
        {virtualizer.getVirtualItems().map((item) => {
          const turn = turns[item.index];
          const status = failed.has(turn.id) ? "failed" : turn.status;
          return (
            <button
              key={turn.id}
              type="button"
              className={`turn-item status-${status}${turn === current ? " current" : ""}`}
              style={{ transform: `translateY(${item.start}px)`, height: HEIGHT }}
              onClick={() => onSelect(turn)}
              title={`turn ${turn.index} (${turn.id}), seq ${turn.firstSeq}–${turn.lastSeq ?? "…"}, ${status}`}
            >
              <span className="turn-head">
                <b>T{turn.index}</b> <span className={`badge ${status}`}>{status}</span>
                <span className="muted"> {turn.firstSeq}–{turn.lastSeq ?? "…"}</span>
              </span>
              <span className="turn-msg">{turn.userMessage ?? "(no user message)"}</span>
            </button>
          );
        })}
      </div>
    </div>
  );
});
