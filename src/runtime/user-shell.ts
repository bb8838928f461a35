/**
 * `run_user_shell_command`: the user's own command (Codex's `/shell` task). It runs as a turn of its
 * own with no approval and no sandbox, in the user's shell as a login shell, and its result is
 * recorded in the history as a `<user_shell_command>` message so the model sees it next turn.
 */
import { existsSync } from "node:fs";
import { userInfo } from "node:os";
import path from "node:path";
import type { EventMsg, OpOf, ResponseItem, Submission } from "../events/index.js";
import { modelInfo } from "../context/index.js";
import { formatExecOutputStr, parseCommandForDisplay, type ShellResult } from "../actors/shell/index.js";
import { execCommandEnd } from "../actors/tools/shell.js";
import type { ThreadServices } from "./services.js";
import { abortEntries, stamped } from "./turn-entries.js";

/** Codex's limit on a user shell command: one hour. */
export const USER_SHELL_TIMEOUT_MS = 60 * 60 * 1000;

/** What Codex reports for a user command cut short by an interrupt. */
export const USER_COMMAND_ABORTED = "command aborted by user";
const ABORTED = USER_COMMAND_ABORTED;

/**
 * The bash Codex would pick for a user whose turn context says "bash" (Loom always does): the
 * login shell when it is bash, else the first bash on PATH, else /bin/bash.
 */
export function userBash(env: NodeJS.ProcessEnv = process.env): string {
  let login: string | undefined;
  try {
    login = userInfo().shell ?? undefined;
  } catch {
    login = undefined;
  }
  if (login && path.basename(login) === "bash" && existsSync(login)) return login;
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    const candidate = dir ? path.join(dir, "bash") : "";
    if (candidate && existsSync(candidate)) return candidate;
  }
  return "/bin/bash";
}

/** The history item Codex records for a user command (`UserShellCommand` fragment). */
export function userShellCommandRecord(command: string, exitCode: number, durationMs: number, output: string): ResponseItem {
  const text =
    `<user_shell_command>\n<command>\n${command}\n</command>\n<result>\nExit code: ${exitCode}\n` +
    `Duration: ${(durationMs / 1000).toFixed(4)} seconds\nOutput:\n${output}\n</result>\n</user_shell_command>`;
  return { type: "message", role: "user", content: [{ type: "input_text", text }] };
}

/** A result for a run that never produced output of its own (aborted, or could not start). */
function failure(message: string): ShellResult {
  return { exitCode: -1, stdout: "", stderr: message, aggregatedOutput: message, durationMs: 0, timedOut: false, aborted: false };
}

/**
 * Codex's `UserShellCommandTask` as a standalone turn whose id is the submission id: task_started,
 * exec_command_begin (source "user_shell"), live output, exec_command_end, the history record,
 * task_complete. The command stops when the thread closes.
 */
export async function runUserShellCommand(
  submission: Submission,
  services: ThreadServices,
  signal: AbortSignal = services.signal,
): Promise<void> {
  const { command } = submission.op as OpOf<"run_user_shell_command">;
  const turnId = submission.id;
  const settings = services.settings();
  const model = modelInfo(settings.model);
  const startedAt = services.clock.now().getTime();
  const contextWindow = services.modelContextWindow ?? model.contextWindow;
  const emit = (msg: EventMsg, at?: number) => services.bus.event(turnId, msg, at);

  await emit({
    type: "task_started",
    turn_id: turnId,
    started_at: Math.floor(startedAt / 1000),
    model_context_window: Math.floor((contextWindow * model.effectiveContextWindowPercent) / 100),
    collaboration_mode_kind: "default",
  }, startedAt);

  const argv = [userBash(), "-lc", command];
  const common = {
    call_id: services.ids.next("call"),
    turn_id: turnId,
    command: argv,
    cwd: settings.cwd,
    parsed_cmd: parseCommandForDisplay(argv),
    source: "user_shell",
  };
  await emit({ type: "exec_command_begin", ...common });
  const deltas: Promise<unknown>[] = [];
  const ran = await services.exec({
    command: argv,
    cwd: settings.cwd,
    timeoutMs: USER_SHELL_TIMEOUT_MS,
    signal,
    onOutput: (chunk) => {
      deltas.push(
        emit({ type: "exec_command_output_delta", call_id: common.call_id, stream: chunk.stream, chunk: chunk.chunk.toString("base64") })
          .catch(() => undefined),
      );
    },
  });
  await Promise.all(deltas);

  const result = ran.aborted ? failure(ABORTED) : ran.spawnError !== undefined ? failure(ran.spawnError) : ran;
  const formatted = formatExecOutputStr(result, model.truncationPolicy);
  const end: EventMsg = execCommandEnd(common, result, formatted);
  const record = {
    kind: "response_item" as const,
    payload: userShellCommandRecord(command, result.exitCode, result.durationMs, formatted),
  };
  // The thread is closing: like a crash, nothing more is written (resume closes the turn).
  if (services.signal.aborted) return;
  // Codex records an aborted command before announcing its end, and a finished one after.
  if (ran.aborted) await services.bus.record([record, { kind: "event_msg", payload: end }], turnId);
  else await services.bus.record([{ kind: "event_msg", payload: end }, record], turnId);

  const now = services.clock.now().getTime();
  if (signal.aborted) {
    // Interrupted: Codex's abort trail (the marker and turn_aborted), not task_complete.
    await services.bus.record(stamped(abortEntries(turnId, [], now, startedAt), now), turnId);
    return;
  }
  await emit({
    type: "task_complete",
    turn_id: turnId,
    last_agent_message: null,
    completed_at: Math.floor(now / 1000),
    duration_ms: now - startedAt,
  }, now);
}
