/**
 * The metric instruments, with Codex's names (`codex-rs/otel/src/metrics/names.rs`) where Codex
 * has one and `loom.*` where it has none. Durations are milliseconds, as in Codex.
 */
import type { Counter, Histogram, Meter } from "@opentelemetry/api";

export const METRIC = {
  /** One per thread opened (Codex: `codex.thread.started`). */
  threadStarted: "codex.thread.started",
  /** One per ended turn, tagged `status` = completed | failed | aborted (Codex has no counter: it records e2e). */
  turns: "loom.turn.count",
  turnE2e: "codex.turn.e2e_duration_ms",
  turnTtft: "codex.turn.ttft.duration_ms",
  turnTtfm: "codex.turn.ttfm.duration_ms",
  /** Tool calls a turn made (Codex's histogram). */
  turnToolCalls: "codex.turn.tool.call",
  /** Tokens a turn used, tagged `token_type` = total | input | cached_input | output | reasoning_output. */
  turnTokenUsage: "codex.turn.token_usage",
  toolCalls: "codex.tool.call",
  toolDuration: "codex.tool.call.duration_ms",
  /** Each request attempt sent to the model (Codex counts them as `codex.api_request`). */
  apiRequests: "codex.api_request",
  /** Each retry of a model request (Codex has no metric; its `stream_error` says "Reconnecting..."). */
  modelRetries: "loom.model.retry",
  /** Each compaction of the history, tagged `trigger` = manual | auto (Codex counts the manual task as `codex.task.compact`). */
  compactions: "loom.compaction",
  compactTask: "codex.task.compact",
  /** How long a tool call waited for the user's decision. */
  approvalWait: "loom.approval.wait.duration_ms",
} as const;

export interface Instruments {
  threadStarted: Counter;
  turns: Counter;
  turnE2e: Histogram;
  turnTtft: Histogram;
  turnTtfm: Histogram;
  turnToolCalls: Histogram;
  turnTokenUsage: Histogram;
  toolCalls: Counter;
  toolDuration: Histogram;
  apiRequests: Counter;
  modelRetries: Counter;
  compactions: Counter;
  compactTask: Counter;
  approvalWait: Histogram;
}

export function createInstruments(meter: Meter): Instruments {
  const ms = { unit: "ms" };
  return {
    threadStarted: meter.createCounter(METRIC.threadStarted),
    turns: meter.createCounter(METRIC.turns),
    turnE2e: meter.createHistogram(METRIC.turnE2e, ms),
    turnTtft: meter.createHistogram(METRIC.turnTtft, ms),
    turnTtfm: meter.createHistogram(METRIC.turnTtfm, ms),
    turnToolCalls: meter.createHistogram(METRIC.turnToolCalls),
    turnTokenUsage: meter.createHistogram(METRIC.turnTokenUsage, { unit: "{token}" }),
    toolCalls: meter.createCounter(METRIC.toolCalls),
    toolDuration: meter.createHistogram(METRIC.toolDuration, ms),
    apiRequests: meter.createCounter(METRIC.apiRequests),
    modelRetries: meter.createCounter(METRIC.modelRetries),
    compactions: meter.createCounter(METRIC.compactions),
    compactTask: meter.createCounter(METRIC.compactTask),
    approvalWait: meter.createHistogram(METRIC.approvalWait, ms),
  };
}

/** Span names: Codex's where it has them (`op.dispatch.<op>`, `session_task.turn`, `stream_request`). */
export const SPAN = {
  submission: (op: string) => `op.dispatch.${op}`,
  turn: "session_task.turn",
  modelRequest: "stream_request",
  /** Codex names a tool's span after the tool (`otel.name = tool name`). */
  toolCall: (tool: string) => tool,
  approval: "approval.wait",
} as const;
