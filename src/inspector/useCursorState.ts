/**
 * The folded state at the cursor, asked of the server as the cursor moves, and the seq the
 * timeline and the turn rail show.
 *
 * The state is what a person scrubbing is looking for, so it goes first: a move asks at once,
 * from the input's own handler (before React renders anything), and the timeline follows the
 * cursor only once the answer is on screen, or after `FOLLOW_MS` when the answer is slow. Moving
 * the timeline to a far seq re-renders its rows, lays them out and fetches the page they are on;
 * done first, that work stood between the answer and the screen. While the cursor races (a held
 * key, a dragged scrubber) the state is asked at most every `ASK_EVERY_MS`, and only the newest
 * question's answer is shown.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { Api, type StateView } from "./api.js";

const ASK_EVERY_MS = 30;
/** The longest the timeline waits for the state's answer before it follows the cursor anyway. */
const FOLLOW_MS = 100;
const STALE_AFTER_MS = 150;

/** Runs `fn` in the idle time after the current frame (soon after it, where there is no idle callback). */
function afterFrame(fn: () => void): void {
  if (typeof requestIdleCallback === "function") requestIdleCallback(fn, { timeout: FOLLOW_MS });
  else setTimeout(fn, 0);
}

export interface CursorState {
  state: StateView | null;
  /**
   * An answer is awaited. With a state shown, this turns true only once the wait has lasted
   * `STALE_AFTER_MS` (the panel dims then): most answers come sooner, and dimming the panel for
   * them cost a repaint of it in the frames before the answer.
   */
  loading: boolean;
  /** Asks for the state at `seq` now (the cursor is about to move there). */
  ask(seq: number, atHead: boolean): void;
  /** The seq the timeline and turn rail show: the cursor, once its state was shown. */
  shownSeq: number;
}

export interface CursorStateOptions {
  promptTail: number;
  onError(message: string): void;
}

export function useCursorState(threadId: string, cursor: number, head: number, headVersion: number, options: CursorStateOptions): CursorState {
  const { promptTail } = options;
  const [state, setState] = useState<StateView | null>(null);
  const [loading, setLoadingNow] = useState(false);
  const stateRef = useRef(state);
  stateRef.current = state;
  const staleTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const setLoading = useCallback((on: boolean) => {
    clearTimeout(staleTimer.current);
    if (!on) setLoadingNow(false);
    else if (!stateRef.current) setLoadingNow(true);
    else staleTimer.current = setTimeout(() => setLoadingNow(true), STALE_AFTER_MS);
  }, []);
  const [shown, setShown] = useState(0);
  const cursorRef = useRef(cursor);
  cursorRef.current = cursor;
  const optionsRef = useRef(options);
  optionsRef.current = options;
  const follow = useCallback(() => setShown(cursorRef.current), []);

  const lastAsk = useRef(0);
  const asked = useRef<{ key: string; controller: AbortController; timer?: ReturnType<typeof setTimeout> } | null>(null);
  const headVersionRef = useRef(headVersion);
  headVersionRef.current = headVersion;
  const ask = useCallback(
    (seq: number, atHead: boolean) => {
      const key = `${threadId}@${seq}#${atHead ? headVersionRef.current : 0}`;
      if (asked.current?.key === key) return;
      if (asked.current) {
        clearTimeout(asked.current.timer);
        asked.current.controller.abort();
      }
      const controller = new AbortController();
      const question = (asked.current = { key, controller } as NonNullable<typeof asked.current>);
      setLoading(true);
      const send = () => {
        lastAsk.current = performance.now();
        Api.state(threadId, seq, { signal: controller.signal, promptTail }).then(
          (r) => {
            if (asked.current !== question) return;
            setState(r.state);
            setLoading(false);
            // Once the frame that paints the answer is done (idle time after it), the timeline
            // catches up, and asks for its rows there: not while the answer is painted.
            requestAnimationFrame(() => afterFrame(follow));
          },
          (error: Error) => {
            if (error.name === "AbortError" || asked.current !== question) return;
            setLoading(false);
            follow();
            optionsRef.current.onError(error.message);
          },
        );
      };
      const wait = lastAsk.current + ASK_EVERY_MS - performance.now();
      if (wait <= 0) send();
      else question.timer = setTimeout(send, wait);
    },
    [threadId, promptTail, follow, setLoading],
  );

  useEffect(() => {
    if (cursor >= 1) ask(cursor, cursor === head);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ask, cursor, cursor === head ? headVersion : 0]);
  useEffect(
    () => () => {
      clearTimeout(staleTimer.current);
      clearTimeout(asked.current?.timer);
      asked.current?.controller.abort();
      asked.current = null;
    },
    [threadId],
  );

  // A slow answer does not hold the timeline back for long. The wait starts when the timeline
  // falls behind and is not restarted by further moves, so a dragged scrubber still moves it.
  const behind = shown !== cursor;
  useEffect(() => {
    if (!behind) return;
    const timer = setTimeout(follow, FOLLOW_MS);
    return () => clearTimeout(timer);
  }, [behind, follow]);

  // Before the first answer (a thread just opened), the timeline shows the cursor itself.
  return { state, loading, ask, shownSeq: shown || cursor };
}
