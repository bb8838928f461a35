/**
 * `startServer`: the HTTP server of `loom serve`. `/api/*` needs the bearer token and answers JSON
 * (or an event stream); everything else is the inspector's static files. It binds to loopback
 * unless told otherwise, and `close()` ends open event streams before it resolves.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Runtime } from "../runtime/runtime.js";
import { OpRejectedError, UserError } from "../runtime/errors.js";
import { checkBearer } from "./auth.js";
import { findRoute } from "./api.js";
import { ApiError, BadRequestError, NotFoundError } from "./errors.js";
import { sendError, sendJson } from "./http.js";
import { DEFAULT_INSPECTOR_DIR, SECURITY_HEADERS, serveStatic } from "./static.js";
import { ThreadHub } from "./threads.js";

export interface ServeOptions {
  runtime: Runtime;
  /** The bearer token every API request must carry. */
  token: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Where the built inspector is (default: the package's dist/inspector). */
  inspectorDir?: string;
  /** Unexpected errors (a 500): default stderr. */
  onError?: (error: unknown, req: IncomingMessage) => void;
}

export interface LoomServer {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly token: string;
  readonly hub: ThreadHub;
  /** Stops accepting, ends event streams and open connections. The runtime is the caller's to close. */
  close(): Promise<void>;
}

/** Statuses for the errors the runtime and the log raise, by name (no import of every class needed). */
const STATUS_BY_NAME: Record<string, number> = {
  ThreadNotFoundError: 404,
  InvalidThreadIdError: 404,
  SeqOutOfRangeError: 400,
  ConcurrencyError: 409,
  ReplayError: 422,
  LogClosedError: 503,
  // A required MCP server of the thread did not start: the thread cannot open, the request was fine.
  McpStartupError: 502,
};

export function toApiError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (error instanceof UserError) {
    return /^unknown thread /.test(error.message) ? new NotFoundError(error.message) : new BadRequestError(error.message, { cause: error });
  }
  if (error instanceof OpRejectedError) return new ApiError(409, error.message, { cause: error });
  const status = STATUS_BY_NAME[(error as Error)?.name];
  return status ? new ApiError(status, (error as Error).message, { cause: error }) : undefined;
}

export async function startServer(options: ServeOptions): Promise<LoomServer> {
  const hub = new ThreadHub(options.runtime);
  const shutdown = new AbortController();
  const inspectorDir = options.inspectorDir ?? DEFAULT_INSPECTOR_DIR;
  const onError = options.onError ?? ((error) => process.stderr.write(`loom serve: ${(error as Error)?.stack ?? String(error)}\n`));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://loom.invalid");
    const method = req.method ?? "GET";
    if (url.pathname === "/api" || url.pathname.startsWith("/api/")) {
      checkBearer(req, options.token);
      const found = findRoute(method, url.pathname);
      if ("status" in found) {
        if (found.allow) res.setHeader("allow", found.allow);
        throw found.status === 405 ? new ApiError(405, `${method} is not allowed on ${url.pathname} (allowed: ${found.allow})`) : new NotFoundError(`no API route ${method} ${url.pathname}`);
      }
      // Work for a client that went away (an aborted fetch: the inspector drops questions the
      // cursor has moved past) stops, rather than holding up the requests behind it.
      const gone = new AbortController();
      res.once("close", () => gone.abort());
      await found.route.handler({ hub, req, res, query: url.searchParams, params: found.params, signal: AbortSignal.any([shutdown.signal, gone.signal]) });
      return;
    }
    if (method !== "GET" && method !== "HEAD") {
      res.setHeader("allow", "GET, HEAD");
      throw new ApiError(405, `${method} is not allowed on ${url.pathname}`);
    }
    if (await serveStatic(inspectorDir, url.pathname, res, method === "HEAD")) return;
    if (url.pathname === "/" || url.pathname === "/index.html") {
      res.writeHead(503, { ...SECURITY_HEADERS, "content-type": "text/plain; charset=utf-8" });
      res.end(`The inspector is not built (no ${inspectorDir}index.html): run \`npm run build\` in the loom package. The API under /api works.\n`);
      return;
    }
    throw new NotFoundError(`no such file ${url.pathname}`);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // The client went away mid-request: nobody is left to answer.
      if (req.socket.destroyed || (error as NodeJS.ErrnoException)?.code === "ECONNRESET") return void res.destroy();
      const apiError = toApiError(error);
      if (apiError) return sendError(res, apiError);
      onError(error, req);
      if (!res.headersSent) sendJson(res, 500, { error: `internal error: ${(error as Error)?.message ?? String(error)}` });
      else res.destroy();
    });
  });
  // Event streams live long; a dead peer is found by the socket, not by a request timeout.
  server.requestTimeout = 60_000;
  server.headersTimeout = 30_000;

  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${address.port}/`,
    host: address.address,
    port: address.port,
    token: options.token,
    hub,
    close() {
      closing ??= new Promise<void>((resolve) => {
        shutdown.abort();
        server.close(() => resolve());
        server.closeIdleConnections();
        // Streams end on the abort above; whatever is still open after that is cut.
        setImmediate(() => server.closeAllConnections());
      });
      return closing;
    },
  };
}
