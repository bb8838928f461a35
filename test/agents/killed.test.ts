// A sub-agent that dies or fails while its parent waits on it: the parent's wait ends with the
// agent's status as soon as the agent has one, never at the wait's deadline. Every wait here asks
// for an hour (Codex's maximum), so a parent left waiting fails the test by its timeout. Covered:
// the agent's command SIGKILLed (plain, in a PTY, and its sandbox killed under it); the agent's
// model server down and its turn failing; the agent's thread closed, shut down, or closed by the
// control (close_agent's path) mid-wait; the parent interrupted mid-wait.
import { afterEach, describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import type { LogEntry, NewEntry } from "../../src/events/index.js";
import { MemoryEventLog, type AppendOptions } from "../../src/log/index.js";
import { childThreads, formatDivergence, replayTree } from "../../src/replay/reexecute/index.js";
import { nextEvent, type LoomHarness } from "../support/loom.js";
import { inputItems } from "../support/fake-responses.js";
import { AgentModel, entriesOf, events, startAgentsLoom, threadOf } from "./support.js";

let loom: LoomHarness | undefined;
afterEach(async () => {
  await loom?.close();
  loom = undefined;
});

const HOUR = "and wait 3600000 ms";


/** Every status the parent's waits ended with, by agent. */
async function waitedStatuses(h: LoomHarness, parentId: string): Promise<Record<string, unknown>> {
  return Object.assign({}, ...events(await entriesOf(h, parentId), "collab_waiting_end").map((e) => e.statuses));
}

/** The host pids (and parents) of processes whose command line holds `marker`. */
interface ProcessInfo {
  pid: number;
  ppid: number;
  argv0: string;
}

function processesWith(marker: string): ProcessInfo[] {
  const out: ProcessInfo[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0");
      if (!argv.join(" ").includes(marker)) continue;
      const ppid = Number(/PPid:\s+(\d+)/.exec(readFileSync(`/proc/${name}/status`, "utf8"))?.[1]);
      out.push({ pid: Number(name), ppid, argv0: argv[0]! });
    } catch {
      // Gone while listed.
    }
  }
  return out;
}

/**
 * The processes holding `marker` once `ready` finds the one wanted among them: the agent's command
 * has started. Polls /proc (nothing tells a test that a process exists).
 */
async function processesOnce(marker: string, ready: (found: ProcessInfo[]) => ProcessInfo | undefined): Promise<ProcessInfo> {
  const stop = AbortSignal.timeout(20_000);
  for (;;) {
    const found = ready(processesWith(marker));
    if (found) return found;
    if (stop.aborted) throw new Error(`no process with ${marker} started`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const sleeping = (found: ProcessInfo[]) => found.find((p) => p.argv0 === "sleep");
/** The outer bubblewrap: the one whose parent is not a bubblewrap of the same command. */
const outerSandbox = (found: ProcessInfo[]) => {
  const sandbox = found.filter((p) => p.argv0.endsWith("bwrap"));
  return found.some((p) => p.argv0 === "sleep") ? sandbox.find((p) => !sandbox.some((q) => q.pid === p.ppid)) : undefined;
};

describe("an agent whose command is killed", () => {
  it("answers its parent: the command SIGKILLed, or its sandbox killed under it", async () => {
    const h = (loom = await startAgentsLoom());
    h.server.setHandler(new AgentModel().reply);
    const parent = await h.rt.startThread({ cwd: h.cwd, approvalPolicy: "never", sandboxMode: "workspace-write" });
    // Each command marks its start, then sleeps for a duration only it uses (how the test finds it).
    const run = parent.run(`Please spawn agents to run \`sleep 97.11\` and \`sleep 97.22; echo after\` ${HOUR}`);
    // The command itself (bash exec'd the sleep), and the outer bubblewrap of the other one.
    const command = await processesOnce("97.11", sleeping);
    const outer = await processesOnce("97.22", outerSandbox);
    process.kill(command.pid, "SIGKILL");
    process.kill(outer.pid, "SIGKILL");
    const { finalResponse } = await run;
    expect(finalResponse).toMatch(/^Agents answered: ran: .* \| ran: .*$/);
    const children = await childThreads(h.rt.log, parent.id);
    const statuses = await waitedStatuses(h, parent.id);
    for (const child of children) expect(statuses[child]).toMatchObject({ completed: expect.stringMatching(/^ran: /) });
  });

  it("answers its parent when its command runs in a PTY and is SIGKILLed", async () => {
    const h = (loom = await startAgentsLoom());
    h.server.setHandler(new AgentModel().reply);
    const parent = await h.rt.startThread({ cwd: h.cwd, approvalPolicy: "never", sandboxMode: "danger-full-access" });
    const run = parent.run(`Please spawn agents to run \`sleep 97.33\` in a terminal ${HOUR}`);
    process.kill((await processesOnce("97.33", sleeping)).pid, "SIGKILL");
    const { finalResponse } = await run;
    expect(finalResponse).toMatch(/^Agents answered: ran: /);
  });
});

describe("an agent whose turn fails", () => {
  /** A parent waits on one agent that fails while it waits: what the parent was told. */
  async function failingAgent(task: string) {
    const h = (loom = await startAgentsLoom({ retry: { baseDelayMs: 1, maxStreamRetries: 1 } }));
    const model = new AgentModel();
    h.server.setHandler(model.reply);
    const parent = await h.rt.startThread({ cwd: h.cwd, approvalPolicy: "never", sandboxMode: "danger-full-access" });
    // The agent fails once its parent waits (as in the agents-failing capture): a wait under way
    // sees the error; one begun after the failed turn ended reads Codex's status at rest, completed.
    model.holdFailures = nextEvent(parent.events$, "collab_waiting_begin");
    const { finalResponse } = await parent.run(`Please spawn agents to run \`${task}\` ${HOUR}`);
    const [child] = await childThreads(h.rt.log, parent.id);
    const last = h.server.requests.filter((r) => threadOf(r) === parent.id).at(-1)!;
    const notes = inputItems(last).filter((item) => item.role === "user" && item.content?.[0]?.text?.startsWith("<subagent_notification>"));
    const waited = (await waitedStatuses(h, parent.id))[child!];
    await loom.close();
    loom = undefined;
    return { finalResponse, waited, notes: notes.map((note) => note.content[0].text as string) };
  }

  it("is reported errored, with its error, when its model server is down", async () => {
    const { finalResponse, waited, notes } = await failingAgent("Please fail.");
    // A 5xx reads as Codex's text for it.
    const errored = { errored: "We're currently experiencing high demand, which may cause temporary errors." };
    expect(waited).toEqual(errored);
    expect(finalResponse).toBe(`Agents answered: ${JSON.stringify(errored)}`);
    // Codex's notification says so too, in the parent's next request.
    expect(notes).toEqual([expect.stringContaining(JSON.stringify(errored))]);
  });

  it("is reported errored, with its error, when its turn fails", async () => {
    const { waited, notes } = await failingAgent("Please fail the stream.");
    const errored = { errored: "stream disconnected before completion: the model broke down" };
    expect(waited).toEqual(errored);
    expect(notes).toEqual([expect.stringContaining(JSON.stringify(errored))]);
  });
});

describe("an agent closed while its parent waits", () => {
  it("ends the wait at once: closed (not_found), shut down by its client or by the control (shutdown)", async () => {
    const h = (loom = await startAgentsLoom());
    h.server.setHandler(new AgentModel().reply);
    const parent = await h.rt.startThread({ cwd: h.cwd, approvalPolicy: "never", sandboxMode: "danger-full-access" });
    let begun = nextEvent(parent.events$, "collab_waiting_begin");
    const run = parent.run(`Please spawn agents to run \`Please hang.\` and \`Please hang.\` and \`Please hang.\` ${HOUR}`);
    const { receiver_thread_ids: ids } = (await begun) as unknown as { receiver_thread_ids: string[] };
    const [closed, shut, controlled] = ids as [string, string, string];
    // One at a time, each ends a wait by itself (the model then waits again on the others).
    const endsWait = async (act: () => Promise<unknown>) => {
      await begun;
      begun = nextEvent(parent.events$, "collab_waiting_begin");
      const end = nextEvent(parent.events$, "collab_waiting_end");
      await act();
      return (await end).statuses;
    };
    expect(await endsWait(() => h.rt.openThread(closed)!.close())).toEqual({ [closed]: "not_found" });
    expect(await endsWait(() => h.rt.openThread(shut)!.submit({ type: "shutdown" }))).toEqual({ [shut]: "shutdown" });
    expect(await endsWait(() => h.rt.agents.close(controlled))).toEqual({ [controlled]: "shutdown" });
    const { finalResponse } = await run;
    expect(finalResponse.startsWith("Agents answered: ")).toBe(true);
    expect(await waitedStatuses(h, parent.id)).toEqual({ [closed]: "not_found", [shut]: "shutdown", [controlled]: "shutdown" });
  });
});

/** A log whose appends to the threads in `failing` fail, as a full disk would make them. */
class FailingLog extends MemoryEventLog {
  readonly failing = new Set<string>();
  override async append(threadId: string, entries: readonly NewEntry[], options?: AppendOptions): Promise<LogEntry[]> {
    if (this.failing.has(threadId)) throw new Error("no space left on device");
    return super.append(threadId, entries, options);
  }
}

describe("an agent whose log cannot be written", () => {
  it("stops, and its parent's wait ends at once with the reason (errored)", async () => {
    const log = new FailingLog();
    const h = (loom = await startAgentsLoom({ log }));
    h.server.setHandler(new AgentModel().reply);
    const parent = await h.rt.startThread({ cwd: h.cwd, approvalPolicy: "never", sandboxMode: "danger-full-access" });
    const begun = nextEvent(parent.events$, "collab_waiting_begin");
    const run = parent.run(`Please spawn agents to run \`Please hang.\` ${HOUR}`);
    const { receiver_thread_ids: [child] } = (await begun) as unknown as { receiver_thread_ids: string[] };
    const ended = nextEvent(parent.events$, "collab_waiting_end");
    log.failing.add(child!);
    // Any append now fails: the agent's thread closes itself and says why.
    await expect(h.rt.openThread(child!)!.submit({ type: "user_input", items: [{ type: "text", text: "more" }] })).rejects.toThrow();
    const { statuses } = (await ended) as unknown as { statuses: Record<string, unknown> };
    expect(statuses[child!]).toEqual({ errored: expect.stringMatching(/^the agent's thread stopped: appending to its log failed \(no space left on device\)/) });
    log.failing.clear();
    expect((await run).finalResponse).toMatch(/^Agents answered: \{"errored":/);
  });
});

describe("a parent interrupted while it waits", () => {
  it("records its wait as aborted (not timed out), and interrupts each agent once", async () => {
    const h = (loom = await startAgentsLoom());
    h.server.setHandler(new AgentModel().reply);
    const parent = await h.rt.startThread({ cwd: h.cwd, approvalPolicy: "never", sandboxMode: "danger-full-access" });
    const waiting = nextEvent(parent.events$, "collab_waiting_begin");
    const ended = nextEvent(parent.events$, "turn_aborted");
    void parent.run(`Please spawn agents to run \`Please hang.\` ${HOUR}`).catch(() => undefined);
    const { receiver_thread_ids: [child], call_id: callId } = (await waiting) as unknown as { receiver_thread_ids: string[]; call_id: string };
    const childAborted = nextEvent(h.rt.openThread(child!)!.events$, "turn_aborted");
    await parent.interrupt();
    await ended;
    await childAborted;
    await parent.whenIdle();
    const entries = await entriesOf(h, parent.id);
    // Codex drops the wait's future: no end event, and the call's output is the interrupt's.
    expect(events(entries, "collab_waiting_end")).toEqual([]);
    const output = entries.find((e) => e.kind === "response_item" && e.payload.type === "function_call_output" && e.payload.call_id === callId)!;
    expect(String((output.payload as { output: unknown }).output)).toMatch(/^aborted by user after \d+\.\ds$/);
    const interrupts = (await entriesOf(h, child!)).filter((e) => e.kind === "submission" && e.payload.op.type === "interrupt");
    expect(interrupts).toHaveLength(1);
    // The tree replays, the aborted wait included.
    const report = await replayTree(h.rt.log, parent.id);
    expect(report.divergence ? formatDivergence(report.divergence) : null).toBeNull();
  });
});
