/**
 * `loom/testing`: replay recorded threads in a test suite (vitest, node:test, anything that treats
 * a thrown error as a failure), and record new fixtures from live runs.
 *
 *   const report = await expectReplay("test/fixtures/session.jsonl");   // throws on divergence
 *   await recordFixture(thread, "test/fixtures/session.jsonl");          // after a live run
 */
import { readFile, writeFile } from "node:fs/promises";
import { parseLogEntry, type LogEntry } from "../events/index.js";
import type { EventLog } from "../log/index.js";
import type { Thread } from "../runtime/thread.js";
import { formatDivergence, replayEntries, type Divergence, type ReplayOptions, type ReplayReport } from "../replay/reexecute/index.js";

export type { ReplayOptions, ReplayReport, Divergence } from "../replay/reexecute/index.js";
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

/** Re-executes a recording and throws `ReplayDivergenceError` at the first divergence. */
export async function expectReplay(source: RecordingSource, options: ReplayOptions = {}): Promise<ReplayReport> {
  const report = await replayRecording(source, options);
  if (report.divergence) throw new ReplayDivergenceError(report.divergence);
  return report;
}

/** Writes a thread's whole log as a fixture (JSON lines), once its work is durable. */
export async function recordFixture(thread: Thread, path: string): Promise<number> {
  await thread.whenIdle();
  const entries = await thread.entries();
  await writeFile(path, entries.map((entry) => JSON.stringify(entry)).join("\n") + "\n");
  return entries.length;
}
