// Sub-agents end to end against the fake Responses server, each thread scripted by what its
// requests hold (support.ts): a parent spawns two agents whose commands can only finish together
// (each waits for the other's marker file), waits for both and answers; every agent is a thread
// of its own in the log, linked to the parent's turn and call; the tree replays without a
// divergence, and a changed child log is reported with the child's id and seq.
import { afterEach, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { MemoryEventLog } from "../../src/log/index.js";
import { childThreads, formatDivergence, replayTree } from "../../src/replay/reexecute/index.js";
import { spawnLinkOf } from "../../src/agents/index.js";
import { nextEvent, type LoomHarness } from "../support/loom.js";
import { inputItems, toolNames } from "../support/fake-responses.js";
import { AgentModel, entriesOf, events, startAgentsLoom, threadOf } from "./support.js";

let loom: LoomHarness | undefined;
afterEach(async () => {
  await loom?.close();
  loom = undefined;
});

/** Finishes only once the other agent's command has started too: the two must run at once. */
const meeting = (me: string, other: string) =>
  `touch ${me}.started && timeout 20 sh -c 'until [ -e ${other}.started ]; do sleep 0.05; done' && echo ${me}-met-${other}`;


async function parentWithTwoAgents(): Promise<{ h: LoomHarness; parentId: string; finalResponse: string }> {
  const h = (loom = await startAgentsLoom());
  h.server.setHandler(new AgentModel().reply);
  const parent = await h.rt.startThread({ cwd: h.cwd, approvalPolicy: "never", sandboxMode: "danger-full-access" });
  const { finalResponse } = await parent.run(`Please spawn agents to run \`${meeting("a", "b")}\` and \`${meeting("b", "a")}\`.`);
  return { h, parentId: parent.id, finalResponse };
}

describe("a parent with two sub-agents", () => {
  it("runs both at once, waits for both, and answers; each agent is a linked thread of its own", async () => {
    const { h, parentId, finalResponse } = await parentWithTwoAgents();
    expect(finalResponse).toBe("Agents answered: ran: a-met-b | ran: b-met-a");
    expect(existsSync(join(h.cwd, "a.started")) && existsSync(join(h.cwd, "b.started"))).toBe(true);

    // The tree: two children, each linked to the parent's turn and its own spawn call.
    const parentEntries = await entriesOf(h, parentId);
    const children = await childThreads(h.rt.log, parentId);
    expect(children).toHaveLength(2);
    const spawnCalls = parentEntries
      .filter((e) => e.kind === "response_item" && e.payload.type === "function_call" && e.payload.name === "spawn_agent")
      .map((e) => (e.payload as { call_id: string }).call_id);
    const turnId = events(parentEntries, "task_started")[0]!.turn_id;
    const links = await Promise.all(children.map(async (id) => spawnLinkOf((await h.rt.stateAt(id, 1)).sessionMeta)!));
    expect(links.map((link) => link.spawnedBy.call_id).sort()).toEqual([...spawnCalls].sort());
    for (const link of links) {
      expect(link.source).toMatchObject({ parent_thread_id: parentId, depth: 1 });
      expect(link.spawnedBy).toMatchObject({ thread_id: parentId, turn_id: turnId });
      expect(typeof link.source.agent_nickname).toBe("string");
    }

    // Codex's collab events in the parent's log, ends after begins.
    expect(events(parentEntries, "collab_agent_spawn_begin")).toHaveLength(2);
    const spawned = events(parentEntries, "collab_agent_spawn_end");
    expect(spawned.map((e) => e.new_thread_id).sort()).toEqual([...children].sort());
    expect(events(parentEntries, "collab_waiting_begin").length).toBeGreaterThanOrEqual(1);
    const waited = events(parentEntries, "collab_waiting_end").flatMap((e) => Object.keys(e.statuses));
    expect(waited.sort()).toEqual([...children].sort());

    // Each child's requests are a sub-agent's (Codex's headers), without the agent tools (depth limit 1).
    for (const child of children) {
      const requests = h.server.requests.filter((r) => threadOf(r) === child);
      expect(requests.length).toBe(2);
      expect(requests[0]!.headers["x-openai-subagent"]).toBe("collab_spawn");
      expect(requests[0]!.headers["x-codex-parent-thread-id"]).toBe(parentId);
      expect(toolNames(requests[0]!)).not.toContain("spawn_agent");
      expect(events(await entriesOf(h, child), "task_complete")).toHaveLength(1);
    }
    const parentRequests = h.server.requests.filter((r) => threadOf(r) === parentId);
    expect(toolNames(parentRequests[0]!)).toEqual([
      "exec_command", "write_stdin", "update_plan", "request_user_input", "apply_patch", "web_search", "view_image",
      "spawn_agent", "send_input", "resume_agent", "wait_agent", "close_agent",
    ]);
    // The parent heard of each agent's end (Codex's <subagent_notification>), in its last request.
    const notes = inputItems(parentRequests.at(-1)!).filter((item) => item.role === "user" && item.content?.[0]?.text?.startsWith("<subagent_notification>"));
    expect(notes).toHaveLength(2);

    // Any child opens like any thread: its state at any seq.
    const childState = await h.rt.stateAt(children[0]!);
    expect(childState.turns).toHaveLength(1);

    // The whole tree replays: the parent against its log, then each child against its own.
    const report = await replayTree(h.rt.log, parentId);
    expect(report.divergence ? formatDivergence(report.divergence) : null).toBeNull();
    expect(report.threads).toEqual([parentId, ...children]);
  });

  it("reports a divergence inside a child with the child's thread id and seq", async () => {
    const { h, parentId } = await parentWithTwoAgents();
    const child = (await childThreads(h.rt.log, parentId))[1]!;
    // Copy the tree into a log where the child's answer was recorded differently.
    const log = new MemoryEventLog();
    for (const id of [parentId, ...(await childThreads(h.rt.log, parentId))]) {
      const entries = await entriesOf(h, id);
      await log.createThread({ id });
      await log.append(
        id,
        entries.map((e) => {
          const payload = id === child && e.kind === "event_msg" && e.payload.type === "task_complete" ? { ...e.payload, last_agent_message: "tampered" } : e.payload;
          return { kind: e.kind, payload, ts: e.ts, sub: e.sub } as never;
        }),
      );
    }
    const tampered = (await entriesOf({ rt: { log } } as never, child)).find((e) => e.kind === "event_msg" && e.payload.type === "task_complete")!;
    const report = await replayTree(log, parentId);
    expect(report.divergence).toMatchObject({ threadId: child, seq: tampered.seq });
    expect(formatDivergence(report.divergence!)).toContain(`divergence in thread ${child} at seq ${tampered.seq}`);
  });
});

describe("waiting, limits, interrupts", () => {
  it("a wait that times out says so, and the agent keeps running", async () => {
    const h = (loom = await startAgentsLoom());
    h.server.setHandler(new AgentModel().reply);
    const parent = await h.rt.startThread({ cwd: h.cwd, approvalPolicy: "never", sandboxMode: "danger-full-access" });
    // The child's model never answers; the wait asks for 1 ms and gets Codex's minimum, 10 s.
    const { finalResponse } = await parent.run("Please spawn agents to run `Please hang.` and wait 1 ms");
    expect(finalResponse).toBe("The wait timed out.");
    const entries = await entriesOf(h, parent.id);
    const output = entries.find((e) => e.kind === "response_item" && e.payload.type === "function_call_output" && String(e.payload.output).includes("timed_out"))!;
    expect(JSON.parse((output.payload as { output: string }).output)).toEqual({ status: {}, timed_out: true });
    const child = (await childThreads(h.rt.log, parent.id))[0]!;
    expect(h.rt.agents.status(child)).toBe("running");
  });

  it("interrupting the parent interrupts its running agents", async () => {
    const h = (loom = await startAgentsLoom());
    h.server.setHandler(new AgentModel().reply);
    const parent = await h.rt.startThread({ cwd: h.cwd, approvalPolicy: "never", sandboxMode: "danger-full-access" });
    const waiting = nextEvent(parent.events$, "collab_waiting_begin");
    const ended = nextEvent(parent.events$, "turn_aborted");
    void parent.run("Please spawn agents to run `Please hang.`").catch(() => undefined);
    const { receiver_thread_ids: [child] } = (await waiting) as unknown as { receiver_thread_ids: string[] };
    const childThread = h.rt.openThread(child!)!;
    const childAborted = nextEvent(childThread.events$, "turn_aborted");
    await parent.interrupt();
    expect((await ended).reason).toBe("interrupted");
    expect((await childAborted).reason).toBe("interrupted");
    expect(h.rt.agents.status(child!)).toBe("interrupted");
  });

  it("a forked agent starts from its parent's history: its messages, no tool calls", async () => {
    const h = (loom = await startAgentsLoom());
    h.server.setHandler(new AgentModel().reply);
    const parent = await h.rt.startThread({ cwd: h.cwd, approvalPolicy: "never", sandboxMode: "danger-full-access" });
    const prompt = "Please spawn agents to run `echo forked` with my history.";
    const { finalResponse } = await parent.run(prompt);
    expect(finalResponse).toBe("Agents answered: ran: forked");
    const child = (await childThreads(h.rt.log, parent.id))[0]!;
    const first = h.server.requests.find((r) => threadOf(r) === child)!;
    const texts = inputItems(first).filter((item) => item.type === "message").map((item) => item.content?.[0]?.text as string);
    expect(texts).toContain(prompt);
    expect(texts.at(-1)).toBe("Please run `echo forked`.");
    expect(inputItems(first).some((item) => item.type === "function_call")).toBe(false);
  });

  it("refuses a spawn beyond agents.max_threads, in Codex's words", async () => {
    const h = (loom = await startAgentsLoom({ config: { agents: { max_threads: 1 } } }));
    h.server.setHandler(new AgentModel().reply);
    const parent = await h.rt.startThread({ cwd: h.cwd, approvalPolicy: "never", sandboxMode: "danger-full-access" });
    await parent.run("Please spawn agents to run `echo one` and `echo two`.").catch(() => undefined);
    const outputs = (await entriesOf(h, parent.id))
      .filter((e) => e.kind === "response_item" && e.payload.type === "function_call_output")
      .map((e) => (e.payload as { output: string }).output);
    expect(outputs).toContain("collab spawn failed: agent thread limit reached (max 1)");
  });
});
