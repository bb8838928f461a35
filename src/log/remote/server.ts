/**
 * The read endpoint of a log held by this process: other processes (the CLI's read commands, and
 * later `loom serve`'s clients) read threads, entries and snapshots through it while this process
 * keeps writing. LevelDB allows one process per directory; this is how the others still read.
 *
 * The socket is created 0600 (umask around the bind, then chmod), so only the data dir's owner can
 * connect. A socket file left by a process that was SIGKILLed is stale by construction when we get
 * here (the caller holds the log's lock, which the kernel released with the dead process), so it is
 * replaced. Everything is bounded: request size, streams per connection, and a stream's writes wait
 * for the socket to drain.
 */
import { chmod, lstat, mkdir, unlink } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import type { LogEntry } from "../../events/index.js";
import type { EventLog } from "../types.js";
import { endpointPath } from "./path.js";
import { Cancel, MAX_REQUEST_BYTES, PROTOCOL_VERSION, Request, STREAM_CHUNK, type Hello } from "./protocol.js";

/** Streams (reads and subscriptions) one connection may have open at once. */
const MAX_STREAMS_PER_CONNECTION = 32;
/** A streamed message is flushed once its entries' JSON passes this many characters. */
const CHUNK_CHARS = 1 << 20;

export interface LogEndpointOptions {
  /** Reported by `hello` (the Loom version holding the log). */
  version: string;
}

export class LogEndpoint {
  private readonly sockets = new Set<Socket>();
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly server: Server,
    /** The socket's path, for readers and for removal at close. */
    readonly path: string,
  ) {}

  /** Listens for readers of `log` (held by this process at `logDir`). */
  static async listen(log: EventLog, logDir: string, options: LogEndpointOptions): Promise<LogEndpoint> {
    const { socket: path, privateDir } = endpointPath(logDir);
    if (privateDir) {
      await mkdir(privateDir, { recursive: true, mode: 0o700 });
      // Someone else's directory of that name (in a shared temp dir) is not ours to serve from.
      if ((await lstat(privateDir)).uid !== process.getuid?.()) throw new Error(`cannot serve readers in ${privateDir}: another user owns it`);
      await chmod(privateDir, 0o700);
    }
    await removeStaleSocket(path);
    const hello: Hello = { protocol: PROTOCOL_VERSION, pid: process.pid, dir: logDir, version: options.version };
    const endpoint: LogEndpoint = new LogEndpoint(
      createServer((socket) => endpoint.accept(socket, log, hello)),
      path,
    );
    await endpoint.bind();
    return endpoint;
  }

  private async bind(): Promise<void> {
    // The umask makes the socket 0600 from its creation. It is process-wide, so it is put back at
    // once: the bind happens inside listen(), synchronously. The chmod covers file systems (and
    // Node versions) where it does not.
    let listening: Promise<void>;
    const previous = process.umask(0o177);
    try {
      listening = new Promise<void>((resolve, reject) => {
        this.server.once("error", reject);
        this.server.listen(this.path, () => {
          this.server.off("error", reject);
          resolve();
        });
      });
    } finally {
      process.umask(previous);
    }
    await listening;
    await chmod(this.path, 0o600);
  }

  /** Stops listening, ends every connection and removes the socket file. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      for (const socket of this.sockets) socket.destroy();
      await closed;
      await unlink(this.path).catch(() => undefined);
    })();
    return this.closing;
  }

  private accept(socket: Socket, log: EventLog, hello: Hello): void {
    this.sockets.add(socket);
    const streams = new Map<number, AbortController>();
    const send = (message: unknown): boolean => !socket.destroyed && socket.write(`${JSON.stringify(message)}\n`);
    const drained = (): Promise<void> =>
      socket.destroyed || !socket.writableNeedDrain
        ? Promise.resolve()
        : new Promise((resolve) => {
            const done = () => {
              socket.off("drain", done);
              socket.off("close", done);
              resolve();
            };
            socket.on("drain", done);
            socket.on("close", done);
          });
    const failure = (id: number, error: unknown) =>
      send({ id, error: { name: (error as Error)?.name ?? "Error", message: (error as Error)?.message ?? String(error) } });

    const stream = async (id: number, entries: AsyncIterable<LogEntry>, controller: AbortController): Promise<void> => {
      let chunk: LogEntry[] = [];
      let chars = 0;
      const flush = async () => {
        if (chunk.length === 0) return;
        send({ id, entries: chunk });
        chunk = [];
        chars = 0;
        await drained();
      };
      const iterator = entries[Symbol.asyncIterator]();
      try {
        for (;;) {
          const next = iterator.next();
          // Entries are batched while they come at once (a backlog); a subscription that has to
          // wait for the next append first sends what it has, so a reader sees live entries live.
          if (chunk.length > 0 && !(await settledSoon(next))) await flush();
          const result = await next;
          if (result.done) break;
          if (controller.signal.aborted || socket.destroyed) return;
          chunk.push(result.value);
          chars += JSON.stringify(result.value.payload).length;
          if (chunk.length >= STREAM_CHUNK || chars >= CHUNK_CHARS) await flush();
        }
        await flush();
        if (!controller.signal.aborted) send({ id, done: true });
      } catch (error) {
        if (!controller.signal.aborted) failure(id, error);
      } finally {
        streams.delete(id);
        await iterator.return?.(undefined)?.catch(() => undefined);
      }
    };

    const handle = async (request: Request): Promise<void> => {
      switch (request.method) {
        case "hello":
          return void send({ id: request.id, result: hello });
        case "listThreads":
          return void send({ id: request.id, result: await log.listThreads() });
        case "getThread":
          return void send({ id: request.id, result: (await log.getThread(request.params.threadId)) ?? null });
        case "head":
          return void send({ id: request.id, result: await log.head(request.params.threadId) });
        case "getSnapshot":
          return void send({ id: request.id, result: (await log.getSnapshot(request.params.threadId, request.params.atOrBeforeSeq)) ?? null });
        case "getSnapshotParts":
          // JSON has no undefined: a missing part travels as null.
          return void send({ id: request.id, result: ((await log.getSnapshotParts?.(request.params.keys)) ?? []).map((json) => json ?? null) });
        case "read":
        case "subscribe": {
          if (streams.size >= MAX_STREAMS_PER_CONNECTION) throw new Error(`more than ${MAX_STREAMS_PER_CONNECTION} streams on one connection`);
          const controller = new AbortController();
          streams.set(request.id, controller);
          const { threadId } = request.params;
          const entries =
            request.method === "read"
              ? log.read(threadId, { from: request.params.from, to: request.params.to })
              : log.subscribe(threadId, request.params.fromSeq, { signal: controller.signal });
          return stream(request.id, entries, controller);
        }
        default: {
          const unreachable: never = request;
          throw new Error(`unknown method ${JSON.stringify(unreachable)}`);
        }
      }
    };

    let buffer = "";
    socket.setEncoding("utf8");
    socket.on("data", (text: string) => {
      buffer += text;
      for (let newline = buffer.indexOf("\n"); newline >= 0; newline = buffer.indexOf("\n")) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        if (line.trim()) dispatch(line);
      }
      if (buffer.length > MAX_REQUEST_BYTES) {
        failure(-1, new Error(`a request longer than ${MAX_REQUEST_BYTES} bytes`));
        socket.destroy();
      }
    });
    const dispatch = (line: string): void => {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        return void failure(-1, new Error("a request that is not JSON"));
      }
      const cancel = Cancel.safeParse(value);
      if (cancel.success) return void streams.get(cancel.data.cancel)?.abort();
      const parsed = Request.safeParse(value);
      if (!parsed.success) {
        const id = typeof (value as { id?: unknown })?.id === "number" ? (value as { id: number }).id : -1;
        return void failure(id, new Error(`not a request this endpoint answers: ${line.slice(0, 200)}`));
      }
      handle(parsed.data).catch((error: unknown) => failure(parsed.data.id, error));
    };
    socket.on("error", () => socket.destroy());
    socket.on("close", () => {
      this.sockets.delete(socket);
      for (const controller of streams.values()) controller.abort();
      streams.clear();
    });
  }
}

/** Whether `promise` settles before the event loop turns (it had its value ready, or nearly). */
function settledSoon(promise: Promise<unknown>): Promise<boolean> {
  return Promise.race([
    promise.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => setImmediate(() => resolve(false))),
  ]);
}

/** Removes a socket file a dead holder left behind; anything else at that path is not ours to delete. */
async function removeStaleSocket(path: string): Promise<void> {
  let stat;
  try {
    stat = await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  if (!stat.isSocket()) throw new Error(`cannot serve readers at ${path}: something that is not a socket is there`);
  await unlink(path);
}
