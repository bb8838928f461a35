/**
 * One thread's observability as a fold of its log: every committed entry (the bus publishes only
 * what is durable) moves spans, metrics and log lines forward. Nothing here writes to the log or
 * feeds back into the machines, so tracing cannot change what a run records, and replay is
 * unaffected. Spans and durations are measured when facts become durable (within a group commit of
 * when they happened); ids come from the log (turn id, call id), the parent from the submission's
 * W3C `trace`.
 */
import { ROOT_CONTEXT, SpanStatusCode, trace, type Attributes, type Context, type Span, type Tracer } from "@opentelemetry/api";
import type { Logger } from "pino";
import type { EventMsg, LogEntry, ResponseItem, TokenUsage } from "../events/index.js";
import type { Instruments } from "./metrics.js";
import { SPAN } from "./metrics.js";
import { parentContextOf } from "./trace-context.js";

/** Submissions whose turn has not started yet, at most this many (a flood of queued input is bounded). */
const MAX_PENDING_SUBMISSIONS = 256;
const TURN_OPS = new Set(["user_input", "user_turn", "user_input_with_turn_context", "review"]);
const ANSWER_OPS = new Set(["exec_approval", "patch_approval"]);
const TOKEN_TYPES = ["total", "input", "cached_input", "output", "reasoning_output"] as const;

export interface ThreadObserverDeps {
  threadId: string;
  logger: Logger;
  tracer?: Tracer;
  instruments?: Instruments;
  /** Monotonic milliseconds (performance.now). */
  now: () => number;
}

interface ToolObs {
  name: string;
  startedAt: number;
  span?: Span;
  context: Context;
  success: boolean;
}

interface ApprovalObs {
  startedAt: number;
  span?: Span;
  kind: string;
}

interface TurnObs {
  id: string;
  startedAt: number;
  logger: Logger;
  span?: Span;
  context: Context;
  model?: string;
  request?: { span?: Span; attempts: number };
  firstToken?: number;
  firstMessage?: number;
  toolCalls: number;
  usage: Record<(typeof TOKEN_TYPES)[number], number>;
  failed?: string;
}

export class ThreadObserver {
  private readonly logger: Logger;
  private readonly traceEntries: boolean;
  private readonly pending = new Map<string, Context>();
  private readonly turns = new Map<string, TurnObs>();
  private readonly tools = new Map<string, ToolObs>();
  private readonly approvals = new Map<string, ApprovalObs>();
  private active: TurnObs | undefined;
  private model: string | undefined;

  constructor(private readonly deps: ThreadObserverDeps) {
    this.logger = deps.logger.child({ threadId: deps.threadId });
    this.traceEntries = this.logger.isLevelEnabled("trace");
  }

  /** Folds one committed entry in. Never throws: observability must not break the thread. */
  entry(entry: LogEntry): void {
    try {
      if (this.traceEntries) {
        const type = (entry.payload as { type?: unknown }).type;
        this.logger.trace({ seq: entry.seq, kind: entry.kind, ...(typeof type === "string" ? { type } : {}) }, "entry");
      }
      if (entry.kind === "event_msg") this.event(entry.payload, entry.seq);
      else if (entry.kind === "response_item") this.item(entry.payload, entry.seq);
      else if (entry.kind === "submission") this.submission(entry.payload as { id: string; op: { type: string }; trace?: unknown }, entry.seq);
      else if (entry.kind === "turn_context") this.turnContext(entry.payload as { turn_id?: string | null; model?: string });
    } catch (error) {
      this.logger.warn({ err: error, seq: entry.seq }, "observability failed on an entry");
    }
  }

  /** The thread closed: whatever is still open ends here (a resume starts new spans). */
  close(): void {
    for (const approval of this.approvals.values()) approval.span?.end();
    for (const tool of this.tools.values()) tool.span?.end();
    for (const turn of this.turns.values()) {
      turn.request?.span?.end();
      turn.span?.setAttribute("loom.turn.open_at_close", true).end();
    }
    this.approvals.clear();
    this.tools.clear();
    this.turns.clear();
    this.pending.clear();
    this.logger.info("thread closed");
  }

  private submission(payload: { id: string; op: { type: string; id?: string; decision?: unknown }; trace?: unknown }, seq: number): void {
    const op = payload.op.type;
    this.logger.info({ seq, submissionId: payload.id, op }, "submission");
    const { tracer } = this.deps;
    if (op === "compact") this.deps.instruments?.compactTask.add(1, { type: "local" });
    if (ANSWER_OPS.has(op) && typeof payload.op.id === "string") this.approvalAnswered(payload.op.id, payload.op.decision, seq);
    if (!tracer) return;
    const parent = parentContextOf(payload.trace);
    // Codex's dispatch span: it ends once the op is handed on; the turn it starts is its child.
    const span = tracer.startSpan(SPAN.submission(op), { attributes: { "submission.id": payload.id, "codex.op": op, "thread.id": this.deps.threadId } }, parent);
    span.end();
    if (!TURN_OPS.has(op)) return;
    if (this.pending.size >= MAX_PENDING_SUBMISSIONS) this.pending.delete(this.pending.keys().next().value!);
    this.pending.set(payload.id, trace.setSpan(parent, span));
  }

  private turnContext(payload: { turn_id?: string | null; model?: string }): void {
    if (payload.model) this.model = payload.model;
    const turn = payload.turn_id ? this.turns.get(payload.turn_id) : undefined;
    if (turn && payload.model) {
      turn.model = payload.model;
      turn.span?.setAttribute("model", payload.model);
    }
  }

  private event(msg: EventMsg, seq: number): void {
    switch (msg.type) {
      case "session_configured":
        this.model = msg.model;
        this.deps.instruments?.threadStarted.add(1, this.tags());
        this.logger.info({ seq, model: msg.model, cwd: msg.cwd }, "thread opened");
        return;
      case "task_started":
        return this.turnStarted(msg.turn_id, seq);
      case "model_request":
        return this.modelRequest(msg as { turn_id?: string; input_items?: number }, seq);
      case "stream_error":
        return this.retry(msg.message, seq);
      case "agent_message_delta":
      case "agent_message_content_delta":
      case "agent_reasoning_delta":
      case "reasoning_content_delta":
      case "agent_reasoning_raw_content_delta":
      case "reasoning_raw_content_delta":
        return this.firstToken();
      case "agent_message":
        this.firstToken();
        return this.firstMessage();
      case "token_count":
        return this.usage(msg.info?.last_token_usage);
      case "exec_approval_request":
      case "apply_patch_approval_request":
        return this.approvalRequested(msg.call_id, msg.type === "exec_approval_request" ? "exec" : "patch", seq);
      case "exec_command_end":
        return this.toolOutcome(msg.call_id, msg.exit_code === 0 && msg.status !== "declined");
      case "patch_apply_end":
        return this.toolOutcome(msg.call_id, msg.success);
      case "context_compacted":
        this.deps.instruments?.compactions.add(1, { ...this.tags(), trigger: this.active ? "auto" : "manual" });
        this.logger.info({ seq, ...(this.active ? { turnId: this.active.id } : {}) }, "history compacted");
        return;
      case "error":
        if (this.active) this.active.failed = msg.message;
        (this.active?.logger ?? this.logger).warn({ seq, info: msg.codex_error_info }, `error: ${msg.message}`);
        return;
      case "warning":
        (this.active?.logger ?? this.logger).warn({ seq }, `warning: ${msg.message}`);
        return;
      case "task_complete":
        return this.turnEnded(msg.turn_id, this.turns.get(msg.turn_id)?.failed ? "failed" : "completed", seq);
      case "turn_aborted":
        return this.turnEnded(msg.turn_id ?? this.active?.id, "aborted", seq);
      default:
        return;
    }
  }

  private item(item: ResponseItem, seq: number): void {
    switch (item.type) {
      case "function_call":
      case "custom_tool_call":
        this.firstToken();
        return this.toolStarted(item.call_id, item.name, seq);
      case "local_shell_call":
        this.firstToken();
        if (item.call_id) this.toolStarted(item.call_id, "local_shell", seq);
        return;
      case "function_call_output":
      case "custom_tool_call_output":
        return this.toolEnded(item.call_id, seq);
      case "message":
        if (item.role === "assistant") this.firstToken();
        return;
      case "reasoning":
      case "web_search_call":
      case "image_generation_call":
        return this.firstToken();
      default:
        return;
    }
  }

  private tags(model = this.model): Attributes {
    return model ? { model } : {};
  }

  private turnStarted(turnId: string, seq: number): void {
    const parent = this.pending.get(turnId) ?? ROOT_CONTEXT;
    this.pending.delete(turnId);
    const span = this.deps.tracer?.startSpan(
      SPAN.turn,
      { attributes: { "thread.id": this.deps.threadId, "turn.id": turnId, ...this.tags() } },
      parent,
    );
    const turn: TurnObs = {
      id: turnId,
      startedAt: this.deps.now(),
      logger: this.logger.child({ turnId }),
      span,
      context: span ? trace.setSpan(parent, span) : parent,
      model: this.model,
      toolCalls: 0,
      usage: { total: 0, input: 0, cached_input: 0, output: 0, reasoning_output: 0 },
    };
    this.turns.set(turnId, turn);
    this.active = turn;
    turn.logger.info({ seq }, "turn started");
  }

  private modelRequest(msg: { turn_id?: string; input_items?: number }, seq: number): void {
    const turn = (msg.turn_id ? this.turns.get(msg.turn_id) : undefined) ?? this.active;
    this.deps.instruments?.apiRequests.add(1, this.tags(turn?.model));
    if (!turn) return;
    const request = turn.request;
    if (request) {
      // A request sent again before the last one answered: another attempt of the same request.
      request.attempts += 1;
      request.span?.addEvent("attempt", { attempt: request.attempts, input_items: msg.input_items ?? 0 });
      turn.logger.debug({ seq, attempt: request.attempts }, "model request retried");
      return;
    }
    const span = this.deps.tracer?.startSpan(
      SPAN.modelRequest,
      { attributes: { "turn.id": turn.id, ...this.tags(turn.model), "loom.input_items": msg.input_items ?? 0 } },
      turn.context,
    );
    span?.addEvent("attempt", { attempt: 1, input_items: msg.input_items ?? 0 });
    turn.request = { span, attempts: 1 };
    turn.logger.debug({ seq, inputItems: msg.input_items }, "model request");
  }

  private retry(message: string, seq: number): void {
    const turn = this.active;
    this.deps.instruments?.modelRetries.add(1, this.tags(turn?.model));
    turn?.request?.span?.addEvent("retry", { message });
    (turn?.logger ?? this.logger).warn({ seq }, `model stream retry: ${message}`);
  }

  private firstToken(): void {
    const turn = this.active;
    if (!turn || turn.firstToken !== undefined) return;
    turn.firstToken = this.deps.now() - turn.startedAt;
    this.deps.instruments?.turnTtft.record(turn.firstToken, this.tags(turn.model));
  }

  private firstMessage(): void {
    const turn = this.active;
    if (!turn || turn.firstMessage !== undefined) return;
    turn.firstMessage = this.deps.now() - turn.startedAt;
    this.deps.instruments?.turnTtfm.record(turn.firstMessage, this.tags(turn.model));
  }

  /** A request's usage ends it (Loom records `token_count` once the response completed). */
  private usage(last: TokenUsage | undefined): void {
    const turn = this.active;
    if (!turn) return;
    if (last) {
      turn.usage.total += last.total_tokens;
      turn.usage.input += last.input_tokens;
      turn.usage.cached_input += last.cached_input_tokens;
      turn.usage.output += last.output_tokens;
      turn.usage.reasoning_output += last.reasoning_output_tokens;
    }
    const request = turn.request;
    if (!request) return;
    if (last) {
      request.span?.setAttributes({
        "gen_ai.usage.input_tokens": last.input_tokens,
        "gen_ai.usage.output_tokens": last.output_tokens,
        "loom.attempts": request.attempts,
      });
    }
    request.span?.end();
    turn.request = undefined;
  }

  private toolStarted(callId: string, name: string, seq: number): void {
    const turn = this.active;
    const parent = turn?.context ?? ROOT_CONTEXT;
    const span = this.deps.tracer?.startSpan(
      SPAN.toolCall(name),
      { attributes: { tool_name: name, call_id: callId, ...(turn ? { "turn.id": turn.id } : {}) } },
      parent,
    );
    this.tools.set(callId, { name, startedAt: this.deps.now(), span, context: span ? trace.setSpan(parent, span) : parent, success: true });
    if (turn) turn.toolCalls += 1;
    (turn?.logger ?? this.logger).debug({ seq, callId, tool: name }, "tool call started");
  }

  private toolOutcome(callId: string, success: boolean): void {
    const tool = this.tools.get(callId);
    if (tool) tool.success = success;
  }

  private toolEnded(callId: string, seq: number): void {
    const tool = this.tools.get(callId);
    if (!tool) return;
    this.tools.delete(callId);
    this.approvals.get(callId)?.span?.end();
    this.approvals.delete(callId);
    const durationMs = this.deps.now() - tool.startedAt;
    const tags = { ...this.tags(this.active?.model), tool: tool.name, success: String(tool.success) };
    this.deps.instruments?.toolCalls.add(1, tags);
    this.deps.instruments?.toolDuration.record(durationMs, tags);
    if (tool.span) {
      tool.span.setAttribute("success", tool.success);
      if (!tool.success) tool.span.setStatus({ code: SpanStatusCode.ERROR });
      tool.span.end();
    }
    (this.active?.logger ?? this.logger).info({ seq, callId, tool: tool.name, durationMs: Math.round(durationMs), success: tool.success }, "tool call");
  }

  private approvalRequested(callId: string, kind: string, seq: number): void {
    const parent = this.tools.get(callId)?.context ?? this.active?.context ?? ROOT_CONTEXT;
    const span = this.deps.tracer?.startSpan(SPAN.approval, { attributes: { call_id: callId, "loom.approval.kind": kind } }, parent);
    this.approvals.set(callId, { startedAt: this.deps.now(), span, kind });
    (this.active?.logger ?? this.logger).info({ seq, callId, kind }, "approval requested");
  }

  private approvalAnswered(callId: string, decision: unknown, seq: number): void {
    const approval = this.approvals.get(callId);
    if (!approval) return;
    this.approvals.delete(callId);
    const waitedMs = this.deps.now() - approval.startedAt;
    const label = typeof decision === "string" ? decision : decision && typeof decision === "object" ? Object.keys(decision)[0] ?? "other" : "other";
    this.deps.instruments?.approvalWait.record(waitedMs, { kind: approval.kind, decision: label });
    approval.span?.setAttribute("decision", label).end();
    (this.active?.logger ?? this.logger).info({ seq, callId, decision: label, waitedMs: Math.round(waitedMs) }, "approval decided");
  }

  private turnEnded(turnId: string | undefined, status: "completed" | "failed" | "aborted", seq: number): void {
    const turn = turnId ? this.turns.get(turnId) : undefined;
    if (!turn) return;
    this.turns.delete(turn.id);
    if (this.active === turn) this.active = undefined;
    const durationMs = this.deps.now() - turn.startedAt;
    const instruments = this.deps.instruments;
    if (instruments) {
      const tags = this.tags(turn.model);
      instruments.turns.add(1, { ...tags, status });
      instruments.turnE2e.record(durationMs, tags);
      instruments.turnToolCalls.record(turn.toolCalls, tags);
      for (const type of TOKEN_TYPES) instruments.turnTokenUsage.record(turn.usage[type], { ...tags, token_type: type });
    }
    turn.request?.span?.end();
    // An aborted turn leaves its unanswered calls and approvals: they end with it.
    for (const [callId, tool] of this.tools) {
      this.approvals.get(callId)?.span?.end();
      this.approvals.delete(callId);
      tool.span?.setAttribute("aborted", true).end();
      this.tools.delete(callId);
    }
    if (turn.span) {
      turn.span.setAttributes({ "loom.turn.status": status, "loom.turn.tool_calls": turn.toolCalls, "gen_ai.usage.total_tokens": turn.usage.total });
      if (status === "failed") turn.span.setStatus({ code: SpanStatusCode.ERROR, message: turn.failed });
      turn.span.end();
    }
    turn.logger.info(
      {
        seq,
        status,
        durationMs: Math.round(durationMs),
        ...(turn.firstToken !== undefined ? { ttftMs: Math.round(turn.firstToken) } : {}),
        toolCalls: turn.toolCalls,
        tokens: turn.usage.total,
      },
      `turn ${status}`,
    );
  }
}
