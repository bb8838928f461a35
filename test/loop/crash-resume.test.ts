// Resume in a new process after the first was killed with SIGKILL in the middle of a command.
import { afterEach, beforeEach, expect, it } from "vitest";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRuntime } from "../../src/runtime/runtime.js";
import { inputItems, startFakeResponses, textTurn, toolCallTurn, type FakeResponses } from "../support/fake-responses.js";
import { spawnLoom } from "../support/cli.js";

let server: FakeResponses;
let dataDir: string;
let cwd: string;
beforeEach(async () => {
  server = await startFakeResponses();
  dataDir = await mkdtemp(join(tmpdir(), "loom-crash-"));
  cwd = await mkdtemp(join(tmpdir(), "loom-crash-work-"));
});
afterEach(async () => {
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
  await rm(cwd, { recursive: true, force: true });
});

it("closes the interrupted turn as aborted and never reruns a finished call", async () => {
  server.enqueue(
    toolCallTurn("call_count", "shell", { command: ["bash", "-c", "echo ran >> count.txt"] }),
    toolCallTurn("call_sleep", "shell", { command: ["sleep", "30"] }),
  );
  const env = { OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: "test" };
  const loom = spawnLoom(["proto", "--data-dir", dataDir, "--cwd", cwd, "--approval-policy", "never"], env);
  const configured = await loom.waitFor((e) => e.msg?.type === "session_configured");
  loom.send({ id: "turn-1", op: { type: "user_input", items: [{ type: "text", text: "count then sleep" }] } });
  await loom.waitFor((e) => e.msg?.type === "exec_command_begin" && e.msg.call_id === "call_sleep");
  loom.child.kill("SIGKILL");
  await loom.exited;

  const threadId = configured.msg.session_id as string;
  const rt = await createRuntime({ dataDir, config: {}, env: {}, model: { apiKey: "test", baseURL: server.baseURL }, durable: false });
  try {
    const thread = await rt.resumeThread(threadId);
    expect(thread.state.activeTurn ?? null).toBeNull();
    const entries = await thread.entries();
    const aborted = entries.filter((e) => e.kind === "event_msg" && e.payload.type === "turn_aborted");
    expect(aborted).toHaveLength(1);

    server.enqueue(textTurn("recovered"));
    const result = await thread.run("what happened?");
    expect(result.finalResponse).toBe("recovered");
    const items = inputItems(server.requests[2]!);
    const countOutput = items.find((i) => i.type === "function_call_output" && i.call_id === "call_count");
    const sleepOutput = items.find((i) => i.type === "function_call_output" && i.call_id === "call_sleep");
    // Recorded as `shell`'s JSON, sent as text: the request offers the freeform apply_patch.
    expect(countOutput.output).toMatch(/^Exit code: 0\n/);
    expect(sleepOutput.output).toBe("aborted");
    expect(items.some((i) => i.type === "message" && String(i.content?.[0]?.text).startsWith("<turn_aborted>"))).toBe(true);
    expect((await readFile(join(cwd, "count.txt"), "utf8")).trim().split("\n")).toEqual(["ran"]);
  } finally {
    await rt.close();
  }
});
