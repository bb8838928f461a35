// A data dir written by main's record codec (version 2 records, test/fixtures/log-v2, made by
// scripts/log-fixtures/old-records.mjs) opens with today's code: every entry reads back as main read
// it, from any seq; the thread resumes and takes another turn (version 3 records after version 2
// ones), and replay finds the whole thread the same.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Level } from "level";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createRuntime } from "../../src/index.js";
import type { LogEntry } from "../../src/events/index.js";
import { LevelEventLog } from "../../src/log/index.js";
import { replayRecording } from "../../src/testing/index.js";
import { sse, startFakeResponses, textTurn, toolCallTurn, type FakeResponses } from "../support/fake-responses.js";

const FIXTURE = new URL("../fixtures/log-v2/", import.meta.url);
let dataDir: string;
let fixture: { threadId: string; records: Array<[string, string]> };
let expected: LogEntry[];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "loom-old-records-"));
  fixture = JSON.parse(await readFile(new URL("records.json", FIXTURE), "utf8"));
  expected = JSON.parse(await readFile(new URL("entries.json", FIXTURE), "utf8"));
  const db = new Level<string, string>(join(dataDir, "log"), { valueEncoding: "utf8" });
  try {
    await db.open();
    const batch = db.batch();
    for (const [key, value] of fixture.records) batch.put(key, value);
    await batch.write();
  } finally {
    await db.close();
  }
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function readAll(log: LevelEventLog, from?: number): Promise<LogEntry[]> {
  const out: LogEntry[] = [];
  for await (const entry of log.read(fixture.threadId, { from })) out.push(entry);
  return out;
}

describe("a data dir written by main's record codec", () => {
  it("reads back every entry as main read it, from the start and from the middle", async () => {
    expect(fixture.records.some(([, value]) => /^\[\d+,"[^"]+","\w+",.*,1,\[\[/.test(value))).toBe(true);
    const log = await LevelEventLog.open(join(dataDir, "log"));
    try {
      expect(await readAll(log)).toEqual(expected);
      // From 90: its records refer to ones before 90 (version 2 refs), read only to resolve them.
      for (const from of [2, 70, 90, expected.length]) expect(await readAll(log, from)).toEqual(expected.slice(from - 1));
    } finally {
      await log.close();
    }
  });

  it("resumes, takes a turn in the new format after the old records, and replays the same", async () => {
    const model: FakeResponses = await startFakeResponses();
    try {
      model.enqueue(sse(toolCallTurn("call_5", "lookup", { key: "record-5" })), sse(textTurn("done with turn 5")));
      const rt = await createRuntime({ dataDir, config: {}, env: {}, model: { apiKey: "test", baseURL: model.baseURL } });
      try {
        const thread = await rt.resumeThread(fixture.threadId);
        thread.events$.subscribe((event) => {
          if (event.msg.type !== "dynamic_tool_call_request") return;
          void thread.submit({ type: "dynamic_tool_response", id: event.msg.callId, response: { content_items: [{ type: "inputText", text: "the answer ".repeat(50) }], success: true } });
        });
        const { finalResponse } = await thread.run("Turn 5: once more");
        expect(finalResponse).toBe("done with turn 5");
      } finally {
        await rt.close();
      }
    } finally {
      await model.close();
    }
    const db = new Level<string, string>(join(dataDir, "log"), { valueEncoding: "utf8" });
    const stored: string[] = [];
    try {
      await db.open();
      for await (const value of db.values({ gt: `!entries!${fixture.threadId}!`, lt: `!entries!${fixture.threadId}!~` })) stored.push(value);
    } finally {
      await db.close();
    }
    // The new turn's records are version 3 (a numeric kind); some start from an earlier one of the
    // turn (never from an old record: after a restart the encoder only refers to what it wrote).
    const added = stored.slice(expected.length).map((json) => JSON.parse(json) as unknown[]);
    expect(added.length).toBeGreaterThan(15);
    expect(added.every((record) => typeof record[2] === "number")).toBe(true);
    expect(added.filter((record) => typeof record[3] === "number" && record[3] > expected.length).length).toBeGreaterThan(2);
    expect(added.every((record) => typeof record[3] !== "number" || record[3] > expected.length)).toBe(true);

    const log = await LevelEventLog.open(join(dataDir, "log"));
    try {
      const all = await readAll(log);
      expect(all.slice(0, expected.length)).toEqual(expected);
      expect(all.map((entry) => entry.seq)).toEqual(all.map((_, i) => i + 1));
      for (const from of [expected.length - 5, expected.length + 1, expected.length + 10]) expect(await readAll(log, from)).toEqual(all.slice(from - 1));
      const report = await replayRecording({ log, threadId: fixture.threadId });
      expect(report.divergence).toBeUndefined();
    } finally {
      await log.close();
    }
  });
});
