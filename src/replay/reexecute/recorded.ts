/**
 * A recorded thread, indexed for re-execution: which entries were inputs from outside Loom (model
 * output, tool results, submissions) and which Loom computed (and so must come out the same).
 */
import type { EventMsg, LogEntry, ResponseItem } from "../../events/index.js";
import { toolUseIdOfRun } from "../../hooks/index.js";
import { jsonEqual } from "./diff.js";

/** Output items the model produces (recorded by the sampler). */
const MODEL_ITEMS = new Set([
  "reasoning",
  "function_call",
  "custom_tool_call",
  "local_shell_call",
  "web_search_call",
  "image_generation_call",
  "tool_search_call",
]);

/** Events the sampler emits while a response streams. */
const SAMPLER_EVENTS = new Set([
  "agent_message_delta",
  "agent_message_content_delta",
  "agent_message",
  "agent_reasoning",
  "agent_reasoning_delta",
  "agent_reasoning_raw_content",
  "agent_reasoning_raw_content_delta",
  "agent_reasoning_section_break",
  "reasoning_content_delta",
  "reasoning_raw_content_delta",
  "stream_error",
  // An SSE event the sampler skipped (unparsable) is reported as a warning in the stream.
  "warning",
]);

/** Events a tool emits while it runs, tied to its call by id. */
const TOOL_EVENTS = new Set([
  "exec_command_begin",
  "exec_command_output_delta",
  "exec_command_end",
  "patch_apply_begin",
  "patch_apply_updated",
  "patch_apply_end",
  "mcp_tool_call_begin",
  "mcp_tool_call_end",
  "dynamic_tool_call_request",
  "dynamic_tool_call_response",
  "request_user_input",
  "view_image_tool_call",
  // The agent tools' events (src/agents): what a spawn, a message, a wait, a close or a resume did.
  "collab_agent_spawn_begin",
  "collab_agent_spawn_end",
  "collab_agent_interaction_begin",
  "collab_agent_interaction_end",
  "collab_waiting_begin",
  "collab_waiting_end",
  "collab_close_begin",
  "collab_close_end",
  "collab_resume_begin",
  "collab_resume_end",
]);

/** Tool events without a call id, and the tool that emits them. */
const UNTAGGED_TOOL_EVENTS: Record<string, string> = { plan_update: "update_plan", turn_diff: "apply_patch" };

/**
 * An approval request a running command made itself (retry outside the sandbox after a denial):
 * it follows the call's `exec_command_begin`, so it is the tool's event, not the approval's.
 */
function isRetryRequest(msg: EventMsg, executions: ReadonlyMap<string, RecordedExecution>): boolean {
  if (msg.type !== "exec_approval_request") return false;
  const events = executions.get(msg.call_id)?.events ?? [];
  return events.some((e) => e.kind === "event_msg" && e.payload.type === "exec_command_begin");
}

/**
 * A PermissionRequest hook run on a running command's own retry outside the sandbox (run id
 * `...:<call id>:retry`): the tool dispatched it, so a replayed tool gives it back at its seq.
 */
function retryHookCallId(msg: EventMsg, executions: ReadonlyMap<string, RecordedExecution>): string | undefined {
  if (msg.type !== "hook_started" && msg.type !== "hook_completed") return undefined;
  const suffix = msg.run.event_name === "permission_request" ? toolUseIdOfRun(msg.run) : undefined;
  if (!suffix?.endsWith(":retry")) return undefined;
  const callId = suffix.slice(0, -":retry".length);
  const begun = executions.get(callId)?.events.some((e) => e.kind === "event_msg" && e.payload.type === "exec_command_begin");
  return begun ? callId : undefined;
}

export function isModelOutput(entry: LogEntry): boolean {
  if (entry.kind === "response_item") {
    const item = entry.payload;
    return MODEL_ITEMS.has(item.type) || (item.type === "message" && item.role === "assistant");
  }
  if (entry.kind !== "event_msg") return false;
  const msg = entry.payload;
  if (SAMPLER_EVENTS.has(msg.type)) return true;
  if (msg.type === "item_started" || msg.type === "item_completed") {
    return msg.item.type !== "UserMessage" && msg.item.type !== "ContextCompaction";
  }
  return false;
}

function callIdOf(msg: EventMsg): string | undefined {
  if (msg.type === "raw_response_item") return (msg.item as { call_id?: string }).call_id;
  const fields = msg as { call_id?: unknown; callId?: unknown };
  const id = fields.call_id ?? fields.callId;
  return typeof id === "string" ? id : undefined;
}

/** One model request attempt: the request entry Loom wrote, then what the model sent back. */
export interface RecordedAttempt {
  requestSeq: number;
  outputs: LogEntry[];
}

/** One sampler call (with its retries) and how it ended. */
export interface RecordedSampling {
  turnId: string;
  attempts: RecordedAttempt[];
  end: { kind: "completed"; usage: unknown; items: ResponseItem[] } | { kind: "failed"; error: EventMsg } | { kind: "cut" };
  /** Seq of the entry that followed the model's answer (its usage, or the error): when it finished. */
  endSeq: number;
}

/** What one tool call did in the recording: its events, then its result. */
export interface RecordedExecution {
  callId: string;
  events: LogEntry[];
  result: ResponseItem | undefined;
  /** Seq of the logged result: when the tool finished. */
  resultSeq: number;
}

/** One summary request of a compaction, and what became of it (a failure is told by what follows). */
export interface RecordedCompactionAttempt {
  requestSeq: number;
  inputItems: number;
  outcome: "summary" | "context_window_exceeded" | "retry" | { error: EventMsg };
  /** The summary response's usage (null when it reported none), read from the usage Loom recorded after it. */
  usage?: unknown;
  /** The thread's usage before the request: a `token_count` equal to it means the response had none. */
  usageBefore?: unknown;
}

export class RecordedThread {
  readonly bySeq: LogEntry[] = [];
  readonly samplings: RecordedSampling[] = [];
  readonly executions = new Map<string, RecordedExecution>();
  readonly compactions: RecordedCompactionAttempt[] = [];
  /** Ids Loom drew from its id source, by kind, in the order the recording used them. */
  readonly itemIds: { id: string; seq: number }[] = [];
  readonly callIds: { id: string; seq: number }[] = [];
  /** Seqs of entries from outside Loom: submissions, the model's output, the model's tools' events. */
  readonly inputSeqs = new Set<number>();

  constructor(readonly entries: readonly LogEntry[]) {
    for (const entry of entries) this.bySeq[entry.seq] = entry;
    this.index();
  }

  get threadId(): string {
    const meta = this.entries.find((e) => e.kind === "session_meta");
    return meta && meta.kind === "session_meta" ? meta.payload.id : (this.entries[0]?.threadId ?? "");
  }

  /**
   * Seqs where a new process took the thread up (a `session_configured` after the first): the
   * process before it stopped there, wherever it was (a crash leaves a turn at any entry).
   */
  get restarts(): number[] {
    return (this.#restarts ??= this.entries
      .filter((e) => e.kind === "event_msg" && e.payload.type === "session_configured")
      .map((e) => e.seq)
      .slice(1));
  }

  #restarts: number[] | undefined;

  get lastSeq(): number {
    return this.entries.at(-1)?.seq ?? 0;
  }

  get submissions(): Extract<LogEntry, { kind: "submission" }>[] {
    return this.entries.filter((e): e is Extract<LogEntry, { kind: "submission" }> => e.kind === "submission");
  }

  private compactionEnded = true;

  private index(): void {
    let sampling: RecordedSampling | undefined;
    const pendingUntagged: { tool: string; callId: string }[] = [];
    const names = new Map<string, string>();
    /** The last sampling that ended with usage, until the next request: an error may still fail it. */
    let usageBeforeError: RecordedSampling | undefined;
    let lastUsage: unknown = null;
    for (const entry of this.entries) {
      if (entry.kind === "response_item") {
        const item = entry.payload;
        if (item.type === "function_call" || item.type === "custom_tool_call") names.set(item.call_id, item.name);
      }
      if (entry.kind === "event_msg" && ["model_request", "task_started", "task_complete", "turn_aborted"].includes(entry.payload.type)) {
        usageBeforeError = undefined;
      }
      if (entry.kind === "event_msg" && entry.payload.type === "model_request" && entry.payload.purpose === "compaction") {
        const previous = this.compactions.at(-1);
        if (previous && previous.outcome === "summary" && !this.compactionEnded) {
          previous.outcome = entry.payload.input_items < previous.inputItems ? "context_window_exceeded" : "retry";
        }
        this.compactions.push({ requestSeq: entry.seq, inputItems: entry.payload.input_items, outcome: "summary", usageBefore: lastUsage });
        this.compactionEnded = false;
        continue;
      }
      if (entry.kind === "compacted") this.compactionEnded = true;
      if (entry.kind === "event_msg" && entry.payload.type === "model_request") {
        if (!sampling) {
          sampling = { turnId: entry.payload.turn_id, attempts: [], end: { kind: "cut" }, endSeq: 0 };
          this.samplings.push(sampling);
        }
        sampling.attempts.push({ requestSeq: entry.seq, outputs: [] });
        continue;
      }
      if (entry.kind === "submission") this.inputSeqs.add(entry.seq);
      if (sampling && isModelOutput(entry)) {
        this.inputSeqs.add(entry.seq);
        sampling.attempts.at(-1)!.outputs.push(entry);
        if (entry.kind === "response_item") {
          const item = entry.payload as { call_id?: string; name?: string };
          if (item.call_id) pendingUntagged.push({ tool: names.get(item.call_id) ?? item.name ?? "", callId: item.call_id });
        }
        continue;
      }
      if (entry.kind !== "event_msg") continue;
      const msg = entry.payload;
      if (msg.type === "token_count") {
        const open = this.compactions.at(-1);
        if (open && !this.compactionEnded && open.outcome === "summary" && open.usage === undefined) {
          open.usage = jsonEqual(msg.info ?? null, open.usageBefore ?? null) ? null : (msg.info?.last_token_usage ?? null);
        }
        lastUsage = msg.info ?? null;
      }
      if (sampling && msg.type === "token_count") {
        const outputs = sampling.attempts.at(-1)!.outputs;
        const items = outputs.filter((e) => e.kind === "response_item").map((e) => e.payload as ResponseItem);
        sampling.end = { kind: "completed", usage: msg.info?.last_token_usage ?? null, items };
        sampling.endSeq = entry.seq;
        usageBeforeError = sampling;
        sampling = undefined;
      } else if (usageBeforeError && msg.type === "error" && msg.codex_error_info === "context_window_exceeded") {
        // The model refused the prompt as too long: the turn marked the window full (that
        // token_count is Loom's own) before reporting the error. The sampling failed there.
        const failed = usageBeforeError;
        failed.end = { kind: "failed", error: msg };
        failed.endSeq = (failed.attempts.at(-1)!.outputs.at(-1)?.seq ?? failed.attempts.at(-1)!.requestSeq) + 1;
        usageBeforeError = undefined;
      } else if (sampling && msg.type === "error") {
        sampling.end = { kind: "failed", error: msg };
        // It failed right after its last output; what follows (cancelled calls, the error) is Loom's.
        sampling.endSeq = (sampling.attempts.at(-1)!.outputs.at(-1)?.seq ?? sampling.attempts.at(-1)!.requestSeq) + 1;
        sampling = undefined;
      } else if (sampling && (msg.type === "turn_aborted" || msg.type === "task_complete")) {
        sampling = undefined;
      }
      if (msg.type === "item_started" && (msg.item.type === "UserMessage" || msg.item.type === "ContextCompaction")) {
        this.itemIds.push({ id: msg.item.id, seq: entry.seq });
      }
      if (msg.type === "exec_command_begin" && msg.source === "user_shell") this.callIds.push({ id: msg.call_id, seq: entry.seq });
      const compaction = this.compactions.at(-1);
      if (compaction && !this.compactionEnded && msg.type === "error" && compaction.outcome === "summary") {
        compaction.outcome = { error: msg };
        this.compactionEnded = true;
      }
      const retryHookCall = retryHookCallId(msg, this.executions);
      if (retryHookCall !== undefined) {
        this.executions.get(retryHookCall)!.events.push(entry);
        this.inputSeqs.add(entry.seq);
        continue;
      }
      const untaggedTool = UNTAGGED_TOOL_EVENTS[msg.type];
      if (TOOL_EVENTS.has(msg.type) || msg.type === "raw_response_item" || untaggedTool || isRetryRequest(msg, this.executions)) {
        const callId = untaggedTool
          ? pendingUntagged.find((p) => p.tool === untaggedTool && !this.executions.get(p.callId)?.result)?.callId
          : callIdOf(msg);
        if (!callId) continue;
        const execution = this.executions.get(callId) ?? { callId, events: [], result: undefined, resultSeq: 0 };
        this.executions.set(callId, execution);
        if (msg.type === "raw_response_item") {
          execution.result = msg.item as ResponseItem;
          execution.resultSeq = entry.seq;
        } else execution.events.push(entry);
        if ((msg as { source?: string }).source !== "user_shell") this.inputSeqs.add(entry.seq);
      }
    }
  }
}

/** Where the recorded post-tool-use hooks of `callId` began: the tool's own work ended there. */
export function postToolHookSeq(entries: readonly LogEntry[], callId: string): number | undefined {
  return entries.find((entry) => {
    if (entry.kind !== "event_msg" || entry.payload.type !== "hook_started") return false;
    const run = (entry.payload as { run: { event_name: string; id: string } }).run;
    return run.event_name === "post_tool_use" && run.id.endsWith(`:${callId}`);
  })?.seq;
}

