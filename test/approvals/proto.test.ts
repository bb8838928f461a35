// Issue scenario through `loom proto` with approval_policy=untrusted: the model asks to run
// `touch made.txt`; denied, approved, approved_for_session; and a restart with a pending request.
import { afterEach, beforeEach, expect, it } from "vitest";
import { access, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inputItems, startFakeResponses, textTurn, toolCallTurn, type FakeResponses } from "../support/fake-responses.js";
import { spawnLoom, type LoomProcess } from "../support/cli.js";

let server: FakeResponses;
let dataDir: string;
let cwd: string;
let env: Record<string, string>;
beforeEach(async () => {
  server = await startFakeResponses();
  dataDir = await mkdtemp(join(tmpdir(), "loom-approve-"));
  cwd = await mkdtemp(join(tmpdir(), "loom-approve-work-"));
  env = { OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: "test" };
});
afterEach(async () => {
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
  await rm(cwd, { recursive: true, force: true });
});

const exists = (path: string) => access(path).then(() => true, () => false);
const touch = (callId: string) => toolCallTurn(callId, "shell", { command: ["touch", "made.txt"] });
const outputOf = (index: number, callId: string) =>
  inputItems(server.requests[index]!).find((i: any) => i.type === "function_call_output" && i.call_id === callId)?.output;

function proto(extra: string[] = []): LoomProcess {
  return spawnLoom(["proto", "--data-dir", dataDir, "--cwd", cwd, "--approval-policy", "untrusted", ...extra], env);
}

async function turn(loom: LoomProcess, id: string, text: string) {
  loom.send({ id, op: { type: "user_input", items: [{ type: "text", text }] } });
}

it("denied, approved, then approved_for_session without a second request", async () => {
  server.enqueue(touch("c1"), textTurn("not made"), touch("c2"), textTurn("made"), touch("c3"), textTurn("made again"), touch("c4"), textTurn("no ask"));
  const loom = proto();
  await loom.waitFor((e) => e.msg?.type === "session_configured");

  await turn(loom, "t1", "make a file");
  const ask1 = await loom.waitFor((e) => e.msg?.type === "exec_approval_request" && e.msg.call_id === "c1");
  expect(ask1.msg.command).toEqual(["touch", "made.txt"]);
  loom.send({ id: "a1", op: { type: "exec_approval", id: "c1", decision: "denied" } });
  await loom.waitFor((e) => e.msg?.type === "task_complete" && e.id === "t1");
  expect(await exists(join(cwd, "made.txt"))).toBe(false);
  expect(outputOf(1, "c1")).toBe("exec command rejected by user");

  await turn(loom, "t2", "make it now");
  await loom.waitFor((e) => e.msg?.type === "exec_approval_request" && e.msg.call_id === "c2");
  loom.send({ id: "a2", op: { type: "exec_approval", id: "c2", decision: "approved" } });
  await loom.waitFor((e) => e.msg?.type === "task_complete" && e.id === "t2");
  expect(await exists(join(cwd, "made.txt"))).toBe(true);

  await turn(loom, "t3", "again, and remember");
  await loom.waitFor((e) => e.msg?.type === "exec_approval_request" && e.msg.call_id === "c3");
  loom.send({ id: "a3", op: { type: "exec_approval", id: "c3", decision: "approved_for_session" } });
  await loom.waitFor((e) => e.msg?.type === "task_complete" && e.id === "t3");

  await turn(loom, "t4", "once more");
  await loom.waitFor((e) => e.msg?.type === "task_complete" && e.id === "t4");
  expect(loom.events.some((e) => e.msg?.type === "exec_approval_request" && e.msg.call_id === "c4")).toBe(false);
  expect(outputOf(7, "c4")).toMatch(/^Exit code: 0\n/);
  loom.child.stdin.end();
  expect((await loom.exited).code).toBe(0);
});

it("a request pending when the process is killed is asked again by `proto --thread`, and answering it finishes the turn", async () => {
  server.enqueue(touch("c1"));
  const first = proto();
  const configured = await first.waitFor((e) => e.msg?.type === "session_configured");
  await turn(first, "t1", "make a file");
  await first.waitFor((e) => e.msg?.type === "exec_approval_request" && e.msg.call_id === "c1");
  first.child.kill("SIGKILL");
  await first.exited;
  expect(await exists(join(cwd, "made.txt"))).toBe(false);

  server.enqueue(textTurn("made after the restart"));
  const second = proto(["--thread", configured.msg.session_id]);
  const reasked = await second.waitFor((e) => e.msg?.type === "exec_approval_request");
  expect(reasked.msg.call_id).toBe("c1");
  expect(second.events[0].msg.type).toBe("session_configured");
  second.send({ id: "a1", op: { type: "exec_approval", id: "c1", decision: "approved" } });
  const done = await second.waitFor((e) => e.msg?.type === "task_complete");
  expect(done.msg.turn_id).toBe("t1");
  expect(done.msg.last_agent_message).toBe("made after the restart");
  expect(await exists(join(cwd, "made.txt"))).toBe(true);
  second.child.stdin.end();
  expect((await second.exited).code).toBe(0);
});

it("at the end of input, a turn waiting on a person is left pending in the log for `proto --thread`", async () => {
  server.enqueue(touch("c1"));
  const first = proto();
  const configured = await first.waitFor((e) => e.msg?.type === "session_configured");
  await turn(first, "t1", "make a file");
  first.child.stdin.end();
  await first.waitFor((e) => e.msg?.type === "exec_approval_request");
  expect((await first.exited).code).toBe(0);

  server.enqueue(textTurn("made"));
  const second = proto(["--thread", configured.msg.session_id]);
  await second.waitFor((e) => e.msg?.type === "exec_approval_request" && e.msg.call_id === "c1");
  second.send({ id: "a1", op: { type: "exec_approval", id: "c1", decision: "approved" } });
  await second.waitFor((e) => e.msg?.type === "task_complete");
  second.child.stdin.end();
  expect((await second.exited).code).toBe(0);
  expect(await exists(join(cwd, "made.txt"))).toBe(true);
});
