/**
 * `loom serve`: the HTTP API and the inspector over a data dir, until SIGINT or SIGTERM. This
 * process owns the data dir while it runs (LevelDB allows one), so threads started, forked or
 * answered from the browser run here.
 */
import { UserError } from "../runtime/errors.js";
import { startServer, tokenFromEnv } from "../server/index.js";
import { nonNegativeInt, parse } from "./args.js";
import { openRuntime } from "./context.js";
import type { CliIO } from "./io.js";

export const DEFAULT_PORT = 7878;
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

export async function serveCommand(argv: string[], io: CliIO, until: AbortSignal = shutdownSignal()): Promise<number> {
  const { values, positionals } = parse(argv, { host: { type: "string" }, port: { type: "string" } });
  if (positionals.length) throw new UserError(`unexpected argument ${JSON.stringify(positionals[0])}; usage: loom serve [--host H] [--port P]`);
  const host = values.host ?? "127.0.0.1";
  const port = values.port !== undefined ? nonNegativeInt(values.port, "--port") : DEFAULT_PORT;
  if (port > 65535) throw new UserError(`--port must be at most 65535, got ${port}`);
  let token: string;
  try {
    token = tokenFromEnv(process.env);
  } catch (error) {
    throw new UserError((error as Error).message);
  }
  const runtime = await openRuntime(values, { access: "create", report: io });
  try {
    const server = await startServer({ runtime, token, host, port }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") throw new UserError(`port ${port} on ${host} is in use; pick another with --port (0 for any free one)`);
      if (error.code === "EADDRNOTAVAIL" || error.code === "ENOTFOUND") throw new UserError(`cannot listen on ${host}: no such local address`);
      throw error;
    });
    if (!LOOPBACK.test(host)) io.err(`loom serve: listening on ${host}, not loopback: anyone who can reach it and has the token can run commands as you`);
    io.out(`loom serve: inspector at ${server.url}#token=${token}`);
    io.out(`loom serve: API at ${server.url}api (Authorization: Bearer ${token})`);
    await new Promise<void>((resolve) => (until.aborted ? resolve() : until.addEventListener("abort", () => resolve(), { once: true })));
    io.err("loom serve: stopping");
    await server.close();
    return 0;
  } finally {
    await runtime.close();
  }
}

/** Aborts on the first SIGINT or SIGTERM (a second one kills the process as usual). */
function shutdownSignal(): AbortSignal {
  const controller = new AbortController();
  const stop = () => {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    controller.abort();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  return controller.signal;
}
