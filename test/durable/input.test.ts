// Logged input is never lost: each user input the log holds is taken by a turn (a turn of its own,
// or steering), or answered by an event saying it was not delivered; after a crash too.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { nextEvent, startLoom, type LoomHarness } from "../support/loom.js";
import { gated, hanging, messageTexts, textTurn, toolCallTurn, type RecordedRequest } from "../support/fake-responses.js";
import { createRuntime, type Runtime } from "../../src/runtime/runtime.js";
import type { LogEntry } from "../../src/events/index.js";
import type { Thread } from "../../src/runtime/thread.js";

let loom: LoomHarness;
const extra: Runtime[] = [];
beforeEach(async () => {
  loom = await startLoom();
  // Any request the script did not plan for gets a plain answer naming the last user message.
  loom.server.setHandler((request) => textTurn(`answered: ${lastUserText(request)}`));
});
afterEach(async () => {
  for (const rt of extra.splice(0)) await rt.close();
  await loom.close();
});

function lastUserText(request: RecordedRequest): string {
  return messageTexts(request, "user").filter((t) => !t.startsWith("<")).at(-1) ?? "";
}

async function restart(): Promise<Runtime> {
  await loom.rt.close();
  const rt = await createRuntime({
    dataDir: loom.dataDir,
    durable: false,
    config: {},
    env: {},
    model: { apiKey: "test-key", baseURL: loom.server.baseURL },
    retry: { baseDelayMs: 1 },
  });
  extra.push(rt);
  return rt;
}

const text = (t: string) => ({ type: "user_input" as const, items: [{ type: "text" as const, text: t }] });

/** Every user input in the log, with what became of it: the model saw it, or an error answered it. */
function fates(entries: LogEntry[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of entries) {
    if (entry.kind === "submission" && entry.payload.op.type === "user_input") {
      const said = (entry.payload.op.items[0] as { text: string }).text;
      out[said] = "lost";
      const seen = entries.some((e) => e.seq > entry.seq && e.kind === "event_msg" && e.payload.type === "user_message" && e.payload.message === said);
      const refused = entries.find((e) => e.kind === "event_msg" && e.payload.type === "error" && e.sub === entry.payload.id);
      if (seen) out[said] = "delivered";
      else if (refused && refused.kind === "event_msg" && refused.payload.type === "error") out[said] = `refused: ${refused.payload.message}`;
    }
  }
  return out;
}

async function idle(thread: Thread): Promise<void> {
  await thread.whenIdle();
}

describe("after a crash, logged input is delivered", () => {
  it("steering input the turn had not taken yet runs as a new turn", async () => {
    loom.server.enqueue(toolCallTurn("c1", "shell", { command: ["sleep", "30"] }));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    const began = nextEvent(thread.events$, "exec_command_begin");
    void thread.run("sleep").catch(() => undefined);
    await began;
    await thread.submit(text("steer one"));
    await thread.submit(text("steer two"));
    const rt = await restart();
    const resumed = await rt.resumeThread(thread.id);
    await idle(resumed);
    const entries = await resumed.entries();
    expect(fates(entries)).toEqual({ sleep: "delivered", "steer one": "delivered", "steer two": "delivered" });
    // In order, each as its own turn (the turn they steered had died).
    const started = entries.filter((e) => e.kind === "event_msg" && e.payload.type === "task_started").length;
    expect(started).toBe(3);
    expect(loom.server.requests.map(lastUserText).slice(-2)).toEqual(["steer one", "steer two"]);
  });

  it("input sent while delivered input still waits is taken after it, in order", async () => {
    loom.server.enqueue(toolCallTurn("c1", "shell", { command: ["sleep", "30"] }));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    const began = nextEvent(thread.events$, "exec_command_begin");
    void thread.run("sleep").catch(() => undefined);
    await began;
    await thread.submit(text("one"));
    await thread.submit(text("two"));
    const rt = await restart();
    // "one" runs first; while the model answers it, "two" waits and "three" comes in.
    const held = gated([], textTurn("answered one"));
    loom.server.enqueue(held.reply);
    const resumed = await rt.resumeThread(thread.id);
    await held.reached;
    await resumed.submit(text("three"));
    held.release();
    await idle(resumed);
    const entries = await resumed.entries();
    expect(fates(entries)).toEqual({ sleep: "delivered", one: "delivered", two: "delivered", three: "delivered" });
    const order = entries.flatMap((e) => (e.kind === "event_msg" && e.payload.type === "user_message" ? [e.payload.message] : []));
    expect(order).toEqual(["sleep", "one", "two", "three"]);
    expect(resumed.state.pendingInput).toEqual([]);
  });

  it("input logged before its turn started runs after the restart", async () => {
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    await thread.submit(text("queued"));
    const rt = await restart();
    const resumed = await rt.resumeThread(thread.id);
    await idle(resumed);
    expect(fates(await resumed.entries())).toEqual({ queued: "delivered" });
  });

  it("steering input that a logged interrupt cancelled is reported, not run", async () => {
    loom.server.enqueue(toolCallTurn("c1", "shell", { command: ["sleep", "30"] }));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    const began = nextEvent(thread.events$, "exec_command_begin");
    void thread.run("sleep").catch(() => undefined);
    await began;
    await thread.submit(text("never mind"));
    // The interrupt is durable, but the process dies before the turn records its end.
    const logged = nextEvent(thread.events$, "turn_aborted");
    void logged.catch(() => undefined);
    await thread.submit({ type: "interrupt" });
    const rt = await restart();
    const resumed = await rt.resumeThread(thread.id);
    await idle(resumed);
    const result = fates(await resumed.entries());
    expect(result.sleep).toBe("delivered");
    expect(result["never mind"]).toMatch(/^refused: input not delivered/);
  });

  it("a fork does not run the input it inherits; it says so", async () => {
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    await thread.run("first");
    const second = thread.run("second");
    await second;
    const entries = await thread.entries();
    const submission = entries.filter((e) => e.kind === "submission").at(-1)!;
    const requests = loom.server.requests.length;
    const fork = await loom.rt.forkThread(thread.id, { atSeq: submission.seq });
    await idle(fork);
    expect(loom.server.requests.length).toBe(requests);
    expect(fates(await fork.entries())).toEqual({ first: "delivered", second: expect.stringMatching(/^refused: .*fork/) });
  });
});

describe("while the process lives, input is acted on or answered", () => {
  it("steering input pending at an interrupt is reported; input after it runs", async () => {
    loom.server.enqueue(toolCallTurn("c1", "shell", { command: ["sleep", "30"] }));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    const began = nextEvent(thread.events$, "exec_command_begin");
    const run = thread.run("sleep").catch(() => undefined);
    await began;
    await thread.submit(text("too late"));
    await thread.submit({ type: "interrupt" });
    await thread.submit(text("next"));
    await run;
    await idle(thread);
    const result = fates(await thread.entries());
    expect(result["too late"]).toMatch(/^refused: input not delivered: the turn it was steering was interrupted/);
    expect(result.next).toBe("delivered");
  });

  it("a shutdown answers the input still queued", async () => {
    loom.server.enqueue(toolCallTurn("c1", "shell", { command: ["sleep", "30"] }));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    const began = nextEvent(thread.events$, "exec_command_begin");
    void thread.run("sleep").catch(() => undefined);
    await began;
    await thread.submit({ type: "compact" });
    const done = nextEvent(thread.events$, "shutdown_complete");
    await thread.submit({ type: "shutdown" });
    const late = await thread.submit(text("while shutting down"));
    await done;
    await thread.close();
    const entries = await thread.entries();
    const compact = entries.find((e) => e.kind === "submission" && e.payload.op.type === "compact")!;
    const answer = entries.find((e) => e.kind === "event_msg" && e.payload.type === "error" && e.sub === compact.sub);
    expect(answer).toBeDefined();
    expect(entries.some((e) => e.kind === "event_msg" && e.payload.type === "error" && e.sub === late)).toBe(true);
    expect(fates(entries)["while shutting down"]).toMatch(/^refused: input not delivered/);
    await expect(thread.submit(text("after"))).rejects.toThrow(/closed/);
  });
});

describe("thread.run", () => {
  it("rejects, rather than waiting for ever, when its input is answered instead of run", async () => {
    const stream = hanging();
    loom.server.enqueue(stream.reply);
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    // Another submission gets in first: the run's input steers that turn, which is then interrupted.
    // Input goes to the session before it is durable unless an earlier submission is still being
    // written (then all go in log order once durable): the name keeps "first" waiting, so the
    // session is still idle when the run looks, and its input lands behind "first" as steering.
    void thread.submit({ type: "set_thread_name", name: "busy" });
    void thread.submit(text("first"));
    const run = thread.run("second");
    await stream.reached;
    await thread.submit({ type: "interrupt" });
    await expect(run).rejects.toThrow(/input not delivered: the turn it was steering was interrupted/);
  });
});
