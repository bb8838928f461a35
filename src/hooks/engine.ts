/**
 * The hooks engine (Codex's `ClaudeHooksEngine`): picks the handlers an event matches, reports them
 * as running, runs them all at once (commands under the thread's sandbox, embedder functions in
 * process), each with its timeout, and turns every run into a completed summary. Failures of any
 * kind (spawn, exit code, timeout, bad JSON, a throwing function) become a failed run with an
 * error entry: a hook never fails or wedges the turn.
 */
import type { Clock } from "../actors/clock.js";
import type { HookEventName, HookRunSummary, HookSource, SandboxPolicy } from "../events/index.js";
import type { CommandHandler } from "./config.js";
import { DEFAULT_HOOK_TIMEOUT_SEC } from "./config.js";
import { matches } from "./matcher.js";
import { parseRun, type HandlerRun } from "./parse.js";
import { runCommandHook } from "./command.js";

/** An embedder's hook: gets the payload a command would read on stdin, answers what it would print. */
export type HookFunction = (input: Record<string, unknown>, context: { signal: AbortSignal }) => unknown;

/** `startThread({ hooks })`: function hooks by event (they run after the configured command hooks). */
export interface HookFunctions {
  sessionStart?: HookFunction;
  userPromptSubmit?: HookFunction;
  preToolUse?: HookFunction;
  /** Answers an approval before the user is asked: `{ hookSpecificOutput: { hookEventName: "PermissionRequest", decision: { behavior } } }`. */
  permissionRequest?: HookFunction;
  postToolUse?: HookFunction;
  stop?: HookFunction;
  /** Seconds each function may take (default Codex's 600). */
  timeoutSec?: number;
}

export interface FunctionHandler {
  kind: "function";
  eventName: HookEventName;
  matcher: null;
  fn: HookFunction;
  timeoutSec: number;
  statusMessage: null;
  sourcePath: string;
  source: HookSource;
  displayOrder: number;
}

export type HookHandler = CommandHandler | FunctionHandler;

/** One event to dispatch: its matcher inputs and the JSON payload handlers receive. */
export interface HookRequest {
  eventName: HookEventName;
  turnId: string | null;
  /** The tool name and its aliases, or the session start source; empty for events without matchers. */
  matcherInputs: string[];
  /** Tool events: the call id (PermissionRequest: the approval's run id, `<call id>:retry` for a retry), appended to each run id as Codex does. */
  toolUseId?: string;
  input: Record<string, unknown>;
  cwd: string;
  sandbox: { policy: SandboxPolicy; confine: boolean };
}

/** The handlers an event matched, reported as running, and how to run them. */
export interface HookDispatch {
  started: HookRunSummary[];
  complete(signal: AbortSignal): Promise<HookRunSummary[]>;
}

/** What the runtime asks hooks through: the engine live, the recorded log in replay. */
export interface HookPort {
  dispatch(request: HookRequest): HookDispatch;
}

const LABELS: Record<HookEventName, string> = {
  pre_tool_use: "pre-tool-use",
  permission_request: "permission-request",
  post_tool_use: "post-tool-use",
  session_start: "session-start",
  user_prompt_submit: "user-prompt-submit",
  stop: "stop",
};

const FUNCTION_KEYS: [keyof Omit<HookFunctions, "timeoutSec">, HookEventName][] = [
  ["sessionStart", "session_start"],
  ["userPromptSubmit", "user_prompt_submit"],
  ["preToolUse", "pre_tool_use"],
  ["permissionRequest", "permission_request"],
  ["postToolUse", "post_tool_use"],
  ["stop", "stop"],
];

/** Function hooks as handlers, numbered after `firstOrder`. */
export function functionHandlers(functions: HookFunctions | undefined, firstOrder: number): FunctionHandler[] {
  if (!functions) return [];
  let order = firstOrder;
  return FUNCTION_KEYS.flatMap(([key, eventName]) => {
    const fn = functions[key];
    if (typeof fn !== "function") return [];
    return [
      {
        kind: "function" as const,
        eventName,
        matcher: null,
        fn,
        timeoutSec: Math.max(1, functions.timeoutSec ?? DEFAULT_HOOK_TIMEOUT_SEC),
        statusMessage: null,
        sourcePath: `<startThread hooks.${key}>`,
        source: "session_flags" as const,
        displayOrder: order++,
      },
    ];
  });
}

export class HookEngine implements HookPort {
  constructor(
    readonly handlers: readonly HookHandler[],
    private readonly clock: Clock,
  ) {}

  get isEmpty(): boolean {
    return this.handlers.length === 0;
  }

  select(request: HookRequest): HookHandler[] {
    return this.handlers.filter((handler) => {
      if (handler.eventName !== request.eventName) return false;
      if (request.matcherInputs.length === 0) return matches(handler.matcher, undefined);
      return request.matcherInputs.some((input) => matches(handler.matcher, input));
    });
  }

  dispatch(request: HookRequest): HookDispatch {
    const selected = this.select(request);
    const startedAt = Math.floor(this.clock.now().getTime() / 1000);
    const summary = (handler: HookHandler): HookRunSummary => ({
      id: runId(handler, request.toolUseId),
      event_name: handler.eventName,
      handler_type: "command",
      execution_mode: "sync",
      scope: handler.eventName === "session_start" ? "thread" : "turn",
      source_path: handler.sourcePath,
      source: handler.source,
      display_order: handler.displayOrder,
      status: "running",
      status_message: handler.statusMessage,
      started_at: startedAt,
      completed_at: null,
      duration_ms: null,
      entries: [],
    });
    const started = selected.map(summary);
    const payload = JSON.stringify(request.input);
    return {
      started,
      complete: async (signal) => {
        const t0 = this.clock.now().getTime();
        const runs = await Promise.all(selected.map((handler) => runHandler(handler, payload, request, signal)));
        const t1 = this.clock.now().getTime();
        return selected.map((handler, i) => {
          const parsed = parseRun(handler.eventName, runs[i]!);
          return {
            ...started[i]!,
            status: parsed.status,
            entries: parsed.entries,
            ...(parsed.permissionDecision ? { permission_decision: parsed.permissionDecision } : {}),
            completed_at: Math.floor(t1 / 1000),
            duration_ms: Math.max(0, Math.round(t1 - t0)),
          };
        });
      },
    };
  }
}

/** Codex's run id: `<event>:<display order>:<source path>`, then `:<call id>` for tool events. */
export function runId(handler: Pick<HookHandler, "eventName" | "displayOrder" | "sourcePath">, toolUseId?: string): string {
  const base = `${LABELS[handler.eventName]}:${handler.displayOrder}:${handler.sourcePath}`;
  return toolUseId === undefined ? base : `${base}:${toolUseId}`;
}

/**
 * The call a tool event's run is for: what `runId` appended (a PermissionRequest's may be
 * `<call id>:retry`); undefined for other events.
 */
export function toolUseIdOfRun(run: Pick<HookRunSummary, "id" | "event_name" | "display_order" | "source_path">): string | undefined {
  if (run.event_name !== "pre_tool_use" && run.event_name !== "post_tool_use" && run.event_name !== "permission_request") return undefined;
  const prefix = `${runId({ eventName: run.event_name, displayOrder: run.display_order, sourcePath: run.source_path })}:`;
  return run.id.startsWith(prefix) ? run.id.slice(prefix.length) : run.id.slice(run.id.lastIndexOf(":") + 1);
}

async function runHandler(handler: HookHandler, payload: string, request: HookRequest, signal: AbortSignal): Promise<HandlerRun> {
  if (handler.kind === "command") {
    return runCommandHook({ command: handler.command, timeoutSec: handler.timeoutSec, stdin: payload, cwd: request.cwd, sandbox: request.sandbox, signal });
  }
  return runFunctionHook(handler, JSON.parse(payload) as Record<string, unknown>, signal);
}

async function runFunctionHook(handler: FunctionHandler, input: Record<string, unknown>, outer: AbortSignal): Promise<HandlerRun> {
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  outer.addEventListener("abort", onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<HandlerRun>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({ exitCode: null, stdout: "", stderr: "", error: `hook timed out after ${handler.timeoutSec}s` });
    }, handler.timeoutSec * 1000);
  });
  const call = (async (): Promise<HandlerRun> => {
    try {
      const answer = await handler.fn(input, { signal: controller.signal });
      const stdout = answer === undefined || answer === null ? "" : typeof answer === "string" ? answer : JSON.stringify(answer);
      return { exitCode: 0, stdout, stderr: "", error: null };
    } catch (error) {
      return { exitCode: null, stdout: "", stderr: "", error: `hook function failed: ${error instanceof Error ? error.message : String(error)}` };
    }
  })();
  try {
    return await Promise.race([call, timeout]);
  } finally {
    clearTimeout(timer);
    outer.removeEventListener("abort", onAbort);
  }
}
