/** The vocabulary: zod schemas with the types inferred from them, under Codex's wire names. */
export { SchemaError, UnknownTypeError } from "./errors.js";
export { formatIssues } from "./tagged.js";
export * from "./policy.js";
export {
  ContentItem,
  ToolOutputBody,
  MessageItem,
  ReasoningItem,
  FunctionCallItem,
  FunctionCallOutputItem,
  CustomToolCallItem,
  CustomToolCallOutputItem,
  LocalShellCallItem,
  ResponseItem,
  ResponseItemSchemas,
  parseResponseItem,
} from "./response-item.js";
export { TurnContextItem, CompactedItem, SessionMeta, DynamicToolSpec } from "./items.js";
export { UserInputItem, Op, OpSchemas, Submission, parseOp, parseSubmission, ServiceTier, Personality, CollaborationMode } from "./op.js";
export type { OpType, OpOf } from "./op.js";
export {
  TokenUsage,
  TokenUsageInfo,
  TurnAbortReason,
  TurnItem,
  FileChange,
  EventMsg,
  EventMsgSchemas,
  Event,
  parseEventMsg,
} from "./event-msg.js";
export type { EventMsgType, EventMsgOf } from "./event-msg.js";
/** Depth and size limits on submitted input, checked before anything walks it. */
export { checkInputLimits, checkUserText, InputLimitError, MAX_INPUT_DEPTH, MAX_SUBMISSION_CHARS, MAX_USER_INPUT_TEXT_CHARS } from "./limits.js";
/** Lifecycle hooks: run summaries as `hook_started` / `hook_completed` carry them. */
export { HookEventName, HookRunStatus, HookSource, HookOutputEntry, HookRunSummary, PermissionDecision } from "./hooks.js";
export { LOG_SCHEMA_VERSION, EntryKind, LogEntry, parsePayload, parseLogEntry } from "./entry.js";
export type { EntryOf, NewEntry } from "./entry.js";
