// `transcript_path` in hook payloads: Codex gives its rollout file, written out before each hook runs
// (`hook_transcript_path`). Loom gives the same file, a Codex rollout of the thread (what
// `loom export-codex` prints) under `<data dir>/sessions/YYYY/MM/DD/`, brought up to date before a
// hook runs; without a data dir (an injected log) there is no file and the path is null.
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startLoom, type LoomHarness } from "../support/loom.js";
import { textTurn, toolCallTurn } from "../support/fake-responses.js";
import { createRuntime } from "../../src/runtime/runtime.js";
import { MemoryEventLog } from "../../src/log/index.js";
import { exportRollout } from "../../src/replay/rollout/index.js";
import { replayRecording } from "../../src/testing/index.js";
import { formatDivergence } from "../../src/replay/reexecute/index.js";
import type { HookFunctions } from "../../src/hooks/index.js";

let loom: LoomHarness | undefined;
afterEach(async () => {
  await loom?.close();
  loom = undefined;
});

/** Function hooks that read the transcript file as it is when each runs. */
function reading(seen: { event: string; path: unknown; text: string | null }[]): HookFunctions {
  const read = (input: Record<string, unknown>) => {
    const path = input.transcript_path;
    seen.push({ event: String(input.hook_event_name), path, text: typeof path === "string" ? readFileSync(path, "utf8") : null });
    return undefined;
  };
  return { sessionStart: read, preToolUse: read, stop: read };
}

describe("transcript_path", () => {
  it("is the thread's Codex rollout, up to date when each hook runs, in the data dir's sessions folder", async () => {
    loom = await startLoom();
    loom.server.enqueue(toolCallTurn("c1", "shell", { command: ["echo", "hi"] }), textTurn("first answer"), textTurn("second answer"));
    const seen: { event: string; path: unknown; text: string | null }[] = [];
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never", hooks: reading(seen) });
    await thread.run("say hi");
    await thread.run("again");

    expect(seen.map((s) => s.event)).toEqual(["SessionStart", "PreToolUse", "Stop", "Stop"]);
    const path = seen[0]!.path as string;
    const created = (await loom.rt.log.getThread(thread.id))!.createdAt;
    const [, y, m, d, time] = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2}:\d{2})/.exec(created)!;
    expect(path).toBe(join(loom.dataDir, "sessions", y!, m!, d!, `rollout-${y}-${m}-${d}T${time!.replaceAll(":", "-")}-${thread.id}.jsonl`));
    expect(seen.every((s) => s.path === path)).toBe(true);

    // Each hook read the rollout as the log stood: a prefix of the thread's export, growing, with
    // what the turn had recorded so far (the call before PreToolUse, the answer before Stop).
    const full = await exportRollout(loom.rt.log, thread.id);
    for (const { text } of seen) expect(full.startsWith(text!)).toBe(true);
    const lines = (text: string | null) => text!.split("\n").filter(Boolean).map((line) => JSON.parse(line));
    expect(lines(seen[0]!.text)[0]).toMatchObject({ type: "session_meta", payload: { id: thread.id } });
    expect(lines(seen[1]!.text).at(-1)).toMatchObject({ type: "response_item", payload: { type: "function_call", call_id: "c1" } });
    expect(lines(seen[2]!.text).some((l) => l.payload.type === "agent_message" && l.payload.message === "first answer")).toBe(true);
    expect(lines(seen[3]!.text).some((l) => l.payload.type === "agent_message" && l.payload.message === "second answer")).toBe(true);
    expect(seen[3]!.text!.length).toBeGreaterThan(seen[2]!.text!.length);

    // A new process rewrites the file from the log (nothing doubled), and replay writes none.
    const replayed = await replayRecording({ log: loom.rt.log, threadId: thread.id });
    if (replayed.divergence) throw new Error(formatDivergence(replayed.divergence));
    await loom.rt.close();
    const rt = await createRuntime({ dataDir: loom.dataDir, durable: false, config: {}, env: {}, model: { apiKey: "k", baseURL: loom.server.baseURL } });
    try {
      loom.server.enqueue(textTurn("third answer"));
      const resumed = await rt.resumeThread(thread.id, { hooks: reading(seen) });
      await resumed.run("once more");
      const after = seen.slice(4);
      expect(after.map((s) => s.event)).toEqual(["SessionStart", "Stop"]);
      const again = await exportRollout(rt.log, thread.id);
      for (const { text, path: seenPath } of after) {
        expect(seenPath).toBe(path);
        expect(again.startsWith(text!)).toBe(true);
      }
      expect(after[1]!.text).toContain("third answer");
    } finally {
      await rt.close();
    }
  });

  it("a file that cannot be written leaves the hook its path and the turn unharmed", async () => {
    loom = await startLoom();
    // `sessions` taken by a plain file: no folder can be made under it.
    await writeFile(join(loom.dataDir, "sessions"), "not a folder");
    loom.server.enqueue(textTurn("still fine"));
    const paths: unknown[] = [];
    const thread = await loom.rt.startThread({ cwd: loom.cwd, hooks: { stop: (input) => void paths.push(input.transcript_path) } });
    const result = await thread.run("hi");
    expect(result.finalResponse).toBe("still fine");
    expect(paths).toEqual([expect.stringContaining(join(loom.dataDir, "sessions"))]);
  });

  it("is null without a data dir (an injected log has no file to give)", async () => {
    loom = await startLoom({ log: new MemoryEventLog() });
    loom.server.enqueue(textTurn("ok"));
    const seen: { event: string; path: unknown; text: string | null }[] = [];
    const thread = await loom.rt.startThread({ cwd: loom.cwd, hooks: reading(seen) });
    await thread.run("hi");
    expect(seen.map((s) => [s.event, s.path])).toEqual([
      ["SessionStart", null],
      ["Stop", null],
    ]);
  });
});
