/** Pure folds of a thread's log: state, Codex's history reconstruction, prompt projection, snapshots. */

/** The folded state and its parts; `initialState(threadId?)` is the state before any entry. */
export { initialState, THREAD_STATE_VERSION } from "./thread-state.js";
export type { ThreadState, TurnRecord, TurnStatus, PendingApproval, ApprovedForSession } from "./thread-state.js";
/** User input logged but not yet taken by a turn; the ops that start or steer turns. */
export { TURN_INPUT_OPS } from "./pending-input.js";
export type { PendingUserInput } from "./pending-input.js";
/** `evolve(state, entry)`: one entry folded in; `foldEntries(entries, from?)`: many. */
export { evolve, foldEntries, OutOfOrderEntryError } from "./evolve.js";
/** The immutable, shared list the history is kept in (`length`, `at`, iteration, `toArray`). */
export { AppendList } from "./append-list.js";
/** `projectPrompt(history, { supportsImages?, keepIds?, reserializeShellOutputs? })`: the next request's input, normalized as Codex does. */
export { projectPrompt, syntheticOutput, IMAGE_OMITTED_PLACEHOLDER } from "./prompt.js";
/** Codex's request-time rewrite of JSON shell outputs as text, when the freeform apply_patch tool is offered. */
export { offersFreeformApplyPatch, reserializeShellOutputs, structuredShellText, formatF32 } from "./shell-output.js";
export type { PromptOptions } from "./prompt.js";
/** Context messages versus real user turns. */
export {
  isContextualUserMessage,
  isContextualUserContent,
  isContextualUserFragment,
  isContextualDeveloperContent,
  isInterAgentInstruction,
  isUserTurnBoundary,
} from "./contextual.js";
/** Rollback by user turns: `dropLastNUserTurns(items, n)` and the cut it makes on a list, `rollbackCut`. */
export { dropLastNUserTurns, rollbackCut } from "./rollback.js";
export type { RollbackCut } from "./rollback.js";
/** Local compaction: Codex's prompt and summary prefix, the surviving user messages, the replacement history. */
export {
  SUMMARIZATION_PROMPT,
  SUMMARY_PREFIX,
  COMPACT_USER_MESSAGE_MAX_TOKENS,
  summaryText,
  isSummaryMessage,
  collectUserMessages,
  buildCompactedHistory,
} from "./compaction.js";
/** Codex's 4-bytes-per-token estimate and middle truncation. */
export { approxTokenCount, truncateMiddleToTokens } from "./truncate.js";
/** Which output answers which call. */
export { callKey, outputKey } from "./calls.js";
export type { CallItem } from "./calls.js";
export type { PreviousTurnSettings } from "./turn-segments.js";
/** Snapshots: `serializeState(state)` is plain JSON; `deserializeState(data)` throws `IncompatibleSnapshotError`. */
export { serializeState, splitState, IncompatibleSnapshotError } from "./serialize.js";
export { deserializeState } from "./snapshot-decoder.js";
/** `SnapshotDecoder`: loads snapshots, reusing the decoded records of the parts they share with the last ones. */
export { SnapshotDecoder } from "./snapshot-decoder.js";
export type { SnapshotPlan, PartLookup, SnapshotDecoderOptions } from "./snapshot-decoder.js";
export type { SerializedState } from "./serialize.js";
/** Snapshot parts: long lists cut at fixed positions, each full part stored once under the hash of its JSON. */
export { partKeys, partKey, MissingSnapshotPartError, DEFAULT_PART_SIZES } from "./snapshot-parts.js";
export type { PartSizes, SplitState, PartedList } from "./snapshot-parts.js";
