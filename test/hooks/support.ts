// Hook scripts written by the tests: real commands a Codex user would write, configured in Codex's
// hooks.json format.
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** Writes an executable sh script and returns its path. */
export async function script(dir: string, name: string, body: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, name);
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

type Group = { matcher?: string; hooks: { type: "command"; command: string; timeout?: number }[] };

/** Writes `<folder>/hooks.json` with one command per event (and optional matcher). */
export async function hooksJson(folder: string, events: Record<string, Group[]>): Promise<string> {
  await mkdir(folder, { recursive: true });
  const path = join(folder, "hooks.json");
  await writeFile(path, JSON.stringify({ hooks: events }, null, 2));
  return path;
}

export const command = (path: string, timeout?: number): Group => ({ hooks: [{ type: "command", command: path, ...(timeout ? { timeout } : {}) }] });

/** The JSON payloads a logging hook appended, one per line. */
export async function payloads(path: string): Promise<any[]> {
  const text = await readFile(path, "utf8").catch(() => "");
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line));
}
