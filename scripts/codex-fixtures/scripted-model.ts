// The model side of every scenario: one reply function that reads each request the way a model
// would (what is the last item? is this a compaction prompt? does the user ask to run something?)
// and labels the request with the scenario step that caused it, for requests.json.
import {
  evCompleted,
  evCreated,
  evFunctionCall,
  hanging,
  lastInputItem,
  textTurn,
  type RecordedRequest,
  type Reply,
  type UsageInput,
} from "../../test/support/fake-responses.js";

export const COMPACTION_MARKER = "CONTEXT CHECKPOINT COMPACTION";
export const SUMMARY_TEXT = "Summary: the user greeted the assistant and asked short questions; nothing is pending.";

type ShellCall = { name: string; args: Record<string, unknown> };

/** The argument shape of whichever shell tool the request advertises. */
export function shellCall(request: RecordedRequest, command: string): ShellCall {
  const tools: any[] = request.body?.tools ?? [];
  const names = new Set(tools.map((tool) => tool.name));
  if (names.has("exec_command")) return { name: "exec_command", args: { cmd: command, yield_time_ms: 30_000 } };
  if (names.has("shell_command")) return { name: "shell_command", args: { command } };
  if (names.has("shell")) return { name: "shell", args: { command: ["bash", "-lc", command] } };
  throw new Error(`request advertises no shell tool: ${[...names].join(", ")}`);
}

function textOf(item: any): string {
  if (item?.type !== "message" || !Array.isArray(item.content)) return "";
  return item.content.map((part: { text?: string }) => part.text ?? "").join("");
}

export class ScriptedModel {
  /** Set by the scenario before each step; becomes the `purpose` of the requests it causes. */
  step = "setup";
  /** Usage reported by the next replies (auto-compaction needs large numbers). */
  usage: UsageInput = { input_tokens: 120, cached_tokens: 0, output_tokens: 8, reasoning_tokens: 0 };
  /** When set, the next sampling request gets a stream that stays open until the client leaves. */
  holdNextStream = false;
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
    const last = lastInputItem(request);
    const lastText = textOf(last);
    const ids = { responseId: `resp_${n}`, messageId: `msg_${n}`, usage: this.usage };

    if (lastText.includes(COMPACTION_MARKER)) {
      this.purposes[request.index] = `${this.step}: compaction (summarization request)`;
      return textTurn(SUMMARY_TEXT, ids);
    }
    if (last?.type === "function_call_output" || last?.type === "custom_tool_call_output") {
      this.purposes[request.index] = `${this.step}: follow-up after the tool output`;
      return textTurn("The command ran.", ids);
    }
    if (this.holdNextStream) {
      this.holdNextStream = false;
      this.purposes[request.index] = `${this.step}: sampling, stream held open until interrupted`;
      const held = hanging([evCreated(ids.responseId)]);
      void held.reached.then(() => this.onHeld?.());
      return held.reply;
    }
    const command = /run `([^`]+)`/.exec(lastText)?.[1];
    if (command) {
      const call = shellCall(request, command);
      this.purposes[request.index] = `${this.step}: sampling, model calls ${call.name}`;
      return [
        evCreated(ids.responseId),
        evFunctionCall(`call_${n}`, call.name, JSON.stringify(call.args)),
        evCompleted(ids.responseId, this.usage),
      ];
    }
    this.purposes[request.index] = `${this.step}: sampling`;
    return textTurn(`Reply ${n}.`, ids);
  };
}
