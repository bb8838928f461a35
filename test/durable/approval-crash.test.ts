// An approval answered just before the process died is in the log: resume honours it. The
// approved command runs once and the same turn goes on; a command that may have started is never
// run again.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { access } from "node:fs/promises";
import { join } from "node:path";
import { nextEvent, startLoom, type LoomHarness } from "../support/loom.js";
import { hanging, inputItems, textTurn, toolCallTurn } from "../support/fake-responses.js";
import { createRuntime, type Runtime } from "../../src/runtime/runtime.js";
import type { NewEntry } from "../../src/events/index.js";
import { replayRecording } from "../../src/testing/index.js";
import { formatDivergence } from "../../src/replay/reexecute/index.js";

let loom: LoomHarness;
const extra: Runtime[] = [];
beforeEach(async () => {
  loom = await startLoom();
});
afterEach(async () => {
  for (const rt of extra.splice(0)) await rt.close();
  await loom.close();
});

const exists = (path: string) => access(path).then(() => true, () => false);

/** A thread whose turn waits on approving `touch made.txt`; then the process "dies". */
async function waitingOnApproval(): Promise<{ threadId: string; turnId: string; runtime: () => Promise<Runtime> }> {
  loom.server.enqueue(toolCallTurn("c1", "shell", { command: ["touch", "made.txt"] }));
  const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "untrusted" });
  const asked = nextEvent(thread.events$, "exec_approval_request");
  void thread.run("make the file").catch(() => undefined);
  await asked;
  const turnId = thread.state.activeTurn!;
  await loom.rt.close();
  const runtime = async () => {
    const rt = await createRuntime({ dataDir: loom.dataDir, durable: false, config: {}, env: {}, model: { apiKey: "k", baseURL: loom.server.baseURL } });
    extra.push(rt);
    return rt;
  };
  return { threadId: thread.id, turnId, runtime };
}

/** What the dying process had logged after the request. */
async function append(rt: Runtime, threadId: string, entries: NewEntry[]): Promise<void> {
  const head = (await rt.log.getThread(threadId))!.headSeq;
  await rt.log.append(threadId, entries, { expectedSeq: head });
}

const approved = (decision = "approved"): NewEntry => ({
  kind: "submission",
  sub: "a1",
  payload: { id: "a1", op: { type: "exec_approval", id: "c1", decision: decision as never } },
});

describe("an approval answered just before a crash", () => {
  it("runs the approved command once and continues the same turn", async () => {
    const { threadId, turnId, runtime } = await waitingOnApproval();
    const rt = await runtime();
    await append(rt, threadId, [approved()]);
    loom.server.enqueue(textTurn("made it"));
    const resumed = await rt.resumeThread(threadId);
    const complete = await nextEvent(resumed.events$, "task_complete");
    expect(complete.turn_id).toBe(turnId);
    expect(complete.last_agent_message).toBe("made it");
    expect(await exists(join(loom.cwd, "made.txt"))).toBe(true);
    const entries = await resumed.entries();
    expect(entries.filter((e) => e.kind === "event_msg" && e.payload.type === "exec_command_begin")).toHaveLength(1);
    // Not asked again: the answer was already given.
    expect(entries.filter((e) => e.kind === "event_msg" && e.payload.type === "exec_approval_request")).toHaveLength(1);
    const output = inputItems(loom.server.requests[1]!).find((i: any) => i.type === "function_call_output" && i.call_id === "c1");
    // The shell tool's output, as Codex sends it when the freeform apply_patch is offered.
    expect(output.output).toMatch(/^Exit code: 0\n/);
    await resumed.whenIdle();
    const report = await replayRecording({ log: rt.log, threadId });
    if (report.divergence) throw new Error(formatDivergence(report.divergence));
  });

  it("a denial logged before the crash is given to the model, and nothing runs", async () => {
    const { threadId, runtime } = await waitingOnApproval();
    const rt = await runtime();
    await append(rt, threadId, [approved("denied")]);
    loom.server.enqueue(textTurn("ok, not made"));
    const resumed = await rt.resumeThread(threadId);
    await nextEvent(resumed.events$, "task_complete");
    expect(await exists(join(loom.cwd, "made.txt"))).toBe(false);
    const output = inputItems(loom.server.requests[1]!).find((i: any) => i.type === "function_call_output" && i.call_id === "c1");
    expect(output.output).toMatch(/rejected by user/);
  });

  it("a command that may have started before the crash is never run again", async () => {
    const { threadId, turnId, runtime } = await waitingOnApproval();
    const rt = await runtime();
    await append(rt, threadId, [
      approved(),
      {
        kind: "event_msg",
        sub: turnId,
        payload: { type: "exec_command_begin", call_id: "c1", turn_id: turnId, command: ["touch", "made.txt"], cwd: loom.cwd, parsed_cmd: [] },
      },
    ]);
    const resumed = await rt.resumeThread(threadId);
    expect(resumed.state.activeTurn).toBeNull();
    expect(resumed.state.turns.at(-1)?.status).toBe("aborted");
    expect(await exists(join(loom.cwd, "made.txt"))).toBe(false);
  });

  it("a denied call whose refusal the turn had recorded is not decided again: the turn closes as aborted", async () => {
    loom.server.enqueue(toolCallTurn("c1", "shell", { command: ["touch", "made.txt"] }), hanging().reply);
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "untrusted" });
    const asked = nextEvent(thread.events$, "exec_approval_request");
    void thread.run("make the file").catch(() => undefined);
    await asked;
    const sampling = nextEvent(thread.events$, "model_request");
    await thread.submit({ type: "exec_approval", id: "c1", decision: "denied" });
    await sampling;
    await loom.rt.close();
    const rt = await createRuntime({ dataDir: loom.dataDir, durable: false, config: {}, env: {}, model: { apiKey: "k", baseURL: loom.server.baseURL } });
    extra.push(rt);
    const resumed = await rt.resumeThread(thread.id);
    await resumed.whenIdle();
    const entries = await resumed.entries();
    expect(entries.filter((e) => e.kind === "event_msg" && e.payload.type === "task_started")).toHaveLength(1);
    expect(resumed.state.turns.at(-1)?.status).toBe("aborted");
  });
});
