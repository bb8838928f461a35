// Bounded output and limits: a command printing 100 MB adds a few MB to the log and to `loom
// proto`'s stdout, and Loom's memory stays bounded; `timeout_ms` is checked and capped.
import { readFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFakeResponses, inputItems, textTurn, toolCallTurn, type FakeResponses } from "../support/fake-responses.js";
import { spawnLoom } from "../support/cli.js";
import { startLoom } from "../support/loom.js";
import { createRuntime } from "../../src/runtime/runtime.js";
import { effectiveTimeout, MAX_EXEC_TIMEOUT_MS, DEFAULT_EXEC_TIMEOUT_MS } from "../../src/actors/shell/index.js";

const MB = 1024 * 1024;

describe("a command that prints 100 MB", () => {
  let server: FakeResponses;
  let dataDir: string;
  let cwd: string;
  beforeEach(async () => {
    server = await startFakeResponses();
    dataDir = await mkdtemp(join(tmpdir(), "loom-limits-data-"));
    cwd = await mkdtemp(join(tmpdir(), "loom-limits-ws-"));
  });
  afterEach(async () => {
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
    await rm(cwd, { recursive: true, force: true });
  });

  it("adds a few MB to the log and to proto's stdout, in bounded memory, and the model reads a head and a tail", async () => {
    server.enqueue(
      toolCallTurn("c1", "shell", { command: ["bash", "-c", "yes 0123456789abcdefghijklmnopqrstuvwxyz | head -c 100000000; echo THE-END"] }),
      textTurn("that was long"),
    );
    const loom = spawnLoom(["proto", "--data-dir", dataDir, "--cwd", cwd, "--approval-policy", "never"], {
      OPENAI_BASE_URL: server.baseURL,
      OPENAI_API_KEY: "test-key",
    });
    let stdoutBytes = 0;
    loom.child.stdout.on("data", (chunk: Buffer) => (stdoutBytes += chunk.length));
    const configured = await loom.waitFor((event) => event.msg?.type === "session_configured");
    loom.send({ id: "1", op: { type: "user_input", items: [{ type: "text", text: "print a lot" }] } });
    await loom.waitFor((event) => event.msg?.type === "task_complete");
    const status = await readFile(`/proc/${loom.child.pid}/status`, "utf8");
    const peakKb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]);
    loom.child.stdin.end();
    expect((await loom.exited).code).toBe(0);

    expect(stdoutBytes).toBeLessThan(5 * MB);
    // Before the limits Loom peaked near 1 GB for this command.
    expect(peakKb * 1024).toBeLessThan(400 * MB);
    const rt = await createRuntime({ dataDir, config: {}, env: {} });
    try {
      let logBytes = 0;
      for await (const entry of rt.log.read(configured.msg.session_id)) logBytes += Buffer.byteLength(JSON.stringify(entry));
      expect(logBytes).toBeLessThan(5 * MB);
    } finally {
      await rt.close();
    }
    const output: string = inputItems(server.requests[1]!).find((item: any) => item.type === "function_call_output")?.output;
    // `shell` answers in Codex's structured form (cut the same way), sent as text because the
    // request offers the freeform apply_patch: the total-lines header moves above `Output:`.
    expect(output).toMatch(/^Exit code: 0\nWall time: [\d.]+ seconds\nTotal output lines: \d+\nOutput:\n0123456789/);
    expect(output).toContain("tokens truncated");
    expect(output.length).toBeLessThan(50_000);
  });
});

describe("timeout_ms", () => {
  it("is capped: a huge value neither overflows the timer nor kills the command early", async () => {
    expect(effectiveTimeout(2 ** 40)).toBe(MAX_EXEC_TIMEOUT_MS);
    expect(effectiveTimeout(undefined)).toBe(DEFAULT_EXEC_TIMEOUT_MS);
    expect(effectiveTimeout(null)).toBeNull();
    const loom = await startLoom();
    try {
      loom.server.enqueue(
        toolCallTurn("c1", "shell", { command: ["bash", "-c", "sleep 0.3; echo done"], timeout_ms: 2 ** 40 }),
        toolCallTurn("c2", "shell", { command: ["true"], timeout_ms: -5 }),
        toolCallTurn("c3", "shell", { command: ["true"], timeout_ms: 2.5 }),
        textTurn("ok"),
      );
      const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
      await thread.run("wait a little");
      const output = (i: number, callId: string) =>
        inputItems(loom.server.requests[i]!).find((item: any) => item.type === "function_call_output" && item.call_id === callId)?.output;
      // Recorded as `shell`'s JSON, sent as text (the request offers the freeform apply_patch).
      expect(output(1, "c1")).toMatch(/^Exit code: 0\nWall time: [\d.]+ seconds\nOutput:\ndone\n$/);
      expect(output(2, "c2")).toMatch(/^failed to parse function arguments: .*timeout_ms/);
      expect(output(3, "c3")).toMatch(/^failed to parse function arguments: .*timeout_ms/);
    } finally {
      await loom.close();
    }
  });
});
