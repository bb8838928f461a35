/** The side panels besides the state: one entry in full, a diff between two points, a replay's result. */
import { useEffect, useState } from "react";
import { Api, type Divergence, type StateDiff } from "./api.js";
import { itemView, number } from "./format.js";

export function EntryPanel({ threadId, seq }: { threadId: string; seq: number }) {
  const [entry, setEntry] = useState<Record<string, unknown> | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setError(null);
    Api.entry(threadId, seq).then(
      ({ entries }) => live && setEntry(entries[0] ?? null),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [threadId, seq]);
  if (error) return <p className="error pad">{error}</p>;
  if (!entry) return <p className="muted pad">loading…</p>;
  return (
    <div className="entry-panel">
      <h3>Entry {seq}</h3>
      <pre className="json">{JSON.stringify(entry, null, 2)}</pre>
    </div>
  );
}

export function DiffPanel({ threadId, from, to }: { threadId: string; from: number | null; to: number }) {
  const [diff, setDiff] = useState<StateDiff | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (from === null) return;
    let live = true;
    setError(null);
    Api.diff(threadId, from, to).then(
      (r) => live && setDiff(r.diff),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [threadId, from, to]);
  if (from === null) return <p className="muted pad">Press <kbd>m</kbd> (or "Mark A") at one point, then move: this shows what changed from A to the cursor.</p>;
  if (error) return <p className="error pad">{error}</p>;
  if (!diff) return <p className="muted pad">comparing…</p>;
  const nothing = !diff.historyAdded.length && !diff.historyRemoved.length && !diff.turns.length && !diff.tokens && !diff.name;
  return (
    <div className="diff-panel" data-diff={`${diff.from}-${diff.to}`}>
      <h3>
        Seq {diff.from} → {diff.to}
      </h3>
      {nothing && <p className="muted">no change in the folded state</p>}
      {diff.tokens && <p>tokens: {number(diff.tokens.before)} → {number(diff.tokens.after)}</p>}
      {diff.name && <p>name: {diff.name.before ?? "(none)"} → {diff.name.after ?? "(none)"}</p>}
      {diff.turns.map((t) => (
        <p key={t.id} className={`turn-change ${t.change}`}>
          turn <code>{t.id.slice(0, 8)}</code>: {t.change === "new" ? `new, ${t.after}` : t.change === "dropped" ? "dropped" : `${t.before} → ${t.after}`}
          {t.userMessage ? ` — “${t.userMessage.slice(0, 80)}”` : ""}
        </p>
      ))}
      {diff.pendingBefore.join() !== diff.pendingAfter.join() && (
        <p>
          pending: [{diff.pendingBefore.join(", ")}] → [{diff.pendingAfter.join(", ")}]
        </p>
      )}
      <p className="muted">{diff.historyCommon} history items in common</p>
      <ul className="diff-items">
        {diff.historyRemoved.map((item, i) => (
          <DiffItem key={`r${i}`} sign="-" item={item} />
        ))}
        {diff.historyAdded.map((item, i) => (
          <DiffItem key={`a${i}`} sign="+" item={item} />
        ))}
      </ul>
    </div>
  );
}

function DiffItem({ sign, item }: { sign: "+" | "-"; item: Record<string, any> }) {
  const view = itemView(item);
  return (
    <li className={sign === "+" ? "added" : "removed"}>
      <span className="sign">{sign}</span> <b>{view.role}</b> {view.text.slice(0, 300)}
    </li>
  );
}

export interface ReplayResult {
  fromSeq: number;
  replayed: number;
  ms: number;
  divergence?: Divergence;
  error?: string;
}

export function ReplayPanel({ result, running, onJump }: { result: ReplayResult | null; running: boolean; onJump(seq: number): void }) {
  if (running) return <p className="muted pad">re-executing against the recording…</p>;
  if (!result) return <p className="muted pad">Press <kbd>r</kbd> (or "Replay from here"): the thread is re-executed from the start of the cursor's turn, with the model and tools answering from the log; the first entry that differs is marked in the timeline.</p>;
  if (result.error) return <p className="error pad">{result.error}</p>;
  const d = result.divergence;
  return (
    <div className="replay-panel" data-replay={d ? "diverged" : "same"}>
      <h3>Replay from seq {result.fromSeq}</h3>
      {!d && (
        <p className="ok">
          {result.replayed} entries re-executed, no divergence ({result.ms} ms)
        </p>
      )}
      {d && (
        <>
          <p className="error">
            divergence at seq {d.seq}: {d.reason} ({result.replayed} entries agreed first)
          </p>
          <button type="button" onClick={() => onJump(d.seq)}>
            Show seq {d.seq}
          </button>
          <ul className="diff-lines">
            {d.diff.map((line, i) => (
              <li key={i}>
                <code>{line}</code>
              </li>
            ))}
          </ul>
          <div className="side-by-side">
            <div>
              <h4>recorded</h4>
              <pre className="json">{JSON.stringify(d.recorded?.payload ?? null, null, 2)}</pre>
            </div>
            <div>
              <h4>now</h4>
              <pre className="json">{JSON.stringify(d.produced?.payload ?? null, null, 2)}</pre>
            </div>
          </div>
        </>
      )}
    </div>
  );
}
