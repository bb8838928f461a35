/**
 * One command hook run: Codex runs `$SHELL -lc <command>` in the turn's cwd with the payload on
 * stdin. Loom launches it through the same runner as the shell tools, so it is confined by the
 * thread's sandbox, killed with its process group at the timeout or an interrupt, and its output
 * is capped.
 */
import { runShell } from "../actors/shell/index.js";
import type { SandboxPolicy } from "../events/index.js";
import type { HandlerRun } from "./parse.js";

export interface CommandHookOptions {
  command: string;
  timeoutSec: number;
  stdin: string;
  cwd: string;
  sandbox: { policy: SandboxPolicy; confine: boolean };
  signal: AbortSignal;
  env?: Record<string, string>;
}

/** Bytes kept of each stream: hooks answer in a few lines of JSON. */
const HOOK_OUTPUT_MAX_BYTES = 256 * 1024;

export async function runCommandHook(options: CommandHookOptions): Promise<HandlerRun> {
  const env = options.env ?? (process.env as Record<string, string>);
  const shell = env.SHELL || "/bin/sh";
  const result = await runShell({
    command: [shell, "-lc", options.command],
    cwd: options.cwd,
    env,
    stdin: options.stdin,
    timeoutMs: options.timeoutSec * 1000,
    signal: options.signal,
    maxOutputBytes: HOOK_OUTPUT_MAX_BYTES,
    maxOutputDeltaBytes: 0,
    sandbox: { policy: options.sandbox.policy, policyCwd: options.cwd, confine: options.sandbox.confine },
  });
  if (result.spawnError) return { exitCode: null, stdout: "", stderr: "", error: result.spawnError };
  if (result.timedOut) return { exitCode: null, stdout: "", stderr: "", error: `hook timed out after ${options.timeoutSec}s` };
  if (result.aborted) return { exitCode: null, stdout: "", stderr: "", error: "hook was interrupted" };
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr, error: null };
}
