// Spans and metrics of a turn with a retried request, a tool call and an approval, joined to the caller's trace.
import { afterEach, describe, expect, it } from "vitest";
import { nextEvent, startLoom, type LoomHarness } from "../support/loom.js";
import { earlyClose, evCreated, textTurn, toolCallTurn } from "../support/fake-responses.js";
import { memoryTelemetry, total } from "./support.js";
import { METRIC } from "../../src/observe/index.js";
import type { LogEntry } from "../../src/events/index.js";
import { counterIds } from "../../src/actors/clock.js";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT_SPAN = "00f067aa0ba902b7";

let loom: LoomHarness | undefined;
let telemetry: ReturnType<typeof memoryTelemetry> | undefined;
afterEach(async () => {
  await loom?.close();
  await telemetry?.shutdown();
  loom = undefined;
  telemetry = undefined;
});

/** One turn: the first request drops (a retry), then a shell call the user approves, then an answer. */
async function approvedToolTurn(h: LoomHarness, trace?: { traceparent: string }): Promise<LogEntry[]> {
  h.server.enqueue(
    earlyClose([evCreated("r0")]),
    toolCallTurn("c1", "shell", { command: ["touch", "made"] }, { usage: { input_tokens: 10, output_tokens: 5 } }),
    textTurn("done", { usage: { input_tokens: 20, output_tokens: 7 } }),
  );
  const thread = await h.rt.startThread({ cwd: h.cwd, approvalPolicy: "untrusted" });
  const asked = nextEvent(thread.events$, "exec_approval_request");
  const done = nextEvent(thread.events$, "task_complete");
  await thread.submit({ type: "user_input", items: [{ type: "text", text: "make a file" }] }, trace ? { trace } : {});
  await asked;
  await thread.submit({ type: "exec_approval", id: "c1", decision: "approved" });
  await done;
  return thread.entries({ from: 1, to: 10_000 });
}

describe("tracing a turn", () => {
  it("builds the span tree under the submission's traceparent and writes its trace id into turn_context", async () => {
    telemetry = memoryTelemetry();
    loom = await startLoom({ telemetry: { tracerProvider: telemetry.tracerProvider, meterProvider: telemetry.meterProvider } });
    const entries = await approvedToolTurn(loom, { traceparent: `00-${TRACE_ID}-${PARENT_SPAN}-01` });

    const context = entries.find((entry) => entry.kind === "turn_context")!;
    expect((context.payload as { trace_id?: string }).trace_id).toBe(TRACE_ID);

    const spans = telemetry.spans();
    const one = (name: string) => {
      const found = spans.filter((span) => span.name === name);
      expect(found, name).toHaveLength(1);
      return found[0]!;
    };
    const submission = one("op.dispatch.user_input");
    expect(submission.spanContext().traceId).toBe(TRACE_ID);
    expect(submission.parentSpanContext?.spanId).toBe(PARENT_SPAN);
    expect(submission.attributes["codex.op"]).toBe("user_input");

    const turn = one("session_task.turn");
    expect(turn.parentSpanContext?.spanId).toBe(submission.spanContext().spanId);
    expect(turn.spanContext().traceId).toBe(TRACE_ID);
    expect(turn.attributes).toMatchObject({ "turn.id": submission.attributes["submission.id"], "loom.turn.status": "completed", "loom.turn.tool_calls": 1 });

    const requests = spans.filter((span) => span.name === "stream_request");
    expect(requests).toHaveLength(2);
    for (const request of requests) expect(request.parentSpanContext?.spanId).toBe(turn.spanContext().spanId);
    const first = requests.find((request) => request.events.some((event) => event.name === "retry"))!;
    expect(first.events.map((event) => event.name)).toEqual(["attempt", "retry", "attempt"]);
    expect(first.attributes["loom.attempts"]).toBe(2);

    const tool = one("shell");
    expect(tool.parentSpanContext?.spanId).toBe(turn.spanContext().spanId);
    expect(tool.attributes).toMatchObject({ call_id: "c1", tool_name: "shell", success: true });
    const approval = one("approval.wait");
    expect(approval.parentSpanContext?.spanId).toBe(tool.spanContext().spanId);
    expect(approval.attributes).toMatchObject({ call_id: "c1", decision: "approved", "loom.approval.kind": "exec" });

    // The answer came without a trace: its dispatch span starts a trace of its own.
    expect(one("op.dispatch.exec_approval").spanContext().traceId).not.toBe(TRACE_ID);
  });

  it("records Codex's turn, tool and token metrics", async () => {
    telemetry = memoryTelemetry();
    loom = await startLoom({ telemetry: { tracerProvider: telemetry.tracerProvider, meterProvider: telemetry.meterProvider } });
    await approvedToolTurn(loom);
    const metrics = await telemetry.metrics();
    expect(total(metrics.get(METRIC.turns), { status: "completed" }).value).toBe(1);
    expect(total(metrics.get(METRIC.turnE2e)).count).toBe(1);
    expect(total(metrics.get(METRIC.turnTtft)).count).toBe(1);
    expect(total(metrics.get(METRIC.turnTtfm)).count).toBe(1);
    // TTFT (the tool call) comes before TTFM (the answer), both inside the turn.
    expect(total(metrics.get(METRIC.turnTtft)).value).toBeLessThanOrEqual(total(metrics.get(METRIC.turnTtfm)).value);
    expect(total(metrics.get(METRIC.turnTtfm)).value).toBeLessThanOrEqual(total(metrics.get(METRIC.turnE2e)).value);
    expect(total(metrics.get(METRIC.toolCalls), { tool: "shell", success: "true" }).value).toBe(1);
    expect(total(metrics.get(METRIC.toolDuration), { tool: "shell" }).count).toBe(1);
    expect(total(metrics.get(METRIC.turnToolCalls)).value).toBe(1);
    expect(total(metrics.get(METRIC.turnTokenUsage), { token_type: "total" }).value).toBe(42);
    expect(total(metrics.get(METRIC.turnTokenUsage), { token_type: "input" }).value).toBe(30);
    expect(total(metrics.get(METRIC.turnTokenUsage), { token_type: "output" }).value).toBe(12);
    expect(total(metrics.get(METRIC.modelRetries)).value).toBe(1);
    expect(total(metrics.get(METRIC.apiRequests)).value).toBe(3);
    expect(total(metrics.get(METRIC.approvalWait), { decision: "approved" }).count).toBe(1);
    expect(total(metrics.get(METRIC.threadStarted)).value).toBe(1);
    expect(metrics.get(METRIC.turns)?.[0]?.attributes.model).toBe("gpt-5.5");
  });

  it("writes the same log with tracing as without (modulo times)", async () => {
    // Same ids and the same working directory in both runs: only times (and the request digests
    // that cover them) and the fake server's response and message counters differ.
    const cwd = await mkdtemp(join(tmpdir(), "loom-observe-cwd-"));
    const normalize = (entries: LogEntry[]) =>
      entries.map(({ ts: _ts, ...rest }) =>
        JSON.stringify(rest)
          .replace(/\b(msg|resp)_\d+/g, "ID")
          .replace(/"(started_at|completed_at|duration_ms)":\d+|"timestamp":"[^"]*"/g, "TIME")
          .replace(/\\"duration_seconds\\":[0-9.]+/g, "TIME")
          .replace(/"duration":\{[^}]*\}/g, "TIME")
          // The request digest covers tool outputs, whose duration_seconds is a time.
          .replace(/"input":"[0-9a-f]{16}"/g, '"input":"DIGEST"'),
      );
    const run = async (options: Parameters<typeof startLoom>[0]) => {
      const h = await startLoom({ ids: counterIds(), ...options });
      try {
        return await approvedToolTurn({ ...h, cwd });
      } finally {
        await h.close();
      }
    };
    try {
      const without = await run({});
      telemetry = memoryTelemetry();
      const withTracing = await run({ telemetry: { tracerProvider: telemetry.tracerProvider, meterProvider: telemetry.meterProvider } });
      expect(telemetry.spans().length).toBeGreaterThan(5);
      expect(normalize(withTracing)).toEqual(normalize(without));
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });
});
