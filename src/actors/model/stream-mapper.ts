/**
 * The pure half of sampling: Responses stream events in, Codex's events and history items out, in
 * the order Codex emits them (codex-api `process_responses_event` plus core
 * `try_run_sampling_request` / `handle_output_item_done`). No IO: `sampleOnce` feeds it whatever
 * the HTTP stream yields and forwards what it returns.
 */
import type { EventMsg, ResponseItem, TokenUsage } from "../../events/index.js";
import type { IdSource } from "../clock.js";
import { ModelError, streamDisconnected } from "./errors.js";
import { classifyResponseFailed } from "./classify.js";
import { toHistoryItem } from "./history-item.js";
import { assistantText, legacyEventsOf, legacyStartEventsOf, turnItemOf, type ModelTurnItem } from "./turn-items.js";

/** One thing the sampler produced, in stream order: an event for the bus or an item for history. */
export type SampleOutput = { kind: "event"; msg: EventMsg } | { kind: "item"; item: ResponseItem };

/** A successful sampling request. */
export interface SampleResult {
  /** The id from `response.completed`. */
  responseId: string;
  /** The output items of this response, as recorded (Codex's serialized form). */
  items: ResponseItem[];
  /** Null when the server sent no usage. */
  usage: TokenUsage | null;
  /** The last non-blank assistant text, what `task_complete.last_agent_message` reports. */
  lastAgentMessage: string | null;
}

export interface StreamMapperOptions {
  threadId: string;
  turnId: string;
  /** Codex's `show_raw_agent_reasoning`: also emit `agent_reasoning_raw_content`. */
  showRawAgentReasoning?: boolean;
  /** Ids for items the API sent without one. */
  ids: IdSource;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

/** Item types Codex dispatches as tool calls: they are recorded, never shown as turn items. */
const TOOL_CALL_TYPES = new Set(["function_call", "custom_tool_call", "local_shell_call", "tool_search_call"]);

function tokenUsage(usage: unknown): TokenUsage | null {
  if (usage === undefined || usage === null) return null;
  if (!isObject(usage)) throw new TypeError("usage is not an object");
  const int = (value: unknown, what: string): number => {
    if (typeof value !== "number" || !Number.isFinite(value)) throw new TypeError(`missing field \`${what}\``);
    return value;
  };
  const inputDetails = isObject(usage.input_tokens_details) ? usage.input_tokens_details : {};
  const outputDetails = isObject(usage.output_tokens_details) ? usage.output_tokens_details : {};
  return {
    input_tokens: int(usage.input_tokens, "input_tokens"),
    cached_input_tokens: typeof inputDetails.cached_tokens === "number" ? inputDetails.cached_tokens : 0,
    output_tokens: int(usage.output_tokens, "output_tokens"),
    reasoning_output_tokens: typeof outputDetails.reasoning_tokens === "number" ? outputDetails.reasoning_tokens : 0,
    total_tokens: int(usage.total_tokens, "total_tokens"),
  };
}

export class ResponseStreamMapper {
  private active: ModelTurnItem | null = null;
  private readonly items: ResponseItem[] = [];
  private lastAgentMessage: string | null = null;
  private completed: { responseId: string; usage: TokenUsage | null } | null = null;
  /** Codex keeps reading after `response.failed`; the error is raised when the stream ends. */
  private failure: ModelError | null = null;

  constructor(private readonly options: StreamMapperOptions) {}

  /** Whether `response.completed` arrived: the caller stops reading there, as Codex does. */
  get done(): boolean {
    return this.completed !== null;
  }

  /** Maps one parsed SSE event; unknown or malformed events map to nothing, as in Codex. */
  push(event: unknown): SampleOutput[] {
    if (!isObject(event) || this.completed) return [];
    const delta = typeof event.delta === "string" ? event.delta : undefined;
    switch (event.type) {
      case "response.output_item.added":
        return this.itemAdded(event.item);
      case "response.output_item.done":
        return this.itemDone(event.item);
      case "response.output_text.delta":
        return delta === undefined ? [] : this.textDelta(delta);
      case "response.reasoning_summary_text.delta":
        if (delta === undefined || typeof event.summary_index !== "number" || !this.active) return [];
        return [
          this.event({ type: "reasoning_content_delta", ...this.ids(), item_id: this.active.id, delta, summary_index: event.summary_index }),
          this.event({ type: "agent_reasoning_delta", delta }),
        ];
      case "response.reasoning_text.delta":
        if (delta === undefined || typeof event.content_index !== "number" || !this.active) return [];
        return [
          this.event({ type: "reasoning_raw_content_delta", ...this.ids(), item_id: this.active.id, delta, content_index: event.content_index }),
          this.event({ type: "agent_reasoning_raw_content_delta", delta }),
        ];
      case "response.reasoning_summary_part.added":
        if (typeof event.summary_index !== "number" || !this.active) return [];
        return [this.event({ type: "agent_reasoning_section_break", item_id: this.active.id, summary_index: event.summary_index })];
      case "response.completed":
        this.complete(event.response);
        return [];
      case "response.failed":
        this.failure = event.response === undefined ? streamDisconnected("response.failed event received") : classifyResponseFailed(event.response);
        return [];
      case "response.incomplete": {
        const details = isObject(event.response) ? event.response.incomplete_details : undefined;
        const reason = isObject(details) && typeof details.reason === "string" ? details.reason : "unknown";
        this.failure = streamDisconnected(`Incomplete response returned, reason: ${reason}`);
        return [];
      }
      default:
        return [];
    }
  }

  /** The outcome once the stream has ended: the result, or the error Codex would raise. */
  finish(): SampleResult {
    if (!this.completed) throw this.failure ?? streamDisconnected("stream closed before response.completed");
    return {
      responseId: this.completed.responseId,
      items: [...this.items],
      usage: this.completed.usage,
      lastAgentMessage: this.lastAgentMessage,
    };
  }

  private ids(): { thread_id: string; turn_id: string } {
    return { thread_id: this.options.threadId, turn_id: this.options.turnId };
  }

  private event(msg: EventMsg): SampleOutput {
    return { kind: "event", msg };
  }

  private turnEvent(type: "item_started" | "item_completed", item: ModelTurnItem): SampleOutput {
    return this.event({ type, ...this.ids(), item });
  }

  private itemAdded(raw: unknown): SampleOutput[] {
    if (!isObject(raw) || !toHistoryItem(raw)) return [];
    const id = typeof raw.id === "string" ? raw.id : this.options.ids.next("item");
    const item = turnItemOf(raw, id);
    if (!item) return [];
    this.active = item;
    return [this.turnEvent("item_started", item), ...legacyStartEventsOf(item).map((msg) => this.event(msg))];
  }

  private textDelta(delta: string): SampleOutput[] {
    // Codex drops text that arrives with no item started, and empty deltas.
    if (!this.active || delta === "") return [];
    return [
      this.event({ type: "agent_message_content_delta", ...this.ids(), item_id: this.active.id, delta }),
      this.event({ type: "agent_message_delta", delta }),
    ];
  }

  private itemDone(raw: unknown): SampleOutput[] {
    const item = isObject(raw) ? toHistoryItem(raw) : null;
    if (!isObject(raw) || !item) return [];
    const previous = this.active;
    this.active = null;
    const outputs: SampleOutput[] = [];
    if (!TOOL_CALL_TYPES.has(item.type)) {
      const id = typeof raw.id === "string" ? raw.id : (previous?.id ?? this.options.ids.next("item"));
      const turnItem = turnItemOf(raw, id);
      if (turnItem) {
        if (!previous) {
          outputs.push(this.turnEvent("item_started", turnItem));
          for (const msg of legacyStartEventsOf(turnItem)) outputs.push(this.event(msg));
        }
        outputs.push(this.turnEvent("item_completed", turnItem));
        for (const msg of legacyEventsOf(turnItem, this.options.showRawAgentReasoning ?? false)) outputs.push(this.event(msg));
      }
      this.lastAgentMessage = assistantText(raw) ?? this.lastAgentMessage;
    }
    this.items.push(item);
    outputs.push({ kind: "item", item });
    return outputs;
  }

  private complete(response: unknown): void {
    if (response === undefined) return;
    try {
      if (!isObject(response) || typeof response.id !== "string") throw new TypeError("missing field `id`");
      this.completed = { responseId: response.id, usage: tokenUsage(response.usage) };
    } catch (error) {
      this.failure = streamDisconnected(`failed to parse ResponseCompleted: ${(error as Error).message}`);
    }
  }
}
