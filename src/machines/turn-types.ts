/** The data the turn machine and its named actors exchange (see turn.ts). */
import type { ResponseItem, UserInputItem } from "../events/index.js";
import type { AnswerEvent, PendingInput, ToolCallRequest, ToolCallResult } from "./types.js";

export interface TurnInput {
  /** Codex uses the submission id as the turn id. */
  turnId: string;
  items: UserInputItem[];
  /**
   * A turn the log left open while calls waited for approval (a restart): continue its round
   * instead of starting one. `results` holds the calls that had finished; `awaiting` the call ids
   * whose approval request is still open.
   */
  resume?: {
    calls: ToolCallRequest[];
    results: Record<string, ToolCallResult>;
    awaiting: string[];
    /** Answers logged before the restart for calls in `awaiting`, not yet acted on: decided at once. */
    answers?: AnswerEvent[];
    /** Steering input logged before the restart that the turn had not recorded yet. */
    pendingInput?: PendingInput[];
    /** Calls in `awaiting` that run again from the start (a wait on sub-agents: it only waits). */
    rerun?: string[];
  };
}

export interface TurnError {
  message: string;
  /** Codex's `codex_error_info` for the `error` event. */
  info?: unknown;
}

export type TurnStatus = "completed" | "aborted" | "failed";

export interface TurnOutput {
  turnId: string;
  status: TurnStatus;
  lastAgentMessage: string | null;
  /** Steering input the turn recorded (the session forgets it). */
  consumed: string[];
  /** Steering input an interrupt left unrecorded: reported as not delivered (the session forgets it). */
  dropped: string[];
}

export type SampleEvent =
  | { type: "TOOL_CALL"; call: ToolCallRequest }
  | { type: "SAMPLE_DONE"; lastAgentMessage: string | null }
  | { type: "SAMPLE_FAILED"; error: TurnError };

export type TurnEvent =
  | SampleEvent
  | { type: "INTERRUPT" }
  | { type: "STEER"; input: PendingInput }
  | AnswerEvent;

export interface TurnContext {
  turnId: string;
  items: UserInputItem[];
  /** Calls of the current sampling round, in the order the model made them. */
  calls: ToolCallRequest[];
  results: Record<string, ToolCallResult>;
  pendingInput: PendingInput[];
  /** Steering input being recorded now (taken off `pendingInput`). */
  draining: PendingInput[];
  /** A Stop hook sent the model back to work this turn: the next Stop payload says so (Codex's loop guard). */
  stopHookActive: boolean;
  /** Ids of the steering input recorded (or being recorded). */
  consumed: string[];
  /** Steering input pending when the turn was interrupted: it is reported, never recorded. */
  dropped: PendingInput[];
  lastAgentMessage: string | null;
  error?: TurnError;
  /** Calls whose output is already recorded (or being recorded), so an abort never writes two. */
  recorded: string[];
  status: TurnStatus;
  /** Calls to re-attach to their open approval requests when the turn resumes. */
  resuming: string[];
  /** Answers logged before the restart for some of those calls. */
  resumeAnswers: AnswerEvent[];
  /** Calls of `resuming` that start over instead of re-attaching to a request. */
  resumeRerun: string[];
  /** What `beginTurn` decided to compact before the turn's input is recorded. */
  preTurnCompaction: PreTurnCompaction | null;
}

/** A compaction `beginTurn` decided on before the turn records its input. */
export interface PreTurnCompaction {
  /** Compact with this model (the previous turn's) first: the thread moved to a smaller window. */
  previousModel: string | null;
}

export interface BeginTurnOutput {
  /** Non-null: `beginTurn` recorded only `task_started`; compact, then record the turn's input. */
  preTurnCompaction: PreTurnCompaction | null;
  /** A SessionStart or UserPromptSubmit hook stopped the turn before the model was asked. */
  stopped?: boolean;
}

/** What the turn's input recording found (after a pre-turn compaction). */
export interface RecordTurnInputOutput {
  stopped?: boolean;
}

/** Stop hooks ran: `continue` sends the model back to work (Codex's stop-hook continuation). */
export interface StopHooksOutput {
  continue: boolean;
}

export type CompactInput =
  | { turnId: string; phase: "pre_turn"; plan: PreTurnCompaction }
  | { turnId: string; phase: "mid_turn" };

/** A failed compaction ends the turn with its error, as Codex's `run_turn` returns early. */
export type CompactOutput = { ok: true } | { ok: false; error: TurnError };

export interface RecordOutputsOutput {
  /** The thread is at its auto-compaction limit once these outputs are in the history. */
  tokenLimitReached: boolean;
}

export interface RecordOutputsInput {
  turnId: string;
  outputs: ResponseItem[];
  /** Whether the model goes on after this (calls to answer, input to give it): only then does the token limit matter. */
  followUp: boolean;
}

export interface AbortTurnInput {
  turnId: string;
  /** Outputs for calls that had none yet, in call order. */
  outputs: ResponseItem[];
  /** Steering input the interrupt left unrecorded: each gets an event saying it was not delivered. */
  dropped: PendingInput[];
}
