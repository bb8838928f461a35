/**
 * The `shell` tool (and the Responses built-in `local_shell`): a real child process in its own
 * process group, with exec_command_begin / output deltas / end events and Codex's output text.
 */
import { SHELL_TOOL_SPEC, formatExecOutputForModel, formatExecOutputStr, parseShellArguments, resolveWorkdir, runShell } from "../shell/index.js";
import { parseCommandForDisplay } from "../shell/index.js";
import type { ToolContext, ToolHandler } from "./registry.js";
import { outputFor } from "./registry.js";

function durationOf(ms: number): { secs: number; nanos: number } {
  const secs = Math.floor(ms / 1000);
  return { secs, nanos: Math.round((ms - secs * 1000) * 1e6) };
}

export async function runShellCall(context: ToolContext, input: string) {
  const { call } = context;
  const parsed = parseShellArguments(input);
  if (!parsed.ok) return outputFor(call, parsed.error.message);
  const { params } = parsed;
  if (params.command.length === 0) return outputFor(call, "failed to parse function arguments: command must not be empty");
  const cwd = resolveWorkdir(context.settings.cwd, params.workdir);
  const common = {
    call_id: call.callId,
    turn_id: context.turnId,
    command: params.command,
    cwd,
    parsed_cmd: parseCommandForDisplay(params.command),
    source: "agent",
  };
  await context.event({ type: "exec_command_begin", ...common });
  const deltas: Promise<unknown>[] = [];
  const result = await runShell({
    command: params.command,
    cwd,
    timeoutMs: params.timeout_ms ?? undefined,
    signal: context.signal,
    onOutput: (chunk) => {
      deltas.push(
        context
          .event({ type: "exec_command_output_delta", call_id: call.callId, stream: chunk.stream, chunk: chunk.chunk.toString("base64") })
          .catch(() => undefined),
      );
    },
  });
  await Promise.all(deltas);
  const policy = context.model.truncationPolicy;
  await context.event({
    type: "exec_command_end",
    ...common,
    stdout: result.stdout,
    stderr: result.stderr,
    aggregated_output: result.aggregatedOutput,
    exit_code: result.exitCode,
    duration: durationOf(result.durationMs),
    formatted_output: formatExecOutputStr(result, policy),
    status: result.exitCode === 0 && !result.aborted ? "completed" : "failed",
  });
  return outputFor(call, formatExecOutputForModel(result, { truncationPolicy: policy }));
}

export const shellTool: ToolHandler = {
  name: "shell",
  spec: () => SHELL_TOOL_SPEC,
  execute: (context) => runShellCall(context, context.call.input),
};

/** The Responses API's built-in shell call; its action arrives already shaped as shell arguments. */
export const localShellTool: ToolHandler = {
  name: "local_shell",
  spec: () => undefined,
  execute: (context) => runShellCall(context, context.call.input),
};
