/**
 * A thread's unified exec processes (Codex `unified_exec/process_manager.rs`): exec_command starts
 * one and waits a while for its output; a process still running then is kept under a session id
 * that write_stdin polls or types into. At most 64 are kept (the least recently used beyond the 8
 * newest is dropped and killed); `terminateAll` kills every one (interrupt, clean, shutdown).
 */
import { randomInt } from "node:crypto";
import { approxTokenCount, chunkId, type ExecOutput } from "./output.js";
import { EARLY_EXIT_GRACE_MS, ExecSession, type SessionInfo } from "./session.js";
import { spawnProcess, SpawnError, type SpawnRequest, type SpawnedProcess } from "./spawn.js";

export const MIN_YIELD_TIME_MS = 250;
/** An empty write_stdin (a poll) waits at least this long. */
export const MIN_EMPTY_YIELD_TIME_MS = 5_000;
export const MAX_YIELD_TIME_MS = 30_000;
/** Codex's `DEFAULT_MAX_BACKGROUND_TERMINAL_TIMEOUT_MS`: the longest a poll may wait. */
export const MAX_POLL_YIELD_TIME_MS = 300_000;
export const MAX_PROCESSES = 64;
/** From this many kept processes on, the model is warned. */
export const WARNING_PROCESSES = 60;
/** Most recently used processes never pruned. */
const PROTECTED_RECENT = 8;
/** After typing, the time a process gets to react before its output is read. */
const AFTER_WRITE_MS = 100;

/** What a process reports while it runs and when it ends (events on the thread's bus). */
export interface ProcessObserver {
  output(chunk: Buffer): void;
  /** Once, when the process has ended and its output is read. */
  end(result: { exitCode: number; transcript: string; durationMs: number }): void;
}

export interface ExecCommandRequest {
  command: string[];
  cwd: string;
  env: Record<string, string>;
  tty: boolean;
  sandbox?: SpawnRequest["sandbox"];
  yieldTimeMs: number;
  maxOutputTokens: number;
  callId: string;
  turnId: string;
  /** Called once the process runs, before any output is collected (exec_command_begin). */
  onStart(sessionId: number): Promise<void>;
  observer: ProcessObserver;
  /** Tells the model it keeps too many processes (Codex records it as a user message "Warning: ..."). */
  warn?: (message: string) => Promise<void>;
  signal?: AbortSignal;
}

export interface WriteStdinRequest {
  sessionId: number;
  chars: string;
  yieldTimeMs: number;
  maxOutputTokens: number;
  signal?: AbortSignal;
}

/** A write_stdin that cannot be done; the message is what the model reads after "write_stdin failed: ". */
export class ExecSessionError extends Error {
  override readonly name = "ExecSessionError";
}

export interface ManagerOptions {
  spawn?: (request: SpawnRequest) => Promise<SpawnedProcess>;
  /** The environment processes start from (default: this process's). */
  env?: Readonly<Record<string, string | undefined>>;
}

export class ProcessManager {
  private readonly sessions = new Map<number, ExecSession>();
  private readonly reserved = new Set<number>();
  private closed = false;

  constructor(private readonly options: ManagerOptions = {}) {}

  /** The environment a new process starts from, before unified exec's own variables. */
  get baseEnv(): Readonly<Record<string, string | undefined>> {
    return this.options.env ?? process.env;
  }

  get size(): number {
    return this.sessions.size;
  }

  async execCommand(request: ExecCommandRequest): Promise<ExecOutput> {
    if (this.closed) throw new SpawnError("the thread is closed");
    const id = this.allocateId();
    let session: ExecSession;
    try {
      const process = await (this.options.spawn ?? spawnProcess)({
        argv: request.command,
        cwd: request.cwd,
        env: request.env,
        tty: request.tty,
        sandbox: request.sandbox,
      });
      const info: SessionInfo = { id, callId: request.callId, turnId: request.turnId, command: request.command, cwd: request.cwd, tty: request.tty };
      session = new ExecSession(info, process, Date.now());
    } catch (error) {
      this.reserved.delete(id);
      throw error;
    }
    // A process that ends within the grace period is a short-lived command: no session id.
    await session.settle(EARLY_EXIT_GRACE_MS);
    const detach = session.onOutput((chunk) => request.observer.output(chunk));
    await request.onStart(id);
    const start = Date.now();
    const aliveAtStart = !session.exited;
    if (aliveAtStart) {
      const count = this.keep(session, request.observer, detach);
      if (count >= WARNING_PROCESSES) {
        await request.warn?.(
          `The maximum number of unified exec processes you can keep open is ${WARNING_PROCESSES} and you currently have ${count} processes open. Reuse older processes or close them to prevent automatic pruning of old processes`,
        );
      }
    }
    const yieldMs = clamp(request.yieldTimeMs, MIN_YIELD_TIME_MS, MAX_YIELD_TIME_MS);
    const { raw, bytes } = await session.collect(start + yieldMs, request.signal);
    const wallTimeMs = Date.now() - start;
    let sessionId: number | null = null;
    if (!aliveAtStart) {
      detach();
      this.reserved.delete(id);
      request.observer.end({ exitCode: session.exitCode ?? -1, transcript: session.transcript.toBuffer().toString("utf8"), durationMs: Date.now() - session.startedAt });
    } else if (this.sessions.has(id) && !session.exited) {
      sessionId = id;
    } else {
      this.release(id);
    }
    return {
      chunkId: chunkId(),
      wallTimeMs,
      raw,
      maxOutputTokens: request.maxOutputTokens,
      sessionId,
      exitCode: sessionId === null ? session.exitCode : null,
      originalTokenCount: tokenCount(raw, bytes),
    };
  }

  /** Types into (or polls) a kept process; resolves with its output and the call that started it. */
  async writeStdin(request: WriteStdinRequest): Promise<{ output: ExecOutput; callId: string }> {
    const session = this.sessions.get(request.sessionId);
    if (!session) throw new ExecSessionError(`Unknown process id ${request.sessionId}`);
    session.lastUsed = Date.now();
    if (request.chars !== "") {
      if (!session.info.tty || !session.process.writable) {
        throw new ExecSessionError("stdin is closed for this session; rerun exec_command with tty=true to keep stdin open");
      }
      try {
        await session.write(request.chars);
      } catch (error) {
        if (!session.exited) throw new ExecSessionError("failed to write to stdin", { cause: error });
      }
      await sleep(AFTER_WRITE_MS, request.signal);
    }
    const atLeast = Math.max(request.yieldTimeMs, MIN_YIELD_TIME_MS);
    const yieldMs = request.chars === "" ? clamp(atLeast, MIN_EMPTY_YIELD_TIME_MS, MAX_POLL_YIELD_TIME_MS) : Math.min(atLeast, MAX_YIELD_TIME_MS);
    const start = Date.now();
    const { raw, bytes } = await session.collect(start + yieldMs, request.signal);
    const wallTimeMs = Date.now() - start;
    const alive = !session.exited;
    if (!alive) this.release(request.sessionId);
    return {
      callId: session.info.callId,
      output: {
        chunkId: chunkId(),
        wallTimeMs,
        raw,
        maxOutputTokens: request.maxOutputTokens,
        sessionId: alive ? request.sessionId : null,
        exitCode: alive ? null : session.exitCode,
        originalTokenCount: tokenCount(raw, bytes),
      },
    };
  }

  /** Kills every kept process (Codex `terminate_all_processes`); their end events still follow. */
  terminateAll(): void {
    for (const session of this.sessions.values()) session.kill();
    this.sessions.clear();
    this.reserved.clear();
  }

  /** No new process starts after this; every kept one is killed. */
  close(): void {
    this.closed = true;
    this.terminateAll();
  }

  /** Keeps a running process (pruning one past the cap); returns how many are kept now. */
  private keep(session: ExecSession, observer: ProcessObserver, detach: () => void): number {
    const pruned = this.pruneCandidate();
    if (pruned !== undefined) {
      this.sessions.get(pruned)?.kill();
      this.release(pruned);
    }
    this.sessions.set(session.info.id, session);
    void session.done.then(() => {
      detach();
      observer.end({ exitCode: session.exitCode ?? -1, transcript: session.transcript.toBuffer().toString("utf8"), durationMs: Date.now() - session.startedAt });
    });
    return this.sessions.size;
  }

  /** Codex's pruning: below the cap nothing; else the oldest exited process outside the 8 newest, else the oldest. */
  private pruneCandidate(): number | undefined {
    if (this.sessions.size < MAX_PROCESSES) return undefined;
    const byAge = [...this.sessions.values()].sort((a, b) => a.lastUsed - b.lastUsed);
    const recent = new Set(byAge.slice(-PROTECTED_RECENT).map((s) => s.info.id));
    const candidates = byAge.filter((s) => !recent.has(s.info.id));
    return (candidates.find((s) => s.exited) ?? candidates[0])?.info.id;
  }

  private allocateId(): number {
    for (;;) {
      const id = randomInt(1_000, 100_000);
      if (this.reserved.has(id)) continue;
      this.reserved.add(id);
      return id;
    }
  }

  private release(id: number): void {
    this.sessions.delete(id);
    this.reserved.delete(id);
  }
}

/** Codex's estimate of what was collected; past the kept bytes, from the byte count. */
function tokenCount(raw: Buffer, bytes: number): number {
  return bytes === raw.length ? approxTokenCount(raw.toString("utf8")) : Math.ceil(bytes / 4);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
