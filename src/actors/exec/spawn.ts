/**
 * The one place unified exec starts a process. Every exec_command goes through `spawnProcess`, so
 * routing them all through the sandbox (src/sandbox, being built beside this) is a change to this
 * function alone: wrap `request.argv` for `request.sandboxPolicy` before it reaches the PTY or
 * `spawn`. Until then the policy is carried here but not enforced (see the README's tool table).
 *
 * A `tty` request gets a real pseudo-terminal from the optional `@replit/ruspty` package (a Rust
 * addon whose Linux x64 and macOS builds ship inside the registry package: nothing is compiled or
 * downloaded at install; unlike node-pty it delivers a process's last output before its exit).
 * Where it did not install or load, the process runs on pipes with stdin open instead, so it can
 * still be typed into with write_stdin (programs that check isatty see a pipe). Without `tty`, stdin is
 * /dev/null and stdout/stderr are pipes, as in Codex. Either way the child leads its own process
 * group (session), so one kill reaches everything it started, and the crash reaper is told its pid.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { constants } from "node:os";
import type { SandboxPolicy } from "../../events/index.js";
import { reaper } from "./reaper.js";

export interface SpawnRequest {
  argv: readonly string[];
  cwd: string;
  env: Readonly<Record<string, string>>;
  tty: boolean;
  /** The thread's sandbox policy for this process (the sandbox port wraps `argv` for it). */
  sandboxPolicy?: SandboxPolicy;
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

/** The subset of @replit/ruspty Loom uses, typed here so the package stays optional. */
interface PtyModule {
  Pty: new (options: {
    command: string;
    args: string[];
    envs: Record<string, string>;
    dir: string;
    size: { rows: number; cols: number };
    onExit: (error: Error | null, exitCode: number) => void;
  }) => {
    readonly pid: number;
    read: NodeJS.ReadableStream;
    write: NodeJS.WritableStream & { on(event: "error", listener: (error: Error) => void): unknown };
    close(): void;
  };
}

let ptyModule: PtyModule | null | undefined;

/** The PTY package if it is installed and its native part loads here; null otherwise (checked once). */
export function loadPty(): PtyModule | null {
  if (ptyModule !== undefined) return ptyModule;
  try {
    // Loaded by name at run time: the package is an optional dependency and may be absent.
    ptyModule = createRequire(import.meta.url)("@replit/ruspty") as PtyModule;
  } catch {
    ptyModule = null;
  }
  return ptyModule;
}

/** Codex's `TerminalSize::default()`. */
const PTY_SIZE = { cols: 80, rows: 24 };

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

export function spawnProcess(request: SpawnRequest): Promise<SpawnedProcess> {
  const [program, ...args] = request.argv;
  if (!program) return Promise.reject(new SpawnError("missing command line for unified exec request"));
  const pty = request.tty ? loadPty() : null;
  return pty ? spawnPty(pty, program, args, request) : spawnPipes(program, args, request);
}

async function spawnPty(pty: PtyModule, program: string, args: string[], request: SpawnRequest): Promise<SpawnedProcess> {
  let resolveExit!: (code: number) => void;
  const exited = new Promise<number>((resolve) => (resolveExit = resolve));
  let child: InstanceType<PtyModule["Pty"]>;
  try {
    child = new pty.Pty({
      command: program,
      args,
      envs: { ...request.env },
      dir: request.cwd,
      size: PTY_SIZE,
      // Called once the output is read to its end: nothing arrives after the exit.
      onExit: (_error, code) => resolveExit(code < 0 ? 128 + constants.signals.SIGKILL : code),
    });
  } catch (error) {
    throw new SpawnError(error instanceof Error ? error.message : String(error), { cause: error });
  }
  const pid = child.pid;
  reaper().track(pid);
  void exited.then(() => {
    reaper().untrack(pid);
    child.close();
  });
  const listeners: ((chunk: Buffer) => void)[] = [];
  child.read.on("data", (data: Buffer | string) => {
    const chunk = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    for (const listener of listeners) listener(chunk);
  });
  child.read.on("error", () => undefined);
  child.write.on("error", () => undefined);
  return {
    pid,
    transport: "pty",
    onData: (listener) => void listeners.push(listener),
    exited,
    writable: true,
    write: (data) =>
      new Promise((done, fail) => {
        child.write.write(data, (error?: Error | null) => (error ? fail(error) : done()));
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
