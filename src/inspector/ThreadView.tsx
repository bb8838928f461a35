/**
 * One thread: header and actions, the turn rail, the timeline, the scrubber, the side panels and
 * the composer. Owns the cursor (the seq being looked at) and the keyboard.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { Api, type Pending, type TurnView } from "./api.js";
import { shortId, turnAt } from "./format.js";
import { DiffPanel, EntryPanel, ReplayPanel, type ReplayResult } from "./Panels.js";
import { PROMPT_TAIL, StatePanel } from "./StatePanel.js";
import { Timeline } from "./Timeline.js";
import { TurnRail } from "./TurnRail.js";
import { Composer } from "./Composer.js";
import { useThread } from "./useThread.js";
import { useCursorState } from "./useCursorState.js";
import { HELP, isTyping } from "./keys.js";

type Tab = "state" | "entry" | "diff" | "replay";

/** How long the cursor rests before the address shows its seq. */
const ADDRESS_DELAY_MS = 250;

/** The time-to-first-render figure of `npm run bench:inspector` reads this mark. */
const markReady = () => performance.mark("loom:timeline-ready");

export interface ThreadViewProps {
  threadId: string;
  initialSeq?: number;
  onOpenThread(id: string, seq?: number): void;
  onThreadsChanged(): void;
  onSeq(seq: number): void;
}

export function ThreadView(props: ThreadViewProps) {
  const { threadId } = props;
  const t = useThread(threadId, props.initialSeq);
  const { head, cursor, setCursor, turns } = t;
  const [tab, setTab] = useState<Tab>("state");
  const [anchor, setAnchor] = useState<number | null>(null);
  const [replay, setReplay] = useState<ReplayResult | null>(null);
  const [replaying, setReplaying] = useState(false);
  const [notice, setNotice] = useState<{ text: string; kind: "ok" | "error" } | null>(null);
  const [help, setHelp] = useState(false);
  const search = useRef<HTMLInputElement>(null);
  const root = useRef<HTMLDivElement>(null);

  const say = useCallback((text: string, kind: "ok" | "error" = "ok") => setNotice({ text, kind }), []);
  const sayError = useCallback((text: string) => say(text, "error"), [say]);
  const { state, loading: stateLoading, ask: askState, shownSeq } = useCursorState(threadId, cursor, head, t.headVersion, {
    promptTail: PROMPT_TAIL,
    onError: sayError,
  });

  // The address follows the cursor once it rests: a browser limits how often a page may rewrite
  // its history entry, and each rewrite costs the page several milliseconds.
  useEffect(() => {
    if (cursor < 1) return;
    const timer = setTimeout(() => props.onSeq(cursor), ADDRESS_DELAY_MS);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [cursor]);

  // Stable across renders (the head is read through a ref), so the memoised timeline and turn rail
  // do not re-render when only the state panel changed.
  const headRef = useRef(head);
  headRef.current = head;
  const { setFollowing } = t;
  const move = useCallback(
    (seq: number) => {
      const next = Math.max(1, Math.min(headRef.current, seq));
      askState(next, next === headRef.current);
      setCursor(next);
      setFollowing(next === headRef.current);
    },
    [askState, setCursor, setFollowing],
  );
  const selectTurn = useCallback((turn: TurnView) => move(turn.firstSeq), [move]);

  const forkHere = async () => {
    try {
      const { thread } = await Api.fork(threadId, cursor);
      say(`forked at seq ${cursor}: ${shortId(thread.id)}`);
      props.onThreadsChanged();
      props.onOpenThread(thread.id);
    } catch (error) {
      say((error as Error).message, "error");
    }
  };

  const replayHere = async () => {
    setTab("replay");
    setReplaying(true);
    try {
      const { report, ms } = await Api.replay(threadId, cursor);
      setReplay({ ...report, ms });
      if (report.divergence) move(report.divergence.seq);
    } catch (error) {
      setReplay({ fromSeq: cursor, replayed: 0, ms: 0, error: (error as Error).message });
    } finally {
      setReplaying(false);
    }
  };

  const findNext = async (types: string | undefined, q: string | undefined, backwards: boolean) => {
    if (!types && !q) return;
    const options = backwards ? { to: Math.max(1, cursor - 1), order: "desc" as const } : { from: cursor + 1 };
    try {
      const { entries } = await Api.find(threadId, { ...options, types, q });
      if (entries[0]) move(entries[0].seq);
      else say(`no ${q ? `“${q}”` : "error"} ${backwards ? "before" : "after"} seq ${cursor}`);
    } catch (error) {
      say((error as Error).message, "error");
    }
  };

  const answer = async (pending: Pending, decision: string) => {
    const type = pending.kind === "patch" ? "patch_approval" : "exec_approval";
    try {
      await Api.submit(threadId, { type, id: pending.id, decision });
      say(`${decision}: ${pending.id}`);
      t.setFollowing(true);
    } catch (error) {
      say((error as Error).message, "error");
    }
  };

  const turnHere = turnAt(turns, cursor);
  const turnShown = turnAt(turns, shownSeq);
  const jumpTurn = (delta: 1 | -1) => {
    // Back from inside a turn goes to its start first, as "previous paragraph" does in an editor.
    if (delta < 0 && turnHere && cursor > turnHere.firstSeq) return move(turnHere.firstSeq);
    const index = turnHere ? turnHere.index + delta : delta > 0 ? turns.findIndex((x) => x.firstSeq > cursor) : turns.findLastIndex((x) => x.firstSeq < cursor);
    const turn = turns[index];
    if (turn) move(turn.firstSeq);
  };

  const onKeyDown = (event: React.KeyboardEvent) => {
    if (isTyping(event.target) || event.ctrlKey || event.metaKey || event.altKey) return;
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(cursor + 1),
      j: () => move(cursor + 1),
      ArrowUp: () => move(cursor - 1),
      k: () => move(cursor - 1),
      PageDown: () => move(cursor + 20),
      PageUp: () => move(cursor - 20),
      Home: () => move(1),
      g: () => move(1),
      End: () => move(head),
      G: () => move(head),
      n: () => jumpTurn(1),
      p: () => jumpTurn(-1),
      e: () => void findNext("error,stream_error", undefined, false),
      E: () => void findNext("error,stream_error", undefined, true),
      m: () => {
        setAnchor(cursor);
        setTab("diff");
      },
      f: () => void forkHere(),
      r: () => void replayHere(),
      s: () => setTab("state"),
      v: () => setTab("entry"),
      d: () => setTab("diff"),
      l: () => t.setFollowing(!t.following),
      "/": () => search.current?.focus(),
      "?": () => setHelp(!help),
      Escape: () => setHelp(false),
    };
    const action = keys[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  };

  if (t.loadError) return <div className="thread-view pad error">{t.loadError}</div>;
  const thread = t.thread;
  const atHead = cursor === head;
  return (
    <div className="thread-view" ref={root} onKeyDown={onKeyDown}>
      <header className="thread-head">
        <div className="title">
          <h2>{thread?.name ?? shortId(threadId)}</h2>
          <code title={threadId}>{threadId}</code>
          {thread?.parentId && (
            <button type="button" className="link" onClick={() => props.onOpenThread(thread.parentId!, thread.forkSeq)}>
              fork of {shortId(thread.parentId)} @ {thread.forkSeq}
            </button>
          )}
          {thread?.spawnedBy && (
            <button type="button" className="link" onClick={() => props.onOpenThread(thread.spawnedBy!.threadId)}>
              sub-agent of {shortId(thread.spawnedBy.threadId)}
            </button>
          )}
          {thread?.live && <span className="badge live">live</span>}
          {thread?.activeTurn && <span className="badge running">running</span>}
          <span className={`link-state ${t.link}`} title="live stream">
            {t.link === "live" ? "● following" : t.link === "reconnecting" ? "○ reconnecting" : ""}
          </span>
        </div>
        <div className="actions">
          <button type="button" onClick={() => void forkHere()} title="a new thread with this thread's log up to the cursor (f)">
            Fork here <kbd>f</kbd>
          </button>
          <button type="button" onClick={() => void replayHere()} title="re-execute from the cursor's turn against the recording (r)">
            Replay from here <kbd>r</kbd>
          </button>
          <button type="button" onClick={() => { setAnchor(cursor); setTab("diff"); }} title="diff from this point to the cursor (m)">
            Mark A <kbd>m</kbd>
          </button>
          <form
            className="search"
            onSubmit={(event) => {
              event.preventDefault();
              void findNext(undefined, search.current?.value.trim() || undefined, false);
            }}
          >
            <input ref={search} type="search" placeholder="find text (/)" aria-label="find text in entries" />
          </form>
          <button type="button" onClick={() => void findNext("error,stream_error", undefined, false)} title="next error (e)">
            Next error <kbd>e</kbd>
          </button>
          <button type="button" className="link" onClick={() => setHelp(!help)} aria-expanded={help}>
            keys <kbd>?</kbd>
          </button>
        </div>
      </header>
      {notice && (
        <div className={`notice ${notice.kind}`} role="status" onClick={() => setNotice(null)}>
          {notice.text}
        </div>
      )}
      {help && (
        <div className="help" role="dialog" aria-label="keyboard shortcuts">
          {HELP.map(([key, what]) => (
            <div key={key}>
              <kbd>{key}</kbd> {what}
            </div>
          ))}
        </div>
      )}
      <div className="thread-body">
        <TurnRail turns={turns} current={turnShown} failed={t.failed} onSelect={selectTurn} />
        <div className="center">
          <div className="scrubber">
            <label>
              seq{" "}
              <input
                type="number"
                min={1}
                max={head}
                value={cursor || ""}
                aria-label="seq"
                onChange={(e) => e.target.value && move(Number(e.target.value))}
              />
            </label>
            <input type="range" min={1} max={Math.max(1, head)} value={cursor || 1} aria-label="scrub through the log" onChange={(e) => move(Number(e.target.value))} />
            <span className="muted">
              of {head}
              {turnHere ? ` · turn ${turnHere.index}` : ""}
            </span>
            <button type="button" className={t.following ? "on" : ""} onClick={() => (t.following ? t.setFollowing(false) : move(head))} title="follow the head (l)">
              {t.following ? "following head" : "follow head"} <kbd>l</kbd>
            </button>
          </div>
          {head > 0 && (
            <Timeline
              cache={t.cache}
              version={t.version}
              head={head}
              cursor={shownSeq}
              turns={turns}
              anchor={anchor}
              divergenceSeq={replay?.divergence?.seq ?? null}
              onSelect={move}
              onReady={markReady}
            />
          )}
          <Composer threadId={threadId} running={Boolean(state?.activeTurn && atHead)} onSent={() => t.setFollowing(true)} onError={(m) => say(m, "error")} />
        </div>
        <aside className="side">
          <div className="tabs" role="tablist">
            {(["state", "entry", "diff", "replay"] as Tab[]).map((name) => (
              <button key={name} type="button" role="tab" aria-selected={tab === name} className={tab === name ? "on" : ""} onClick={() => setTab(name)}>
                {name}
                {name === "state" && state && state.pendingApprovals.length > 0 ? ` (${state.pendingApprovals.length} pending)` : ""}
              </button>
            ))}
          </div>
          <div className="panel">
            {tab === "state" && <StatePanel state={state} loading={stateLoading} atHead={atHead} onAnswer={answer} />}
            {tab === "entry" && cursor > 0 && <EntryPanel threadId={threadId} seq={cursor} />}
            {tab === "diff" && <DiffPanel threadId={threadId} from={anchor} to={cursor} />}
            {tab === "replay" && <ReplayPanel result={replay} running={replaying} onJump={move} />}
          </div>
        </aside>
      </div>
    </div>
  );
}
