// SIGKILL while a parent waits on two agents that each wait for an approval: a new process resumes
// the parent, which resumes its open agents; their requests are asked again of the parent's client,
// tagged with the agent; the answers, sent to the parent, reach the agents; the parent's wait goes
// on (it is not begun again) and the parent answers. The whole tree then replays without a divergence.
import { afterEach, beforeEach, expect, it } from "vitest";
import { existsSync, mkdtempSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRuntime, type Runtime } from "../../src/runtime/runtime.js";
import type { LogEntry } from "../../src/events/index.js";
import { childThreads, formatDivergence, replayTree } from "../../src/replay/reexecute/index.js";
import { inputItems, startFakeResponses, type FakeResponses } from "../support/fake-responses.js";
import { runMain, spawnLoom } from "../support/cli.js";
import { nextEvent } from "../support/loom.js";
import { AgentModel } from "./support.js";

let server: FakeResponses;
let dataDir: string;
let cwd: string;
let home: string;
let rt: Runtime | undefined;
beforeEach(async () => {
  server = await startFakeResponses();
  dataDir = await mkdtemp(join(tmpdir(), "loom-agents-crash-"));
  cwd = await mkdtemp(join(tmpdir(), "loom-agents-crash-work-"));
  home = mkdtempSync(join(tmpdir(), "loom-agents-crash-home-"));
});
afterEach(async () => {
  await rt?.close();
  rt = undefined;
  await server.close();
  for (const dir of [dataDir, cwd, home]) await rm(dir, { recursive: true, force: true });
});

it("resumes the agents of a parent killed while it waited on them, and the wait goes on", async () => {
  server.setHandler(new AgentModel().reply);
  const env = { OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: "test", HOME: home, LOOM_HOME: dataDir };
  const loom = spawnLoom(["proto", "--data-dir", dataDir, "--cwd", cwd, "--approval-policy", "untrusted", "--sandbox", "danger-full-access"], env);
  const configured = await loom.waitFor((e) => e.msg?.type === "session_configured");
  const parentId = configured.msg.session_id as string;
  loom.send({ id: "turn-1", op: { type: "user_input", items: [{ type: "text", text: "Please spawn agents to run `touch a.txt` and `touch b.txt`." }] } });
  // Each agent's approval request reaches the parent's client, tagged with the agent's thread.
  const first = await loom.waitFor((e) => e.msg?.type === "exec_approval_request" && typeof e.thread_id === "string");
  const second = await loom.waitFor((e) => e.msg?.type === "exec_approval_request" && typeof e.thread_id === "string" && e.thread_id !== first.thread_id);
  await loom.waitFor((e) => e.msg?.type === "collab_waiting_begin");
  loom.child.kill("SIGKILL");
  await loom.exited;

  rt = await createRuntime({
    dataDir,
    durable: false,
    config: {},
    env: {},
    model: { apiKey: "test", baseURL: server.baseURL },
    commandEnv: { PATH: process.env.PATH, HOME: home, SHELL: "/bin/bash", LANG: "C.UTF-8" },
  });
  const parent = await rt.resumeThread(parentId);
  const children = await childThreads(rt.log, parentId);
  expect(children.sort()).toEqual([first.thread_id, second.thread_id].sort());
  // The agents were resumed with the parent; what they wait on is asked again of its client.
  const asked = parent.opening.filter((e) => e.msg.type === "exec_approval_request") as (typeof parent.opening[number] & { thread_id: string })[];
  expect(asked.map((e) => e.thread_id).sort()).toEqual([...children].sort());

  const done = nextEvent(parent.events$, "task_complete");
  for (const ask of asked) {
    const msg = ask.msg as { approval_id?: string | null; call_id: string };
    await parent.submit({ type: "exec_approval", id: msg.approval_id ?? msg.call_id, decision: "approved" });
  }
  expect((await done).last_agent_message).toMatch(/^Agents answered: /);
  expect(existsSync(join(cwd, "a.txt")) && existsSync(join(cwd, "b.txt"))).toBe(true);

  // The same turn went on: not aborted, one wait begun before the crash and ended after it.
  const entries: LogEntry[] = [];
  for await (const entry of rt.log.read(parentId)) entries.push(entry);
  const types = entries.filter((e) => e.kind === "event_msg").map((e) => (e.payload as { type: string }).type);
  expect(types).not.toContain("turn_aborted");
  const firstWait = entries.find((e) => e.kind === "event_msg" && e.payload.type === "collab_waiting_begin")!;
  const waitCall = (firstWait.payload as { call_id: string }).call_id;
  expect(entries.filter((e) => e.kind === "event_msg" && e.payload.type === "collab_waiting_begin" && (e.payload as unknown as { call_id: string }).call_id === waitCall)).toHaveLength(1);
  expect(entries.some((e) => e.kind === "event_msg" && e.payload.type === "collab_waiting_end" && (e.payload as unknown as { call_id: string }).call_id === waitCall)).toBe(true);
  // The answers went to the agents' logs, not the parent's.
  expect(entries.some((e) => e.kind === "submission" && e.payload.op.type === "exec_approval")).toBe(false);

  await rt.close();
  rt = undefined;
  // The tree replays, the restart included.
  const reader = await createRuntime({ dataDir, durable: false, config: {}, env: {}, model: { apiKey: "test", baseURL: server.baseURL } });
  try {
    const report = await replayTree(reader.log, parentId);
    expect(report.divergence ? formatDivergence(report.divergence) : null).toBeNull();
    expect(report.threads).toHaveLength(3);
  } finally {
    await reader.close();
  }

  // `loom threads` shows the tree: the agents under their parent, with the turn and call that spawned them.
  const listed = await runMain(["threads", "--json", "--data-dir", dataDir]);
  const rows = listed.out.map((line) => JSON.parse(line));
  expect(rows.map((row) => row.id)).toEqual([parentId, ...children.sort((a, b) => rows.findIndex((r) => r.id === a) - rows.findIndex((r) => r.id === b))]);
  for (const row of rows.slice(1)) expect(row.spawn).toMatchObject({ parent_thread_id: parentId, depth: 1, call_id: expect.any(String), turn_id: "turn-1" });
  const text = await runMain(["threads", "--data-dir", dataDir]);
  expect(text.out.filter((line) => line.startsWith("└ ") && line.includes(`of ${parentId}`))).toHaveLength(2);
});

// SIGKILL while an agent's command runs and its parent waits on it (for an hour): `loom proto
// --thread` resumes the parent, which reopens the agent; the agent's turn is closed as cut short,
// and the parent's wait (the same call, not begun again) ends at once with the agent errored.
it("tells a resumed parent that its agent's turn was cut short by the kill, without waiting out the deadline", async () => {
  server.setHandler(new AgentModel().reply);
  const env = { OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: "test", HOME: home, LOOM_HOME: dataDir };
  const first = spawnLoom(["proto", "--data-dir", dataDir, "--cwd", cwd, "--approval-policy", "never", "--sandbox", "danger-full-access"], env);
  const configured = await first.waitFor((e) => e.msg?.type === "session_configured");
  const parentId = configured.msg.session_id as string;
  first.send({ id: "turn-1", op: { type: "user_input", items: [{ type: "text", text: "Please spawn agents to run `touch running; sleep 97.44` and wait 3600000 ms" }] } });
  const waiting = await first.waitFor((e) => e.msg?.type === "collab_waiting_begin");
  // The agent's command runs (its exec_command_begin is relayed only as an approval would be: watch its file).
  while (!existsSync(join(cwd, "running"))) await new Promise((resolve) => setTimeout(resolve, 25));
  first.child.kill("SIGKILL");
  await first.exited;

  const second = spawnLoom(["proto", "--data-dir", dataDir, "--thread", parentId], env);
  try {
    const done = await second.waitFor((e) => e.msg?.type === "task_complete");
    const child = waiting.msg.receiver_thread_ids[0] as string;
    expect(done.msg.last_agent_message).toMatch(/^Agents answered: \{"errored":".+"\}$/);
    const ended = await second.waitFor((e) => e.msg?.type === "collab_waiting_end");
    expect(ended.msg.call_id).toBe(waiting.msg.call_id);
    expect(Object.keys(ended.msg.statuses)).toEqual([child]);
    expect(ended.msg.statuses[child].errored).toMatch(/stopped/);
    // The parent was told, as Codex tells it of an agent's end: a notification in its next request.
    const parentRequests = server.requests.filter((r) => String(r.headers.session_id) === parentId);
    const notes = inputItems(parentRequests.at(-1)!).filter((item) => item.role === "user" && item.content?.[0]?.text?.startsWith("<subagent_notification>"));
    expect(notes.map((note) => note.content[0].text)).toEqual([expect.stringContaining('"errored"')]);
  } finally {
    second.child.stdin.end();
    await second.exited;
  }
  // The tree replays, the kill and the cut-short turn included.
  const reader = await createRuntime({ dataDir, durable: false, config: {}, env: {}, model: { apiKey: "test", baseURL: server.baseURL } });
  try {
    const report = await replayTree(reader.log, parentId);
    expect(report.divergence ? formatDivergence(report.divergence) : null).toBeNull();
    expect(report.threads).toHaveLength(2);
  } finally {
    await reader.close();
  }
}, 60_000);
