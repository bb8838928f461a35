// Reading a LevelDB log another process holds: the holder's endpoint (a 0600 Unix socket beside the
// log), the read-only RemoteEventLog over it, and what happens to a socket left behind by a SIGKILL.
// In-process first (the port's behaviour), then with real `loom` processes.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { existsSync, statSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  LevelEventLog,
  LogLockedError,
  LogMissingError,
  ReadOnlyLogError,
  RemoteEventLog,
  endpointPath,
  openLogForReading,
  openLogForWriting,
  type EventLog,
} from "../../src/log/index.js";
import type { LogEntry, NewEntry } from "../../src/events/index.js";
import { runLoom, spawnLoom } from "../support/cli.js";
import { startFakeResponses, textTurn, type FakeResponses } from "../support/fake-responses.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "loom-remote-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const warning = (message: string): NewEntry => ({ kind: "event_msg", payload: { type: "warning", message } });

async function collect(entries: AsyncIterable<LogEntry>): Promise<LogEntry[]> {
  const out: LogEntry[] = [];
  for await (const entry of entries) out.push(entry);
  return out;
}

describe("the read endpoint of a held log", () => {
  let holder: LevelEventLog;
  let reader: EventLog | undefined;
  beforeEach(async () => {
    holder = await LevelEventLog.open(join(dir, "log"), { durable: false, serve: { version: "test" } });
  });
  afterEach(async () => {
    await reader?.close();
    reader = undefined;
    await holder.close();
  });

  it("serves threads, entries, heads and snapshots read-only on a 0600 socket, and refuses writes", async () => {
    const a = await holder.createThread({ id: "thread-a", name: "first" });
    await holder.append(a.id, Array.from({ length: 600 }, (_, i) => warning(`w${i}`)));
    await holder.putSnapshot(a.id, 500, { at: 500, p: ["part-1"] }, new Map([["part-1", '["x"]']]));
    const fork = await holder.fork(a.id, 300, { id: "thread-b" });

    const socket = endpointPath(join(dir, "log")).socket;
    expect(socket).toBe(join(dir, "log.sock"));
    expect(statSync(socket).mode & 0o777).toBe(0o600);

    reader = await openLogForReading(join(dir, "log"));
    expect(reader).toBeInstanceOf(RemoteEventLog);
    expect((reader as RemoteEventLog).holder.pid).toBe(process.pid);
    expect(await reader.listThreads()).toEqual(await holder.listThreads());
    expect(await reader.getThread("thread-a")).toEqual(await holder.getThread("thread-a"));
    expect(await reader.getThread("nope")).toBeUndefined();
    expect(await reader.head(fork.id)).toBe(300);
    expect(await collect(reader.read(a.id))).toEqual(await collect(holder.read(a.id)));
    expect((await collect(reader.read(fork.id, { from: 299, to: 300 }))).map((e) => e.seq)).toEqual([299, 300]);
    expect(await reader.getSnapshot(a.id, 600)).toEqual({ seq: 500, data: { at: 500, p: ["part-1"] } });
    expect(await reader.getSnapshotParts!(["part-1", "gone"])).toEqual(['["x"]', undefined]);
    await expect(reader.head("nope")).rejects.toMatchObject({ name: "ThreadNotFoundError" });
    await expect(reader.append(a.id, [warning("x")])).rejects.toBeInstanceOf(ReadOnlyLogError);
    await expect(reader.createThread()).rejects.toBeInstanceOf(ReadOnlyLogError);
    await reader.putSnapshot(a.id, 600, { dropped: true }); // a cache: accepted and dropped
    expect(await reader.getSnapshot(a.id, 600)).toEqual({ seq: 500, data: { at: 500, p: ["part-1"] } });
  });

  it("subscribes from a seq: the backlog, then what the holder appends, until the reader stops", async () => {
    const a = await holder.createThread({ id: "live" });
    await holder.append(a.id, [warning("one"), warning("two")]);
    reader = await openLogForReading(join(dir, "log"));
    const controller = new AbortController();
    const seen: number[] = [];
    const done = (async () => {
      for await (const entry of reader!.subscribe(a.id, 2, { signal: controller.signal })) {
        seen.push(entry.seq);
        if (entry.seq === 2) await holder.append(a.id, [warning("three"), warning("four")]);
        if (entry.seq === 4) controller.abort();
      }
    })();
    await done;
    expect(seen).toEqual([2, 3, 4]);
    // The connection is still good for more reads after the stream ended.
    expect(await reader.head(a.id)).toBe(4);
  });

  it("ends a reader's requests with a clear error when the holder closes", async () => {
    const a = await holder.createThread({ id: "closing" });
    reader = await openLogForReading(join(dir, "log"));
    const stream = reader.subscribe(a.id, 1)[Symbol.asyncIterator]();
    const failed = expect(stream.next()).rejects.toThrow(/closed the connection/);
    await holder.close();
    await failed;
    expect(existsSync(endpointPath(join(dir, "log")).socket)).toBe(false);
    holder = await LevelEventLog.open(join(dir, "log"), { durable: false });
  });

  it("refuses a second holder, naming the process that holds the log", async () => {
    await expect(openLogForWriting(join(dir, "log"), { waitMs: 0 })).rejects.toThrow(
      new RegExp(`in use by another Loom process \\(pid ${process.pid}`),
    );
  });
});

describe("opening a log to read", () => {
  it("never creates one", async () => {
    await expect(openLogForReading(join(dir, "missing"))).rejects.toBeInstanceOf(LogMissingError);
    expect(existsSync(join(dir, "missing"))).toBe(false);
  });

  it("puts the socket in a private directory when the path beside the log is too long for a socket", async () => {
    const deep = join(dir, "d".repeat(60), "e".repeat(60), "log");
    await mkdir(deep, { recursive: true });
    const holder = await LevelEventLog.open(deep, { durable: false, serve: { version: "test" } });
    try {
      const path = endpointPath(deep);
      expect(path.privateDir).toBeDefined();
      expect(holder.endpointPath).toBe(path.socket);
      expect(statSync(path.privateDir!).mode & 0o777).toBe(0o700);
      const reader = await openLogForReading(deep);
      expect(reader).toBeInstanceOf(RemoteEventLog);
      await reader.close();
    } finally {
      await holder.close();
    }
  });

  it("replaces a stale socket file, and never deletes something that is not a socket", async () => {
    const logDir = join(dir, "log");
    await (await LevelEventLog.open(logDir)).close();
    await writeFile(`${logDir}.sock`, "not a socket");
    const holder = await LevelEventLog.open(logDir, { durable: false, serve: { version: "test" } });
    expect(holder.endpointError?.message).toMatch(/not a socket/);
    expect(holder.endpointPath).toBeUndefined();
    await holder.close();
    await expect(openLogForReading(logDir, { waitMs: 0 })).resolves.toBeInstanceOf(LevelEventLog).then(undefined);
  });

  it("waits out a lock held by a process that does not answer, then fails naming the socket", async () => {
    const logDir = join(dir, "log");
    const silentHolder = await LevelEventLog.open(logDir, { durable: false });
    try {
      const error = await openLogForReading(logDir, { waitMs: 100 }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(LogLockedError);
      expect((error as Error).message).toContain("does not answer");
    } finally {
      await silentHolder.close();
    }
  });
});

describe("two loom processes on one data dir", () => {
  let server: FakeResponses;
  let env: Record<string, string>;
  beforeEach(async () => {
    server = await startFakeResponses();
    env = { OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: "test" };
  });
  afterEach(async () => {
    await server.close();
  });

  it("reads threads, a log and a state while proto runs a thread, then after proto is SIGKILLed", async () => {
    server.enqueue(textTurn("answered while watched"));
    const proto = spawnLoom(["proto", "--data-dir", dir, "--cwd", dir, "--approval-policy", "never"], env);
    try {
      const configured = await proto.waitFor((e) => e.msg?.type === "session_configured");
      const id: string = configured.msg.session_id;
      proto.send({ id: "t1", op: { type: "user_input", items: [{ type: "text", text: "hello" }] } });
      await proto.waitFor((e) => e.msg?.type === "task_complete");

      const threads = await runLoom(["threads", "--data-dir", dir, "--json"], env);
      expect(threads.stderr).toBe("");
      expect(threads.lines.map((t: any) => t.id)).toEqual([id]);
      const log = await runLoom(["log", id.slice(0, 8), "--data-dir", dir, "--json"], env);
      expect(log.code).toBe(0);
      expect(log.lines.some((e: any) => e.payload?.type === "task_complete")).toBe(true);
      const state = await runLoom(["state", id, "--data-dir", dir], env);
      expect(state.stdout).toContain("assistant: answered while watched");
      // A writer is refused at once, and told which process holds the dir.
      const exec = await runLoom(["exec", "--data-dir", dir, "--cwd", dir, "more"], env);
      expect(exec.code).toBe(1);
      expect(exec.stderr).toMatch(new RegExp(`in use by another Loom process \\(pid ${proto.child.pid}`));

      proto.child.kill("SIGKILL");
      await proto.exited;
      expect(existsSync(join(dir, "log.sock"))).toBe(true); // left behind by the SIGKILL
      const after = await runLoom(["turns", id, "--data-dir", dir], env);
      expect(after.code).toBe(0);
      expect(after.stdout).toMatch(/completed\s+"hello"/);
      server.enqueue(textTurn("resumed"));
      const resumed = await runLoom(["exec", "resume", id, "--data-dir", dir, "--json", "again"], env);
      expect(resumed.code).toBe(0);
      expect(resumed.lines.at(-1).msg.last_agent_message).toBe("resumed");
    } finally {
      proto.child.kill("SIGKILL");
      await proto.exited;
    }
  });
});
