/**
 * The folded state at the cursor: token usage, the requests waiting for an answer (answerable
 * from here when the cursor is at the head), and the history exactly as the model sees it. The
 * state comes with the prompt's last `PROMPT_TAIL` items only (a long context runs to hundreds of
 * KB, and every move of the cursor asks again); the earlier ones are fetched when asked for.
 */
import { useEffect, useState } from "react";
import { Api, type Pending, type StateView } from "./api.js";
import { itemView, number } from "./format.js";

export interface StatePanelProps {
  state: StateView | null;
  loading: boolean;
  atHead: boolean;
  onAnswer(pending: Pending, decision: string): Promise<void>;
}

export function StatePanel({ state, loading, atHead, onAnswer }: StatePanelProps) {
  if (!state) return <p className="muted pad">{loading ? "folding…" : "no state"}</p>;
  const usage = state.tokenUsage;
  const window = usage?.model_context_window ?? null;
  const last = usage?.last_token_usage?.total_tokens ?? 0;
  return (
    <div className={`state-panel${loading ? " stale" : ""}`} data-state-seq={state.seq}>
      <h3>
        State at seq {state.seq}
        {state.activeTurn && <span className="badge running"> turn running</span>}
      </h3>
      <dl className="facts">
        <dt>turns</dt>
        <dd>{state.turnCount}</dd>
        <dt>history</dt>
        <dd>{state.historyLength} items</dd>
        <dt>tokens</dt>
        <dd>
          {usage ? (
            <>
              {number(usage.total_token_usage.total_tokens)} total · {number(usage.total_token_usage.input_tokens)} in ·{" "}
              {number(usage.total_token_usage.output_tokens)} out · last request {number(last)}
              {window ? ` of ${number(window)} (${Math.round((last / window) * 100)}%)` : ""}
            </>
          ) : (
            "no usage yet"
          )}
        </dd>
      </dl>
      {window && usage && (
        <div className="meter" aria-label="context window used">
          <div style={{ width: `${Math.min(100, (last / window) * 100)}%` }} />
        </div>
      )}
      <h4>Pending requests ({state.pendingApprovals.length})</h4>
      {state.pendingApprovals.length === 0 && <p className="muted">none</p>}
      {state.pendingApprovals.map((pending) => (
        <PendingCard key={`${pending.kind}:${pending.id}`} pending={pending} answerable={atHead} onAnswer={onAnswer} />
      ))}
      <Prompt state={state} />
    </div>
  );
}

/** The newest items first come into view; a long history shows its end until asked for all of it. */
export const PROMPT_TAIL = 20;

function Prompt({ state }: { state: StateView }) {
  // The whole prompt of this state, once asked for; a new state (the cursor moved) starts again
  // from its tail.
  const [whole, setWhole] = useState<{ seq: number; items: StateView["prompt"] } | "loading" | "failed" | null>(null);
  useEffect(() => setWhole(null), [state.threadId, state.seq]);
  const all = typeof whole === "object" && whole?.seq === state.seq ? whole.items : null;
  const tail = state.prompt.slice(-PROMPT_TAIL);
  const shown = all ?? tail;
  const hidden = state.promptLength - shown.length;
  const showAll = () => {
    setWhole("loading");
    Api.state(state.threadId, state.seq).then(
      (r) => setWhole({ seq: state.seq, items: r.state.prompt }),
      () => setWhole("failed"),
    );
  };
  return (
    <>
      <h4>What the model sees ({state.promptLength} items)</h4>
      {hidden > 0 && (
        <button type="button" className="link" disabled={whole === "loading"} onClick={showAll}>
          {whole === "loading" ? "loading…" : whole === "failed" ? `could not load the ${hidden} earlier items: try again` : `show the ${hidden} earlier items`}
        </button>
      )}
      <ol className="prompt" start={hidden + 1}>
        {shown.map((item, index) => {
          const view = itemView(item);
          return <PromptItem key={hidden + index} role={view.role} text={view.text} />;
        })}
      </ol>
    </>
  );
}

function PromptItem({ role, text }: { role: string; text: string }) {
  const long = text.length > 600;
  const [open, setOpen] = useState(!long);
  const css = role.startsWith("call") ? "call" : role;
  return (
    <li className={`prompt-item role-${css}`}>
      <span className="role">{role}</span>
      <pre className="prompt-text">{open ? text : `${text.slice(0, 600)}…`}</pre>
      {long && (
        <button type="button" className="link" onClick={() => setOpen(!open)}>
          {open ? "show less" : `show all ${number(text.length)} characters`}
        </button>
      )}
    </li>
  );
}

const DECISIONS: Record<string, [string, string][]> = {
  exec: [["approved", "Approve"], ["approved_for_session", "Approve for session"], ["denied", "Deny"], ["abort", "Abort turn"]],
  patch: [["approved", "Approve"], ["approved_for_session", "Approve for session"], ["denied", "Deny"], ["abort", "Abort turn"]],
};

function PendingCard({ pending, answerable, onAnswer }: { pending: Pending; answerable: boolean; onAnswer: StatePanelProps["onAnswer"] }) {
  const [busy, setBusy] = useState(false);
  const request = pending.request;
  const what =
    pending.kind === "exec"
      ? (request.command ?? []).join(" ")
      : pending.kind === "patch"
        ? Object.keys(request.changes ?? {}).join(", ")
        : JSON.stringify(request.questions ?? request.arguments ?? request.message ?? request);
  const decisions = DECISIONS[pending.kind];
  return (
    <div className="pending" data-pending={pending.id}>
      <div>
        <b>{pending.kind}</b> <code>{pending.id}</code> <span className="muted">asked at seq {pending.seq}</span>
      </div>
      <pre className="prompt-text">{what}</pre>
      {request.reason && <p className="muted">{request.reason}</p>}
      {decisions && answerable ? (
        <div className="actions">
          {decisions.map(([decision, label]) => (
            <button
              key={decision}
              type="button"
              disabled={busy}
              className={decision === "approved" ? "primary" : ""}
              onClick={() => {
                setBusy(true);
                void onAnswer(pending, decision).finally(() => setBusy(false));
              }}
            >
              {label}
            </button>
          ))}
        </div>
      ) : (
        <p className="muted">{decisions ? "move to the head to answer" : "answer it with an op (composer, JSON)"}</p>
      )}
    </div>
  );
}
