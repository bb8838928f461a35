/**
 * Runs one shell tool command as a child process, the way Codex's `exec.rs` does: argv spawned
 * directly with stdin closed, stdout/stderr captured under a byte cap, a timeout and an interrupt
 * that kill the command's whole process group, and failures to start reported as a result rather
 * than thrown. This is the only place in Loom that spawns model-requested commands.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { constants } from "node:os";
import type { Readable } from "node:stream";
import type { RunShellOptions, ShellResult } from "./types.js";

/** Codex's shell timeout when the model gives none. */
export const DEFAULT_EXEC_TIMEOUT_MS = 10_000;
/** Bytes kept per stream (Codex `EXEC_OUTPUT_MAX_BYTES`, 1 MiB): a runaway command cannot exhaust memory. */
export const EXEC_OUTPUT_MAX_BYTES = 1024 * 1024;
/** Live output chunks reported per stream; the captured output is unaffected. */
export const MAX_EXEC_OUTPUT_DELTAS_PER_CALL = 10_000;
/** How long to wait for pipes after the child exits; a backgrounded grandchild may hold them open. */
export const IO_DRAIN_TIMEOUT_MS = 2_000;
/** Exit code reported for a timeout, as `timeout(1)` does. */
export const EXEC_TIMEOUT_EXIT_CODE = 124;

type Exit = { code: number | null; signal: NodeJS.Signals | null };

export async function runShell(options: RunShellOptions): Promise<ShellResult> {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const cap = options.maxOutputBytes ?? EXEC_OUTPUT_MAX_BYTES;
  const timeoutMs = options.timeoutMs === undefined ? DEFAULT_EXEC_TIMEOUT_MS : options.timeoutMs;

  if (options.command.length === 0) {
    return spawnFailure('execution error: Io(Custom { kind: InvalidInput, error: "command args are empty" })', elapsed());
  }
  if (options.signal?.aborted) {
    return { ...emptyResult(elapsed()), aborted: true };
  }

  let child: ChildProcess;
  try {
    child = spawn(options.command[0], options.command.slice(1), {
      cwd: options.cwd,
      env: options.env ?? process.env,
      // Its own process group, so a timeout or interrupt can kill everything it started.
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    return spawnFailure(describeSpawnError(error), elapsed());
  }

  const stdout = new CappedBuffer(cap);
  const stderr = new CappedBuffer(cap);
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
    const exited = new Promise<Exit>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
    const drained = Promise.all([
      collect(child.stdout!, stdout, "stdout", options.onOutput),
      collect(child.stderr!, stderr, "stderr", options.onOutput),
    ]);
    options.signal?.addEventListener("abort", onAbort, { once: true });

    const spawnError = await spawned;
    if (spawnError) return spawnFailure(describeSpawnError(spawnError), elapsed());
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
    };
  } finally {
    clearTimeout(timer);
    clearTimeout(drainTimer);
    options.signal?.removeEventListener("abort", onAbort);
    // After an interrupt nobody reads the rest, and a grandchild still holding the pipes must not
    // keep them (or us) alive.
    child.stdout?.destroy();
    child.stderr?.destroy();
  }
}

function exitCodeOf(exit: Exit): number {
  if (exit.code !== null) return exit.code;
  // Shell convention for a signal death: 128 + signal number (SIGKILL -> 137).
  if (exit.signal !== null) return 128 + (constants.signals[exit.signal] ?? 0);
  return -1;
}

// Reads a stream to its end, keeping at most `cap` bytes and reporting chunks live.
function collect(
  stream: Readable,
  sink: CappedBuffer,
  name: "stdout" | "stderr",
  onOutput: RunShellOptions["onOutput"],
): Promise<void> {
  let deltas = 0;
  return new Promise<void>((resolve) => {
    stream.on("data", (chunk: Buffer) => {
      if (onOutput && deltas < MAX_EXEC_OUTPUT_DELTAS_PER_CALL) {
        deltas += 1;
        try {
          onOutput({ stream: name, chunk });
        } catch {
          // A listener's bug must not leave the child running unobserved.
        }
      }
      sink.push(chunk);
    });
    stream.once("close", () => resolve());
    stream.once("error", () => resolve());
  });
}

class CappedBuffer {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly cap: number) {}

  push(chunk: Buffer): void {
    if (this.size >= this.cap) return;
    const take = Math.min(this.cap - this.size, chunk.length);
    this.chunks.push(take === chunk.length ? chunk : chunk.subarray(0, take));
    this.size += take;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks, this.size);
  }
}

/**
 * stdout followed by stderr within `cap` bytes. Under contention stdout gets a third and stderr
 * the rest, and stderr's unused share goes back to stdout (Codex `aggregate_output`): errors are
 * usually what the model needs to see.
 */
export function aggregateOutput(stdout: Buffer, stderr: Buffer, cap: number): Buffer {
  if (stdout.length + stderr.length <= cap) return Buffer.concat([stdout, stderr]);
  const wantStdout = Math.min(stdout.length, Math.floor(cap / 3));
  const stderrTake = Math.min(stderr.length, cap - wantStdout);
  const remaining = cap - wantStdout - stderrTake;
  const stdoutTake = wantStdout + Math.min(remaining, stdout.length - wantStdout);
  return Buffer.concat([stdout.subarray(0, stdoutTake), stderr.subarray(0, stderrTake)]);
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
