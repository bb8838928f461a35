/**
 * The one place unified exec starts a process. Every exec_command goes through `spawnProcess`, and
 * it through the sandbox port (src/sandbox `wrapCommand`): confined under the thread's policy
 * (bubblewrap), or unconfined under the lifetime launcher that ties the command to Loom's life.
 *
 * A `tty` request gets a real pseudo-terminal from the native part of `@replit/ruspty` (the
 * optional package `@replit/ruspty-linux-x64-gnu`: a Rust addon shipped inside the registry
 * package, nothing compiled or downloaded at install). Unlike node-pty it keeps the terminal's
 * other end open until the process's last output is read: when the process ends it writes a marker
 * after that output, and only then is the terminal let go. Where the addon is absent (other
 * platforms) or does not load, the process runs on pipes with stdin open instead, so it can
 * still be typed into with write_stdin (programs that check isatty see a pipe). Without `tty`,
 * stdin is /dev/null and stdout/stderr are pipes, as in Codex. Either way the child leads its own process
 * group (session), so one kill reaches everything it started, and the crash reaper is told its pid.
 */
import { spawn } from "node:child_process";
import { ReadStream } from "node:tty";
import { createRequire } from "node:module";
import { constants } from "node:os";
import type { SandboxPolicy } from "../../events/index.js";
import { probeHostSandbox, wrapCommand, type Launch } from "../../sandbox/index.js";
import { reaper } from "./reaper.js";

export interface SpawnRequest {
  argv: readonly string[];
  cwd: string;
  env: Readonly<Record<string, string>>;
  tty: boolean;
  /** How the sandbox port wraps `argv`: the thread's policy, and whether to confine this process. */
  sandbox?: { policy: SandboxPolicy; policyCwd: string; confine: boolean };
}

/** A running child, whatever carries its bytes. */
export interface SpawnedProcess {
  readonly pid: number;
  /** "pty", or "pipes" (also a tty request where no PTY loads). */
  readonly transport: "pty" | "pipes";
  /** Output bytes as they come (PTY output, or stdout and stderr interleaved). */
  onData(listener: (chunk: Buffer) => void): void;
  /** Resolves with the exit code (128+N for signal N) once the process is gone and its output read. */
  readonly exited: Promise<number>;
  /** False when stdin is not open (a non-tty request). */
  readonly writable: boolean;
  write(data: string): Promise<void>;
  /** SIGKILL to the whole process group; safe to call more than once. */
  kill(): void;
}

/** The process could not be started (Codex's `CreateProcess` error). */
export class SpawnError extends Error {
  override readonly name = "SpawnError";
}

/** The native PTY binding (the subset Loom uses), typed here so the package stays optional. */
interface PtyBinding {
  Pty: new (options: {
    command: string;
    args: string[];
    envs: Record<string, string>;
    dir: string;
    size: { rows: number; cols: number };
    onExit: (error: Error | null, exitCode: number) => void;
  }) => { readonly pid: number; takeControllerFd(): number; dropUserFd(): void };
  /** The bytes written after a process's last output once it has exited. */
  getSyntheticEofSequence(): Buffer;
}

let binding: PtyBinding | null | undefined;

/** The PTY addon if it is installed and loads on this platform; null otherwise (checked once). */
export function loadPty(): PtyBinding | null {
  if (binding !== undefined) return binding;
  try {
    // Loaded by name at run time: an optional, platform-specific package that may be absent.
    binding = createRequire(import.meta.url)("@replit/ruspty-linux-x64-gnu") as PtyBinding;
  } catch {
    binding = null;
  }
  return binding;
}

/** If the marker never shows after the exit (it always should), the terminal is let go anyway. */
const EXIT_MARKER_WAIT_MS = 1_000;

/** Codex's `TerminalSize::default()`. */
const PTY_SIZE = { cols: 80, rows: 24 };

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

export async function spawnProcess(request: SpawnRequest): Promise<SpawnedProcess> {
  if (request.argv.length === 0) throw new SpawnError("missing command line for unified exec request");
  let launch: Launch;
  try {
    launch = await wrapCommand({
      command: request.argv,
      cwd: request.cwd,
      env: request.env,
      policy: request.sandbox?.policy ?? { type: "danger-full-access" },
      policyCwd: request.sandbox?.policyCwd,
      confine: request.sandbox?.confine ?? false,
      host: await probeHostSandbox({ path: request.env.PATH }),
    });
  } catch (error) {
    // No silent fallback: a process that cannot be confined as asked does not start.
    throw new SpawnError(`sandbox: ${(error as Error).message}`, { cause: error });
  }
  const [program, ...args] = launch.argv;
  const wrapped = { ...request, cwd: launch.cwd, env: launch.env };
  const pty = request.tty ? loadPty() : null;
  let spawned: SpawnedProcess;
  try {
    spawned = pty ? await spawnPty(pty, program!, args, wrapped) : await spawnPipes(program!, args, wrapped);
  } catch (error) {
    launch.release();
    throw error;
  }
  void spawned.exited.then(() => launch.release());
  return spawned;
}

async function spawnPty(pty: PtyBinding, program: string, args: string[], request: SpawnRequest): Promise<SpawnedProcess> {
  let exitCode: number | undefined;
  let markerSeen = false;
  let released = false;
  let resolveExit!: (code: number) => void;
  const exited = new Promise<number>((resolve) => (resolveExit = resolve));
  let raw: InstanceType<PtyBinding["Pty"]> | undefined;
  // The terminal is let go (and the exit reported) once the process has exited and its output,
  // up to the marker, has been read.
  const settle = () => {
    if (exitCode === undefined || !markerSeen || released || !raw) return;
    released = true;
    raw.dropUserFd();
    reaper().untrack(raw.pid);
    resolveExit(exitCode < 0 ? 128 + constants.signals.SIGKILL : exitCode);
  };
  let socket: ReadStream;
  try {
    raw = new pty.Pty({
      command: program,
      args,
      envs: { ...request.env },
      dir: request.cwd,
      size: PTY_SIZE,
      onExit: (_error, code) => {
        exitCode = code;
        setTimeout(() => {
          markerSeen = true;
          settle();
        }, EXIT_MARKER_WAIT_MS).unref();
        settle();
      },
    });
    socket = new ReadStream(raw.takeControllerFd());
  } catch (error) {
    throw new SpawnError(error instanceof Error ? error.message : String(error), { cause: error });
  }
  const pid = raw.pid;
  reaper().track(pid);
  const marker = pty.getSyntheticEofSequence();
  const listeners: ((chunk: Buffer) => void)[] = [];
  const emit = (chunk: Buffer) => {
    if (chunk.length > 0) for (const listener of listeners) listener(chunk);
  };
  // Output is passed on as it comes, except a tail that might be the start of the marker.
  let held = Buffer.alloc(0);
  socket.on("data", (data: Buffer) => {
    if (markerSeen) return emit(data);
    const buffer = Buffer.concat([held, data]);
    const at = buffer.indexOf(marker);
    if (at !== -1) {
      held = Buffer.alloc(0);
      emit(buffer.subarray(0, at));
      emit(buffer.subarray(at + marker.length));
      markerSeen = true;
      settle();
      return;
    }
    let keep = Math.min(buffer.length, marker.length - 1);
    while (keep > 0 && !marker.subarray(0, keep).equals(buffer.subarray(buffer.length - keep))) keep -= 1;
    held = buffer.subarray(buffer.length - keep);
    emit(buffer.subarray(0, buffer.length - keep));
  });
  // EIO once the terminal is let go: the end of the output, not a failure.
  socket.on("error", () => undefined);
  void exited.then(() => setImmediate(() => socket.destroy()));
  return {
    pid,
    transport: "pty",
    onData: (listener) => void listeners.push(listener),
    exited,
    writable: true,
    write: (data) =>
      new Promise((done, fail) => {
        if (socket.destroyed) return fail(new SpawnError("the terminal is closed"));
        socket.write(data, (error?: Error | null) => (error ? fail(error) : done()));
      }),
    kill: () => killGroup(pid),
  };
}

function spawnPipes(program: string, args: string[], request: SpawnRequest): Promise<SpawnedProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      cwd: request.cwd,
      env: { ...request.env },
      detached: true,
      stdio: [request.tty ? "pipe" : "ignore", "pipe", "pipe"],
    });
    const listeners: ((chunk: Buffer) => void)[] = [];
    const emit = (chunk: Buffer) => {
      for (const listener of listeners) listener(chunk);
    };
    child.stdout!.on("data", emit);
    child.stderr!.on("data", emit);
    child.on("error", (error) => reject(new SpawnError(describe(error), { cause: error })));
    child.once("spawn", () => {
      const pid = child.pid!;
      reaper().track(pid);
      // Exit is reported once the pipes are drained too, so no output arrives after it.
      const exited = new Promise<number>((done) => {
        child.once("close", (code, signal) => {
          reaper().untrack(pid);
          done(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
        });
      });
      child.stdin?.on("error", () => undefined);
      resolve({
        pid,
        transport: "pipes",
        onData: (listener) => void listeners.push(listener),
        exited,
        writable: child.stdin !== null,
        write: (data) =>
          new Promise((done, fail) => {
            if (!child.stdin || child.stdin.destroyed) return fail(new SpawnError("stdin is closed"));
            child.stdin.write(data, (error) => (error ? fail(error) : done()));
          }),
        kill: () => killGroup(pid),
      });
    });
  });
}

/** How Rust would print the io::Error for the same failure, as Codex's message carries it. */
function describe(error: NodeJS.ErrnoException): string {
  if (error.code === "ENOENT") return "No such file or directory (os error 2)";
  if (error.code === "EACCES") return "Permission denied (os error 13)";
  if (error.code === "ENOTDIR") return "Not a directory (os error 20)";
  return error.message;
}
