/** Places outside every writable root, and a tiny HTTP server on loopback, for sandbox tests. */
import { existsSync } from "node:fs";
import { mkdtemp, realpath } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";

/**
 * A directory no workspace-write policy covers: not under /tmp or $TMPDIR (both writable roots by
 * default), so writes there must be denied.
 */
export async function outsideDir(): Promise<string> {
  const base = existsSync("/var/tmp") && !(await realpath("/var/tmp")).startsWith(await realpath(tmpdir())) ? "/var/tmp" : homedir();
  return realpath(await mkdtemp(join(base, "loom-outside-")));
}

export async function scratchDir(prefix = "loom-sandbox-"): Promise<string> {
  return realpath(await mkdtemp(join(tmpdir(), prefix)));
}

/** An HTTP server on 127.0.0.1:0 that answers every request with `reached`. */
export async function startLoopbackServer(): Promise<{ url: string; hits: () => number; close(): Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((_, res) => {
    hits += 1;
    res.end("reached");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    hits: () => hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
