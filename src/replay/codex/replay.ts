/**
 * `replayRollout`: a Codex rollout re-executed by Loom's own machines, without a model. Each turn
 * is submitted as the user sent it (its `turn_context` settings and its message); the model answers
 * with the rollout's own response items, sampling round by sampling round; tool calls get the
 * outputs the rollout recorded (or, `live`, run again for real and are compared). Three things are
 * checked, and the first difference is the divergence, reported with the rollout's line number:
 * - the history: every item Loom writes equals the rollout's next response item or compaction;
 * - the request: the input Loom sends for each sampling round is the history Codex had, projected as
 *   Codex projects it (so a tool output recorded in one form and sent in another is checked too);
 * - a tool's output, when it ran live.
 */
import { filter, firstValueFrom } from "../../bus/rx.js";
import { rm } from "node:fs/promises";
import type { LogEntry, ResponseItem, TurnContextItem } from "../../events/index.js";
import { MemoryEventLog } from "../../log/index.js";
import type { LoomConfig } from "../../config/index.js";
import type { ToolContext, ToolHandler } from "../../actors/tools/index.js";
import { ModelAbortedError, RecordedModelError, type ResponsesRequest, type SampleResult } from "../../actors/model/index.js";
import { createRuntime } from "../../runtime/runtime.js";
import type { Sampler, ThreadServices } from "../../runtime/services.js";
import type { Thread } from "../../runtime/thread.js";
import { foldEntries, offersFreeformApplyPatch, projectPrompt } from "../../state/index.js";
import { diffJson, jsonEqual } from "../reexecute/diff.js";
import type { RolloutSource } from "../rollout/source.js";
import { comparableOutput, LIVE_TOOLS, SessionIds } from "./live.js";
import { WorkingDirectories } from "./paths.js";
import { readRolloutScript, type RolloutScript, type ScriptSampling, type ScriptTurn } from "./script.js";
import { ImageFiles, recordedTmpdir, startOptions, userTurnOp } from "./turn-input.js";
import { recordedSkills } from "../reexecute/skills.js";
import { lastAssistantText } from "../reexecute/io.js";

export interface RolloutReplayOptions {
  /** Run the shell calls (see `LIVE_TOOLS`) again for real and compare their outputs (default: answer from the rollout). */
  live?: boolean;
  /** Configuration the replay runs with, e.g. `model_auto_compact_token_limit` when the session compacted on its own. */
  config?: LoomConfig;
  /** Host tools the session offered. */
  tools?: ToolHandler[];
  /**
   * The directory the session runs in, for every working directory the rollout names (default:
   * the recorded one when it exists here, else an empty temporary one). Paths are compared as recorded.
   */
  cwd?: string;
  /** The environment live commands start from (default `process.env`). */
  commandEnv?: Record<string, string | undefined>;
  /** How long Loom may write nothing before the replay gives up on the next line (default 30 s). */
  stallMs?: number;
  signal?: AbortSignal;
}

export interface RolloutDivergence {
  /** The rollout's line (1-based) where Loom did something else. */
  line: number;
  reason: string;
  /** Paths that differ, the rollout's value first. */
  diff: string[];
}

export interface RolloutReplayReport {
  source: string;
  turns: number;
  /** History items (response items and compactions) Loom wrote and found equal (as `replayed` counts entries of a Loom replay). */
  replayed: number;
  /** Model requests whose input was checked. */
  requests: number;
  toolCalls: number;
  /** Tool calls that ran for real (`live`). */
  liveCalls: number;
  divergence?: RolloutDivergence;
}

export function formatRolloutDivergence(report: Pick<RolloutReplayReport, "source" | "divergence">): string {
  const divergence = report.divergence;
  if (!divergence) return `${report.source}: no divergence`;
  return [`${report.source}:${divergence.line}: divergence: ${divergence.reason}`, ...divergence.diff.map((line) => `  ${line}`)].join("\n");
}

/** Re-executes a rollout; never throws for a divergence (it is in the report), throws `UnreplayableRolloutError` for a rollout it cannot replay. */
export async function replayRollout(source: RolloutSource, options: RolloutReplayOptions = {}): Promise<RolloutReplayReport> {
  const script = await readRolloutScript(source);
  return new RolloutReplay(script, options).run();
}

function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(new ModelAbortedError());
    signal.addEventListener("abort", () => reject(new ModelAbortedError()), { once: true });
  });
}

function startLine(sampling: ScriptSampling): number {
  return sampling.items[0]?.line ?? sampling.endLine;
}


class RolloutReplay {
  private readonly report: RolloutReplayReport;
  private divergence: RolloutDivergence | undefined;
  private stop!: () => void;
  private readonly stopped = new Promise<void>((resolve) => (this.stop = resolve));
  private matched = 0;
  private turn: ScriptTurn | undefined;
  private nextSampling = 0;
  private previousContext: TurnContextItem | undefined;
  private compactionUsed = false;
  private samplingEnded: Promise<void> = Promise.resolve();
  private now: Date;
  private thread: Thread | undefined;
  private stall: NodeJS.Timeout | undefined;
  private readonly images = new ImageFiles();
  private readonly sessions = new SessionIds();
  private readonly dirs: WorkingDirectories;

  constructor(
    private readonly script: RolloutScript,
    private readonly options: RolloutReplayOptions,
  ) {
    this.report = { source: script.source, turns: 0, replayed: 0, requests: 0, toolCalls: 0, liveCalls: 0 };
    this.now = new Date(script.meta?.timestamp ?? script.entries[0]?.ts ?? 0);
    this.dirs = new WorkingDirectories(options.cwd);
  }

  private diverge(found: RolloutDivergence): void {
    this.divergence ??= found;
    this.stop();
  }

  /** Loom wrote nothing for a while: it stopped short of the rollout's next line. */
  private armStall(): void {
    clearTimeout(this.stall);
    const ms = this.options.stallMs ?? 30_000;
    this.stall = setTimeout(() => {
      const next = this.script.expected[this.matched];
      this.diverge({ line: next?.line ?? this.script.lastLine, reason: `Loom wrote nothing for ${ms / 1000} s, short of this line`, diff: [] });
    }, ms);
  }

  async run(): Promise<RolloutReplayReport> {
    const { script, options } = this;
    options.signal?.throwIfAborted();
    const rt = await createRuntime({
      log: new MemoryEventLog(),
      config: options.config ?? {},
      env: {},
      durable: false,
      model: { apiKey: "replay" },
      clock: { now: () => this.now },
      tools: options.tools,
      commandEnv: options.commandEnv,
      originator: script.meta?.originator,
      io: {
        // The skills Codex listed and the bodies it injected, never this machine's skill folders.
        skills: () => recordedSkills(this.recordedItems().map((payload) => ({ kind: "response_item", payload }) as LogEntry)),
        sampler: () => this.sampler,
        wrapTool: (handler) => this.wrapTool(handler),
        turnFacts: () => () => this.turnFacts(),
        onThread: (services: ThreadServices) => {
          services.bus.entries$.subscribe((entry) => this.compare(entry));
        },
      },
    });
    const onAbort = () => this.diverge({ line: this.script.expected[this.matched]?.line ?? 0, reason: "the replay was cancelled", diff: [] });
    options.signal?.addEventListener("abort", onAbort, { once: true });
    this.armStall();
    try {
      await Promise.race([this.drive(rt), this.stopped]);
    } catch (error) {
      const line = this.script.expected[this.matched]?.line ?? this.script.lastLine;
      this.diverge({ line, reason: `the replay failed: ${(error as Error).message}`, diff: [] });
    } finally {
      clearTimeout(this.stall);
      options.signal?.removeEventListener("abort", onAbort);
      await rt.close();
      await this.dirs.cleanup();
      if (this.images.dir) await rm(this.images.dir, { recursive: true, force: true });
    }
    return { ...this.report, ...(this.divergence ? { divergence: this.divergence } : {}) };
  }

  private async drive(rt: Awaited<ReturnType<typeof createRuntime>>): Promise<void> {
    const firstTurn = this.script.steps.find((step) => step.type === "turn");
    const firstContext = firstTurn?.type === "turn" ? firstTurn.turn.context?.value : undefined;
    const cwd = await this.dirs.localFor(firstContext?.cwd ?? this.script.meta?.cwd ?? process.cwd());
    this.thread = await rt.startThread(startOptions(this.script.meta, firstContext, cwd));
    for (const step of this.script.steps) {
      if (this.divergence) return;
      if (step.type === "rollback") await this.thread.rollback(step.numTurns);
      else await this.runTurn(this.thread, step.turn);
    }
    await this.thread.whenIdle();
    const missing = this.script.expected[this.matched];
    if (missing && !this.divergence) this.diverge({ line: missing.line, reason: "Codex recorded this; Loom never wrote it", diff: [] });
    this.stop();
  }

  private async runTurn(thread: Thread, turn: ScriptTurn): Promise<void> {
    this.turn = turn;
    this.nextSampling = 0;
    this.compactionUsed = false;
    this.now = new Date(turn.ts);
    const cwd = await this.dirs.localFor(turn.context?.value.cwd ?? this.script.meta?.cwd ?? process.cwd());
    const op = turn.kind === "compact" ? { type: "compact" as const } : await userTurnOp(turn, this.images, cwd, this.previousContext);
    if (turn.context) this.previousContext = turn.context.value;
    const id = `replay-line-${turn.line}`;
    const ended = firstValueFrom(
      thread.events$.pipe(filter((e) => e.id === id && (e.msg.type === "task_complete" || e.msg.type === "turn_aborted"))),
      { defaultValue: undefined },
    );
    await thread.submit(op, { id });
    await Promise.race([ended, this.stopped]);
    if (this.divergence) return;
    this.report.turns += 1;
    // Everything Codex recorded up to the turn's end must be written by now.
    const missing = this.script.expected[this.matched];
    if (missing && missing.line < turn.endLine) {
      await thread.whenIdle();
      const still = this.script.expected[this.matched];
      if (still && still.line < turn.endLine) this.diverge({ line: still.line, reason: "Codex recorded this in the turn; Loom's turn ended without it", diff: [] });
    }
  }

  private turnFacts() {
    const context = this.turn?.context?.value;
    if (!context) return {};
    const tmpdir = recordedTmpdir(this.recordedItems(), context);
    return {
      ...(tmpdir !== undefined ? { tmpdir } : {}),
      ...(context.current_date ? { currentDate: context.current_date } : {}),
      ...(context.timezone ? { timezone: context.timezone } : {}),
      userInstructions: context.user_instructions ?? null,
    };
  }

  private recordedItems(): ResponseItem[] {
    return this.script.expected.flatMap((e) => (e.value.kind === "response_item" ? [e.value.payload] : []));
  }

  private compare(entry: LogEntry): void {
    if (this.divergence || (entry.kind !== "response_item" && entry.kind !== "compacted")) return;
    this.armStall();
    const expected = this.script.expected[this.matched];
    if (!expected) {
      this.diverge({ line: this.script.lastLine, reason: `Loom wrote a ${entry.kind} past the end of the rollout`, diff: [`now ${JSON.stringify(entry.payload).slice(0, 200)}`] });
      return;
    }
    const recorded = expected.value;
    const payload = this.dirs.recorded(entry.payload);
    if (recorded.kind === entry.kind && jsonEqual(recorded.payload, payload)) {
      this.matched += 1;
      this.report.replayed += 1;
      return;
    }
    const diff = recorded.kind !== entry.kind ? [`recorded a ${recorded.kind} ${JSON.stringify(recorded.payload).slice(0, 200)}`, `now a ${entry.kind} ${JSON.stringify(payload).slice(0, 200)}`] : diffJson(recorded.payload, payload);
    this.diverge({ line: expected.line, reason: "Loom's history differs from the rollout's", diff });
  }

  /** The request's input against the history Codex had when it asked for the answer at `line`. */
  private checkRequest(line: number, body: ResponsesRequest): void {
    const before = this.script.entries.filter((entry) => entry.seq < line);
    const tools = Array.isArray(body.tools) ? body.tools : [];
    const expected = projectPrompt(foldEntries(before).history, { reserializeShellOutputs: offersFreeformApplyPatch(tools) });
    const input = this.dirs.recorded(body.input);
    this.report.requests += 1;
    if (!jsonEqual(expected, input)) {
      this.diverge({ line, reason: "the request Loom sent for the model's answer here differs from the history Codex had", diff: diffJson(expected, input).map((d) => `input${d.startsWith("[") ? "" : "."}${d}`) });
    }
  }

  private interrupt(): void {
    void this.thread?.interrupt().catch(() => undefined);
  }

  private readonly sampler: Sampler = async (request, options): Promise<SampleResult> => {
    this.armStall();
    const turn = this.turn;
    if (!turn) throw new Error("the model was asked outside a turn");
    if (options.purpose === "compaction") return this.summary(turn, request);
    const sampling = turn.samplings[this.nextSampling++];
    let ended!: () => void;
    this.samplingEnded = new Promise((resolve) => (ended = resolve));
    try {
      if (!sampling) {
        // Codex's turn was interrupted before this answer came: so is Loom's.
        if (turn.end === "aborted") this.interrupt();
        else this.diverge({ line: turn.endLine, reason: "Loom asked the model for another answer; Codex's turn ended here", diff: [] });
        return await untilAborted(options.signal);
      }
      const body = typeof request === "function" ? await request(0) : request;
      this.checkRequest(startLine(sampling), body);
      if (this.divergence) return await untilAborted(options.signal);
      for (const { value } of sampling.items) await options.onEvent({ kind: "item", item: value });
      if (sampling.end === "cut") {
        this.interrupt();
        return await untilAborted(options.signal);
      }
      if (typeof sampling.end === "object") throw new RecordedModelError(sampling.end.error as never);
      const items = sampling.items.map((i) => i.value);
      return { responseId: `replay-${startLine(sampling)}`, items, usage: sampling.usage, lastAgentMessage: lastAssistantText(items) };
    } finally {
      ended();
    }
  };

  /** A compaction's summary request: the answer is the summary its `compacted` line kept. */
  private async summary(turn: ScriptTurn, request: Parameters<Sampler>[0]): Promise<SampleResult> {
    if (typeof request === "function") await request(0);
    const compaction = turn.compaction;
    if (!compaction || this.compactionUsed) {
      const line = this.script.expected[this.matched]?.line ?? turn.endLine;
      this.diverge({
        line,
        reason: "Loom compacted the history where Codex did not (was `model_auto_compact_token_limit` the same?)",
        diff: [],
      });
      throw new ModelAbortedError();
    }
    this.compactionUsed = true;
    const message = compaction.value.message;
    const newline = message.indexOf("\n");
    const text = newline >= 0 ? message.slice(newline + 1) : message;
    const item: ResponseItem = { type: "message", role: "assistant", content: [{ type: "output_text", text }] };
    return { responseId: "replay-summary", items: [item], usage: null, lastAgentMessage: text };
  }

  private wrapTool(handler: ToolHandler): ToolHandler {
    // The rollout already says how each call was decided: Loom asks no one.
    const { approval: _approval, ...rest } = handler;
    return { ...rest, execute: (context) => this.tool(handler, context) };
  }

  private async tool(handler: ToolHandler, context: ToolContext): Promise<ResponseItem> {
    this.armStall();
    const turn = this.turn!;
    const { callId, name } = context.call;
    // Codex records a response's tool outputs after the response itself.
    await this.samplingEnded;
    const recorded = turn.outputs.get(callId);
    const callLine = turn.samplings.flatMap((s) => s.items).find((i) => (i.value as { call_id?: string }).call_id === callId)?.line ?? turn.line;
    const runningAtInterrupt = turn.end === "aborted" && !turn.samplings.some((s) => startLine(s) > callLine);
    if (runningAtInterrupt) {
      this.interrupt();
      await untilAborted(context.signal).catch(() => undefined);
      if (recorded) return recorded.value;
      throw new ModelAbortedError();
    }
    if (!recorded) {
      this.diverge({ line: callLine, reason: `Codex recorded no output for call ${callId} (${name})`, diff: [] });
      return untilAborted(context.signal);
    }
    this.report.toolCalls += 1;
    if (this.options.live && LIVE_TOOLS.has(handler.name)) {
      const call = { ...context.call, input: this.sessions.arguments(name, context.call.input) };
      const live = await handler.execute({ ...context, call });
      this.sessions.learn(recorded.value, live);
      this.report.liveCalls += 1;
      const [a, b] = [comparableOutput(recorded.value), comparableOutput(this.dirs.recorded(live))];
      if (!jsonEqual(a, b)) {
        this.diverge({ line: recorded.line, reason: `${name} run live gave another output than Codex recorded`, diff: diffJson(a, b) });
        return untilAborted(context.signal);
      }
      return recorded.value;
    }
    // What the handler wrote besides its output (Codex's model warnings), as the rollout has it.
    for (const warning of turn.warnings.get(callId) ?? []) await context.record([{ kind: "response_item", payload: warning.value }]);
    return recorded.value;
  }
}
