/**
 * The tools a thread offers the model, by name. A handler knows its Responses API spec (which may
 * depend on the model, e.g. apply_patch freeform vs JSON) and how to run a call; unknown tools and
 * bad arguments go back to the model as a failed output, like Codex.
 */
import type { EventMsg, NewEntry, ResponseItem } from "../../events/index.js";
import type { ModelInfo, TurnSettings } from "../../context/index.js";
import type { ToolsConfig } from "./config.js";
import type { ToolCallRequest } from "../../machines/types.js";
import type { Clock, IdSource } from "../clock.js";
import type { Policy } from "../../execpolicy/index.js";

/** What a tool sees of its thread and turn. Recording goes through the bus (write-ahead). */
export interface ToolContext {
  threadId: string;
  turnId: string;
  settings: TurnSettings;
  model: ModelInfo;
  /** What this turn offers (shell family, web search, collaboration mode). */
  tools: ToolsConfig;
  call: ToolCallRequest;
  signal: AbortSignal;
  /** The user approved this call (it went through an approval). */
  approved: boolean;
  clock: Clock;
  ids: IdSource;
  record(entries: NewEntry[]): Promise<unknown>;
  event(msg: EventMsg): Promise<unknown>;
  /** Resolves with the answer a submission gives to request `id` (user input, host tool). */
  waitForAnswer(id: string): Promise<unknown>;
  /**
   * PermissionRequest hooks on an approval this call asks for itself (`runId`: Codex's
   * `<call id>:retry` for running again outside the sandbox): their verdict, or null to ask.
   */
  permissionHooks?(runId: string): Promise<{ behavior: "allow" } | { behavior: "deny"; message: string } | null>;
  /** What the thread has approved for the session so far (a retry outside the sandbox is not asked again). */
  approvedForSession?(): { commands: readonly string[]; files: readonly string[] };
  /** The thread's exec policy (`.rules`), as it stands now. */
  execPolicy?(): Policy;
  /** Remembers a prefix the user approved for good (`approved_execpolicy_amendment`). */
  rememberPrefix?(prefix: readonly string[]): Promise<void>;
  /**
   * Runs `work` alone among the thread's tool calls (apply_patch), or beside other shared ones: a
   * patch checked against the writable roots must not race a command changing those paths.
   */
  exclusive?<T>(work: () => Promise<T>): Promise<T>;
  shared?<T>(work: () => Promise<T>): Promise<T>;
}

/** What a call needs before it may run, under the thread's approval policy (a pure decision). */
export type ApprovalNeed =
  | { type: "run" }
  /** Ask the user: `request` is the `exec_approval_request` / `apply_patch_approval_request` to emit. */
  | { type: "ask"; request: EventMsg }
  /**
   * Refused without asking: `output` goes back to the model. `declined`: Codex refuses it only once
   * the call's events began (its orchestrator's `Forbidden`), so the call is reported declined.
   */
  | { type: "reject"; output: string; declined?: boolean };

/** What an approval decision may look at: the call, the turn's settings, what the thread remembers. */
export interface ApprovalContext {
  turnId: string;
  call: ToolCallRequest;
  settings: TurnSettings;
  /** Keys approved with `approved_for_session` earlier in the thread (see src/safety approval keys). */
  approvedForSession: { commands: readonly string[]; files: readonly string[] };
  /** The thread's exec policy (`.rules`); absent: no rules, heuristics only. */
  execPolicy?: Policy;
}

/** What a refused call's events are built from. */
export type DeclineContext = Pick<ApprovalContext, "turnId" | "call" | "settings">;

export interface ToolHandler {
  name: string;
  /** The spec offered to the model, or undefined when this turn should not see the tool. */
  spec(config: ToolsConfig): unknown | undefined;
  /** Whether the call may run, must be approved, or is refused; absent means it always runs. */
  approval?(context: ApprovalContext): ApprovalNeed | Promise<ApprovalNeed>;
  /**
   * The output the model gets when the user denies the call (Codex's per-tool text); absent: a
   * generic denial message.
   */
  deniedOutput?(call: ToolCallRequest): string;
  /**
   * The output the model gets when the call is refused with `message` (a PermissionRequest hook's
   * denial); absent: the message itself, as Codex returns a `ToolError::Rejected`.
   */
  rejectedOutput?(call: ToolCallRequest, message: string): string;
  /**
   * The events Codex emits for this call when it is refused after its events began (a
   * PermissionRequest hook's deny, the user's decline, a `declined` rejection): e.g. exec_command_begin
   * then exec_command_end `declined`; none for a tool whose events begin only once it runs.
   * `message`: the refusal's reason, null when the user declined (each tool has its own words).
   */
  declinedEvents?(context: DeclineContext, message: string | null): EventMsg[] | Promise<EventMsg[]>;
  /**
   * The patch a command tool's call asks for instead of a command (`apply_patch <<'EOF'`, which the
   * tool applies as a patch), else null; absent: never. Hooks see such a call as Codex shows it.
   */
  interceptedPatch?(call: ToolCallRequest, settings: TurnSettings): string | null;
  execute(context: ToolContext): Promise<ResponseItem>;
}

export function outputFor(call: ToolCallRequest, output: string): ResponseItem {
  return call.kind === "custom"
    ? { type: "custom_tool_call_output", call_id: call.callId, output }
    : { type: "function_call_output", call_id: call.callId, output };
}

export function unsupportedCall(call: ToolCallRequest): ResponseItem {
  return outputFor(
    call,
    call.kind === "custom" ? `unsupported custom tool call: ${call.name}` : `unsupported call: ${call.name}`,
  );
}

export class ToolRegistry {
  private readonly handlers = new Map<string, ToolHandler>();

  constructor(handlers: Iterable<ToolHandler> = []) {
    for (const handler of handlers) this.register(handler);
  }

  register(handler: ToolHandler): void {
    this.handlers.set(handler.name, handler);
  }

  /** A registry of the same tools with each handler transformed (replay wraps execution). */
  map(transform: (handler: ToolHandler) => ToolHandler): ToolRegistry {
    return new ToolRegistry([...this.handlers.values()].map(transform));
  }

  get(name: string): ToolHandler | undefined {
    return this.handlers.get(name);
  }

  specsFor(config: ToolsConfig): unknown[] {
    const specs: unknown[] = [];
    for (const handler of this.handlers.values()) {
      const spec = handler.spec(config);
      if (spec !== undefined) specs.push(spec);
    }
    return specs;
  }
}
