/**
 * `ThreadState`: everything a thread's log implies, as `evolve` folds it. Plain data except the
 * history, an `AppendList` shared between successive states (it serializes as an array); a state,
 * once made, never changes.
 */
import type { EventMsgOf, ResponseItem, SessionMeta, TokenUsageInfo, TurnContextItem } from "../events/index.js";
import { AppendList } from "./append-list.js";
import { EMPTY_LEDGER, type CallItem, type CallLedger } from "./calls.js";
import { EMPTY_SEGMENTS, type PreviousTurnSettings, type TurnSegments } from "./turn-segments.js";
import type { PendingUserInput } from "./pending-input.js";

export const THREAD_STATE_VERSION = 3;

export type TurnStatus = "running" | "completed" | "aborted";

export interface TurnRecord {
  readonly id: string;
  readonly status: TurnStatus;
  /** The first `user_message` of the turn; null for turns without one (a compaction task, ...). */
  readonly userMessage: string | null;
  /** Seq of its `task_started`. */
  readonly firstSeq: number;
  /** Seq of its `task_complete` / `turn_aborted`; null while it runs. */
  readonly lastSeq: number | null;
}

/** A request the thread is waiting on someone to answer. */
export type PendingApproval =
  | { readonly kind: "exec"; readonly id: string; readonly turnId: string; readonly seq: number; readonly request: EventMsgOf<"exec_approval_request"> }
  | { readonly kind: "patch"; readonly id: string; readonly turnId: string; readonly seq: number; readonly request: EventMsgOf<"apply_patch_approval_request"> }
  | { readonly kind: "user_input"; readonly id: string; readonly turnId: string; readonly seq: number; readonly request: EventMsgOf<"request_user_input"> }
  | { readonly kind: "dynamic_tool"; readonly id: string; readonly turnId: string; readonly seq: number; readonly request: EventMsgOf<"dynamic_tool_call_request"> }
  | { readonly kind: "elicitation"; readonly id: string; readonly turnId: string | null; readonly seq: number; readonly request: EventMsgOf<"elicitation_request"> };

export interface ApprovedForSession {
  /** `{command, cwd, sandbox_permissions}` (JSON) of each command approved with `approved_for_session`. */
  readonly commands: readonly string[];
  /** Each file path of a patch approved with `approved_for_session`. */
  readonly files: readonly string[];
}

export interface ThreadState {
  readonly v: typeof THREAD_STATE_VERSION;
  /** Set by whoever folds (entries read through a fork carry their writer's id). */
  readonly threadId: string | null;
  /** Seq of the last entry folded in (0 before any). */
  readonly seq: number;
  /** The first `session_meta` (Codex takes the thread's identity from the first). */
  readonly sessionMeta: SessionMeta | null;
  /**
   * The thread's own base instructions (replacing the model's): the first `session_meta`'s, or
   * what a later `session_configured` set them to when the thread was reopened. Null: the model's.
   */
  readonly baseInstructions: string | null;
  /**
   * Seq of the last entry that states the session's settings whole (a `turn_context`, or a
   * `session_configured` when the thread was opened); 0 before any. Resume reads settings from there.
   */
  readonly settingsSeq: number;
  readonly name: string | null;
  /** What the model sees, raw: `projectPrompt(history)` turns it into request input. */
  readonly history: AppendList<ResponseItem>;
  /** Turns in order, rolled-back ones removed; the running one is last. */
  readonly turns: readonly TurnRecord[];
  /** Id of the running turn: a log that ends with it set ended mid-turn. */
  readonly activeTurn: string | null;
  /** The last `token_count.info`. */
  readonly tokenUsage: TokenUsageInfo | null;
  /** The turn context the next turn diffs against; null means re-inject the full context. */
  readonly referenceContext: TurnContextItem | null;
  readonly previousTurnSettings: PreviousTurnSettings | null;
  readonly pendingApprovals: readonly PendingApproval[];
  /** User input logged but not yet taken by a turn (see pending-input.ts), oldest first. */
  readonly pendingInput: readonly PendingUserInput[];
  /** Calls in history without an output (their outputs are synthesized as `aborted` in prompts). */
  readonly unansweredCalls: readonly CallItem[];
  readonly approvedForSession: ApprovedForSession;
  /**
   * `compacted` entries folded so far, a fork's parent's before the fork point included (Codex's
   * window generation counts from there): resume reads it instead of the whole log.
   */
  readonly compactions: number;
  /** Bookkeeping for the fields above; stable in snapshots, not an API. */
  readonly internal: {
    readonly segments: TurnSegments;
    readonly calls: CallLedger;
    /**
     * A legacy compaction (no replacement history) since the last one with it: Codex then drops the
     * baseline. Exact for logs with only one kind of compaction; when a log mixes both (an old
     * rollout continued by a newer Codex), Codex's answer depends on how far its backward scan
     * read, and ours can differ in rare positions (the next turn then re-injects full context).
     */
    readonly legacyCompaction: boolean;
  };
}

export function initialState(threadId: string | null = null): ThreadState {
  return {
    v: THREAD_STATE_VERSION,
    threadId,
    seq: 0,
    sessionMeta: null,
    baseInstructions: null,
    settingsSeq: 0,
    name: null,
    history: AppendList.empty(),
    turns: [],
    activeTurn: null,
    tokenUsage: null,
    referenceContext: null,
    previousTurnSettings: null,
    pendingApprovals: [],
    pendingInput: [],
    unansweredCalls: EMPTY_LEDGER.unanswered,
    approvedForSession: { commands: [], files: [] },
    compactions: 0,
    internal: { segments: EMPTY_SEGMENTS, calls: EMPTY_LEDGER, legacyCompaction: false },
  };
}
