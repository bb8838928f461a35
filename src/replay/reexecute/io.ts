/**
 * The outside world as the recording saw it: a clock and ids that hand back recorded values, a
 * model that answers each request with the recorded response, and tools that report their
 * recorded events and results. Each recorded input is put back at its recorded seq (the gate), so
 * the interleaving of model, tools and submissions is the recorded one.
 */
import type { Clock, IdSource } from "../../actors/clock.js";
import type { ThreadBus } from "../../bus/index.js";
import type { ContentItem, EventMsg, LogEntry, ResponseItem, TokenUsage } from "../../events/index.js";
import { ModelAbortedError, ModelError, RecordedModelError } from "../../actors/model/index.js";
import type { ToolHandler } from "../../actors/tools/index.js";
import type { RunShellOptions, ShellResult } from "../../actors/shell/index.js";
import { USER_COMMAND_ABORTED } from "../../runtime/user-shell.js";
import type { Sampler } from "../../runtime/services.js";
import { postToolHookSeq, type RecordedThread } from "./recorded.js";

/** Raised inside the replay when the machines ask for something the recording does not have. */
export class ReplayMismatch extends Error {
  override readonly name = "ReplayMismatch";
}

export class ReplayCursor {
  bus: ThreadBus | undefined;
  private readonly rewinds: ((seq: number) => void)[] = [];

  constructor(readonly recorded: RecordedThread) {}

  /** Registers how a recorded source starts over from a seq (see `rewind`). */
  onRewind(rewind: (seq: number) => void): void {
    this.rewinds.push(rewind);
  }

  /**
   * The recording's process restarted at `seq`: what the dead process's machines asked for past its
   * last entry never happened, so every recorded source goes on from what the recording has there.
   */
  rewind(seq: number): void {
    for (const rewind of this.rewinds) rewind(seq);
  }

  get head(): number {
    return this.bus?.headSeq ?? 0;
  }

  /**
   * Waits until the entry before `seq` is assigned, then lets everything already under way settle
   * (one macrotask, as a network or process event would in the recording) before the input goes in.
   */
  async gate(seq: number, signal?: AbortSignal): Promise<void> {
    if (!this.bus) throw new ReplayMismatch("replay has no thread yet");
    // Published, not only assigned: an answer is checked against the state folded so far.
    await this.bus.whenPublished(seq - 1);
    await new Promise<void>((resolve) => setImmediate(resolve));
    signal?.throwIfAborted();
  }

  /**
   * True when the recording restarted between the head and `seq`: what it recorded at `seq` was
   * done by the next process, so the current one (which died first) must not be handed it.
   */
  afterRestart(seq: number): boolean {
    const head = this.head;
    return this.recorded.restarts.some((restart) => restart > head && restart <= seq);
  }
}

/**
 * Time is the recorded time of the entry about to be written. Loom reads the clock for what it
 * computes, never for inputs: when inputs come next (a steer, the model's output), the reading is
 * for the first computed entry after them.
 */
export function recordedClock(cursor: ReplayCursor): Clock {
  return {
    now() {
      const { recorded } = cursor;
      let seq = cursor.head + 1;
      while (recorded.inputSeqs.has(seq)) seq++;
      const next = recorded.bySeq[seq] ?? recorded.bySeq[cursor.head + 1] ?? recorded.entries.at(-1);
      return new Date(next?.ts ?? 0);
    },
  };
}

/** Ids in the order the recording used them. */
export function recordedIds(cursor: ReplayCursor, threadIds: string[], from = 1): IdSource {
  const { recorded } = cursor;
  let items: string[] = [];
  let calls: string[] = [];
  const position = (seq: number) => {
    items = recorded.itemIds.filter((x) => x.seq >= seq).map((x) => x.id);
    calls = recorded.callIds.filter((x) => x.seq >= seq).map((x) => x.id);
  };
  position(from);
  cursor.onRewind(position);
  const threads = [...threadIds];
  let submissions = 0;
  return {
    next(kind) {
      if (kind === "item") {
        const id = items.shift();
        if (id) return id;
      }
      if (kind === "call") {
        const id = calls.shift();
        if (id) return id;
      }
      if (kind === "thread") {
        const id = threads.shift();
        if (id) return id;
      }
      submissions += 1;
      return `replay-${kind}-${submissions}`;
    },
  };
}

/** The last assistant message with text among a response's items (Codex's `last_agent_message`). */
export function lastAssistantText(items: readonly ResponseItem[]): string | null {
  let last: string | null = null;
  for (const item of items) {
    if (item.type !== "message" || item.role !== "assistant") continue;
    const text = item.content.map((part: ContentItem) => (part.type === "output_text" ? part.text : "")).join("");
    if (text.trim()) last = text;
  }
  return last;
}

function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(new ModelAbortedError());
    signal.addEventListener("abort", () => reject(new ModelAbortedError()), { once: true });
  });
}

/** The model: each call gets the next recorded response, attempt by attempt. */
export function recordedSampler(cursor: ReplayCursor, from = 1): Sampler {
  // Re-execution may start mid-recording (or a process restarted there): what came before was not
  // asked again.
  let next = 0;
  let compactions = 0;
  const position = (seq: number) => {
    next = cursor.recorded.samplings.findIndex((s) => (s.attempts[0]?.requestSeq ?? 0) >= seq);
    if (next < 0) next = cursor.recorded.samplings.length;
    compactions = cursor.recorded.compactions.findIndex((c) => c.requestSeq >= seq);
    if (compactions < 0) compactions = cursor.recorded.compactions.length;
  };
  position(from);
  cursor.onRewind(position);
  return async (request, options) => {
    if (options.purpose === "compaction") {
      const attempt = cursor.recorded.compactions[compactions++];
      if (!attempt) throw new ReplayMismatch("a compaction was asked for that the recording does not have");
      await cursor.gate(attempt.requestSeq, options.signal);
      if (typeof request === "function") await request(0);
      if (attempt.outcome === "summary") return recordedSummary(cursor, attempt.usage);
      if (attempt.outcome === "context_window_exceeded") throw new ModelError("context_window_exceeded", "replayed: the prompt was too long");
      if (attempt.outcome === "retry") throw new ModelError("stream", "replayed: the summary request failed and was retried");
      throw new RecordedModelError(attempt.outcome.error as Extract<EventMsg, { type: "error" }>);
    }
    const pending = cursor.recorded.samplings[next];
    // The recording's process died before it asked: wait, like it, until the thread is stopped.
    if (pending && cursor.afterRestart(pending.attempts[0]?.requestSeq ?? pending.endSeq)) return untilAborted(options.signal);
    const sampling = cursor.recorded.samplings[next++];
    if (!sampling) throw new ReplayMismatch("the model was asked for a response the recording does not have");
    for (let attempt = 0; attempt < sampling.attempts.length; attempt++) {
      const recordedAttempt = sampling.attempts[attempt]!;
      await cursor.gate(recordedAttempt.requestSeq, options.signal);
      // Building the request writes Loom's `model_request` entry: it is compared, not replayed.
      if (typeof request === "function") await request(attempt);
      for (const output of recordedAttempt.outputs) {
        await cursor.gate(output.seq, options.signal);
        await options.onEvent(outputOf(output));
      }
    }
    // The answer ends where it ended in the recording (a tool may have started in between).
    if (sampling.end.kind !== "cut") await cursor.gate(sampling.endSeq, options.signal);
    switch (sampling.end.kind) {
      case "completed":
        return {
          responseId: `replay-${next}`,
          items: sampling.end.items,
          usage: (sampling.end.usage as TokenUsage | null) ?? null,
          lastAgentMessage: lastAssistantText(sampling.end.items),
        };
      case "failed":
        throw new RecordedModelError(sampling.end.error as Extract<typeof sampling.end.error, { type: "error" }>);
      case "cut":
        return untilAborted(options.signal);
    }
  };
}

/** A compaction's summary request: the answer is the summary its `compacted` entry kept. */
function recordedSummary(cursor: ReplayCursor, usage: unknown) {
  const compacted = cursor.recorded.entries.find((e) => e.seq > cursor.head && e.kind === "compacted");
  if (!compacted || compacted.kind !== "compacted") throw new ReplayMismatch("the recording has no compaction here");
  const newline = compacted.payload.message.indexOf("\n");
  const text = newline >= 0 ? compacted.payload.message.slice(newline + 1) : compacted.payload.message;
  const item: ResponseItem = { type: "message", role: "assistant", content: [{ type: "output_text", text }] };
  return { responseId: "replay-summary", items: [item], usage: (usage as TokenUsage | null | undefined) ?? null, lastAgentMessage: text };
}

function outputOf(entry: LogEntry) {
  return entry.kind === "response_item"
    ? ({ kind: "item", item: entry.payload } as const)
    : ({ kind: "event", msg: (entry as Extract<LogEntry, { kind: "event_msg" }>).payload } as const);
}

/** A tool: the recorded events of this call at their seqs, then its recorded result. */
export function recordedTool(cursor: ReplayCursor, handler: ToolHandler): ToolHandler {
  return {
    ...handler,
    async execute(context) {
      const execution = cursor.recorded.executions.get(context.call.callId);
      // The recording's process died before this tool reported anything: it never ran there.
      const first = execution && (execution.events[0]?.seq ?? (execution.result ? execution.resultSeq : undefined));
      if (cursor.afterRestart(first ?? Number.POSITIVE_INFINITY)) return untilAborted(context.signal);
      if (!execution) throw new ReplayMismatch(`the recording has no run of call ${context.call.callId} (${context.call.name})`);
      // A cancelled tool still reported what it had in the recording (e.g. "aborted by user"):
      // its recorded events go on coming, at their seqs, whatever the signal says.
      for (const entry of execution.events) {
        // What it recorded before a restart is in the log already (a wait resumed after one).
        if (entry.seq <= cursor.head) continue;
        await cursor.gate(entry.seq);
        await context.record([{ kind: entry.kind, payload: entry.payload } as never]);
      }
      if (execution.result) {
        // With post-tool-use hooks, the tool's work ended where they began (they run before its result is logged).
        const hooksSeq = postToolHookSeq(cursor.recorded.entries, context.call.callId);
        await cursor.gate(hooksSeq !== undefined && hooksSeq < execution.resultSeq ? hooksSeq : execution.resultSeq);
        return execution.result;
      }
      return untilAborted(context.signal);
    },
  };
}

/** The user's own commands: the recorded result of each, in order, with its recorded output chunks. */
export function recordedExec(cursor: ReplayCursor, from = 1): (options: RunShellOptions) => Promise<ShellResult> {
  let callIds: string[] = [];
  let next = 0;
  const position = (seq: number) => {
    callIds = cursor.recorded.callIds.filter((x) => x.seq >= seq).map((x) => x.id);
    next = 0;
  };
  position(from);
  cursor.onRewind(position);
  return async (options) => {
    const callId = callIds[next++];
    const events = cursor.recorded.entries.filter(
      (e): e is Extract<LogEntry, { kind: "event_msg" }> =>
        e.kind === "event_msg" && (e.payload as { call_id?: string }).call_id === callId,
    );
    const end = events.find((e) => e.payload.type === "exec_command_end")?.payload;
    if (!callId || !end || end.type !== "exec_command_end") {
      throw new ReplayMismatch("the recording has no run of this user command");
    }
    for (const e of events) {
      if (e.payload.type === "exec_command_output_delta") {
        options.onOutput?.({ stream: e.payload.stream, chunk: Buffer.from(e.payload.chunk, "base64") });
      }
    }
    if (end.stderr === USER_COMMAND_ABORTED) {
      // It was interrupted in the recording: the interrupt is replayed too, so wait for it.
      await new Promise<void>((resolve) => {
        if (options.signal?.aborted) resolve();
        options.signal?.addEventListener("abort", () => resolve(), { once: true });
      });
      return { exitCode: -1, stdout: "", stderr: "", aggregatedOutput: "", durationMs: 0, timedOut: false, aborted: true };
    }
    const duration = end.duration as { secs?: number; nanos?: number } | undefined;
    const durationMs = (duration?.secs ?? 0) * 1000 + (duration?.nanos ?? 0) / 1e6;
    return {
      exitCode: end.exit_code,
      stdout: end.stdout,
      stderr: end.stderr,
      aggregatedOutput: end.aggregated_output,
      durationMs,
      timedOut: false,
      aborted: false,
    };
  };
}
