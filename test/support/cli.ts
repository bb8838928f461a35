/** Runs the built `loom` command as a real child process and reads its JSON-line events. */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export const LOOM_BIN = fileURLToPath(new URL("../../bin/loom.js", import.meta.url));

export interface LoomProcess {
  child: ChildProcessWithoutNullStreams;
  /** Every stdout line parsed as JSON, in order. */
  events: any[];
  /** Resolves with the first event (already seen or future) that matches. */
  waitFor(predicate: (event: any) => boolean): Promise<any>;
  send(line: unknown): void;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

export function spawnLoom(args: string[], env: Record<string, string | undefined> = {}): LoomProcess {
  const child = spawn(process.execPath, [LOOM_BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const events: any[] = [];
  const waiters: { predicate: (event: any) => boolean; resolve: (event: any) => void }[] = [];
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  createInterface({ input: child.stdout }).on("line", (line) => {
    let event: any;
    try {
      event = JSON.parse(line);
    } catch {
      event = { raw: line };
    }
    events.push(event);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(event)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(event);
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal, stderr })),
  );
  return {
    child,
    events,
    exited,
    send: (line) => child.stdin.write(`${typeof line === "string" ? line : JSON.stringify(line)}\n`),
    waitFor(predicate) {
      const seen = events.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ predicate, resolve });
        void exited.then(({ code, stderr: err }) => reject(new Error(`loom exited (${code}) before the event; stderr:\n${err}`)));
      });
    },
  };
}

export function runLoom(args: string[], env: Record<string, string | undefined> = {}) {
  const proc = spawnLoom(args, env);
  proc.child.stdin.end();
  let stdout = "";
  proc.child.stdout.on("data", (chunk) => (stdout += chunk));
  return proc.exited.then((result) => ({ ...result, stdout, lines: proc.events }));
}

/** Runs `loom` in this process (much faster than a child) with captured output and a piped stdin. */
export async function runMain(
  args: string[],
  options: { stdin?: string | Buffer; env?: Record<string, string | undefined> } = {},
): Promise<{ code: number; out: string[]; err: string[]; stdout: string; stderr: string }> {
  const { main } = await import("../../src/cli/main.js");
  const { Readable } = await import("node:stream");
  const out: string[] = [];
  const err: string[] = [];
  const input = options.stdin === undefined ? [] : [typeof options.stdin === "string" ? Buffer.from(options.stdin) : options.stdin];
  const code = await main(args, {
    out: (line) => void out.push(line),
    err: (line) => void err.push(line),
    stdin: Readable.from(input),
    stdinIsTTY: false,
    stderrIsTTY: false,
    env: { ...process.env, ...options.env },
  });
  return { code, out, err, stdout: out.join("\n"), stderr: err.join("\n") };
}
