// `loom proto` as another language would drive it: JSON lines over a child process's pipes.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeResponses, textTurn, toolCallTurn, type FakeResponses } from "../support/fake-responses.js";
import { runLoom, spawnLoom } from "../support/cli.js";

let server: FakeResponses;
let dataDir: string;
let cwd: string;
let env: Record<string, string>;
beforeEach(async () => {
  server = await startFakeResponses();
  dataDir = await mkdtemp(join(tmpdir(), "loom-cli-"));
  cwd = await mkdtemp(join(tmpdir(), "loom-cli-work-"));
  env = { OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: "test", LOOM_HOME: dataDir };
});
afterEach(async () => {
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
  await rm(cwd, { recursive: true, force: true });
});

describe("loom proto", () => {
  it("starts with session_configured, runs a turn with a tool call, and shuts down at end of input", async () => {
    server.enqueue(toolCallTurn("call_1", "shell", { command: ["echo", "from proto"] }), textTurn("all done"));
    const loom = spawnLoom(["proto", "--data-dir", dataDir, "--cwd", cwd, "--approval-policy", "never"], env);
    const configured = await loom.waitFor(() => true);
    expect(configured.msg.type).toBe("session_configured");
    expect(typeof configured.msg.session_id).toBe("string");
    loom.send({ id: "sub-1", op: { type: "user_input", items: [{ type: "text", text: "hi" }] } });
    const complete = await loom.waitFor((e) => e.msg?.type === "task_complete");
    expect(complete.id).toBe("sub-1");
    expect(complete.msg.last_agent_message).toBe("all done");
    const end = loom.events.find((e) => e.msg?.type === "exec_command_end");
    expect(end.msg.stdout).toBe("from proto\n");
    loom.child.stdin.end();
    const exit = await loom.exited;
    expect(exit.code).toBe(0);
    expect(loom.events.at(-1).msg.type).toBe("shutdown_complete");
  });

  it("answers a bad line with an error event and keeps going", async () => {
    const loom = spawnLoom(["proto", "--data-dir", dataDir, "--cwd", cwd], env);
    await loom.waitFor((e) => e.msg?.type === "session_configured");
    loom.send("this is not json");
    loom.send({ id: "x", op: { type: "no_such_op" } });
    const first = await loom.waitFor((e) => e.msg?.type === "error");
    expect(first.msg.message).toMatch(/line 1: not JSON/);
    const second = await loom.waitFor((e) => e.msg?.type === "error" && e.id === "x");
    expect(second.msg.message).toContain('unknown op type "no_such_op"');
    loom.child.stdin.end();
    expect((await loom.exited).code).toBe(0);
  });

  it("resumes a thread with --thread and resends its history", async () => {
    server.enqueue(textTurn("first answer"), textTurn("second answer"));
    const first = spawnLoom(["proto", "--data-dir", dataDir, "--cwd", cwd], env);
    const configured = await first.waitFor((e) => e.msg?.type === "session_configured");
    first.send({ id: "a", op: { type: "user_input", items: [{ type: "text", text: "one" }] } });
    await first.waitFor((e) => e.msg?.type === "task_complete");
    first.child.stdin.end();
    await first.exited;

    const threadId = configured.msg.session_id;
    const second = spawnLoom(["proto", "--data-dir", dataDir, "--thread", threadId], env);
    const again = await second.waitFor((e) => e.msg?.type === "session_configured");
    expect(again.msg.session_id).toBe(threadId);
    second.send({ id: "b", op: { type: "user_input", items: [{ type: "text", text: "two" }] } });
    await second.waitFor((e) => e.msg?.type === "task_complete");
    second.child.stdin.end();
    await second.exited;
    const texts = server.requests[1]!.body.input.filter((i: any) => i.role === "user" || i.role === "assistant").map((i: any) => i.content[0].text);
    expect(texts.slice(-3)).toEqual(["one", "first answer", "two"]);
  });
});

describe("loom exec", () => {
  it("runs one turn and prints the final answer", async () => {
    server.enqueue(textTurn("exec answer"));
    const result = await runLoom(["exec", "--data-dir", dataDir, "--cwd", cwd, "say something"], env);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe("exec answer");
  });

  it("says in one line that no API key is configured", async () => {
    const result = await runLoom(["exec", "--data-dir", dataDir, "hello"], { OPENAI_API_KEY: "", LOOM_HOME: dataDir });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain("OPENAI_API_KEY");
    expect(result.stderr).toContain("README");
  });

  it("prints help", async () => {
    const result = await runLoom(["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("loom proto");
  });
});
