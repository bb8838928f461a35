// Given a Codex rollout, when it is imported, then a new thread holds one entry per good line with
// the line's timestamp; when that thread is exported, then Codex's file comes back line for line.
// Runs against LevelDB on disk (real files in a temp dir) and the in-memory backend.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { NewEntry } from "../../src/events/index.js";
import { LevelEventLog, MemoryEventLog, ThreadExistsError, type EventLog } from "../../src/log/index.js";
import {
  EmptyRolloutError,
  exportRollout,
  importRollout,
  parseRollout,
} from "../../src/replay/index.js";
import {
  SCENARIOS,
  SESSION_META,
  assistantMessage,
  essence,
  fixtureJson,
  fixturePath,
  fixtureText,
  fullRollout,
  readAll,
  rolloutLine,
  userMessage,
} from "./support.js";

let dir: string;
let log: LevelEventLog;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "loom-rollout-"));
  log = await LevelEventLog.open(join(dir, "log"));
});
afterEach(async () => {
  await log.close();
  await rm(dir, { recursive: true, force: true });
});

const TURN = [
  rolloutLine("session_meta", SESSION_META, "2026-01-02T03:04:05.001Z"),
  rolloutLine("event_msg", { type: "task_started", turn_id: "t1" }, "2026-01-02T03:04:05.002Z"),
  rolloutLine("response_item", userMessage("hi"), "2026-01-02T03:04:05.003Z"),
  rolloutLine("event_msg", { type: "user_message", message: "hi" }, "2026-01-02T03:04:05.004Z"),
  rolloutLine("response_item", assistantMessage("hello"), "2026-01-02T03:04:05.005Z"),
  rolloutLine("event_msg", { type: "task_complete", turn_id: "t1", last_agent_message: "hello" }, "2026-01-02T03:04:05.006Z"),
];
const text = (lines: string[]) => lines.map((line) => `${line}\n`).join("");

describe.runIf(SCENARIOS.length > 0)("real Codex rollouts", () => {
  const files = SCENARIOS.filter((s) => s !== "plain").map((s) => [s, s] as const);
  files.push(["fork (parent)", "fork"]);

  it.each(files)("%s: import then export gives back Codex's file, line for line", async (label, scenario) => {
    const path = join(dir, "rollout.jsonl");
    const original = label === "fork (parent)" ? fixtureText(scenario, "parent-rollout.jsonl") : fullRollout(scenario);
    await writeFile(path, original);
    const { threadId, imported, skipped } = await importRollout(log, { path });
    expect(skipped).toEqual([]);
    const originalLines = original.split("\n").filter(Boolean);
    expect(imported).toBe(originalLines.length);

    const exported = await exportRollout(log, threadId);
    const exportedLines = exported.split("\n").filter(Boolean);
    expect(exportedLines.length).toBe(originalLines.length);
    exportedLines.forEach((line, i) => {
      const [got, want] = [JSON.parse(line), JSON.parse(originalLines[i])];
      expect({ line: i + 1, timestamp: got.timestamp, type: got.type }).toEqual({ line: i + 1, timestamp: want.timestamp, type: want.type });
      expect(got.payload).toStrictEqual(want.payload);
    });
    // Not only equal values: the very bytes Codex wrote, key order included.
    expect(exported).toBe(original);

    // And importing the export gives the same entries again.
    const again = await importRollout(log, exported);
    expect(again.threadId).not.toBe(threadId);
    expect(essence(await readAll(log, again.threadId))).toEqual(essence(await readAll(log, threadId)));
  });

  it("names the thread after the rollout's first session_meta; a fork rollout after the fork", async () => {
    const fork = await importRollout(log, { path: fixturePath("fork", "rollout.jsonl") });
    expect(fork.threadId).toBe(fixtureJson("fork", "meta.json").threadId);
    const entries = await readAll(log, fork.threadId);
    // The fork's own session_meta, then the parent's lines in order, its session_meta included.
    expect(entries.slice(0, 2).map((e) => [e.kind, (e.payload as { id?: string }).id])).toEqual([
      ["session_meta", fork.threadId],
      ["session_meta", parseRollout(fixtureText("fork", "parent-rollout.jsonl")).lines[0].payload.id],
    ]);
  });
});

describe("importRollout", () => {
  it("appends one entry per line, with the line's timestamp as ts, into a thread named by session_meta.id", async () => {
    const result = await importRollout(log, text(TURN));
    expect(result).toEqual({ threadId: SESSION_META.id, imported: 6, skipped: [] });
    const entries = await readAll(log, SESSION_META.id);
    expect(entries.map((e) => [e.seq, e.kind, e.ts])).toEqual(
      TURN.map((line, i) => [i + 1, JSON.parse(line).type, JSON.parse(line).timestamp]),
    );
  });

  it("skips bad lines, reports them with their line numbers, and imports the rest", async () => {
    const lines = [TURN[0], "garbage", TURN[1], rolloutLine("event_msg", { type: "bogus" }), ...TURN.slice(2)];
    const { imported, skipped, threadId } = await importRollout(log, text(lines));
    expect(imported).toBe(6);
    expect(skipped).toEqual([
      { lineNumber: 2, message: expect.stringMatching(/^invalid JSON/) },
      { lineNumber: 4, message: 'unknown event type "bogus"' },
    ]);
    expect((await readAll(log, threadId)).length).toBe(6);
  });

  it("takes a fresh id when the rollout's id is taken, and the given id when asked", async () => {
    const first = await importRollout(log, text(TURN));
    const second = await importRollout(log, text(TURN));
    expect(second.threadId).not.toBe(first.threadId);
    const named = await importRollout(log, text(TURN), { threadId: "mine" });
    expect(named.threadId).toBe("mine");
    await expect(importRollout(log, text(TURN), { threadId: "mine" })).rejects.toBeInstanceOf(ThreadExistsError);
    // A session id the log's keys cannot hold is not an error either: the thread gets a fresh id.
    const odd = await importRollout(log, rolloutLine("session_meta", { ...SESSION_META, id: "a!b" }));
    expect(odd.threadId).not.toBe("a!b");
  });

  it("imports a rollout without session_meta under a fresh id", async () => {
    const { threadId, imported } = await importRollout(log, text(TURN.slice(1)));
    expect(imported).toBe(5);
    expect(threadId).not.toBe(SESSION_META.id);
  });

  it("creates no thread for a rollout with nothing to import", async () => {
    await expect(importRollout(log, "")).rejects.toBeInstanceOf(EmptyRolloutError);
    const error = await importRollout(log, "x\n\n{}\n").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmptyRolloutError);
    expect((error as EmptyRolloutError).skipped.map((s) => s.lineNumber)).toEqual([1, 3]);
    expect(await log.listThreads()).toEqual([]);
  });

  it("writes one append per batch", async () => {
    const memory = new MemoryEventLog();
    const lines = [TURN[0], ...Array.from({ length: 23 }, (_, i) => rolloutLine("response_item", userMessage(`m${i}`)))];
    const before = memory.stats.commits;
    const { imported } = await importRollout(memory, text(lines), { batchSize: 5 });
    expect(imported).toBe(24);
    // One commit creates the thread, then ceil(24 / 5) = 5 batches.
    expect(memory.stats.commits - before).toBe(1 + 5);
  });

  it("streams a large rollout from a file", async () => {
    const path = join(dir, "big.jsonl");
    const n = 20_000;
    const body = Array.from({ length: n }, (_, i) => rolloutLine("response_item", userMessage(`message ${i}`)));
    await writeFile(path, text([TURN[0], ...body]));
    const { threadId, imported } = await importRollout(log, { path });
    expect(imported).toBe(n + 1);
    expect(await log.head(threadId)).toBe(n + 1);
  });

  it("does nothing once aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(importRollout(log, text(TURN), { signal: controller.signal })).rejects.toThrow(/abort/i);
    expect(await log.listThreads()).toEqual([]);
  });
});

describe("exportRollout", () => {
  async function threadWith(target: EventLog, id: string, entries: NewEntry[]) {
    await target.createThread({ id });
    await target.append(id, entries);
  }
  const ts = (n: number) => `2026-01-02T03:04:${String(n).padStart(2, "0")}.000Z`;

  it("leaves out submissions and the events Codex does not persist; Extended mode keeps tool ends", async () => {
    const exec = { type: "exec_command_end", call_id: "c", turn_id: "t1", command: ["ls"], cwd: "/", parsed_cmd: [], stdout: "", stderr: "", aggregated_output: "", exit_code: 0, duration: { secs: 0, nanos: 1 }, formatted_output: "" };
    const entries: NewEntry[] = [
      { kind: "session_meta", payload: { ...SESSION_META, id: "t" }, ts: ts(1) },
      { kind: "submission", payload: { id: "s1", op: { type: "user_input", items: [{ type: "text", text: "hi" }] } }, ts: ts(2), sub: "s1" },
      { kind: "event_msg", payload: { type: "task_started", turn_id: "t1" }, ts: ts(3), sub: "s1" },
      { kind: "response_item", payload: userMessage("hi"), ts: ts(4) },
      { kind: "event_msg", payload: { type: "agent_message_delta", delta: "he" }, ts: ts(5) },
      { kind: "event_msg", payload: exec, ts: ts(6) },
      { kind: "response_item", payload: assistantMessage("hello"), ts: ts(7) },
      { kind: "event_msg", payload: { type: "task_complete", turn_id: "t1" }, ts: ts(8) },
    ] as NewEntry[];
    await threadWith(log, "t", entries);

    const limited = parseRollout(await exportRollout(log, "t"));
    expect(limited.errors).toEqual([]);
    expect(limited.lines.map((l) => l.timestamp)).toEqual([ts(1), ts(3), ts(4), ts(7), ts(8)]);
    const extended = parseRollout(await exportRollout(log, "t", { persistence: "extended" }));
    expect(extended.lines.map((l) => l.timestamp)).toEqual([ts(1), ts(3), ts(4), ts(6), ts(7), ts(8)]);

    // Every exportable entry comes back from export then import, unchanged.
    const back = await importRollout(log, await exportRollout(log, "t", { persistence: "extended" }));
    const kept = (await readAll(log, "t")).filter((e) => [1, 3, 4, 6, 7, 8].includes(e.seq));
    expect(essence(await readAll(log, back.threadId))).toEqual(essence(kept));
  });

  it("puts a Loom fork's own session_meta first, then its parent's lines up to the fork point", async () => {
    const { threadId: parent } = await importRollout(log, text(TURN));
    const fork = await log.fork(parent, 4);
    const lines = parseRollout(await exportRollout(log, fork.id)).lines;
    expect(lines.length).toBe(5);
    expect(lines[0]).toMatchObject({ type: "session_meta", timestamp: fork.createdAt });
    expect(lines[0].payload).toEqual({ ...SESSION_META, id: fork.id, forked_from_id: parent, timestamp: fork.createdAt });
    expect(lines.slice(1).map((l) => l.timestamp)).toEqual(TURN.slice(0, 4).map((l) => JSON.parse(l).timestamp));
  });

  it("makes up a session_meta for a thread that has none", async () => {
    const context = { cwd: "/repo", approval_policy: "never", sandbox_policy: { type: "danger-full-access" }, model: "m", summary: "auto" };
    await threadWith(log, "bare", [
      { kind: "event_msg", payload: { type: "task_started", turn_id: "t1" }, ts: ts(1) },
      { kind: "turn_context", payload: context, ts: ts(2) },
    ] as NewEntry[]);
    const meta = await log.getThread("bare");
    const { lines } = parseRollout(await exportRollout(log, "bare", { cliVersion: "9.9.9" }));
    expect(lines.map((l) => l.type)).toEqual(["session_meta", "event_msg", "turn_context"]);
    expect(lines[0].payload).toEqual({ id: "bare", timestamp: meta!.createdAt, cwd: "/repo", originator: "loom", cli_version: "9.9.9", source: { custom: "loom" } });

    await log.createThread({ id: "empty" });
    expect(parseRollout(await exportRollout(log, "empty")).lines.map((l) => l.type)).toEqual(["session_meta"]);
  });
});
