// Process checks for the unified exec tests: is a pid alive, and a bounded wait for it to go.
import { readdirSync, readFileSync } from "node:fs";

/** True while `pid` exists and is not a zombie waiting to be reaped. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // A killed child of ours may linger as a zombie until reaped; it no longer runs.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.split(") ")[1]?.[0] !== "Z";
  } catch {
    return false;
  }
}

/** Resolves once `pid` is gone; rejects after `timeoutMs` (a bound, not a timing assertion). */
export async function waitUntilGone(pid: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (alive(pid)) {
    if (Date.now() > deadline) throw new Error(`process ${pid} still runs after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A sleep duration no other process uses, to find the test's processes among the host's. */
export function uniqueSleep(): string {
  return `${30 + Math.floor(Math.random() * 1000)}.${Math.floor(Math.random() * 1e6)}`;
}

/**
 * Host pids of the running processes whose command line contains `marker` (commands may run in a
 * pid namespace, where their own `$$` is not the host's pid).
 */
export function pidsWith(marker: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0");
      if (cmdline.some((arg) => arg.includes(marker)) && alive(Number(name))) pids.push(Number(name));
    } catch {
      // Gone while we looked.
    }
  }
  return pids;
}

/** Waits (bounded) until some process carries `marker`; resolves with their pids. */
export async function waitForPids(marker: string, timeoutMs = 10_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pids = pidsWith(marker);
    if (pids.length > 0) return pids;
    if (Date.now() > deadline) throw new Error(`no process with ${marker} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Waits (bounded) until no process carries `marker`. */
export async function waitUntilNone(marker: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (pidsWith(marker).length > 0) {
    if (Date.now() > deadline) throw new Error(`processes with ${marker} still run after ${timeoutMs} ms: ${pidsWith(marker).join(", ")}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
