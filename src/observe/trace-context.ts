/**
 * W3C trace context (`traceparent` / `tracestate`) as a submission carries it (Codex's
 * `Submission.trace`). Parsed here, without the SDK: the trace id a turn writes into its
 * `turn_context` comes from the logged submission alone, so replay writes the same id whether or
 * not tracing is configured.
 */
import { createTraceState, ROOT_CONTEXT, trace, TraceFlags, type Context, type SpanContext } from "@opentelemetry/api";

/** Codex's `W3cTraceContext`. */
export interface W3cTraceContext {
  traceparent?: string | null;
  tracestate?: string | null;
}

// version "00": 2 hex, trace id 32 hex (not all zero), span id 16 hex (not all zero), flags 2 hex.
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE = "0".repeat(32);
const ZERO_SPAN = "0".repeat(16);

/** The remote span a valid `traceparent` names, or undefined (Codex ignores an invalid carrier). */
export function spanContextOf(carrier: unknown): SpanContext | undefined {
  if (typeof carrier !== "object" || carrier === null) return undefined;
  const { traceparent, tracestate } = carrier as W3cTraceContext;
  if (typeof traceparent !== "string" || traceparent.length > 512) return undefined;
  const match = TRACEPARENT.exec(traceparent.trim());
  if (!match) return undefined;
  const [, version, traceId, spanId, flags, rest] = match;
  // Version ff is invalid; version 00 allows nothing after the flags.
  if (version === "ff" || (version === "00" && rest !== undefined)) return undefined;
  if (traceId === ZERO_TRACE || spanId === ZERO_SPAN) return undefined;
  return {
    traceId: traceId!,
    spanId: spanId!,
    traceFlags: Number.parseInt(flags!, 16) & TraceFlags.SAMPLED,
    isRemote: true,
    ...(typeof tracestate === "string" && tracestate.length > 0 && tracestate.length <= 512
      ? { traceState: createTraceState(tracestate) }
      : {}),
  };
}

/** The trace id (32 hex) of a submission's trace carrier, when it is valid: `turn_context.trace_id`. */
export function traceIdOf(carrier: unknown): string | undefined {
  return spanContextOf(carrier)?.traceId;
}

/** The OTel context whose parent is the carrier's remote span (the root context without one). */
export function parentContextOf(carrier: unknown): Context {
  const remote = spanContextOf(carrier);
  return remote ? trace.setSpanContext(ROOT_CONTEXT, remote) : ROOT_CONTEXT;
}

/** The `traceparent` of a span context (to hand a trace on, e.g. in a test or to a child process). */
export function traceparentOf(context: SpanContext): string {
  return `00-${context.traceId}-${context.spanId}-${(context.traceFlags & 0xff).toString(16).padStart(2, "0")}`;
}

/** A submission's `trace` as given, checked: absent, or `{ traceparent?, tracestate? }` of strings. */
export function checkTraceCarrier(carrier: unknown): W3cTraceContext | undefined {
  if (carrier === undefined || carrier === null) return undefined;
  if (typeof carrier !== "object" || Array.isArray(carrier)) throw new TypeError("trace must be an object { traceparent, tracestate }");
  const out: W3cTraceContext = {};
  for (const [key, value] of Object.entries(carrier)) {
    // Other fields are ignored, as Codex's deserializer does.
    if (key !== "traceparent" && key !== "tracestate") continue;
    if (value === null || value === undefined) continue;
    if (typeof value !== "string" || value.length > 512) throw new TypeError(`trace.${key} must be a string of at most 512 characters`);
    out[key] = value;
  }
  return out;
}
