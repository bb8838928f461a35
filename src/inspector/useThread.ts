/**
 * Everything the thread view loads and follows: the head and the rows at the end (one request),
 * the turns, the turns that logged errors, and the live stream that extends all of them.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Api, type ThreadSummary, type TurnView } from "./api.js";
import { turnAt } from "./format.js";
import { follow } from "./live.js";
import { openingRequests } from "./opening.js";
import { useRowCache } from "./rows.js";

const TURN_EVENTS = new Set(["task_started", "task_complete", "turn_aborted", "thread_rolled_back", "compacted"]);

/**
 * Which turns logged errors takes a scan of the whole log (100,000 entries: a second or more of the
 * server's time), and the server is the one the cursor's state comes from. So the scan goes in
 * slices, each asked for only after the cursor has been still for `QUIET_MS`; a slice under way
 * when the cursor moves is dropped (the server stops reading) and asked again at the next rest.
 * What it found is kept per thread for the life of the page: a thread opened again goes on where
 * it stopped.
 */
const SCAN_SLICE = 2000;
const QUIET_MS = 400;
const errorScans = new Map<string, { scanned: number; seqs: number[] }>();

export function useThread(threadId: string, initialSeq: number | undefined) {
  const { cache, version, bump } = useRowCache(threadId);
  const [thread, setThread] = useState<ThreadSummary | null>(null);
  const [head, setHead] = useState(0);
  const [cursor, setCursor] = useState(0);
  const [following, setFollowing] = useState(initialSeq === undefined);
  const [turns, setTurns] = useState<TurnView[]>([]);
  const [errorSeqs, setErrorSeqs] = useState<number[]>([]);
  const [link, setLink] = useState<"live" | "reconnecting" | "off">("off");
  const [loadError, setLoadError] = useState<string | null>(null);
  /** Bumped when the head state may have changed (new rows): the state panel refetches at the head. */
  const [headVersion, setHeadVersion] = useState(0);
  const followingRef = useRef(following);
  followingRef.current = following;
  const lastMove = useRef(0);
  const scanning = useRef<AbortController | null>(null);
  useEffect(() => {
    lastMove.current = performance.now();
    scanning.current?.abort();
  }, [cursor]);

  const refreshTurns = useCallback(() => {
    Api.turns(threadId).then((r) => setTurns(r.turns), () => undefined);
  }, [threadId]);
  const refreshThread = useCallback(() => {
    Api.thread(threadId).then((r) => setThread(r.thread), () => undefined);
  }, [threadId]);

  useEffect(() => {
    let stopped = false;
    let stop = () => {};
    let openedAt = -1;
    setLoadError(null);
    setTurns([]);
    setErrorSeqs([]);
    const opening = openingRequests(threadId, initialSeq);
    Promise.all([opening.rows, opening.thread]).then(
      ([page, meta]) => {
        if (stopped) return;
        cache.add(page.entries);
        const headSeq = meta.thread.headSeq;
        openedAt = headSeq;
        setThread(meta.thread);
        setHead(headSeq);
        setCursor(initialSeq ? Math.min(initialSeq, headSeq) : headSeq);
        bump();
        stop = follow({
          threadId,
          fromSeq: headSeq + 1,
          onStatus: setLink,
          onRows(rows) {
            cache.add(rows);
            const newHead = rows[rows.length - 1].seq;
            setHead((h) => Math.max(h, newHead));
            if (followingRef.current) setCursor((c) => Math.max(c, newHead));
            setHeadVersion((v) => v + 1);
            if (rows.some((r) => r.type && TURN_EVENTS.has(r.type))) refreshTurns();
            const errors = rows.filter((r) => r.level === "error").map((r) => r.seq);
            if (errors.length) setErrorSeqs((seqs) => [...seqs, ...errors]);
            if (rows.some((r) => r.level === "request" || r.level === "answer" || r.type === "task_complete")) refreshThread();
            bump();
          },
        });
      },
      (error: Error) => !stopped && setLoadError(error.message),
    );
    opening.turns.then((r) => !stopped && setTurns(r.turns), () => undefined);
    // Not before the first rows are shown, and then only while the cursor rests (see SCAN_SLICE).
    let scan: ReturnType<typeof setTimeout> | undefined;
    const known = errorScans.get(threadId) ?? { scanned: 0, seqs: [] };
    errorScans.set(threadId, known);
    if (known.seqs.length) setErrorSeqs(known.seqs);
    const scanNext = (): void => {
      if (stopped) return;
      const quietFor = performance.now() - lastMove.current;
      if (quietFor < QUIET_MS) return void (scan = setTimeout(scanNext, QUIET_MS - quietFor));
      // Rows after the head at open come with the live stream, errors included.
      if (openedAt < 0) return void (scan = setTimeout(scanNext, QUIET_MS));
      if (known.scanned >= openedAt) return;
      const to = Math.min(openedAt, known.scanned + SCAN_SLICE);
      const controller = (scanning.current = new AbortController());
      Api.find(threadId, { from: known.scanned + 1, to, types: "error,stream_error", limit: SCAN_SLICE, signal: controller.signal }).then(
        (r) => {
          known.scanned = Math.max(known.scanned, to);
          const found = r.entries.map((e) => e.seq).filter((seq) => !known.seqs.includes(seq));
          if (found.length) {
            known.seqs.push(...found);
            if (!stopped) setErrorSeqs((seen) => [...new Set([...seen, ...found])]);
          }
          if (!stopped) scan = setTimeout(scanNext, 0);
        },
        // Dropped because the cursor moved: this slice again once it rests. Failed: given up.
        (error: Error) => error.name === "AbortError" && !stopped && (scan = setTimeout(scanNext, QUIET_MS)),
      );
    };
    scan = setTimeout(scanNext, 1000);
    return () => {
      stopped = true;
      clearTimeout(scan);
      scanning.current?.abort();
      stop();
      setLink("off");
    };
    // initialSeq is read once per thread: later cursor moves do not reload.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [threadId, cache]);

  const failed = useMemo(() => {
    const ids = new Set<string>();
    for (const seq of errorSeqs) {
      const turn = turnAt(turns, seq);
      if (turn) ids.add(turn.id);
    }
    return ids;
  }, [errorSeqs, turns]);

  return { cache, version, thread, head, cursor, setCursor, following, setFollowing, turns, failed, errorSeqs, link, loadError, headVersion, refreshThread, refreshTurns };
}
