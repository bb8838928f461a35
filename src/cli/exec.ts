/**
 * `loom exec [--json] PROMPT` and `loom exec resume ID PROMPT`: one turn, non-interactively, like
 * `codex exec`. Events stream to stderr (or JSON lines to stdout with --json); the final answer
 * goes to stdout.
 */
import { readFile } from "node:fs/promises";
import type { Event } from "../events/index.js";
import { parseApprovalPolicy } from "../runtime/settings.js";
import type { LoomConfig } from "../config/index.js";
import { TurnAbortedError, TurnFailedError, UserError } from "../runtime/errors.js";
import type { Thread } from "../runtime/thread.js";
import { parse } from "./args.js";
import { openRuntime } from "./context.js";
import { describeMsg } from "./format.js";
import { describeSandbox } from "../sandbox/index.js";
import type { CliIO } from "./io.js";

const OPTIONS = {
  cwd: { type: "string" },
  model: { type: "string" },
  "approval-policy": { type: "string" },
  sandbox: { type: "string" },
  "output-schema": { type: "string" },
} as const;

/** `--output-schema FILE`: a JSON schema object the final answer must follow. */
async function readOutputSchema(path: string | undefined): Promise<unknown> {
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new UserError(`cannot read --output-schema ${path}: ${(error as Error).message}`, { cause: error });
  }
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch (error) {
    throw new UserError(`--output-schema ${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) {
    throw new UserError(`--output-schema ${path} must hold a JSON schema object`);
  }
  return schema;
}

export const NO_API_KEY =
  "loom: no model API key: set OPENAI_API_KEY (and OPENAI_BASE_URL for another Responses server); see README.md, \"Running Loom\".";

const QUIET = new Set(["agent_message_delta", "agent_reasoning_delta", "agent_reasoning_raw_content_delta", "item_started", "item_completed", "exec_command_output_delta"]);

export async function execCommand(argv: string[], io: CliIO, env: Record<string, string | undefined> = process.env): Promise<number> {
  const { values, positionals } = parse(argv, OPTIONS);
  let resumeId: string | undefined;
  let words = positionals;
  if (words[0] === "resume") {
    resumeId = words[1];
    if (!resumeId) throw new UserError("usage: loom exec resume THREAD_ID PROMPT");
    words = words.slice(2);
  }
  const prompt = words.join(" ").trim();
  if (!prompt) throw new UserError("usage: loom exec [--json] PROMPT");
  const outputSchema = await readOutputSchema(values["output-schema"]);
  const rt = await openRuntime(values);
  try {
    const provider = rt.config.model_provider ? rt.config.model_providers?.[rt.config.model_provider] : undefined;
    const hasKey = Boolean(env.OPENAI_API_KEY || (provider?.env_key && env[provider.env_key]));
    if (!hasKey) {
      io.err(NO_API_KEY);
      return 2;
    }
    const thread: Thread = resumeId
      ? await rt.resumeThread(resumeId, threadOptions(values, rt.config))
      : await rt.startThread({ ...threadOptions(values, rt.config), cwd: values.cwd ?? process.cwd() });
    const print = (event: Event) => {
      if (values.json) io.out(JSON.stringify(event));
      else if (!QUIET.has(event.msg.type)) io.err(describeMsg(event.msg));
    };
    if (values.json) for (const event of thread.opening) print(event);
    else {
      io.err(`thread ${thread.id}`);
      const configured = thread.configured.msg;
      // Which sandbox holds the commands comes first: a person reads it before anything runs.
      if (configured.type === "session_configured" && configured.sandbox) io.err(describeSandbox(configured.sandbox_policy, configured.sandbox));
    }
    const subscription = thread.events$.subscribe((event) => {
      print(event);
      // Nobody can answer here: a request is refused at once (the model is told), rather than
      // leaving the turn waiting forever.
      const refusal = refusalFor(event);
      if (refusal) {
        io.err(`loom exec: refused ${refusal.what}: exec cannot ask for approval (use loom proto, or --approval-policy never)`);
        void thread.submit(refusal.op).catch(() => undefined);
      }
    });
    const notRun = printCallsNotRun(thread, io);
    // Ctrl-C / SIGTERM interrupt the turn as Codex does: its processes are killed and the log
    // records the interrupted turn before Loom exits.
    const onSignal = () => void thread.interrupt().catch(() => undefined);
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    try {
      const result = await thread.run(prompt, { outputSchema });
      if (!values.json) io.out(result.finalResponse);
      return 0;
    } catch (error) {
      if (error instanceof TurnFailedError || error instanceof TurnAbortedError) {
        io.err(`loom: ${error.message}`);
        return 1;
      }
      throw error;
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      subscription.unsubscribe();
      notRun.unsubscribe();
    }
  } finally {
    await rt.close();
  }
}

/**
 * Tool calls that never ran (refused by the rules, e.g. for want of a sandbox, or declined) show
 * no command events: their output, which says why, is printed instead.
 */
function printCallsNotRun(thread: Thread, io: CliIO) {
  const ran = new Set<string>();
  return thread.entries$.subscribe((entry) => {
    if (entry.kind === "event_msg" && entry.payload.type === "raw_response_item") {
      const callId = (entry.payload.item as { call_id?: unknown }).call_id;
      if (typeof callId === "string") ran.add(callId);
    } else if (entry.kind === "response_item" && (entry.payload.type === "function_call_output" || entry.payload.type === "custom_tool_call_output")) {
      const { call_id: callId, output } = entry.payload;
      if (!ran.has(callId)) io.err(`tool call ${callId} not run: ${typeof output === "string" ? output : JSON.stringify(output)}`);
    }
  });
}

function refusalFor(event: Event): { what: string; op: Record<string, unknown> } | undefined {
  const msg = event.msg;
  switch (msg.type) {
    case "exec_approval_request":
      return { what: msg.command.join(" "), op: { type: "exec_approval", id: msg.approval_id ?? msg.call_id, decision: "denied" } };
    case "apply_patch_approval_request":
      return { what: "a patch", op: { type: "patch_approval", id: msg.call_id, decision: "denied" } };
    case "request_user_input":
      return { what: "a question", op: { type: "user_input_answer", id: msg.call_id, response: { answers: {} } } };
    default:
      return undefined;
  }
}

function threadOptions(values: { model?: string; "approval-policy"?: string; sandbox?: string }, config: LoomConfig) {
  return {
    model: values.model,
    // Like `codex exec`, a non-interactive run never stops to ask unless configured or told to.
    approvalPolicy: parseApprovalPolicy(values["approval-policy"] ?? config.approval_policy ?? "never"),
    sandboxMode: values.sandbox,
  };
}
