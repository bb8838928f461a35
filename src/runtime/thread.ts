/**
 * `Thread`: the embedding API of one thread. Every call becomes a logged submission handed to the
 * session actor; results are read back from the events the log publishes.
 */
import { statSync } from "node:fs";
import { isAbsolute } from "node:path";
import { Observable, filter, firstValueFrom, merge, take } from "../bus/rx.js";
import type { Actor } from "xstate";
import type { Event, LogEntry, NewEntry, Op, ResponseItem, TokenUsage, UserInputItem } from "../events/index.js";
import { parseOp } from "../events/index.js";
import { checkInputLimits, checkUserText } from "../events/limits.js";
import { ConcurrencyError, type EventLog, type ReadRange } from "../log/index.js";
import type { PendingApproval, ThreadState } from "../state/index.js";
import type { sessionMachine } from "../machines/session.js";
import type { ThreadServices } from "./services.js";
import type { ThreadStateStore } from "./state-store.js";
import { OpRejectedError, TurnAbortedError, TurnFailedError, UserError } from "./errors.js";
import type { McpManager } from "../actors/mcp/index.js";
import { routeElicitationAnswer } from "../actors/mcp/answers.js";
import { checkTraceCarrier, type W3cTraceContext } from "../observe/index.js";

export interface RunResult {
  finalResponse: string;
  /** The model-visible items the turn added (assistant messages, tool calls and their outputs). */
  items: ResponseItem[];
  /** Usage summed over the turn's model requests, or null when none completed. */
  usage: TokenUsage | null;
}

export interface SubmitOptions {
  /** The submission's id (default: a new one). */
  id?: string;
  /** The caller's W3C trace context (Codex's `Submission.trace`): Loom's spans join that trace. */
  trace?: W3cTraceContext;
}

export interface RunOptions {
  signal?: AbortSignal;
  /** A JSON schema the turn's final answer must follow (sent as Codex's `codex_output_schema`). */
  outputSchema?: unknown;
}

export interface ThreadParts {
  services: ThreadServices;
  log: EventLog;
  store: ThreadStateStore;
  actor: Actor<typeof sessionMachine>;
  /** The thread's MCP servers, when it has any. */
  mcp?: McpManager;
  /** Called once the thread has stopped (the runtime forgets it, and gives up its lease). */
  onClose(): void | Promise<void>;
  /** Requests of the thread's sub-agents, relayed to this thread's client (tagged with `thread_id`). */
  relayed$?: Observable<Event>;
  /** Hands an answer this thread has no request for to the sub-agent that asked it (its submission id). */
  routeAnswer?(op: Op): Promise<string | undefined>;
}

const TURN_END = new Set(["task_complete", "turn_aborted"]);
/**
 * Whether `op` may reach the idle session before it is durable (see `submit`): plain input that
 * starts a turn. Ops carrying settings (`user_turn`, ...), an output schema or a trace give the turn
 * what the runtime takes from the folded submission, so the session must see them folded.
 */
function startsPlainTurn(op: Op, trace: W3cTraceContext | undefined): boolean {
  return op.type === "user_input" && trace === undefined && (op as { final_output_json_schema?: unknown }).final_output_json_schema == null;
}

export class Thread {
  readonly id: string;
  readonly events$: Observable<Event>;
  readonly entries$: Observable<LogEntry>;
  /** The `session_configured` event the thread opened with (the first line of `loom proto`). */
  configured!: Event;
  /** Every event the thread opened with: session_configured, then a resume's repairs and re-asked requests. */
  opening: Event[] = [];
  private closing: Promise<void> | undefined;
  /** Why the thread stopped on its own (its log could not be written), for the errors that follow. */
  private failure: string | undefined;
  /** `run` calls are served in order: each waits for the previous one's turn to end. */
  private runQueue: Promise<void> = Promise.resolve();
  /** Requests answered through this object (kind:id), so a second answer is refused at once. */
  private readonly answered = new Set<string>();
  /** Submissions being logged that go to the session only once durable (see `submit`). */
  private waiting = 0;

  constructor(private readonly parts: ThreadParts) {
    this.id = parts.services.threadId;
    this.events$ = parts.relayed$ ? merge(parts.services.bus.events$, parts.relayed$) : parts.services.bus.events$;
    this.entries$ = parts.services.bus.entries$;
    // A thread that cannot append cannot go on: it closes, and says why to every later call. A
    // resume reads the log's head again (another writer's entries included).
    parts.services.bus.onFailure((error) => {
      this.failure = failureText(error);
      void this.close();
    });
  }

  /** Why the thread closed by itself (its log could not be written), or undefined. */
  get closeReason(): string | undefined {
    return this.failure;
  }

  private closedError(): UserError {
    return new UserError(`thread ${this.id} is closed${this.failure ? `: ${this.failure}` : ""}`);
  }

  /** The state folded from every entry so far. */
  get state(): ThreadState {
    return this.parts.services.state();
  }

  get closed(): boolean {
    return this.closing !== undefined;
  }

  /**
   * Logs a submission and hands it to the session; resolves with its id once it is durable. From
   * then on the session acts on it or answers it with an event (an `error` naming why it will not
   * run); if the process dies first, resuming the thread does.
   */
  async submit(op: Op | Record<string, unknown>, options: SubmitOptions = {}): Promise<string> {
    if (this.closing) throw this.closedError();
    // Once the session has ended nothing would answer; while it shuts down, it answers with a refusal.
    if (this.parts.actor.getSnapshot().status !== "active") throw this.closedError();
    let parsed: Op;
    let trace: W3cTraceContext | undefined;
    try {
      // Limits first: a value too deep for the validator's stack is refused before it is walked.
      checkInputLimits(op, "the op");
      parsed = parseOp(op);
      checkUserText(userTextOf(parsed));
      trace = checkTraceCarrier(options.trace);
    } catch (error) {
      throw new UserError((error as Error).message, { cause: error });
    }
    const cwd = (parsed as { cwd?: unknown }).cwd;
    if (typeof cwd === "string" && !isUsableDir(cwd)) {
      throw new UserError(`${parsed.type}: cwd must be an absolute path to an existing directory, got ${JSON.stringify(cwd)}`);
    }
    const { services } = this.parts;
    const id = options.id ?? services.ids.next("submission");
    // An answer is checked against the requests still open before it is logged, so a stale or
    // duplicate answer is reported and changes nothing.
    const answer =
      parsed.type === "resolve_elicitation"
        ? routeElicitationAnswer(parsed, services.state().pendingApprovals, this.parts.mcp, this.answered)
        : answerTarget(parsed, services.state().pendingApprovals, this.answered);
    if (answer && "error" in answer && this.parts.routeAnswer) {
      // Asked by a sub-agent: the answer goes to its log, not this one.
      const routed = await this.parts.routeAnswer(parsed);
      if (routed !== undefined) return routed;
    }
    // Plain input into an idle session goes to it as soon as it has its seq: the turn's
    // first records then share its commit, and the turn acts outside the log (calls the model) only
    // once those are durable. Answers and other ops release effects at once, so they wait.
    // The session must see submissions in log order: not while an earlier one still waits.
    let dispatched = false;
    const early = answer === undefined && startsPlainTurn(parsed, trace) && this.waiting === 0 && this.parts.actor.getSnapshot().matches("idle");
    const onAssigned = (entries: readonly NewEntry[]) => {
      dispatched = true;
      this.parts.actor.send({ type: "SUBMIT", submission: (entries[0] as Extract<NewEntry, { kind: "submission" }>).payload });
    };
    if (!early) this.waiting += 1;
    let stored: LogEntry | undefined;
    try {
      [stored] = await services.bus
        .record([{ kind: "submission", payload: { id, op: parsed, ...(trace ? { trace } : {}) } }], id, early ? { onAssigned } : undefined)
        .catch((error: unknown) => {
          throw this.failure ? new UserError(`thread ${this.id}: ${this.failure}`, { cause: error }) : error;
        });
    } finally {
      if (!early) this.waiting -= 1;
    }
    if (dispatched) return id;
    const submission = (stored as Extract<LogEntry, { kind: "submission" }>).payload;
    if (answer && "error" in answer) {
      await services.bus.event(id, { type: "error", message: answer.error });
      return id;
    }
    if (answer && "resolve" in answer) {
      // A server's own elicitation: the MCP manager holds the request, no turn waits on it.
      answer.resolve();
      return id;
    }
    this.parts.actor.send({ type: "SUBMIT", submission, targetId: answer?.targetId });
    return id;
  }

  /**
   * Logs an `error` event for input that never became a submission (a line a client sent that is
   * not a valid submission), so the thread's log tells what its client sent. `bad_request` marks it
   * as input: replay puts it back where it was instead of expecting the machines to write it.
   */
  async reportInputError(message: string, submissionId = ""): Promise<void> {
    if (this.closing) throw new UserError(`thread ${this.id} is closed`);
    await this.parts.services.bus.event(submissionId, { type: "error", message, codex_error_info: INPUT_ERROR_INFO });
  }

  /**
   * Runs one turn to its end. Calls are served one after another (a second `run` waits for the
   * first turn to end), so `run` never steers; use `submit` to steer a running turn.
   */
  run(input: string | UserInputItem[], options: RunOptions = {}): Promise<RunResult> {
    const turn = this.runQueue.then(() => this.runNow(input, options));
    this.runQueue = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  private async runNow(input: string | UserInputItem[], options: RunOptions): Promise<RunResult> {
    const items: UserInputItem[] = typeof input === "string" ? [{ type: "text", text: input }] : input;
    if (this.closing) throw this.closedError();
    await this.whenIdle();
    const id = this.parts.services.ids.next("submission");
    if (options.signal?.aborted) throw new TurnAbortedError(id, "interrupted");
    const collected: LogEntry[] = [];
    let stopWatching = () => {};
    const done = new Promise<LogEntry>((resolve, reject) => {
      let started = false;
      let ended = false;
      const subscription = this.entries$.subscribe({
        next: (entry) => {
          if (entry.sub !== id) return;
          collected.push(entry);
          if (entry.kind !== "event_msg") return;
          if (entry.payload.type === "task_started") started = true;
          if (TURN_END.has(entry.payload.type)) {
            ended = true;
            subscription.unsubscribe();
            resolve(entry);
          } else if (entry.payload.type === "error" && !started) {
            // Answered before any turn took it (refused: the thread shut down, ...). A turn that
            // failed to start writes its end in the same append, published before this runs.
            const message = entry.payload.message;
            queueMicrotask(() => {
              if (ended) return;
              subscription.unsubscribe();
              reject(new OpRejectedError(message, id));
            });
          }
        },
        complete: () =>
          reject(new UserError(`thread ${this.id} closed before the turn ended${this.failure ? `: ${this.failure}` : ""}`)),
      });
      stopWatching = () => subscription.unsubscribe();
    });
    // Whatever happens below, this promise is awaited or its watch is dropped: never left to reject.
    done.catch(() => undefined);
    // The turn's usage is what its requests added to the thread's total (a compaction's estimate
    // replaces the last usage but leaves the total alone, so it is not counted as spent).
    const usageBefore = this.state.tokenUsage?.total_token_usage ?? null;
    const onAbort = () => void this.interrupt().catch(() => undefined);
    options.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const schema = options.outputSchema === undefined ? {} : { final_output_json_schema: options.outputSchema };
      await this.submit({ type: "user_input", items, ...schema }, { id });
      const end = await done;
      return turnResult(id, end, collected, usageBefore);
    } finally {
      stopWatching();
      options.signal?.removeEventListener("abort", onAbort);
    }
  }

  async interrupt(): Promise<void> {
    await this.submit({ type: "interrupt" });
  }

  /** Drops the last `numTurns` user turns from the model's view (Codex's `thread_rollback`). */
  async rollback(numTurns: number): Promise<void> {
    const id = this.parts.services.ids.next("submission");
    const answer = firstValueFrom(
      this.events$.pipe(
        filter((event) => event.id === id && (event.msg.type === "thread_rolled_back" || event.msg.type === "error")),
        take(1),
      ),
    );
    // If submit throws, nobody awaits `answer`: it must not reject unobserved when the thread closes.
    answer.catch(() => undefined);
    await this.submit({ type: "thread_rollback", num_turns: numTurns }, { id });
    const event = await answer;
    if (event.msg.type === "error") throw new OpRejectedError(event.msg.message, id, event.msg.codex_error_info);
  }

  /** The state folded up to `seq` (time travel). */
  stateAt(seq: number): Promise<ThreadState> {
    return this.parts.store.stateAt(this.id, seq);
  }

  async entries(range: ReadRange = {}): Promise<LogEntry[]> {
    const out: LogEntry[] = [];
    for await (const entry of this.parts.log.read(this.id, range)) out.push(entry);
    return out;
  }

  /** Resolves when no turn is running. */
  /**
   * Resolves when the session has nothing to do: no turn or task running or queued (a submission
   * already handed to the session counts, even before its turn has written anything).
   */
  async whenIdle(): Promise<void> {
    const { actor } = this.parts;
    const idle = () => {
      const snapshot = actor.getSnapshot();
      return snapshot.status !== "active" || snapshot.matches("idle");
    };
    if (idle()) return;
    await new Promise<void>((resolve) => {
      const subscription = actor.subscribe({
        next: () => {
          if (!idle()) return;
          subscription.unsubscribe();
          resolve();
        },
        error: () => resolve(),
        complete: () => resolve(),
      });
    });
    // What the turn wrote last is published once durable: let it reach the log first.
    await this.parts.services.bus.flush();
  }

  /**
   * Stops the thread's actors (a running tool's process group is killed) without writing anything:
   * like a crash, a later resume closes any turn left open.
   */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    // Stopping the actors can call close() again synchronously (the bus completing): the promise
    // is in place before any of that runs, so every caller waits for the one whole shutdown,
    // the lease's release included.
    let finish!: () => void;
    let fail!: (error: unknown) => void;
    this.closing = new Promise<void>((resolve, reject) => ((finish = resolve), (fail = reject)));
    (async () => {
      const { services, actor } = this.parts;
      // Like a crash: from here on nothing more is written, whatever the stopping actors still do.
      services.bus.seal();
      actor.stop();
      services.abort();
      // No process the thread started outlives it.
      services.processes.close();
      await this.parts.mcp?.close();
      await services.bus.flush();
      await this.parts.store.maybeSnapshot(this.id, services.state()).catch(() => undefined);
      services.bus.close();
      await this.parts.onClose();
    })().then(finish, fail);
    return this.closing;
  }
}

/** The `codex_error_info` of an error event that reports bad input rather than a failure of the thread. */
export const INPUT_ERROR_INFO = "bad_request";

/** The text a turn-starting op carries, all items together (what Codex's length limit counts). */
function userTextOf(op: Op): string {
  const items = (op as { items?: unknown }).items;
  if (!Array.isArray(items)) return "";
  return items.map((item: { type?: unknown; text?: unknown }) => (item.type === "text" && typeof item.text === "string" ? item.text : "")).join("");
}

function failureText(error: Error): string {
  const cause = error.cause;
  if (cause instanceof ConcurrencyError) {
    return `another writer appended to its log (this one expected the head at seq ${cause.expected}, the log is at seq ${cause.actual}); resume the thread to continue from the log`;
  }
  return `appending to its log failed (${cause instanceof Error ? cause.message : String(cause ?? error.message)}); resume the thread to continue from the log`;
}

function isUsableDir(path: string): boolean {
  if (!isAbsolute(path)) return false;
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

const ANSWER_KINDS: Record<string, PendingApproval["kind"]> = {
  exec_approval: "exec",
  patch_approval: "patch",
  user_input_answer: "user_input",
  request_user_input_response: "user_input",
  dynamic_tool_response: "dynamic_tool",
};

/**
 * For an answer op: the call it answers, or why it answers nothing. Other ops: undefined.
 * (MCP elicitations are answered outside the turn, by the MCP manager.)
 */
function answerTarget(
  op: Op,
  pending: readonly PendingApproval[],
  answered: Set<string>,
): { targetId: string } | { error: string } | undefined {
  const kind = ANSWER_KINDS[op.type];
  if (!kind) return undefined;
  const id = (op as { id: string }).id;
  const request = pending.find(
    (p) => p.kind === kind && (p.id === id || (kind === "user_input" && p.turnId === id)),
  );
  const key = `${kind}:${request?.id ?? id}`;
  if (!request || answered.has(key)) {
    const what = kind === "exec" || kind === "patch" ? `${kind} approval request` : `${kind.replace("_", " ")} request`;
    return { error: `${op.type}: no pending ${what} with id ${JSON.stringify(id)} (unknown or already answered)` };
  }
  answered.add(key);
  switch (request.kind) {
    case "exec":
    case "patch":
    case "user_input":
      return { targetId: request.request.call_id };
    case "dynamic_tool":
      return { targetId: request.request.callId };
    default:
      return { targetId: request.id };
  }
}

function turnResult(turnId: string, end: LogEntry, entries: LogEntry[], before: TokenUsage | null): RunResult {
  let total: TokenUsage | null = null;
  let error: { message: string; info?: unknown } | undefined;
  const items: ResponseItem[] = [];
  for (const entry of entries) {
    if (entry.kind === "response_item") {
      const role = entry.payload.type === "message" ? entry.payload.role : undefined;
      if (role !== "user" && role !== "developer") items.push(entry.payload);
    } else if (entry.kind === "event_msg") {
      const msg = entry.payload;
      if (msg.type === "token_count" && msg.info) total = msg.info.total_token_usage;
      if (msg.type === "error") error = { message: msg.message, info: msg.codex_error_info };
    }
  }
  if (end.kind === "event_msg" && end.payload.type === "turn_aborted") {
    throw new TurnAbortedError(turnId, end.payload.reason);
  }
  if (error) throw new TurnFailedError(error.message, turnId, error.info);
  const last = end.kind === "event_msg" && end.payload.type === "task_complete" ? end.payload.last_agent_message : null;
  return { finalResponse: last ?? "", items, usage: total ? usageSince(before, total) : null };
}

function usageSince(before: TokenUsage | null, after: TokenUsage): TokenUsage {
  if (!before) return { ...after };
  return {
    input_tokens: after.input_tokens - before.input_tokens,
    cached_input_tokens: after.cached_input_tokens - before.cached_input_tokens,
    output_tokens: after.output_tokens - before.output_tokens,
    reasoning_output_tokens: after.reasoning_output_tokens - before.reasoning_output_tokens,
    total_tokens: after.total_tokens - before.total_tokens,
  };
}
