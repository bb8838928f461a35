/**
 * `exec_command` and `write_stdin` (Codex `tools/handlers/unified_exec.rs`): the model starts a
 * command in the user's shell, gets what it printed within `yield_time_ms`, and, when it is still
 * running, a session id to poll or type into later. Events as Codex emits them: exec_command_begin
 * and exec_command_end with the process id (the end comes when the process does, even turns
 * later), output deltas, and terminal_interaction for what was typed.
 */
import type { EventMsgOf } from "../../events/index.js";
import type { ToolCallRequest } from "../../machines/types.js";
import {
  EXEC_COMMAND_SPEC,
  ExecCommandArgs,
  ExecSessionError,
  SpawnError,
  WRITE_STDIN_SPEC,
  WriteStdinArgs,
  effectiveMaxOutputTokens,
  execEnv,
  execOutputText,
  parseArgs,
  shellArgv,
  userShell,
  type ExecOutput,
  type ProcessManager,
} from "../exec/index.js";
import { MAX_EXEC_OUTPUT_DELTAS_PER_CALL, formattedTruncateText, parseCommandForDisplay, resolveWorkdir } from "../shell/index.js";
import { shlexJoin } from "../../safety/index.js";
import { isLikelySandboxDenied, selectSandbox } from "../../sandbox/index.js";
import { hasFullNetworkAccess } from "../../context/index.js";
import { wantsNoSandboxApproval } from "../../safety/index.js";
import { REJECTED_BY_USER, askToRetryOutsideSandbox } from "./shell-attempts.js";
import type { ApprovalContext, ApprovalNeed, ToolContext, ToolHandler } from "./registry.js";
import { outputFor } from "./registry.js";
import { commandApproval, durationOf, execApprovalRequest, retryAmendment } from "./shell.js";
import { abortedByUserText } from "./user-input.js";

/** Codex's `ExecCommandSource::UnifiedExecStartup` on the wire. */
const SOURCE = "unified_exec_startup";
/** Codex's `UNIFIED_EXEC_OUTPUT_DELTA_MAX_BYTES`: no single delta event carries more. */
const DELTA_MAX_BYTES = 8192;

export function commandOf(args: ExecCommandArgs): string[] {
  return shellArgv(args.shell || userShell(), args.cmd, args.login ?? true);
}

/** Rust's `{:?}` of a string, as Codex's error texts print one. */
function rustDebug(text: string): string {
  const escaped = text.replace(/[\\"\n\r\t\0\x01-\x1f\x7f]/g, (c) => {
    switch (c) {
      case "\\":
        return "\\\\";
      case '"':
        return '\\"';
      case "\n":
        return "\\n";
      case "\r":
        return "\\r";
      case "\t":
        return "\\t";
      case "\0":
        return "\\0";
      default:
        return `\\u{${c.charCodeAt(0).toString(16)}}`;
    }
  });
  return `"${escaped}"`;
}

/**
 * What the model reads when exec_command's approval is refused with `message` (a hook's, or
 * Codex's "rejected by user"): Codex's orchestrator error `Rejected(message)` comes back through
 * `UnifiedExecError::CreateProcess` and the handler's `exec_command failed for ...: {err:?}`.
 */
export function execCommandRejected(call: ToolCallRequest, message: string): string {
  const parsed = parseArgs(ExecCommandArgs, call.input);
  if (!parsed.ok) return message;
  return `exec_command failed for \`${shlexJoin(commandOf(parsed.value))}\`: CreateProcess { message: ${rustDebug(`Rejected(${rustDebug(message)})`)} }`;
}

function approval(context: ApprovalContext): ApprovalNeed {
  const parsed = parseArgs(ExecCommandArgs, context.call.input);
  if (!parsed.ok) return { type: "run" };
  return commandApproval(
    context,
    commandOf(parsed.value),
    parsed.value,
    (policy) => `approval policy is ${policy}; reject command — you cannot ask for escalated permissions if the approval policy is ${policy}`,
  );
}

async function execCommand(processes: ProcessManager, context: ToolContext) {
  const { call } = context;
  const parsed = parseArgs(ExecCommandArgs, call.input);
  if (!parsed.ok) return outputFor(call, parsed.message);
  const args = parsed.value;
  const command = commandOf(args);
  const cwd = resolveWorkdir(context.settings.cwd, args.workdir);
  const startedAt = context.clock.now().getTime();
  const common = (processId: number) => ({
    call_id: call.callId,
    process_id: String(processId),
    turn_id: context.turnId,
    command,
    cwd,
    parsed_cmd: parseCommandForDisplay(command),
    source: SOURCE,
  });
  let processId = 0;
  // Events go out one after another (deltas before the end), however long the process lives.
  let chain: Promise<unknown> = Promise.resolve();
  const emit = (msg: Parameters<ToolContext["event"]>[0]) => (chain = chain.then(() => context.event(msg)).catch(() => undefined));
  let deltas = 0;
  try {
    // Beside other commands, never beside an apply_patch (the thread's tool lock).
    const start = (work: () => Promise<ExecOutput>) => (context.shared ? context.shared(work) : work());
    // An escalated call was approved to run outside the sandbox (as Codex's orchestrator does).
    const confineFirst =
      selectSandbox(context.settings.sandboxPolicy, context.settings.platformSandbox, { bypass: args.sandbox_permissions === "require_escalated" }) === "bubblewrap";
    const attempt = (confine: boolean) => start(() => processes.execCommand({
      command,
      cwd,
      env: execEnv(processes.baseEnv, context.threadId),
      tty: args.tty,
      sandbox: {
        policy: context.settings.sandboxPolicy,
        policyCwd: context.settings.cwd,
        // An escalated call was approved to run outside the sandbox (as Codex's orchestrator does).
        confine,
      },
      yieldTimeMs: args.yield_time_ms,
      maxOutputTokens: effectiveMaxOutputTokens(args.max_output_tokens, context.model.truncationPolicy),
      callId: call.callId,
      turnId: context.turnId,
      signal: context.signal,
      warn: async (message) => {
        await context.record([
          { kind: "response_item", payload: { type: "message", role: "user", content: [{ type: "input_text", text: `Warning: ${message}` }] } },
        ]);
      },
      onStart: async (id) => {
        processId = id;
        await emit({ type: "exec_command_begin", ...common(id) });
      },
      observer: {
        output: (chunk) => {
          // Codex caps the deltas of one call and the size of each (the output itself is kept whole).
          for (let at = 0; at < chunk.length && deltas < MAX_EXEC_OUTPUT_DELTAS_PER_CALL; at += DELTA_MAX_BYTES, deltas += 1) {
            const part = chunk.subarray(at, at + DELTA_MAX_BYTES).toString("base64");
            void emit({ type: "exec_command_output_delta", call_id: call.callId, stream: "stdout", chunk: part });
          }
        },
        end: (result) => {
          const end: EventMsgOf<"exec_command_end"> = {
            type: "exec_command_end",
            ...common(processId),
            stdout: result.transcript,
            stderr: "",
            aggregated_output: result.transcript,
            exit_code: result.exitCode,
            duration: durationOf(result.durationMs),
            formatted_output: formattedTruncateText(result.transcript, context.model.truncationPolicy),
            status: result.exitCode === 0 ? "completed" : "failed",
          };
          void emit(end);
        },
      },
    }));
    let output = await attempt(confineFirst);
    // Codex's orchestrator for unified exec: a process that already exited with what looks like a
    // sandbox denial may run again outside it, after asking under on-failure and untrusted.
    if (confineFirst && !context.signal.aborted && deniedBySandbox(output, context) && wantsNoSandboxApproval(context.settings.approvalPolicy)) {
      await chain;
      const sandboxPermissions = args.sandbox_permissions ?? "use_default";
      const retry = await askToRetryOutsideSandbox(context, {
        command,
        cwd,
        sandboxPermissions,
        proposedAmendment: retryAmendment(context, command, cwd),
        retryRequest: (reason, amendment) => execApprovalRequest({ callId: call.callId, turnId: context.turnId, command, cwd, reason, amendment }),
      });
      if (typeof retry === "object") return outputFor(call, execCommandRejected(call, retry.rejected));
      if (retry === "retry") output = await attempt(false);
    }
    await chain;
    if (context.signal.aborted) return outputFor(call, abortedByUserText(startedAt, context.clock));
    return outputFor(call, execOutputText(output));
  } catch (error) {
    if (error instanceof SpawnError) {
      return outputFor(call, `exec_command failed for \`${shlexJoin(command)}\`: CreateProcess { message: ${JSON.stringify(error.message)} }`);
    }
    throw error;
  }
}

async function writeStdin(processes: ProcessManager, context: ToolContext) {
  const { call } = context;
  const parsed = parseArgs(WriteStdinArgs, call.input);
  if (!parsed.ok) return outputFor(call, parsed.message);
  const args = parsed.value;
  const startedAt = context.clock.now().getTime();
  try {
    const { output, callId } = await processes.writeStdin({
      sessionId: args.session_id,
      chars: args.chars,
      yieldTimeMs: args.yield_time_ms,
      maxOutputTokens: effectiveMaxOutputTokens(args.max_output_tokens, context.model.truncationPolicy),
      signal: context.signal,
    });
    await context.event({ type: "terminal_interaction", call_id: callId, process_id: String(args.session_id), stdin: args.chars });
    if (context.signal.aborted) return outputFor(call, abortedByUserText(startedAt, context.clock));
    return outputFor(call, execOutputText(output));
  } catch (error) {
    if (error instanceof ExecSessionError) return outputFor(call, `write_stdin failed: ${error.message}`);
    throw error;
  }
}

/** A run that exited under the sandbox with what reads like the sandbox refusing it. */
function deniedBySandbox(output: ExecOutput, context: ToolContext): boolean {
  if (output.exitCode === null || output.sessionId !== null) return false;
  const text = output.raw.toString("utf8");
  return isLikelySandboxDenied({
    sandboxed: true,
    networkRestricted: !hasFullNetworkAccess(context.settings.sandboxPolicy),
    exitCode: output.exitCode,
    stdout: text,
    stderr: text,
    aggregatedOutput: text,
  });
}

/** The two handlers, sharing one thread's processes. */
export function unifiedExecTools(processes: ProcessManager): ToolHandler[] {
  return [
    {
      name: "exec_command",
      spec: (config) => (config.shellType === "unified_exec" ? EXEC_COMMAND_SPEC : undefined),
      approval,
      deniedOutput: (call) => execCommandRejected(call, REJECTED_BY_USER),
      rejectedOutput: execCommandRejected,
      execute: (context) => execCommand(processes, context),
    },
    {
      name: "write_stdin",
      spec: (config) => (config.shellType === "unified_exec" ? WRITE_STDIN_SPEC : undefined),
      execute: (context) => writeStdin(processes, context),
    },
  ];
}
