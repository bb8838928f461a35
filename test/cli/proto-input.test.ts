// Hostile input on `loom proto`'s stdin: a `null` line, an op nested 5,000 levels deep, a line far
// too long, an interrupt with nothing running. Each gets an error (or warning) event that is also in
// the thread's log, the session goes on, and the thread still replays.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeResponses, type FakeResponses } from "../support/fake-responses.js";
import { runLoom, spawnLoom, type LoomProcess } from "../support/cli.js";
import { MAX_INPUT_DEPTH } from "../../src/events/limits.js";
import { MAX_LINE_BYTES } from "../../src/cli/proto.js";
import { nextEvent, startLoom } from "../support/loom.js";
import { UserError } from "../../src/runtime/errors.js";

let server: FakeResponses;
let dataDir: string;
let cwd: string;
let env: Record<string, string>;
beforeEach(async () => {
  server = await startFakeResponses();
  dataDir = await mkdtemp(join(tmpdir(), "loom-proto-in-"));
  cwd = await mkdtemp(join(tmpdir(), "loom-proto-in-work-"));
  env = { OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: "test" };
});
afterEach(async () => {
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
  await rm(cwd, { recursive: true, force: true });
});

function deep(levels: number): string {
  return `${"[".repeat(levels)}1${"]".repeat(levels)}`;
}

/** Names the thread, and waits for proof that the session still answers. */
async function stillAnswers(loom: LoomProcess, name: string): Promise<void> {
  loom.send({ id: `name-${name}`, op: { type: "set_thread_name", name } });
  await loom.waitFor((e) => e.id === `name-${name}` && e.msg?.type === "thread_name_updated");
}

describe("loom proto with hostile input", () => {
  it("answers null, non-objects and a deeply nested op with an error each, logs them, and goes on", async () => {
    const loom = spawnLoom(["proto", "--data-dir", dataDir, "--cwd", cwd], env);
    const configured = await loom.waitFor((e) => e.msg?.type === "session_configured");
    loom.send("null");
    await loom.waitFor((e) => e.msg?.type === "error" && /line 1/.test(e.msg.message));
    await stillAnswers(loom, "after-null");
    loom.send("[1,2]");
    loom.send('{"id":"no-op"}');
    loom.send(`{"id":"deep","op":{"type":"user_input","items":[{"type":"text","text":"x","extra":${deep(5000)}}]}}`);
    const deepError = await loom.waitFor((e) => e.id === "deep" && e.msg?.type === "error");
    expect(deepError.msg.message).toContain(`nested more than ${MAX_INPUT_DEPTH} levels deep`);
    await stillAnswers(loom, "after-deep");
    loom.child.stdin.end();
    expect((await loom.exited).code).toBe(0);

    const errors = loom.events.filter((e) => e.msg?.type === "error").map((e) => e.msg.message);
    expect(errors).toHaveLength(4);
    expect(errors[0]).toMatch(/^line 1: .*object/);
    expect(errors[1]).toMatch(/^line 3: /);
    expect(errors[2]).toMatch(/^line 4: .*op/);
    // What proto printed is what its log holds: the bad input is part of the thread's story.
    const log = await runLoom(["log", configured.msg.session_id, "--json", "--data-dir", dataDir], env);
    const logged = log.lines.filter((e: any) => e.kind === "event_msg" && e.payload.type === "error");
    expect(logged.map((e: any) => e.payload.message)).toEqual(errors);
    expect(logged.every((e: any) => e.payload.codex_error_info === "bad_request")).toBe(true);
    const replay = await runLoom(["replay", configured.msg.session_id, "--data-dir", dataDir], env);
    expect(replay.stdout).toContain("no divergence");
    expect(replay.code).toBe(0);
  });

  it("refuses a line longer than the limit without holding it, and reads the next line", async () => {
    const loom = spawnLoom(["proto", "--data-dir", dataDir, "--cwd", cwd], env);
    await loom.waitFor((e) => e.msg?.type === "session_configured");
    loom.child.stdin.write(`{"id":"big","op":{"type":"user_input","items":[{"type":"text","text":"`);
    loom.child.stdin.write("a".repeat(MAX_LINE_BYTES + 1024));
    loom.child.stdin.write(`"}]}}\n`);
    const error = await loom.waitFor((e) => e.msg?.type === "error");
    expect(error.msg.message).toMatch(/^line 1: longer than \d+ bytes/);
    await stillAnswers(loom, "after-long-line");
    loom.child.stdin.end();
    expect((await loom.exited).code).toBe(0);
  });

  it("answers an interrupt with no running turn", async () => {
    const loom = spawnLoom(["proto", "--data-dir", dataDir, "--cwd", cwd], env);
    await loom.waitFor((e) => e.msg?.type === "session_configured");
    loom.send({ id: "int-1", op: { type: "interrupt" } });
    const reply = await loom.waitFor((e) => e.id === "int-1");
    expect(reply.msg.type).toBe("warning");
    expect(reply.msg.message).toBe("no turn is running: nothing to interrupt");
    loom.child.stdin.end();
    expect((await loom.exited).code).toBe(0);
  });
});

describe("Thread.submit with hostile input", () => {
  it("refuses a deeply nested op and a too-long text before logging anything, and the thread goes on", async () => {
    const loom = await startLoom();
    try {
      const thread = await loom.rt.startThread({ cwd: loom.cwd });
      const head = thread.state.seq;
      const op = JSON.parse(`{"type":"user_input","items":[{"type":"text","text":"x","extra":${deep(5000)}}]}`);
      await expect(thread.submit(op)).rejects.toThrow(UserError);
      await expect(thread.submit({ type: "user_input", items: [{ type: "text", text: "y".repeat((1 << 20) + 1) }] })).rejects.toThrow(
        "Input exceeds the maximum length of 1048576 characters",
      );
      expect(thread.state.seq).toBe(head);
      const named = nextEvent(thread.events$, "thread_name_updated");
      await thread.submit({ type: "set_thread_name", name: "still fine" });
      await named;
      expect((await loom.rt.log.getThread(thread.id))?.name).toBe("still fine");
    } finally {
      await loom.close();
    }
  });
});
