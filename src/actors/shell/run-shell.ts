/**
 * Runs one command as a child process, the way Codex's `exec.rs` does: argv exec'd directly with
 * stdin closed, stdout/stderr captured under a byte cap, a timeout and an interrupt that kill the
 * command's whole process group, and failures to start reported as a result rather than thrown.
 * Every command goes through the sandbox port first: confined under its policy (bubblewrap), or
 * unconfined under the launcher that makes it die with Loom. When it ends, whatever it left
 * running in its process group is killed too. This is the only place in Loom that spawns
 * model-requested and user commands.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { constants } from "node:os";
import { probeHostSandbox, wrapCommand, type Launch } from "../../sandbox/index.js";
import { CappedBuffer, DeltaBudget, EXEC_OUTPUT_MAX_BYTES, aggregateOutput, collect } from "./capture.js";
import { lookupProgram } from "./program.js";
import type { RunShellOptions, ShellResult } from "./types.js";

export { EXEC_OUTPUT_MAX_BYTES, MAX_EXEC_OUTPUT_DELTAS_PER_CALL, MAX_EXEC_OUTPUT_DELTA_BYTES, aggregateOutput } from "./capture.js";

/** Codex's shell timeout when the model gives none. */
export const DEFAULT_EXEC_TIMEOUT_MS = 10_000;
/**
 * The longest a command may run (the user's own commands get the same hour in Codex). Longer
 * requests are cut to it: Node's timers overflow past 2^31 ms and would fire at once.
 */
export const MAX_EXEC_TIMEOUT_MS = 60 * 60 * 1000;
/** How long to wait for pipes after the child exits; a backgrounded grandchild may hold them open. */
export const IO_DRAIN_TIMEOUT_MS = 2_000;
/** Exit code reported for a timeout, as `timeout(1)` does. */
export const EXEC_TIMEOUT_EXIT_CODE = 124;

type Exit = { code: number | null; signal: NodeJS.Signals | null };

/** A usable timeout: the default when unset, the cap when larger, null for none. */
export function effectiveTimeout(timeoutMs: number | null | undefined): number | null {
  if (timeoutMs === null) return null;
  if (timeoutMs === undefined || !Number.isFinite(timeoutMs) || timeoutMs < 0) return DEFAULT_EXEC_TIMEOUT_MS;
  return Math.min(Math.floor(timeoutMs), MAX_EXEC_TIMEOUT_MS);
}

export async function runShell(options: RunShellOptions): Promise<ShellResult> {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const cap = options.maxOutputBytes ?? EXEC_OUTPUT_MAX_BYTES;
  const timeoutMs = effectiveTimeout(options.timeoutMs);

  if (options.command.length === 0) {
    return spawnFailure('execution error: Io(Custom { kind: InvalidInput, error: "command args are empty" })', elapsed());
  }
  if (options.signal?.aborted) {
    return { ...emptyResult(elapsed()), aborted: true };
  }
  const env = options.env ?? process.env;
  const program = lookupProgram(options.command[0]!, options.cwd, env.PATH);
  if (!program.ok) return spawnFailure(describeSpawnError({ code: program.code }), elapsed());

  let launch: Launch;
  try {
    const host = options.host ?? (await probeHostSandbox({ path: env.PATH }));
    launch = await wrapCommand({
      command: options.command,
      cwd: options.cwd,
      env,
      policy: options.sandbox?.policy ?? { type: "danger-full-access" },
      policyCwd: options.sandbox?.policyCwd,
      confine: options.sandbox?.confine ?? false,
      host,
    });
  } catch (error) {
    // No silent fallback: a command that cannot be confined as asked does not run.
    return spawnFailure(`execution error: sandbox: ${(error as Error).message}`, elapsed());
  }
  if (options.signal?.aborted) {
    launch.release();
    return { ...emptyResult(elapsed()), aborted: true };
  }

  let child: ChildProcess;
  try {
    child = spawn(launch.argv[0]!, launch.argv.slice(1), {
      cwd: launch.cwd,
      env: launch.env,
      // Its own process group, so a timeout or interrupt can kill everything it started.
      detached: true,
      stdio: [options.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
  } catch (error) {
    launch.release();
    return spawnFailure(describeSpawnError(error), elapsed());
  }

  const stdout = new CappedBuffer(cap);
  const stderr = new CappedBuffer(cap);
  const budget = new DeltaBudget(options.maxOutputDeltaBytes);
  let timedOut = false;
  let aborted = false;
  let timer: NodeJS.Timeout | undefined;
  let drainTimer: NodeJS.Timeout | undefined;
  const killGroup = () => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // The group is already gone.
    }
  };
  const onAbort = () => {
    aborted = true;
    killGroup();
  };

  try {
    // An 'error' with no listener would throw; before 'spawn' it means the command never started.
    const spawned = new Promise<Error | null>((resolve) => {
      child.once("spawn", () => resolve(null));
      child.on("error", (error) => resolve(error));
    });
    const exited = new Promise<Exit>((resolve) =>
      child.once("exit", (code, signal) => {
        // What the command left running in its group (`sleep 30 &`) dies with it.
        killGroup();
        resolve({ code, signal });
      }),
    );
    const drained = Promise.all([
      collect(child.stdout!, stdout, "stdout", budget, options.onOutput),
      collect(child.stderr!, stderr, "stderr", budget, options.onOutput),
    ]);
    options.signal?.addEventListener("abort", onAbort, { once: true });

    const spawnError = await spawned;
    if (spawnError) return spawnFailure(describeSpawnError(spawnError), elapsed());
    if (options.stdin !== undefined && child.stdin) {
      // A command that exits without reading its input is not an error (EPIPE is ignored).
      child.stdin.on("error", () => undefined);
      child.stdin.end(options.stdin);
    }
    try {
      options.onSpawn?.(child.pid!);
    } catch {
      // As with onOutput: a listener's bug must not leave the child running unobserved.
    }
    if (timeoutMs !== null) {
      timer = setTimeout(() => {
        timedOut = true;
        killGroup();
      }, timeoutMs);
    }

    const exit = await exited;
    clearTimeout(timer);
    if (!aborted) {
      const drainLimit = new Promise<void>((resolve) => {
        drainTimer = setTimeout(resolve, IO_DRAIN_TIMEOUT_MS);
      });
      await Promise.race([drained, drainLimit]);
    }

    const stdoutBytes = stdout.toBuffer();
    const stderrBytes = stderr.toBuffer();
    return {
      exitCode: timedOut ? EXEC_TIMEOUT_EXIT_CODE : exitCodeOf(exit),
      stdout: stdoutBytes.toString("utf8"),
      stderr: stderrBytes.toString("utf8"),
      aggregatedOutput: aggregateOutput(stdoutBytes, stderrBytes, cap).toString("utf8"),
      durationMs: elapsed(),
      timedOut,
      aborted,
      pid: child.pid,
      sandbox: launch.sandbox,
      networkRestricted: launch.networkRestricted,
    };
  } finally {
    clearTimeout(timer);
    clearTimeout(drainTimer);
    options.signal?.removeEventListener("abort", onAbort);
    // After an interrupt nobody reads the rest, and a grandchild still holding the pipes must not
    // keep them (or us) alive.
    child.stdout?.destroy();
    child.stderr?.destroy();
    launch.release();
  }
}

function exitCodeOf(exit: Exit): number {
  if (exit.code !== null) return exit.code;
  // Shell convention for a signal death: 128 + signal number (SIGKILL -> 137).
  if (exit.signal !== null) return 128 + (constants.signals[exit.signal] ?? 0);
  return -1;
}

function emptyResult(durationMs: number): ShellResult {
  return { exitCode: -1, stdout: "", stderr: "", aggregatedOutput: "", durationMs, timedOut: false, aborted: false };
}

// Codex reports a failed start as `execution error: {CodexErr:?}`, with exit code -1 and the text
// as stderr and aggregated output (exec_command_end of a failed tool call).
function spawnFailure(message: string, durationMs: number): ShellResult {
  return { ...emptyResult(durationMs), stderr: message, aggregatedOutput: message, spawnError: message };
}

// Rust's Debug rendering of the io::Error that Codex would have seen for the same errno.
const OS_ERRORS: Record<string, [number, string, string]> = {
  EPERM: [1, "PermissionDenied", "Operation not permitted"],
  ENOENT: [2, "NotFound", "No such file or directory"],
  E2BIG: [7, "ArgumentListTooLong", "Argument list too long"],
  ENOEXEC: [8, "Uncategorized", "Exec format error"],
  EACCES: [13, "PermissionDenied", "Permission denied"],
  ENOTDIR: [20, "NotADirectory", "Not a directory"],
};

function describeSpawnError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const known = code !== undefined ? OS_ERRORS[code] : undefined;
  if (known) {
    const [errno, kind, message] = known;
    return `execution error: Io(Os { code: ${errno}, kind: ${kind}, message: "${message}" })`;
  }
  const text = error instanceof Error ? error.message : String(error);
  return `execution error: Io(Custom { kind: Other, error: ${JSON.stringify(text)} })`;
}
