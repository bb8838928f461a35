// Time travel from the command line: threads, log, state --at, turns, diff, fork then exec resume,
// rollback; and the same operations' rules through the API.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { nextEvent, startLoom, type LoomHarness } from "../support/loom.js";
import { hanging, evCreated, messageTexts, textTurn } from "../support/fake-responses.js";
import { runLoom } from "../support/cli.js";
import { OpRejectedError } from "../../src/runtime/errors.js";

let loom: LoomHarness;
let threadId: string;
let env: Record<string, string>;
beforeEach(async () => {
  loom = await startLoom();
  env = { OPENAI_BASE_URL: loom.server.baseURL, OPENAI_API_KEY: "test" };
  loom.server.enqueue(textTurn("first answer"), textTurn("second answer"));
  const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
  threadId = thread.id;
  await thread.run("first question");
  await thread.run("second question");
  await loom.rt.close();
});
afterEach(async () => {
  await loom.close();
});

const loomCli = (...args: string[]) => runLoom([...args, "--data-dir", loom.dataDir], env);

describe("inspecting a thread", () => {
  it("lists threads and prints log entries, whole or as a JSON range", async () => {
    const threads = await loomCli("threads", "--json");
    expect(threads.lines.map((t: any) => t.id)).toContain(threadId);
    const log = await loomCli("log", threadId);
    expect(log.code).toBe(0);
    expect(log.stdout).toMatch(/^\s+1 .* session_meta/m);
    const range = await loomCli("log", threadId, "--json", "--from", "2", "--to", "4");
    expect(range.lines.map((e: any) => e.seq)).toEqual([2, 3, 4]);
  });

  it("shows the state at the head and at an earlier seq", async () => {
    const head = await loomCli("state", threadId, "--json");
    const state = head.lines[0];
    expect(state.turns).toHaveLength(2);
    expect(state.history.filter((i: any) => i.role === "assistant")).toHaveLength(2);
    expect(state.tokenUsage).not.toBeNull();
    const firstEnd = state.turns[0].lastSeq;
    const past = (await loomCli("state", threadId, "--json", "--at", String(firstEnd))).lines[0];
    expect(past.turns).toHaveLength(1);
    expect(past.seq).toBe(firstEnd);
    const tooFar = await loomCli("state", threadId, "--at", "100000");
    expect(tooFar.code).toBe(2);
    expect(tooFar.stderr).toContain("no state at seq 100000");
  });

  it("lists turns with their seq ranges and diffs two points", async () => {
    const turns = await loomCli("turns", threadId);
    const lines = turns.stdout.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\s*0\s+\S+\s+seq \d+-\d+\s+completed\s+"first question"/);
    const state = (await loomCli("state", threadId, "--json")).lines[0];
    const diff = await loomCli("diff", threadId, String(state.turns[0].lastSeq), String(state.seq));
    expect(diff.stdout).toContain("history: 2 item(s) added");
    expect(diff.stdout).toContain("+ user: second question");
    expect(diff.stdout).toContain("+ assistant: second answer");
  });

  it("reports an unknown thread clearly", async () => {
    const result = await loomCli("state", "no-such-thread");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown thread "no-such-thread"');
  });
});

describe("trying another path", () => {
  it("forks before a turn, then resumes the fork with exec; the original is untouched", async () => {
    const fork = await loomCli("fork", threadId, "--before-turn", "1");
    expect(fork.code).toBe(0);
    const forkId = fork.stdout.trim();
    loom.server.enqueue(textTurn("a different second answer"));
    const exec = await loomCli("exec", "resume", forkId, "another second question");
    expect(exec.code).toBe(0);
    expect(exec.stdout.trim()).toBe("a different second answer");
    const request = loom.server.requests.at(-1)!;
    expect(messageTexts(request, "user").filter((t) => !t.startsWith("<"))).toEqual(["first question", "another second question"]);
    const original = (await loomCli("state", threadId, "--json")).lines[0];
    expect(original.turns.map((t: any) => t.userMessage)).toEqual(["first question", "second question"]);
  });

  it("rolls back the last turn, and refuses zero or more turns than there are before writing anything", async () => {
    const headBefore = (await loomCli("state", threadId, "--json")).lines[0].seq;
    const zero = await loomCli("rollback", threadId, "0");
    expect(zero.code).toBe(2);
    expect(zero.stderr.trim()).toBe('loom rollback: N (the number of turns to roll back) must be at least 1, got "0"');
    const tooMany = await loomCli("rollback", threadId, "99");
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr.trim()).toBe(`loom rollback: thread ${threadId} has 2 turns to roll back; cannot roll back 99 (nothing was changed)`);
    expect((await loomCli("state", threadId, "--json")).lines[0].seq).toBe(headBefore);
    const done = await loomCli("rollback", threadId, "1");
    expect(done.code).toBe(0);
    expect(done.stdout).toContain("rolled back 1 turn");
    const state = (await loomCli("state", threadId, "--json")).lines[0];
    expect(state.turns.map((t: any) => t.userMessage)).toEqual(["first question"]);
  });
});

describe("rollback and fork through the API", () => {
  it("refuses a rollback while a turn runs", async () => {
    const { createRuntime } = await import("../../src/runtime/runtime.js");
    const rt = await createRuntime({ dataDir: loom.dataDir, config: {}, env: {}, durable: false, model: { apiKey: "t", baseURL: loom.server.baseURL } });
    try {
      const stream = hanging([evCreated("r")]);
      loom.server.enqueue(stream.reply);
      const thread = await rt.resumeThread(threadId);
      const started = nextEvent(thread.events$, "task_started");
      void thread.run("a long one").catch(() => undefined);
      await started;
      await expect(thread.rollback(1)).rejects.toThrow(OpRejectedError);
      await expect(thread.rollback(1)).rejects.toThrow("Cannot rollback while a turn is in progress.");
      await thread.interrupt();
      await thread.whenIdle();
      const fork = await rt.forkThread(threadId, { atSeq: 5 });
      expect(fork.id).not.toBe(threadId);
      expect((await fork.entries()).slice(0, 5).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    } finally {
      await rt.close();
    }
  });
});
