// What a careless caller or user does: the runtime answers with errors, never hangs or crashes.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startLoom, type LoomHarness, nextEvent } from "../support/loom.js";
import { evCompleted, evCreated, evFunctionCall, inputItems, textTurn, toolCallTurn } from "../support/fake-responses.js";
import { createRuntime } from "../../src/runtime/runtime.js";
import { OpRejectedError, TurnAbortedError, UserError } from "../../src/runtime/errors.js";
import { expectReplay } from "../../src/testing/index.js";
import { runLoom } from "../support/cli.js";

let loom: LoomHarness;
beforeEach(async () => {
  loom = await startLoom();
});
afterEach(async () => {
  await loom.close();
});

describe("the embedding API", () => {
  it("rejects bad calls and leaves nothing to reject later", async () => {
    const thread = await loom.rt.startThread({ cwd: loom.cwd });
    await expect(thread.rollback(1.5)).rejects.toThrow(UserError);
    await expect(thread.run("x", { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(TurnAbortedError);
    await expect(loom.rt.forkThread(thread.id, { atSeq: 0 })).rejects.toThrow(/a fork keeps seq 1 to/);
    await loom.rt.close();
    await expect(thread.run("after close")).rejects.toThrow(/closed/);
    await expect(thread.rollback(1)).rejects.toThrow(/closed/);
  });

  it("serves concurrent run() calls one after another", async () => {
    loom.server.enqueue(textTurn("answer A"), textTurn("answer B"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd });
    const [a, b] = await Promise.all([thread.run("question A"), thread.run("question B")]);
    expect([a.finalResponse, b.finalResponse]).toEqual(["answer A", "answer B"]);
    expect(thread.state.turns.map((t) => t.userMessage)).toEqual(["question A", "question B"]);
  });

  it("refuses a cwd that is not an absolute path to a directory", async () => {
    const thread = await loom.rt.startThread({ cwd: loom.cwd });
    await expect(thread.submit({ type: "override_turn_context", cwd: "relative/dir" })).rejects.toThrow(
      'override_turn_context: cwd must be an absolute path to an existing directory, got "relative/dir"',
    );
    await expect(thread.submit({ type: "override_turn_context", cwd: "/no/such/dir/anywhere" })).rejects.toThrow(UserError);
    expect(await thread.submit({ type: "override_turn_context", cwd: loom.cwd })).toBeTruthy();
  });

  it("refuses a rollback of zero turns with Codex's error", async () => {
    const thread = await loom.rt.startThread({ cwd: loom.cwd });
    await expect(thread.rollback(0)).rejects.toBeInstanceOf(OpRejectedError);
  });
});

describe("compaction that cannot help", () => {
  it("stops compacting after a bound when the limit is below what any request carries, and says so", async () => {
    await loom.rt.close();
    const rt = await createRuntime({
      dataDir: loom.dataDir,
      config: { model_auto_compact_token_limit: 1 },
      env: {},
      durable: false,
      model: { apiKey: "t", baseURL: loom.server.baseURL },
      retry: { baseDelayMs: 1 },
    });
    try {
      // A model that calls a tool whenever the last item is a user message: with the limit always
      // reached, every round would compact and every compaction would start the round again.
      let calls = 0;
      loom.server.setHandler((request) => {
        const last = inputItems(request).at(-1);
        if (request.body.tools?.length === 0) return textTurn("SUMMARY");
        if (last?.type === "function_call_output") return textTurn("done anyway");
        calls += 1;
        return toolCallTurn(`c${calls}`, "shell", { command: ["true"] }, { usage: { input_tokens: 500, total_tokens: 500 } });
      });
      const thread = await rt.startThread({ cwd: loom.cwd, approvalPolicy: "never", sandboxPolicy: { type: "danger-full-access" } });
      const warned = nextEvent(thread.events$, "warning", (m) => m.message.startsWith("stopped compacting"));
      expect((await thread.run("go")).finalResponse).toBe("done anyway");
      await warned;
      const compactions = (await thread.entries()).filter((e) => e.kind === "compacted");
      expect(compactions).toHaveLength(8);
    } finally {
      await rt.close();
    }
  });
});

describe("replay after a crash", () => {
  it("re-executes a thread whose open turn was repaired on resume", async () => {
    loom.server.enqueue([evCreated("r1"), evFunctionCall("s1", "shell", JSON.stringify({ command: ["sleep", "30"] })), evCompleted("r1")]);
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    const began = nextEvent(thread.events$, "exec_command_begin");
    void thread.run("sleep").catch(() => undefined);
    await began;
    await loom.rt.close();
    const rt = await createRuntime({ dataDir: loom.dataDir, config: {}, env: {}, durable: false, model: { apiKey: "t", baseURL: loom.server.baseURL } });
    try {
      loom.server.enqueue(textTurn("after the crash"));
      const resumed = await rt.resumeThread(thread.id);
      await resumed.run("again");
      await expectReplay({ log: rt.log, threadId: thread.id });
    } finally {
      await rt.close();
    }
  });
});

describe("the command line", () => {
  const env = () => ({ OPENAI_BASE_URL: loom.server.baseURL, OPENAI_API_KEY: "test" });

  it("loom exec refuses a request it cannot ask about, tells the model, and finishes", async () => {
    await loom.rt.close();
    loom.server.enqueue(toolCallTurn("c1", "shell", { command: ["touch", "made.txt"] }), textTurn("understood"));
    const result = await runLoom(["exec", "--data-dir", loom.dataDir, "--cwd", loom.cwd, "--approval-policy", "untrusted", "make a file"], env());
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe("understood");
    expect(result.stderr).toContain("refused: touch made.txt (exec cannot ask for approval");
  });

  it("loom exec --json starts with session_configured", async () => {
    await loom.rt.close();
    loom.server.enqueue(textTurn("hi"));
    const result = await runLoom(["exec", "--json", "--data-dir", loom.dataDir, "--cwd", loom.cwd, "hello"], env());
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.lines[0].msg.type).toBe("session_configured");
  });

  it("rejects a bad -c value by name before opening anything", async () => {
    const result = await runLoom(["threads", "--data-dir", loom.dataDir, "-c", "model_context_window=abc"]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe('loom threads: model_context_window must be a positive integer, got "abc"');
  });
});
