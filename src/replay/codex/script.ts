/**
 * A Codex rollout read as a script for re-execution: what the user did (turns with their
 * `turn_context` and user message, manual compactions, rollbacks), what the model answered in each
 * sampling round, what each tool call returned, and the history Codex recorded, each with its line
 * number. Reading is strict, unlike import: a line that does not parse, a turn that never ends (a
 * file cut short) or something Loom cannot send again stops the replay with the line and the reason.
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import type { EventMsg, LogEntry, ResponseItem, SessionMeta, TokenUsage, TurnContextItem } from "../../events/index.js";
import { isContextualUserMessage } from "../../state/index.js";
import { isLineError, type RolloutLine } from "../rollout/line.js";
import { rolloutReader, type RolloutSource } from "../rollout/source.js";


/** Codex's agent tools: their children's work is not in the parent's rollout. */
const AGENT_TOOLS = new Set(["spawn_agent", "send_input", "resume_agent", "wait_agent", "close_agent"]);

/** The rollout cannot be replayed: the line, and why. */
export class UnreplayableRolloutError extends Error {
  override readonly name = "UnreplayableRolloutError";
  constructor(
    readonly source: string,
    readonly lineNumber: number,
    readonly reason: string,
  ) {
    super(`${source}:${lineNumber}: cannot replay: ${reason}`);
  }
}

export interface Numbered<T> {
  line: number;
  value: T;
}

/** One model response: its output items, and how it ended. */
export interface ScriptSampling {
  items: Numbered<ResponseItem>[];
  usage: TokenUsage | null;
  end: "completed" | "cut" | { error: EventMsg };
  /** The line the response ended on (its usage, the error, or the turn's end). */
  endLine: number;
}

export interface ScriptTurn {
  /** `user`: a user message starts it; `compact`: a manual compaction (`thread/compact/start`). */
  kind: "user" | "compact";
  line: number;
  ts: string;
  turnId: string;
  context?: Numbered<TurnContextItem>;
  /** The `user_message` event: the text the user typed and the images they attached. */
  userMessage?: Numbered<Extract<EventMsg, { type: "user_message" }>>;
  /** The user's message as recorded in history (the images' data is here). */
  userItem?: Numbered<ResponseItem>;
  samplings: ScriptSampling[];
  /** Tool outputs by call id, in the order the rollout has them. */
  outputs: Map<string, Numbered<ResponseItem>>;
  /** Codex's model warnings a call's handler wrote (an apply_patch sent to exec_command), by call id. */
  warnings: Map<string, Numbered<ResponseItem>[]>;
  /** A compaction inside the turn (before its turn_context: an automatic one) or the compaction turn's own. */
  compaction?: Numbered<Extract<LogEntry, { kind: "compacted" }>["payload"]>;
  end: "complete" | "aborted";
  endLine: number;
}

export type ScriptStep = { type: "turn"; turn: ScriptTurn } | { type: "rollback"; line: number; numTurns: number };

export interface RolloutScript {
  source: string;
  meta: SessionMeta | undefined;
  steps: ScriptStep[];
  /** Every line as a log entry (seq = line number), for folding the history Codex had at a point. */
  entries: LogEntry[];
  /** The history Loom must write, in order: response items and compactions. */
  expected: Numbered<Extract<LogEntry, { kind: "response_item" | "compacted" }>>[];
  lastLine: number;
}

/** Output items only the model produces. */
const MODEL_ITEMS = new Set(["reasoning", "function_call", "custom_tool_call", "local_shell_call", "web_search_call", "image_generation_call", "tool_search_call"]);

export function isModelItem(item: ResponseItem): boolean {
  return MODEL_ITEMS.has(item.type) || (item.type === "message" && item.role === "assistant");
}

const TOOL_OUTPUTS = new Set(["function_call_output", "custom_tool_call_output", "tool_search_output"]);

/** Events that say the session did something a replay cannot do again. */
const UNSUPPORTED_EVENTS: Record<string, string> = {
  entered_review_mode: "a review (`/review`) is not replayed",
  exited_review_mode: "a review (`/review`) is not replayed",
  undo_completed: "an undo is not replayed",
};

export async function readRolloutScript(source: RolloutSource): Promise<RolloutScript> {
  const reader = rolloutReader(source);
  const builder = new ScriptBuilder(reader.name);
  for await (const line of reader.lines()) {
    if (isLineError(line)) throw new UnreplayableRolloutError(reader.name, line.lineNumber, line.message);
    builder.add(line);
  }
  return builder.finish();
}

class ScriptBuilder {
  private meta: SessionMeta | undefined;
  private readonly steps: ScriptStep[] = [];
  private readonly entries: LogEntry[] = [];
  private readonly expected: RolloutScript["expected"] = [];
  private turn: ScriptTurn | undefined;
  private sampling: ScriptSampling | undefined;
  /** The last tool call seen: a model warning that follows it was written by its handler. */
  private lastCallId: string | undefined;
  private lastLine = 0;

  constructor(private readonly source: string) {}

  private fail(line: number, reason: string): never {
    throw new UnreplayableRolloutError(this.source, line, reason);
  }

  add(line: RolloutLine): void {
    const n = line.lineNumber;
    this.lastLine = n;
    const entry = { v: 1, threadId: this.meta?.id ?? "rollout", seq: n, ts: line.timestamp, kind: line.type, payload: line.payload } as LogEntry;
    this.entries.push(entry);
    switch (line.type) {
      case "session_meta":
        // A fork's file repeats its parent's session_meta after its own: the first names the thread.
        this.meta ??= line.payload;
        return;
      case "turn_context":
        if (!this.turn) this.fail(n, "a turn_context outside a turn (no task_started before it)");
        this.turn.context = { line: n, value: line.payload };
        return;
      case "compacted":
        this.expected.push({ line: n, value: entry as Extract<LogEntry, { kind: "compacted" }> });
        if (!this.turn) this.fail(n, "a compaction outside a turn");
        this.turn.compaction = { line: n, value: line.payload };
        return;
      case "response_item":
        this.expected.push({ line: n, value: entry as Extract<LogEntry, { kind: "response_item" }> });
        this.responseItem(n, line.payload);
        return;
      case "event_msg":
        this.event(n, line.timestamp, line.payload);
        return;
      default: {
        const unknown: never = line;
        this.fail(n, `unknown line type ${JSON.stringify((unknown as { type: unknown }).type)}`);
      }
    }
  }

  private responseItem(n: number, item: ResponseItem): void {
    const turn = this.turn;
    if (!turn) return; // History written outside a turn (older files): compared, nothing to drive.
    if (isModelItem(item)) {
      if (item.type === "function_call" && AGENT_TOOLS.has(item.name)) {
        this.fail(n, `a sub-agent call (${item.name}) is not replayed from a rollout yet: replay the Loom thread instead (loom replay ID replays its agents too)`);
      }
      const callId = (item as { call_id?: string | null }).call_id;
      if (callId) this.lastCallId = callId;
      this.sampling ??= this.openSampling(turn);
      this.sampling.items.push({ line: n, value: item });
      return;
    }
    if (TOOL_OUTPUTS.has(item.type)) {
      const callId = (item as { call_id?: string | null }).call_id;
      if (callId) turn.outputs.set(callId, { line: n, value: item });
      return;
    }
    if (item.type === "message" && item.role === "user" && !isContextualUserMessage(item)) {
      // Codex's model warnings ("Warning: apply_patch was requested via ...") are user messages
      // the turn writes itself: Loom writes them too, and the history comparison checks them.
      if (turn.userItem && isModelWarning(item)) {
        const callId = this.lastCallId;
        if (callId) turn.warnings.set(callId, [...(turn.warnings.get(callId) ?? []), { line: n, value: item }]);
        return;
      }
      if (turn.userItem) this.fail(n, "a second user message in one turn (steering a running turn) is not replayed yet");
      turn.userItem = { line: n, value: item };
    }
  }

  private openSampling(turn: ScriptTurn): ScriptSampling {
    const sampling: ScriptSampling = { items: [], usage: null, end: "completed", endLine: 0 };
    turn.samplings.push(sampling);
    return sampling;
  }

  private event(n: number, ts: string, msg: EventMsg): void {
    const unsupported = UNSUPPORTED_EVENTS[msg.type];
    if (unsupported) this.fail(n, unsupported);
    switch (msg.type) {
      case "task_started":
        if (this.turn) this.fail(n, `a turn starts before the one at line ${this.turn.line} ended`);
        this.turn = { kind: "user", line: n, ts, turnId: msg.turn_id, samplings: [], outputs: new Map(), warnings: new Map(), end: "complete", endLine: 0 };
        return;
      case "user_message":
        if (!this.turn) this.fail(n, "a user message outside a turn");
        if (this.turn.userMessage) this.fail(n, "a second user message in one turn (steering a running turn) is not replayed yet");
        this.turn.userMessage = { line: n, value: msg };
        return;
      case "token_count":
        if (this.sampling && msg.info) {
          this.sampling.usage = msg.info.last_token_usage;
          this.sampling.endLine = n;
          this.sampling = undefined;
        }
        return;
      case "error":
        if (!this.turn) return;
        (this.sampling ??= this.openSampling(this.turn)).end = { error: msg };
        this.sampling.endLine = n;
        this.sampling = undefined;
        return;
      case "task_complete":
      case "turn_aborted":
        this.endTurn(n, msg.type === "task_complete" ? "complete" : "aborted");
        return;
      case "thread_rolled_back":
        if (this.turn) this.fail(n, "a rollback inside a running turn");
        this.steps.push({ type: "rollback", line: n, numTurns: msg.num_turns });
        return;
      default:
        return;
    }
  }

  private endTurn(n: number, end: "complete" | "aborted"): void {
    const turn = this.turn;
    if (!turn) this.fail(n, "a turn ends that never started");
    if (this.sampling) {
      this.sampling.end = end === "aborted" ? "cut" : "completed";
      this.sampling.endLine = n;
      this.sampling = undefined;
    }
    turn.end = end;
    turn.endLine = n;
    if (!turn.userMessage) {
      if (!turn.compaction) this.fail(turn.line, "a turn without a user message or a compaction");
      turn.kind = "compact";
    }
    this.steps.push({ type: "turn", turn });
    this.turn = undefined;
  }

  finish(): RolloutScript {
    if (this.turn) this.fail(this.turn.line, "the turn begun here never ends (no task_complete or turn_aborted): the file is cut short");
    if (this.entries.length === 0) this.fail(1, "the rollout is empty");
    return { source: this.source, meta: this.meta, steps: this.steps, entries: this.entries, expected: this.expected, lastLine: this.lastLine };
  }
}

/**
 * Whether a file's first line is a Codex rollout line (`{ timestamp, type, payload }`) rather than
 * a Loom log entry (`{ v, threadId, seq, kind, ... }`): how `loom replay FILE` and `expectReplay`
 * tell the two recordings apart.
 */
export function looksLikeRollout(firstLine: string): boolean {
  const text = firstLine.replace(/^\uFEFF/, "");
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    return typeof value === "object" && value !== null && "timestamp" in value && "type" in value && "payload" in value && !("kind" in value);
  } catch {
    // A first line cut short (a truncated file) still opens the way Codex writes every line.
    return /^\s*\{\s*"timestamp"\s*:/.test(text);
  }
}

/** The first non-blank line of a file, read without loading the whole file. */
export async function firstLineOf(path: string): Promise<string> {
  const stream = createReadStream(path, { encoding: "utf8" });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of lines) if (line.trim() !== "") return line;
    return "";
  } finally {
    lines.close();
    stream.destroy();
  }
}

/** Codex's `record_model_warning`: one input_text starting "Warning: ". */
function isModelWarning(item: ResponseItem & { type: "message" }): boolean {
  return item.content.length === 1 && item.content[0]!.type === "input_text" && item.content[0]!.text.startsWith("Warning: ");
}
