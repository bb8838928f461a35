/**
 * `loom/testing`: replay recorded threads in a test suite (vitest, node:test, anything that treats
 * a thrown error as a failure), and record new fixtures from live runs.
 *
 *   const report = await expectReplay("test/fixtures/session.jsonl");   // throws on divergence
 *   await recordFixture(thread, "test/fixtures/session.jsonl");          // after a live run
 *
 * A path may also name a Codex rollout (`~/.codex/sessions/.../rollout-*.jsonl`): it is told apart
 * by its first line and re-executed as `loom replay ROLLOUT.jsonl` does, without a model.
 *
 *   it.each(rolloutFiles("test/rollouts"))("%s", (file) => expectReplay(file));
 */
import { readdirSync, statSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseLogEntry, type LogEntry } from "../events/index.js";
import type { EventLog } from "../log/index.js";
import type { Thread } from "../runtime/thread.js";
import { formatDivergence, replayEntries, type Divergence, type ReplayOptions, type ReplayReport } from "../replay/reexecute/index.js";
import {
  firstLineOf,
  formatRolloutDivergence,
  looksLikeRollout,
  replayRollout,
  type RolloutReplayOptions,
  type RolloutReplayReport,
} from "../replay/codex/index.js";

export type { ReplayOptions, ReplayReport, Divergence } from "../replay/reexecute/index.js";
export type { RolloutReplayOptions, RolloutReplayReport, RolloutDivergence } from "../replay/codex/index.js";
export { UnreplayableRolloutError, formatRolloutDivergence } from "../replay/codex/index.js";
export { formatDivergence } from "../replay/reexecute/index.js";

/** A recording: a fixture file (JSON lines of log entries), entries, or a thread of a log. */
export type RecordingSource = string | readonly LogEntry[] | { log: EventLog; threadId: string };

/** The replay found the machines doing something else than the recording. */
export class ReplayDivergenceError extends Error {
  override readonly name = "ReplayDivergenceError";
  constructor(readonly divergence: Divergence) {
    super(formatDivergence(divergence));
  }
}

/** Reads a fixture written by `recordFixture` or `loom log ID --json`. */
export async function loadFixture(path: string): Promise<LogEntry[]> {
  const text = await readFile(path, "utf8");
  return text
    .split("\n")
    .map((line, index) => ({ line, index }))
    .filter(({ line }) => line.trim() !== "")
    .map(({ line, index }) => {
      try {
        return parseLogEntry(JSON.parse(line));
      } catch (error) {
        throw new Error(`${path}:${index + 1}: not a Loom log entry: ${(error as Error).message}`, { cause: error });
      }
    });
}

async function entriesOf(source: RecordingSource): Promise<readonly LogEntry[]> {
  if (typeof source === "string") return loadFixture(source);
  if (Array.isArray(source)) return source as readonly LogEntry[];
  const { log, threadId } = source as { log: EventLog; threadId: string };
  const entries: LogEntry[] = [];
  for await (const entry of log.read(threadId)) entries.push(entry);
  return entries;
}

/** Re-executes a recording and reports what happened (never throws for a divergence). */
export async function replayRecording(source: RecordingSource, options: ReplayOptions = {}): Promise<ReplayReport> {
  return replayEntries(await entriesOf(source), options);
}

/** A Codex rollout re-executed by Loom differs from it: the message names the rollout's line. */
export class RolloutDivergenceError extends Error {
  override readonly name = "RolloutDivergenceError";
  constructor(readonly report: RolloutReplayReport) {
    super(formatRolloutDivergence(report));
  }
}

/** Re-executes a Codex rollout (path or `{ text }`); throws `RolloutDivergenceError` at the first divergence. */
export async function expectRolloutReplay(source: string | { text: string }, options: RolloutReplayOptions = {}): Promise<RolloutReplayReport> {
  const report = await replayRollout(typeof source === "string" ? { path: source } : source, options);
  if (report.divergence) throw new RolloutDivergenceError(report);
  return report;
}

/**
 * Re-executes a recording and throws at the first divergence: `ReplayDivergenceError` for a Loom
 * recording, `RolloutDivergenceError` for a Codex rollout (a path whose first line is a rollout line).
 */
export async function expectReplay(source: Exclude<RecordingSource, string>, options?: ReplayOptions): Promise<ReplayReport>;
export async function expectReplay(source: string, options?: ReplayOptions & RolloutReplayOptions): Promise<ReplayReport | RolloutReplayReport>;
export async function expectReplay(source: RecordingSource, options: ReplayOptions & RolloutReplayOptions = {}): Promise<ReplayReport | RolloutReplayReport> {
  if (typeof source === "string" && looksLikeRollout(await firstLineOf(source))) {
    const { live, cwd, commandEnv, stallMs, config, tools, signal } = options;
    return expectRolloutReplay(source, { live, cwd, commandEnv, stallMs, config, tools, signal });
  }
  const report = await replayRecording(source, options);
  if (report.divergence) throw new ReplayDivergenceError(report.divergence);
  return report;
}

/** The `.jsonl` files under `dir` (recursively, sorted): the rollouts a test folder holds, for `it.each`. */
export function rolloutFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...rolloutFiles(path));
    else if (name.endsWith(".jsonl")) out.push(path);
  }
  return out;
}

/** Writes a thread's whole log as a fixture (JSON lines), once its work is durable. */
export async function recordFixture(thread: Thread, path: string): Promise<number> {
  await thread.whenIdle();
  const entries = await thread.entries();
  await writeFile(path, entries.map((entry) => JSON.stringify(entry)).join("\n") + "\n");
  return entries.length;
}
