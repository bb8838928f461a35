/**
 * One command hook run: `/bin/sh -lc <command>` in the turn's cwd with the payload on stdin. Codex
 * uses `$SHELL -lc`; Loom uses the POSIX login shell, which reads the login profile (PATH) but not
 * an interactive shell's rc files, which may prompt, wait or be slow (a bash `.bashrc` running
 * `pyenv init` takes seconds per hook). Launched through the same runner as the shell tools, it is
 * confined by the thread's sandbox, killed with its process group at the timeout or an interrupt,
 * and its output is capped.
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
  const result = await runShell({
    command: ["/bin/sh", "-lc", options.command],
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
