// The reference MCP servers from the npm registry, started for real: server-everything over stdio
// (as an `mcp_servers` entry Loom spawns) or over streamable HTTP on a loopback port, and
// server-filesystem. Waits are on output lines and events, never on time.
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { McpServerConfig } from "../../src/config/index.js";
import type { Thread } from "../../src/runtime/thread.js";
import type { LogEntry } from "../../src/events/index.js";

export const EVERYTHING_BIN = fileURLToPath(new URL("../../node_modules/@modelcontextprotocol/server-everything/dist/index.js", import.meta.url));
export const FILESYSTEM_BIN = fileURLToPath(new URL("../../node_modules/@modelcontextprotocol/server-filesystem/dist/index.js", import.meta.url));

/** server-everything over stdio, spawned by Loom. */
export function everythingStdio(extra: Partial<McpServerConfig> = {}): McpServerConfig {
  return { command: process.execPath, args: [EVERYTHING_BIN, "stdio"], ...extra };
}

/** server-filesystem, allowed to touch `root` only. */
export function filesystemStdio(root: string): McpServerConfig {
  return { command: process.execPath, args: [FILESYSTEM_BIN, root] };
}

/** A port nothing listens on right now (server-everything reads PORT and cannot be given 0). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface HttpEverything {
  url: string;
  port: number;
  child: ChildProcess;
  /** Kills the server with `signal` and resolves once it has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** server-everything's streamable HTTP mode on `port`; resolves once it says it listens. */
export async function startEverythingHttp(port?: number): Promise<HttpEverything> {
  const chosen = port ?? (await freePort());
  const child = spawn(process.execPath, [EVERYTHING_BIN, "streamableHttp"], {
    env: { PATH: process.env.PATH, PORT: String(chosen) },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const lines = createInterface({ input: child.stderr! });
    lines.on("line", (line) => {
      if (line.includes("listening on port")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`server-everything (HTTP) exited with ${code} before listening`)));
  });
  return {
    url: `http://127.0.0.1:${chosen}/mcp`,
    port: chosen,
    child,
    async kill(signal = "SIGKILL") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** Pids of this process's children whose command line contains `marker`. */
export function childPids(marker: string): number[] {
  const out = execFileSync("ps", ["-eo", "pid=,ppid=,args="], { encoding: "utf8" });
  return out
    .split("\n")
    .map((line) => line.trim().match(/^(\d+)\s+(\d+)\s+(.*)$/))
    .filter((m): m is RegExpMatchArray => m !== null && Number(m[2]) === process.pid && m[3]!.includes(marker))
    .map((m) => Number(m[1]));
}

/** Resolves with the first entry (already logged or future) of `thread` that matches. */
export async function entryWhere(thread: Thread, predicate: (entry: LogEntry) => boolean): Promise<LogEntry> {
  // Listen first, then read the log, so an entry landing in between is not missed.
  let resolveFuture!: (entry: LogEntry) => void;
  const future = new Promise<LogEntry>((resolve) => (resolveFuture = resolve));
  const subscription = thread.entries$.subscribe((entry) => {
    if (predicate(entry)) resolveFuture(entry);
  });
  try {
    return (await thread.entries()).find(predicate) ?? (await future);
  } finally {
    subscription.unsubscribe();
  }
}

/** The `function_call_output` the model got for `callId`, from a recorded request body. */
export function outputFor(input: any[], callId: string): any {
  return input.find((item) => item.type === "function_call_output" && item.call_id === callId);
}
