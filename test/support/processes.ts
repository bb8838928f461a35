/**
 * Finding processes by a marker in their command line (host view, from /proc), so tests can tell
 * whether a command's children still run even when they lived in another pid namespace.
 */
import { readdir, readFile } from "node:fs/promises";

/** A unique `sleep` duration to find a test's processes by (`sleep 30.4821...`). */
export function sleepMarker(seconds = 30): string {
  return `${seconds}.${String(Math.floor(Math.random() * 1e9)).padStart(9, "0")}`;
}

/** Pids of live (non-zombie) `sleep MARKER` processes. */
export async function pidsWithMarker(marker: string): Promise<number[]> {
  const pids: number[] = [];
  for (const name of await readdir("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const cmdline = await readFile(`/proc/${name}/cmdline`, "utf8").catch(() => "");
    const argv = cmdline.split("\0");
    if (!argv[0]?.endsWith("sleep") || argv[1] !== marker) continue;
    const stat = await readFile(`/proc/${name}/stat`, "utf8").catch(() => "");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    if (stat !== "" && state !== "Z") pids.push(Number(name));
  }
  return pids;
}

/** Resolves with the processes still running after `withinMs` (empty: all gone in time). */
export async function survivorsAfter(marker: string, withinMs: number): Promise<number[]> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const pids = await pidsWithMarker(marker);
    if (pids.length === 0 || Date.now() >= deadline) return pids;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Resolves once `count` processes carry `marker` (bounded). */
export async function waitForMarker(marker: string, count = 1, withinMs = 10_000): Promise<number[]> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const pids = await pidsWithMarker(marker);
    if (pids.length >= count) return pids;
    if (Date.now() >= deadline) throw new Error(`no process with ${marker} appeared within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
