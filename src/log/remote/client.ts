/**
 * `RemoteEventLog`: the `EventLog` port, read-only, over another process's read endpoint. A read
 * command uses it when the process that holds the data dir is running, so it reads what that process
 * writes, live. Every entry is validated as it arrives, as a backend validates what it reads back.
 * Writes are refused (`ReadOnlyLogError`); `putSnapshot` is accepted and dropped, because snapshots
 * are a cache the holder keeps, and folding without one is only slower.
 */
import { connect, type Socket } from "node:net";
import { parseLogEntry, type LogEntry, type NewEntry } from "../../events/index.js";
import type { CreateThreadOptions, EventLog, ReadRange, Snapshot, SubscribeOptions, ThreadMeta } from "../types.js";
import { Hello, type Reply } from "./protocol.js";

/** A write was attempted through a read-only view of a log. */
export class ReadOnlyLogError extends Error {
  override readonly name = "ReadOnlyLogError";
  constructor(action: string, readonly dir: string) {
    super(`cannot ${action}: the log at ${dir} is held by another process (read-only access through its endpoint)`);
  }
}

/** The connection to the holder failed or closed; the message says which process and what happened. */
export class RemoteLogError extends Error {
  override name = "RemoteLogError";
}

/** Lines from the holder may carry a large chunk of entries, never unbounded. */
const MAX_REPLY_CHARS = 256 * 1024 * 1024;
/** Queued messages (all streams together) at which reading from the socket pauses. */
const HIGH_WATER = 64;
/** A holder that accepts a connection but does not answer `hello` in time is treated as not answering. */
const HELLO_TIMEOUT_MS = 2000;
/** Longest wait for a unary answer (a head, a thread record): a frozen holder must not hang a reader. */
const CALL_TIMEOUT_MS = 30_000;

interface Pending {
  /** A unary answer. */
  settle?: { resolve: (value: unknown) => void; reject: (error: unknown) => void };
  /** A stream's queue, and the reader waiting on it. */
  queue?: Reply[];
  wake?: () => void;
}

export class RemoteEventLog implements EventLog {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private queued = 0;
  private closedError: Error | undefined;

  private constructor(
    private readonly socket: Socket,
    /** The socket path, named in errors. */
    readonly path: string,
  ) {}

  /** Who holds the log, as it answered `hello`. */
  holder!: Hello;

  /** Connects to the endpoint at `path`; rejects with the socket error (ENOENT, ECONNREFUSED) if nobody answers. */
  static async connect(path: string, options: { timeoutMs?: number } = {}): Promise<RemoteEventLog> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect(path);
      const timer = setTimeout(() => {
        s.destroy();
        reject(Object.assign(new Error(`no answer on ${path}`), { code: "ETIMEDOUT" }));
      }, options.timeoutMs ?? 2000);
      s.once("connect", () => {
        clearTimeout(timer);
        resolve(s);
      });
      s.once("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    const log = new RemoteEventLog(socket, path);
    log.listen();
    try {
      log.holder = Hello.parse(await log.call("hello", {}, options.timeoutMs ?? HELLO_TIMEOUT_MS));
    } catch (error) {
      await log.close();
      throw error;
    }
    return log;
  }

  // ---- reads ---------------------------------------------------------------------------------

  async getThread(threadId: string): Promise<ThreadMeta | undefined> {
    return ((await this.call("getThread", { threadId })) as ThreadMeta | null) ?? undefined;
  }

  async listThreads(): Promise<ThreadMeta[]> {
    return (await this.call("listThreads", {})) as ThreadMeta[];
  }

  async head(threadId: string): Promise<number> {
    return (await this.call("head", { threadId })) as number;
  }

  async getSnapshot<T = unknown>(threadId: string, atOrBeforeSeq: number): Promise<Snapshot<T> | undefined> {
    return ((await this.call("getSnapshot", { threadId, atOrBeforeSeq })) as Snapshot<T> | null) ?? undefined;
  }

  async getSnapshotParts(keys: readonly string[]): Promise<Array<string | undefined>> {
    const found = (await this.call("getSnapshotParts", { keys: [...keys] })) as Array<string | null>;
    return keys.map((_, i) => (typeof found[i] === "string" ? found[i] : undefined));
  }

  read(threadId: string, range: ReadRange = {}): AsyncIterable<LogEntry> {
    return this.stream("read", { threadId, from: range.from, to: range.to });
  }

  subscribe(threadId: string, fromSeq: number, options: SubscribeOptions = {}): AsyncIterable<LogEntry> {
    return this.stream("subscribe", { threadId, fromSeq }, options.signal);
  }

  // ---- writes: not through here ----------------------------------------------------------------

  async createThread(_options?: CreateThreadOptions): Promise<ThreadMeta> {
    throw new ReadOnlyLogError("create a thread", this.holder.dir);
  }

  async updateThread(_threadId: string, _patch: { name?: string }): Promise<ThreadMeta> {
    throw new ReadOnlyLogError("rename a thread", this.holder.dir);
  }

  async append(_threadId: string, _entries: readonly NewEntry[]): Promise<LogEntry[]> {
    throw new ReadOnlyLogError("append", this.holder.dir);
  }

  async fork(_sourceThreadId: string, _atSeq: number): Promise<ThreadMeta> {
    throw new ReadOnlyLogError("fork a thread", this.holder.dir);
  }

  async putSnapshot(_threadId: string, _seq: number, _data: unknown): Promise<void> {}

  async close(): Promise<void> {
    this.fail(new RemoteLogError("the remote log is closed"));
    await new Promise<void>((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.once("close", () => resolve());
      this.socket.end();
      this.socket.destroy();
    });
  }

  // ---- the connection ------------------------------------------------------------------------

  private listen(): void {
    let buffer = "";
    this.socket.setEncoding("utf8");
    this.socket.on("data", (text: string) => {
      buffer += text;
      for (let newline = buffer.indexOf("\n"); newline >= 0; newline = buffer.indexOf("\n")) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        this.receive(line);
      }
      if (buffer.length > MAX_REPLY_CHARS) {
        this.fail(new RemoteLogError(`the process serving ${this.path} sent a message larger than ${MAX_REPLY_CHARS} characters`));
        this.socket.destroy();
      }
    });
    let socketError: Error | undefined;
    this.socket.on("error", (error) => (socketError = error));
    this.socket.on("close", () => {
      const why = socketError ? ` (${socketError.message})` : "";
      this.fail(new RemoteLogError(`the process serving ${this.path} closed the connection${why}`, { cause: socketError }));
    });
  }

  private receive(line: string): void {
    let reply: Reply;
    try {
      reply = JSON.parse(line) as Reply;
    } catch (error) {
      this.fail(new RemoteLogError(`the process serving ${this.path} sent something that is not JSON`, { cause: error }));
      this.socket.destroy();
      return;
    }
    const pending = this.pending.get(reply?.id);
    if (!pending) return;
    if (pending.settle) {
      this.pending.delete(reply.id);
      if ("error" in reply) pending.settle.reject(remoteError(reply.error));
      else pending.settle.resolve((reply as { result?: unknown }).result);
      return;
    }
    pending.queue!.push(reply);
    this.queued += 1;
    if (this.queued >= HIGH_WATER) this.socket.pause();
    pending.wake?.();
  }

  /** Ends every request in flight with `error` (the connection is gone). */
  private fail(error: Error): void {
    this.closedError ??= error;
    for (const [id, pending] of this.pending) {
      if (pending.settle) {
        this.pending.delete(id);
        pending.settle.reject(error);
      } else pending.wake?.();
    }
  }

  private send(message: unknown): void {
    if (this.closedError) throw this.closedError;
    this.socket.write(`${JSON.stringify(message)}\n`);
  }

  private call(method: string, params: Record<string, unknown>, timeoutMs = CALL_TIMEOUT_MS): Promise<unknown> {
    if (this.closedError) return Promise.reject(this.closedError);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(Object.assign(new RemoteLogError(`the process serving ${this.path} did not answer ${method} within ${timeoutMs} ms`), { code: "ETIMEDOUT" }));
      }, timeoutMs);
      const settle = {
        resolve: (value: unknown) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.pending.set(id, { settle });
      this.send({ id, method, params });
    });
  }

  private async *stream(method: string, params: Record<string, unknown>, signal?: AbortSignal): AsyncGenerator<LogEntry> {
    if (this.closedError) throw this.closedError;
    signal?.throwIfAborted();
    const id = this.nextId++;
    const pending: Pending = { queue: [] };
    this.pending.set(id, pending);
    const onAbort = () => pending.wake?.();
    signal?.addEventListener("abort", onAbort, { once: true });
    let finished = false;
    try {
      this.send({ id, method, params });
      for (;;) {
        if (signal?.aborted) return;
        const reply = pending.queue!.shift();
        if (!reply) {
          if (this.closedError) throw this.closedError;
          await new Promise<void>((resolve) => (pending.wake = resolve));
          pending.wake = undefined;
          continue;
        }
        this.queued -= 1;
        if (this.queued < HIGH_WATER / 4 && this.socket.isPaused()) this.socket.resume();
        if ("error" in reply) {
          finished = true;
          throw remoteError(reply.error);
        }
        if ("done" in reply) {
          finished = true;
          return;
        }
        for (const raw of (reply as { entries: unknown[] }).entries) yield parseLogEntry(raw);
      }
    } finally {
      signal?.removeEventListener("abort", onAbort);
      this.queued -= pending.queue!.length;
      this.pending.delete(id);
      if (!finished && !this.closedError) this.send({ cancel: id });
      if (this.socket.isPaused() && this.queued < HIGH_WATER / 4) this.socket.resume();
    }
  }
}

/** The holder's error, under its own name (ThreadNotFoundError, SeqOutOfRangeError, ...). */
function remoteError(failure: { name?: unknown; message?: unknown }): Error {
  const error = new RemoteLogError(typeof failure?.message === "string" ? failure.message : "the remote log failed");
  if (typeof failure?.name === "string") error.name = failure.name;
  return error;
}
