/**
 * The folded state as the API returns it: what the model sees at that point (the prompt projected
 * from history, as the next request would carry it), the turns, token usage and open requests.
 */
import { projectPrompt, type ThreadState, type TurnRecord } from "../state/index.js";
import type { ResponseItem } from "../events/index.js";

export interface TurnView extends TurnRecord {
  /** Position among the thread's turns (0-based, as `loom fork --before-turn` counts). */
  index: number;
}

export function turnViews(state: ThreadState): TurnView[] {
  return state.turns.map((turn, index) => ({ index, ...turn }));
}

export interface StateViewOptions {
  history?: boolean;
  turns?: boolean;
  /**
   * Only the last `promptTail` items of the prompt (`promptStart` says where they begin): what a
   * panel shows first, without sending a long context's every item on each move of the cursor.
   */
  promptTail?: number;
}

/**
 * The state at a point. The turn list of a long thread runs to thousands (and `/turns` serves it),
 * so only its length and the last turn come unless `turns` is asked for.
 */
export function stateView(state: ThreadState, options: StateViewOptions = {}): Record<string, unknown> {
  const last = state.turns.length - 1;
  const prompt = projectPrompt(state.history);
  const promptStart = options.promptTail === undefined ? 0 : Math.max(0, prompt.length - options.promptTail);
  return {
    threadId: state.threadId,
    name: state.name,
    seq: state.seq,
    cwd: state.sessionMeta?.cwd ?? null,
    activeTurn: state.activeTurn,
    turnCount: state.turns.length,
    lastTurn: last >= 0 ? { index: last, ...state.turns[last] } : null,
    ...(options.turns ? { turns: turnViews(state) } : {}),
    tokenUsage: state.tokenUsage,
    pendingApprovals: state.pendingApprovals,
    unansweredCalls: state.unansweredCalls,
    approvedForSession: state.approvedForSession,
    referenceContext: state.referenceContext,
    previousTurnSettings: state.previousTurnSettings,
    historyLength: state.history.length,
    /** The model's input at this point: history with Codex's normalization (missing outputs, ids). */
    promptLength: prompt.length,
    promptStart,
    prompt: promptStart > 0 ? prompt.slice(promptStart) : prompt,
    ...(options.history ? { history: state.history.toArray() } : {}),
  };
}

export interface StateDiff {
  from: number;
  to: number;
  /** Items of the earlier history that are gone (a rollback or compaction in between). */
  historyRemoved: ResponseItem[];
  historyAdded: ResponseItem[];
  /** How many history items both points share from the start. */
  historyCommon: number;
  turns: { id: string; change: "new" | "dropped" | "status"; before?: string; after?: string; userMessage: string | null }[];
  tokens: { before: number; after: number } | null;
  pendingBefore: string[];
  pendingAfter: string[];
  name: { before: string | null; after: string | null } | null;
}

/** What changed in the folded state between two points of one thread. */
export function diffStates(before: ThreadState, after: ThreadState): StateDiff {
  const a = before.history.toArray();
  const b = after.history.toArray();
  let common = 0;
  // Histories share structure until a rollback or compaction rewrites them: compare by identity first.
  while (common < a.length && common < b.length && (a[common] === b[common] || JSON.stringify(a[common]) === JSON.stringify(b[common]))) common++;
  const turns: StateDiff["turns"] = [];
  const old = new Map(before.turns.map((turn) => [turn.id, turn]));
  for (const turn of after.turns) {
    const was = old.get(turn.id);
    if (!was) turns.push({ id: turn.id, change: "new", after: turn.status, userMessage: turn.userMessage });
    else if (was.status !== turn.status) turns.push({ id: turn.id, change: "status", before: was.status, after: turn.status, userMessage: turn.userMessage });
  }
  const kept = new Set(after.turns.map((turn) => turn.id));
  for (const turn of before.turns) if (!kept.has(turn.id)) turns.push({ id: turn.id, change: "dropped", before: turn.status, userMessage: turn.userMessage });
  const tokensBefore = before.tokenUsage?.total_token_usage.total_tokens ?? 0;
  const tokensAfter = after.tokenUsage?.total_token_usage.total_tokens ?? 0;
  return {
    from: before.seq,
    to: after.seq,
    historyRemoved: a.slice(common),
    historyAdded: b.slice(common),
    historyCommon: common,
    turns,
    tokens: tokensBefore === tokensAfter ? null : { before: tokensBefore, after: tokensAfter },
    pendingBefore: before.pendingApprovals.map((p) => `${p.kind}:${p.id}`),
    pendingAfter: after.pendingApprovals.map((p) => `${p.kind}:${p.id}`),
    name: before.name === after.name ? null : { before: before.name, after: after.name },
  };
}
