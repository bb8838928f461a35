// The model side of every scenario: one reply function that reads each request the way a model
// would (what is the last item? is this a compaction prompt? does the user ask to run something?)
// and labels the request with the scenario step that caused it, for requests.json. Loom's request
// comparison (test/requests) drives Loom with this same model, so both sides get the same answers.
import {
  evCompleted,
  evCreated,
  evCustomToolCall,
  evFunctionCall,
  gated,
  hanging,
  httpError,
  lastInputItem,
  sseFailed,
  textTurn,
  type RecordedRequest,
  type Reply,
  type SseEvent,
  type UsageInput,
} from "../../test/support/fake-responses.js";

export const COMPACTION_MARKER = "CONTEXT CHECKPOINT COMPACTION";
export const SUMMARY_TEXT = "Summary: the user greeted the assistant and asked short questions; nothing is pending.";
/** What the API answers when an image it was sent cannot be decoded (Codex matches this text). */
export const INVALID_IMAGE_MESSAGE = "The image data you provided does not represent a valid image.";
/** The line a unified exec output carries while its process keeps running. */
const RUNNING = /Process running with session ID (\d+)/;

type ShellCall = { name: string; args: Record<string, unknown> };

/** The argument shape of whichever shell tool the request advertises. */
export function shellCall(request: RecordedRequest, command: string, extra: Record<string, unknown> = {}): ShellCall {
  const tools: any[] = request.body?.tools ?? [];
  const names = new Set(tools.map((tool) => tool.name));
  if (names.has("exec_command")) return { name: "exec_command", args: { cmd: command, yield_time_ms: 30_000, ...extra } };
  if (names.has("shell_command")) return { name: "shell_command", args: { command } };
  if (names.has("shell")) return { name: "shell", args: { command: ["bash", "-lc", command] } };
  throw new Error(`request advertises no shell tool: ${[...names].join(", ")}`);
}

function textOf(item: any): string {
  if (item?.type !== "message" || !Array.isArray(item.content)) return "";
  return item.content.map((part: { text?: string }) => part.text ?? "").join("");
}

/** The text of a tool output, whether a string or content items. */
function outputText(item: any): string {
  if (typeof item?.output === "string") return item.output;
  if (Array.isArray(item?.output)) return item.output.map((part: { text?: string }) => part.text ?? "").join("");
  return "";
}

const hasImage = (item: any): boolean => Array.isArray(item?.output) && item.output.some((part: any) => part.type === "input_image");

/** The call a tool output answers, found in the request's own history. */
function callOf(request: RecordedRequest, output: any): any {
  const input: any[] = request.body?.input ?? [];
  return input.find((item) => (item.type === "function_call" || item.type === "custom_tool_call") && item.call_id === output.call_id);
}

/** Codex's note to a parent that a sub-agent finished: context, not what the model answers. */
const SUBAGENT_NOTIFICATION = "<subagent_notification>";

/** The last input item, passing over sub-agent notifications that arrived after it. */
function lastMeaningfulItem(request: RecordedRequest): any {
  const input: any[] = request.body?.input ?? [];
  for (let i = input.length - 1; i >= 0; i--) {
    const item = input[i];
    if (!(item?.role === "user" && textOf(item).startsWith(SUBAGENT_NOTIFICATION))) return item;
  }
  return lastInputItem(request);
}

/** A patch that updates a file which does not exist: apply_patch must fail and say so. */
export const FAILING_PATCH = "*** Begin Patch\n*** Update File: missing.txt\n@@\n-old\n+new\n*** End Patch\n";

/** An apply_patch sent through the shell tool as a heredoc (Codex intercepts it and applies the patch). */
export const SHELL_PATCH = "apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: hello.txt\n+hello\n*** End Patch\nEOF\n";
/** A patch that adds a new file: apply_patch succeeds, and Codex records its output as JSON. */
export const ADDING_PATCH = "*** Begin Patch\n*** Add File: notes.txt\n+first line\n+second line\n*** End Patch\n";

export class ScriptedModel {
  /** Set by the scenario before each step; becomes the `purpose` of the requests it causes. */
  step = "setup";
  /** Usage reported by the next replies (auto-compaction needs large numbers). */
  usage: UsageInput = { input_tokens: 120, cached_tokens: 0, output_tokens: 8, reasoning_tokens: 0 };
  /** When set, the next sampling request gets a stream that stays open until the client leaves. */
  holdNextStream = false;
  /** When set, a request whose last tool output carries an image is refused once as invalid. */
  rejectImages = false;
  /**
   * When set, a sub-agent's refusal (`exceed the quota`) is held until it settles: the scenario
   * settles it once the parent's wait has begun, so the agent fails while it is waited on.
   */
  holdAgentFailure: Promise<void> | undefined;
  readonly purposes: string[] = [];
  private counter = 0;
  private onHeld: (() => void) | undefined;

  /** Resolves once a held stream has sent its first events. */
  heldStream(): Promise<void> {
    return new Promise((resolve) => (this.onHeld = resolve));
  }

  readonly reply = (request: RecordedRequest): Reply => {
    this.counter += 1;
    const n = this.counter;
    const last = lastMeaningfulItem(request);
    const lastText = textOf(last);
    const ids = { responseId: `resp_${n}`, messageId: `msg_${n}`, usage: this.usage };
    const label = (what: string) => (this.purposes[request.index] = `${this.step}: ${what}`);

    if (lastText.includes(COMPACTION_MARKER)) {
      label("compaction (summarization request)");
      return textTurn(SUMMARY_TEXT, ids);
    }
    if (last?.type === "function_call_output" || last?.type === "custom_tool_call_output") {
      if (this.rejectImages && hasImage(last)) {
        this.rejectImages = false;
        label("follow-up after the tool output, refused: invalid image");
        return httpError(400, { message: INVALID_IMAGE_MESSAGE, type: "invalid_request_error", code: "invalid_value" });
      }
      const running = RUNNING.exec(outputText(last));
      if (running) return this.followRunning(request, last, Number(running[1]), n, label);
      const agentStep = this.followAgentTool(request, last, n, label);
      if (agentStep) return agentStep;
      label("follow-up after the tool output");
      return textTurn("The command ran.", ids);
    }
    if (this.holdNextStream) {
      this.holdNextStream = false;
      label("sampling, stream held open until interrupted");
      const held = hanging([evCreated(ids.responseId)]);
      void held.reached.then(() => this.onHeld?.());
      return held.reply;
    }
    return this.sample(request, lastText, n, label);
  };

  /** A first sampling round: the prompt says what the model does. */
  private sample(request: RecordedRequest, prompt: string, n: number, label: (what: string) => void): Reply {
    const ids = { responseId: `resp_${n}`, messageId: `msg_${n}`, usage: this.usage };
    const call = (name: string, args: unknown): SseEvent[] => {
      label(`sampling, model calls ${name}`);
      return [evCreated(ids.responseId), evFunctionCall(`call_${n}`, name, JSON.stringify(args)), evCompleted(ids.responseId, this.usage)];
    };
    const interactive = /run `([^`]+)` interactively/.exec(prompt)?.[1];
    if (interactive) return call("exec_command", { cmd: interactive, tty: true, yield_time_ms: 500 });
    const background = /start `([^`]+)` and wait for it/.exec(prompt)?.[1];
    if (background) return call("exec_command", { cmd: background, yield_time_ms: 250 });
    const image = /view `([^`]+)`/.exec(prompt)?.[1];
    if (image) return call("view_image", { path: image });
    if (/patch `missing.txt`/.test(prompt)) {
      label("sampling, model calls apply_patch");
      return [evCreated(ids.responseId), evCustomToolCall(`call_${n}`, "apply_patch", FAILING_PATCH), evCompleted(ids.responseId, this.usage)];
    }
    if (/patch in `notes.txt`/.test(prompt)) {
      label("sampling, model calls apply_patch (adds a file)");
      return [evCreated(ids.responseId), evCustomToolCall(`call_${n}`, "apply_patch", ADDING_PATCH), evCompleted(ids.responseId, this.usage)];
    }
    if (/apply a patch through the shell/.test(prompt)) {
      const shell = shellCall(request, SHELL_PATCH);
      return call(shell.name, shell.args);
    }
    const query = /search the web for (\w+)/.exec(prompt)?.[1];
    if (query) {
      label("sampling, model searches the web then answers");
      const search = { type: "web_search_call", id: `ws_${n}`, status: "completed", action: { type: "search", query } };
      const message = { type: "message", role: "assistant", id: ids.messageId, content: [{ type: "output_text", text: `Found ${query}.` }] };
      return [
        evCreated(ids.responseId),
        { type: "response.output_item.added", item: { type: "web_search_call", id: `ws_${n}`, status: "in_progress" } },
        { type: "response.output_item.done", item: search },
        { type: "response.output_item.done", item: message },
        evCompleted(ids.responseId, this.usage),
      ];
    }
    const delegated = /spawn an agent to run `([^`]+)`/.exec(prompt)?.[1];
    if (delegated) return call("spawn_agent", { message: `Please run \`${delegated}\`.` });
    if (/run `exceed the quota`/.test(prompt)) {
      // A sub-agent whose model refuses it for good (not retried): its turn ends in an error.
      label("sampling, refused: insufficient_quota");
      const refusal = [sseFailed(ids.responseId, "insufficient_quota", "You exceeded your current quota.")];
      if (this.holdAgentFailure) return gated([evCreated(ids.responseId)], refusal, { until: this.holdAgentFailure }).reply;
      return [evCreated(ids.responseId), ...refusal];
    }
    const command = /run `([^`]+)`/.exec(prompt)?.[1];
    if (command) {
      const shell = shellCall(request, command);
      return call(shell.name, shell.args);
    }
    label("sampling");
    return textTurn(`Reply ${n}.`, ids);
  }

  /**
   * The steps after an agent tool: a spawned agent is waited for, a finished wait closes it, a
   * closed agent ends the turn. Undefined for any other tool.
   */
  private followAgentTool(request: RecordedRequest, output: any, n: number, label: (what: string) => void): Reply | undefined {
    const call = callOf(request, output);
    const responseId = `resp_${n}`;
    const next = (name: string, args: unknown): Reply => {
      label(`follow-up after ${call.name}: model calls ${name}`);
      return [evCreated(responseId), evFunctionCall(`call_${n}`, name, JSON.stringify(args)), evCompleted(responseId, this.usage)];
    };
    if (call?.name === "spawn_agent") {
      const { agent_id } = JSON.parse(outputText(output)) as { agent_id: string };
      return next("wait_agent", { targets: [agent_id], timeout_ms: 30_000 });
    }
    if (call?.name === "wait_agent") {
      const { targets } = JSON.parse(call.arguments) as { targets: string[] };
      return next("close_agent", { target: targets[0] });
    }
    if (call?.name === "close_agent") {
      label("follow-up after close_agent");
      return textTurn("The agent finished.", { responseId, messageId: `msg_${n}`, usage: this.usage });
    }
    return undefined;
  }

  /** A unified exec process still runs: type into it when it was started for input, else poll it. */
  private followRunning(request: RecordedRequest, output: any, sessionId: number, n: number, label: (what: string) => void): Reply {
    const call = callOf(request, output);
    let args: any = {};
    try {
      args = JSON.parse(call?.arguments ?? "{}");
    } catch {
      // A call we did not make: poll it.
    }
    const typed = call?.name === "exec_command" && args.tty === true;
    const next = typed ? { session_id: sessionId, chars: "loom\n" } : { session_id: sessionId, chars: "", yield_time_ms: 5_000 };
    label(`follow-up, process ${typed ? "waits for input: model types into it" : "still running: model polls it"} with write_stdin`);
    const responseId = `resp_${n}`;
    return [evCreated(responseId), evFunctionCall(`call_${n}`, "write_stdin", JSON.stringify(next)), evCompleted(responseId, this.usage)];
  }
}
