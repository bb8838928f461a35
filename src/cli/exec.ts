/**
 * `loom exec [PROMPT | -]` and `loom exec resume (THREAD_ID | --last) [PROMPT | -]`: one turn,
 * non-interactively, like `codex exec`. What happens is printed on stderr as `codex exec` prints it
 * (see exec-output.ts), or as Event JSON lines on stdout with --json; the final answer goes to
 * stdout. Everything that can be checked is checked before the data dir is touched: the options,
 * the model endpoint, the prompt (from stdin too).
 */
import { existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { checkUserText, type Event } from "../events/index.js";
import { checkEndpoint, ModelConfigError, resolveEndpoint } from "../actors/model/index.js";
import { parseApprovalPolicy, sandboxPolicyFromMode } from "../runtime/settings.js";
import type { LoomConfig } from "../config/index.js";
import { TurnAbortedError, TurnFailedError, UserError } from "../runtime/errors.js";
import type { Runtime } from "../runtime/runtime.js";
import type { Thread } from "../runtime/thread.js";
import { VERSION } from "../runtime/version.js";
import { noExtraArgs, parse } from "./args.js";
import { configOf, openRuntime } from "./context.js";
import { HumanOutput } from "./exec-output.js";
import { describeSandbox } from "../sandbox/index.js";
import type { CliIO } from "./io.js";
import { resolvePrompt } from "./prompt.js";
import { describePending } from "./state-view.js";
import { resolveThread } from "./thread-ref.js";

const OPTIONS = {
  cwd: { type: "string" },
  model: { type: "string" },
  "approval-policy": { type: "string" },
  sandbox: { type: "string" },
  last: { type: "boolean" },
  all: { type: "boolean" },
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

export const EXEC_USAGE = "loom exec [--json] [--cwd D] [--model M] [--approval-policy P] [--sandbox S] [--output-schema FILE] [PROMPT | -]";
export const RESUME_USAGE = "loom exec resume (THREAD_ID | --last [--all]) [--json] [--cwd D] [--model M] [PROMPT | -]";

export const NO_API_KEY =
  "loom: no model API key: set OPENAI_API_KEY (and OPENAI_BASE_URL for another Responses server); see README.md, \"Running Loom\".";

/** A directory given on the command line: relative to where loom runs, and it must exist. */
export function checkCwd(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === "") throw new UserError("--cwd must not be empty");
  const path = resolve(value);
  if (!existsSync(path)) throw new UserError(`--cwd ${JSON.stringify(value)}: no such directory`);
  if (!statSync(path).isDirectory()) throw new UserError(`--cwd ${JSON.stringify(value)}: not a directory`);
  return path;
}

export async function execCommand(argv: string[], io: CliIO): Promise<number> {
  const env = io.env ?? process.env;
  const { values, positionals } = parse(argv, OPTIONS);
  const resuming = positionals[0] === "resume";
  let words = resuming ? positionals.slice(1) : positionals;
  let threadArg: string | undefined;
  if (!resuming && (values.last || values.all)) throw new UserError(`--last and --all go with exec resume; usage: ${RESUME_USAGE}`);
  if (resuming && !values.last) {
    threadArg = words[0];
    if (!threadArg) throw new UserError(`missing THREAD_ID; usage: ${RESUME_USAGE}`);
    words = words.slice(1);
  }
  if (words.includes("-") && words.length > 1) noExtraArgs(words, 1, resuming ? RESUME_USAGE : EXEC_USAGE);
  const cwd = checkCwd(values.cwd);
  const config = await configOf(values);
  const endpoint = (() => {
    try {
      return resolveEndpoint(config, env);
    } catch (error) {
      if (error instanceof ModelConfigError) throw new UserError(error.message, { cause: error });
      throw error;
    }
  })();
  if (endpoint.apiKeyEnvVar !== null && !endpoint.apiKey?.trim()) {
    io.err(endpoint.apiKeyEnvVar === "OPENAI_API_KEY" ? NO_API_KEY : `loom: no model API key: set ${endpoint.apiKeyEnvVar} (model_providers' env_key)`);
    return 2;
  }
  try {
    checkEndpoint(endpoint);
  } catch (error) {
    if (error instanceof ModelConfigError) throw new UserError(error.message, { cause: error });
    throw error;
  }
  const prompt = await resolvePrompt(words.length > 0 ? words.join(" ") : undefined, io, { append: !resuming }).catch((error: unknown) => {
    if (error instanceof UserError) throw new UserError(`${error.message} usage: ${resuming ? RESUME_USAGE : EXEC_USAGE}`, { cause: error });
    throw error;
  });
  try {
    checkUserText(prompt);
  } catch (error) {
    throw new UserError((error as Error).message, { cause: error });
  }
  const options = threadOptions(values, config);
  const outputSchema = await readOutputSchema(values["output-schema"]);

  const rt = await openRuntime(values, { access: "create", report: values.json ? undefined : io, env });
  try {
    let thread: Thread;
    if (resuming) {
      const id = await resolveThread(rt.log, { id: threadArg, last: values.last, cwd: values.all ? undefined : (cwd ?? process.cwd()) }, RESUME_USAGE);
      const refusal = await waitingOnSomeone(rt, id);
      if (refusal) {
        io.err(refusal);
        return 1;
      }
      thread = await rt.resumeThread(id, { ...options, cwd });
    } else {
      thread = await rt.startThread({ ...options, cwd: cwd ?? process.cwd() });
    }
    return await runTurn(thread, prompt, io, { json: values.json === true, resumed: resuming, outputSchema });
  } finally {
    await rt.close();
  }
}

/** Why exec must not resume the thread, if it waits on an answer exec cannot give. Reads only. */
async function waitingOnSomeone(rt: Runtime, id: string): Promise<string | undefined> {
  const state = await rt.stateAt(id);
  if (state.pendingApprovals.length === 0) return undefined;
  const what = state.pendingApprovals.map(describePending).join("; ");
  return (
    `loom exec: thread ${id} is waiting on ${what}. exec cannot answer it, so nothing was changed: ` +
    `answer it with \`loom proto --thread ${id}\`, or fork the thread before that turn (\`loom fork ${id} --before-turn N\`).`
  );
}

async function runTurn(thread: Thread, prompt: string, io: CliIO, options: { json: boolean; resumed: boolean; outputSchema?: unknown }): Promise<number> {
  const human = options.json ? undefined : new HumanOutput(io.err, io.stderrIsTTY === true);
  const print = (event: Event) => {
    if (options.json) io.out(JSON.stringify(event));
    else human!.event(event.msg);
  };
  if (options.json) for (const event of thread.opening) print(event);
  else {
    const configured = thread.configured.msg;
    if (configured.type === "session_configured") {
      human!.header(
        {
          version: VERSION,
          workdir: configured.cwd,
          model: configured.model,
          provider: configured.model_provider_id,
          approval: typeof configured.approval_policy === "string" ? configured.approval_policy : JSON.stringify(configured.approval_policy),
          sandbox: configured.sandbox_policy,
          ...(configured.sandbox ? { enforcement: describeSandbox(configured.sandbox_policy, configured.sandbox).replace(/^sandbox: /, "") } : {}),
          effort: configured.reasoning_effort,
          threadId: thread.id,
          resumed: options.resumed,
        },
        prompt,
      );
    }
    for (const event of thread.opening.slice(1)) print(event);
  }
  const notRun = human ? printCallsNotRun(thread, io) : undefined;
  const subscription = thread.events$.subscribe((event) => {
    print(event);
    // Nobody can answer here: a request is refused at once (the model is told), rather than
    // leaving the turn waiting forever.
    const refusal = refusalFor(event);
    if (refusal) {
      if (human) human.refused(refusal.what);
      else io.err(`loom exec: refused ${refusal.what}: exec cannot ask for approval (use loom proto, or --approval-policy never)`);
      void thread.submit(refusal.op).catch(() => undefined);
    }
  });
  // Ctrl-C / SIGTERM, or the reader of our output going away (`| head -1`), interrupt the turn as
  // Codex does: its processes are killed and the log records the interrupted turn before Loom exits.
  const onSignal = () => void thread.interrupt().catch(() => undefined);
  const onOutputClosed = () => {
    io.err(`loom exec: the output was closed; interrupting the turn (\`loom exec resume ${thread.id}\` continues the thread)`);
    onSignal();
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  io.stopsOnOutputClosed?.();
  io.outputClosed?.addEventListener("abort", onOutputClosed, { once: true });
  try {
    const result = await thread.run(prompt, { outputSchema: options.outputSchema });
    human?.finish();
    if (!options.json) io.out(result.finalResponse);
    return 0;
  } catch (error) {
    if (error instanceof TurnFailedError || error instanceof TurnAbortedError) {
      human?.finish();
      io.err(`loom exec: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    io.outputClosed?.removeEventListener("abort", onOutputClosed);
    subscription.unsubscribe();
    notRun?.unsubscribe();
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
  if (values.sandbox !== undefined) sandboxPolicyFromMode(values.sandbox);
  return {
    model: values.model,
    // Like `codex exec`, a non-interactive run never stops to ask unless configured or told to.
    approvalPolicy: parseApprovalPolicy(values["approval-policy"] ?? config.approval_policy ?? "never"),
    sandboxMode: values.sandbox,
  };
}
