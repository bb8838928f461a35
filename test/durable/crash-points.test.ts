// A crash after every append, deterministically: a session with shell calls, steering input, an
// approval granted and one denied, an interrupt, queued input, a compaction, the user's own command
// and a rollback is recorded; then for each append
// the log is cut there (what a SIGKILL right after it leaves), resumed until idle, and checked like
// the crash campaign: no logged input lost, no call begun twice, approvals honoured, replay exact.
import { afterAll, beforeAll, expect, it } from "vitest";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryEventLog, createRuntime } from "../../src/runtime/runtime.js";
import type { LogEntry, NewEntry } from "../../src/events/index.js";
import type { AppendOptions } from "../../src/log/index.js";
import { formatDivergence, replayThread } from "../../src/replay/reexecute/index.js";
import { nextEvent } from "../support/loom.js";
import { hanging, startFakeResponses, textTurn, toolCallTurn, type FakeResponses } from "../support/fake-responses.js";

/** Remembers where each append ended: a crash can only fall between appends. */
class BoundaryLog extends MemoryEventLog {
  readonly boundaries: number[] = [];
  override async append(threadId: string, entries: readonly NewEntry[], options?: AppendOptions): Promise<LogEntry[]> {
    const stored = await super.append(threadId, entries, options);
    if (stored.length > 0) this.boundaries.push(stored.at(-1)!.seq);
    return stored;
  }
}

let server: FakeResponses;
let cwd: string;
let recording: LogEntry[] = [];
let boundaries: number[] = [];

const text = (t: string) => ({ type: "user_input" as const, items: [{ type: "text" as const, text: t }] });
const escalated = (callId: string, script: string) =>
  toolCallTurn(callId, "shell", { command: ["bash", "-c", script], sandbox_permissions: "require_escalated", justification: "test" });

beforeAll(async () => {
  server = await startFakeResponses();
  cwd = await mkdtemp(join(tmpdir(), "loom-crash-points-"));
  const log = new BoundaryLog();
  const rt = await createRuntime({ log, config: {}, env: {}, model: { apiKey: "k", baseURL: server.baseURL } });
  const thread = await rt.startThread({ cwd, approvalPolicy: "on-request" });
  const gate = hanging();
  server.enqueue(
    // Turn 1: a command runs while two steering messages arrive; the model answers them.
    toolCallTurn("c1", "shell", { command: ["bash", "-c", "while [ ! -f go ]; do sleep 0.01; done"] }),
    textTurn("steered"),
    // Turn 2: one approved command, then a denied one.
    escalated("c2", "echo c2 >> runs.log"),
    escalated("c3", "echo c3 >> runs.log"),
    textTurn("one of two"),
    // Turn 3: interrupted while the model streams, with steering input pending; input queued after.
    gate.reply,
    textTurn("after the interrupt"),
    // A manual compaction's summary, then a turn after it.
    textTurn("SUMMARY"),
    textTurn("four"),
  );
  const began = nextEvent(thread.events$, "exec_command_begin");
  const first = thread.run("first");
  await began;
  await thread.submit(text("steer a"));
  await thread.submit(text("steer b"));
  const { writeFile } = await import("node:fs/promises");
  await writeFile(join(cwd, "go"), "");
  await first;

  const asked2 = nextEvent(thread.events$, "exec_approval_request", (m) => m.call_id === "c2");
  const second = thread.run("second");
  await asked2;
  const asked3 = nextEvent(thread.events$, "exec_approval_request", (m) => m.call_id === "c3");
  await thread.submit({ type: "exec_approval", id: "c2", decision: "approved" });
  await asked3;
  await thread.submit({ type: "exec_approval", id: "c3", decision: "denied" });
  await second;

  const third = thread.run("third").catch(() => undefined);
  await gate.reached;
  await thread.submit(text("steer c"));
  await thread.submit({ type: "interrupt" });
  await thread.submit(text("queued d"));
  await third;
  await thread.whenIdle();

  const compacted = nextEvent(thread.events$, "context_compacted");
  await thread.submit({ type: "compact" });
  await compacted;
  const shell = nextEvent(thread.events$, "exec_command_end", (m) => m.source === "user_shell");
  await thread.submit({ type: "run_user_shell_command", command: "echo mine >> runs.log" });
  await shell;
  await thread.whenIdle();
  await thread.run("four");
  await thread.rollback(1);
  await thread.whenIdle();
  recording = await thread.entries();
  boundaries = log.boundaries.filter((seq) => seq <= recording.length);
  await rt.close();
}, 60_000);

afterAll(async () => {
  await server?.close();
  await rm(cwd, { recursive: true, force: true });
});

/** What the checks found wrong with one resumed cut (empty when nothing). */
function problems(entries: LogEntry[]): string[] {
  const found: string[] = [];
  for (const entry of entries) {
    if (entry.kind !== "submission" || entry.payload.op.type !== "user_input") continue;
    const said = (entry.payload.op.items[0] as { text: string }).text;
    const seen = entries.some((e) => e.seq > entry.seq && e.kind === "event_msg" && e.payload.type === "user_message" && e.payload.message === said);
    const answered = entries.some((e) => e.seq > entry.seq && e.kind === "event_msg" && e.payload.type === "error" && e.sub === entry.payload.id);
    if (!seen && !answered) found.push(`input "${said}" lost`);
  }
  const begins = new Map<string, number>();
  for (const e of entries) {
    if (e.kind === "event_msg" && e.payload.type === "exec_command_begin") begins.set(e.payload.call_id, (begins.get(e.payload.call_id) ?? 0) + 1);
  }
  for (const [call, n] of begins) if (n > 1) found.push(`call ${call} began ${n} times`);
  const completed = new Set(entries.flatMap((e) => (e.kind === "event_msg" && e.payload.type === "task_complete" ? [e.payload.turn_id] : [])));
  const turnOf = new Map(entries.flatMap((e) => (e.kind === "event_msg" && e.payload.type === "exec_approval_request" ? [[e.payload.call_id, e.payload.turn_id] as const] : [])));
  for (const e of entries) {
    if (e.kind !== "submission" || e.payload.op.type !== "exec_approval" || e.payload.op.decision !== "approved") continue;
    const turn = turnOf.get(e.payload.op.id);
    if (turn && completed.has(turn) && !begins.has(e.payload.op.id)) found.push(`approved ${e.payload.op.id} never ran`);
  }
  return found;
}

it("recorded a session with steering, approvals, an interrupt and queued input", () => {
  const types = recording.map((e) => (e.kind === "submission" ? e.payload.op.type : (e.payload as { type?: string }).type));
  expect(types).toEqual(
    expect.arrayContaining(["exec_approval", "interrupt", "turn_aborted", "exec_command_begin", "context_compacted", "run_user_shell_command", "thread_rolled_back"]),
  );
  expect(boundaries.length).toBeGreaterThan(30);
  expect(problems(recording)).toEqual([]);
});

it("a crash after any append is resumed with nothing lost, nothing run twice, and replays exactly", { timeout: 120_000 }, async () => {
  // After a resume every request is answered plainly, and every approval request approved.
  server.setHandler(() => textTurn("resumed"));
  const failures: string[] = [];
  for (const cut of boundaries) {
    const log = new MemoryEventLog();
    const threadId = recording[0]!.threadId;
    await log.createThread({ id: threadId });
    await log.append(threadId, recording.filter((e) => e.seq <= cut).map((e) => ({ kind: e.kind, payload: e.payload, ts: e.ts, sub: e.sub }) as NewEntry));
    const rt = await createRuntime({ log, config: {}, env: {}, model: { apiKey: "k", baseURL: server.baseURL } });
    try {
      const thread = await rt.resumeThread(threadId);
      const approve = (msg: { type: string; call_id?: string }) => {
        if (msg.type === "exec_approval_request") void thread.submit({ type: "exec_approval", id: msg.call_id!, decision: "approved" }).catch(() => undefined);
      };
      thread.events$.subscribe((event) => approve(event.msg));
      for (const event of thread.opening) approve(event.msg);
      await thread.whenIdle();
      const entries = await thread.entries();
      await thread.close();
      const found = problems(entries);
      if (thread.state.pendingInput.length > 0) found.push("input still pending");
      const report = await replayThread(log, threadId);
      if (report.divergence) found.push(formatDivergence(report.divergence));
      if (found.length > 0) failures.push(`cut after seq ${cut}: ${found.join("; ")}`);
    } finally {
      await rt.close();
    }
  }
  expect(failures).toEqual([]);
});
