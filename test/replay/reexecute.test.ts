// Re-execution replay: record live sessions, replay them without a model, and catch changes.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nextEvent, startLoom, type LoomHarness } from "../support/loom.js";
import { hanging, evCreated, evMessageAdded, evOutputTextDelta, textTurn, toolCallTurn } from "../support/fake-responses.js";
import { expectReplay, recordFixture, replayRecording, ReplayDivergenceError } from "../../src/testing/index.js";
import type { LogEntry } from "../../src/events/index.js";
import { runLoom } from "../support/cli.js";

let loom: LoomHarness;
let fixtures: string;
beforeEach(async () => {
  loom = await startLoom();
  fixtures = await mkdtemp(join(tmpdir(), "loom-fixtures-"));
  await writeFile(join(loom.cwd, "AGENTS.md"), "Always answer briefly.\n");
});
afterEach(async () => {
  await loom.close();
  await rm(fixtures, { recursive: true, force: true });
});

/** A two-turn session with a shell call, recorded live against the fake model. */
async function recordToolSession() {
  loom.server.enqueue(
    toolCallTurn("call_echo", "shell", { command: ["echo", "recorded output"] }),
    textTurn("The command printed its output."),
    textTurn("Second answer."),
  );
  const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
  await thread.run("run echo");
  await thread.run("and again");
  return thread;
}

describe("replaying a recorded thread", () => {
  it("re-executes a tool-call session with no model and no divergence", async () => {
    const thread = await recordToolSession();
    const entries = await thread.entries();
    const requestsBefore = loom.server.requests.length;
    const report = await expectReplay({ log: loom.rt.log, threadId: thread.id });
    expect(report.replayed).toBe(entries.length - 0);
    expect(loom.server.requests.length).toBe(requestsBefore);
  });

  it("re-executes a thread started with a name (session_configured carries it)", async () => {
    loom.server.enqueue(textTurn("Named."));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never", name: "job 7" });
    await thread.run("hello");
    const report = await replayRecording({ log: loom.rt.log, threadId: thread.id });
    expect(report.divergence).toBeUndefined();
  });

  it("reports a changed AGENTS.md at the seq of the context message that carried it", async () => {
    const thread = await recordToolSession();
    const entries = await thread.entries();
    const agentsSeq = entries.find(
      (e) => e.kind === "response_item" && JSON.stringify(e.payload).includes("Always answer briefly."),
    )!.seq;
    await writeFile(join(loom.cwd, "AGENTS.md"), "Always answer at length.\n");
    const report = await replayRecording({ log: loom.rt.log, threadId: thread.id });
    expect(report.divergence?.seq).toBe(agentsSeq);
    expect(report.divergence?.diff.join("\n")).toContain("Always answer at length.");
    await expect(expectReplay({ log: loom.rt.log, threadId: thread.id })).rejects.toBeInstanceOf(ReplayDivergenceError);
  });

  it("reports an altered tool output at the seq where the model's history takes it", async () => {
    const thread = await recordToolSession();
    const path = join(fixtures, "session.jsonl");
    await recordFixture(thread, path);
    const lines = (await readFile(path, "utf8")).trim().split("\n").map((line) => JSON.parse(line) as LogEntry);
    const altered = lines.map((entry) =>
      entry.kind === "event_msg" && entry.payload.type === "raw_response_item"
        ? { ...entry, payload: { ...entry.payload, item: { ...entry.payload.item, output: "something else" } } }
        : entry,
    );
    const outputSeq = lines.find((e) => e.kind === "response_item" && e.payload.type === "function_call_output")!.seq;
    await writeFile(path, altered.map((e) => JSON.stringify(e)).join("\n") + "\n");
    const report = await replayRecording(path);
    expect(report.divergence?.seq).toBe(outputSeq);
    expect(report.divergence?.diff.join("\n")).toMatch(/output: recorded .*recorded output.*now "something else"/);
  });

  it("re-executes from the turn containing --from, taking earlier entries as recorded", async () => {
    const thread = await recordToolSession();
    const entries = await thread.entries();
    const secondTurnStart = entries.filter((e) => e.kind === "event_msg" && e.payload.type === "task_started")[1]!.seq;
    const secondSubmission = entries.filter((e) => e.kind === "submission" && e.seq < secondTurnStart).at(-1)!.seq;
    const report = await expectReplay({ log: loom.rt.log, threadId: thread.id }, { fromSeq: secondTurnStart + 2 });
    expect(report.fromSeq).toBe(secondSubmission);
    expect(report.replayed).toBe(entries.length - secondSubmission + 1);
    // An input only the first turn used (its tool's output) is not re-executed any more.
    const altered = entries.map((entry) =>
      entry.kind === "event_msg" && entry.payload.type === "raw_response_item"
        ? { ...entry, payload: { ...entry.payload, item: { ...entry.payload.item, output: "altered" } } }
        : entry,
    );
    expect((await replayRecording(altered, { fromSeq: secondTurnStart })).divergence).toBeUndefined();
    expect((await replayRecording(altered)).divergence).toBeDefined();
  });

  it("replays interrupts and steering at their recorded points", async () => {
    const stream = hanging([evCreated("r1"), evMessageAdded("m1"), evOutputTextDelta("partial")]);
    loom.server.enqueue(
      stream.reply,
      toolCallTurn("call_wait", "shell", { command: ["bash", "-c", "while [ ! -f go ]; do sleep 0.01; done; echo ok"] }),
      textTurn("steered"),
    );
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    const delta = nextEvent(thread.events$, "agent_message_delta");
    const first = thread.run("story").catch(() => undefined);
    await delta;
    await thread.interrupt();
    await first;
    const begin = nextEvent(thread.events$, "exec_command_begin");
    const second = thread.run("wait");
    await begin;
    await thread.submit({ type: "user_input", items: [{ type: "text", text: "and say hi" }] });
    await writeFile(join(loom.cwd, "go"), "");
    await second;
    await expectReplay({ log: loom.rt.log, threadId: thread.id });
  });

  it("replays a manual compaction, a rollback and user shell commands (one interrupted)", async () => {
    loom.server.enqueue(textTurn("one"), textTurn("two"), textTurn("SUMMARY OF THE WORK"), textTurn("three"), textTurn("four"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    await thread.run("first");
    await thread.run("second");
    const compacted = nextEvent(thread.events$, "context_compacted");
    await thread.submit({ type: "compact" });
    await compacted;
    await thread.whenIdle();
    await thread.run("third");
    await thread.rollback(1);
    const shellDone = nextEvent(thread.events$, "task_complete");
    await thread.submit({ type: "run_user_shell_command", command: "echo from the user" });
    await shellDone;
    await thread.run("fourth");
    const began = nextEvent(thread.events$, "exec_command_begin");
    const aborted = nextEvent(thread.events$, "turn_aborted");
    await thread.submit({ type: "run_user_shell_command", command: "sleep 30" });
    await began;
    await thread.interrupt();
    await aborted;
    const report = await expectReplay({ log: loom.rt.log, threadId: thread.id });
    expect(report.replayed).toBe(thread.state.seq);
  });

  it("replays a fixture file through the public loom/testing entry and `loom replay`", async () => {
    const thread = await recordToolSession();
    const path = join(fixtures, "session.jsonl");
    const written = await recordFixture(thread, path);
    const testing = await import("loom/testing");
    const report = await testing.expectReplay(path);
    expect(report.replayed).toBe(written);

    await loom.rt.close();
    const ok = await runLoom(["replay", thread.id, "--data-dir", loom.dataDir]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(new RegExp(`^replayed ${written} entries, no divergence`));
    await writeFile(join(loom.cwd, "AGENTS.md"), "Changed.\n");
    const bad = await runLoom(["replay", thread.id, "--data-dir", loom.dataDir]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^divergence at seq \d+: the entry differs from the recorded one/);
  });
});
