// Loom's own log: JSON lines with thread, turn and seq, rotated, never on a protocol's stdout, never a secret.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdtemp, readFile, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nextEvent } from "../support/loom.js";
import { createRuntime, type Runtime } from "../../src/runtime/runtime.js";
import { httpError, startFakeResponses, textTurn, toolCallTurn, type FakeResponses } from "../support/fake-responses.js";
import { runLoom, spawnLoom } from "../support/cli.js";
import { createLogger, RotatingFile, type OwnedLogger } from "../../src/observe/index.js";

const API_KEY = "sk-proj-SECRETSECRETSECRET0123456789";
const OTLP_SECRET = "otlp-header-SECRET-42";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "loom-logs-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function lines(path: string): Promise<Record<string, any>[]> {
  const text = await readFile(path, "utf8");
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

describe("the logger", () => {
  it("censors secrets by key and by shape", async () => {
    const owned = createLogger({ level: "trace", file: join(dir, "loom.log") });
    owned.logger.info(
      {
        apiKey: API_KEY,
        request: { headers: { authorization: `Bearer ${API_KEY}` } },
        config: { otel: { exporter: { headers: { "x-api-key": OTLP_SECRET } } }, mcp: { env: { TOKEN: OTLP_SECRET } } },
        kept: "visible",
      },
      `the server said: Incorrect API key provided: ${API_KEY}; header Authorization: Bearer ${OTLP_SECRET}`,
    );
    owned.logger.error({ err: new Error(`401 for ${API_KEY}`) }, "failed");
    owned.close();
    const text = await readFile(join(dir, "loom.log"), "utf8");
    expect(text).not.toContain("SECRET");
    const [first, second] = await lines(join(dir, "loom.log"));
    expect(first).toMatchObject({ level: 30, name: "loom", apiKey: "[Redacted]", kept: "visible", request: { headers: "[Redacted]" } });
    expect(first!.msg).toContain("Incorrect API key provided: sk-[Redacted]");
    expect(second!.err.message).toBe("401 for sk-[Redacted]");
  });

  it("rotates its file at the size bound and keeps a bounded number of old ones", async () => {
    const file = new RotatingFile(join(dir, "logs", "loom.log"), { maxBytes: 4096, keep: 2 });
    const line = `${"x".repeat(99)}\n`;
    for (let i = 0; i < 200; i++) file.write(line);
    file.close();
    const names = (await readdir(join(dir, "logs"))).sort();
    expect(names).toEqual(["loom.log", "loom.log.1", "loom.log.2"]);
    for (const name of names) expect((await stat(join(dir, "logs", name))).size).toBeLessThanOrEqual(4096 + line.length);
    expect(file.dropped).toBe(0);
  });
});

describe("a thread's log lines", () => {
  let server: FakeResponses;
  let owned: OwnedLogger;
  let rt: Runtime;
  beforeEach(async () => {
    server = await startFakeResponses();
    owned = createLogger({ level: "trace", file: join(dir, "loom.log") });
    rt = await createRuntime({
      dataDir: join(dir, "data"),
      durable: false,
      config: {},
      env: {},
      model: { apiKey: API_KEY, baseURL: server.baseURL },
      retry: { baseDelayMs: 1 },
      logger: owned.logger,
    });
  });
  afterEach(async () => {
    await rt.close();
    owned.close();
    await server.close();
  });

  it("carry threadId, turnId and seq, and no API key even when the server echoes it", async () => {
    server.enqueue(
      toolCallTurn("c1", "shell", { command: ["true"] }),
      textTurn("done"),
      httpError(400, { message: `Invalid request made with key ${API_KEY}.`, type: "invalid_request_error" }),
    );
    const cwd = join(dir, "data");
    const thread = await rt.startThread({ cwd, approvalPolicy: "never", sandboxPolicy: { type: "danger-full-access" } });
    await thread.run("run true");
    const failed = nextEvent(thread.events$, "task_complete");
    await thread.submit({ type: "user_input", items: [{ type: "text", text: "again" }] });
    await failed;
    await rt.close();
    // The request went out with the key: the server saw it, the log file must not.
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${API_KEY}`);
    const text = await readFile(join(dir, "loom.log"), "utf8");
    expect(text).not.toContain("SECRET");
    const records = await lines(join(dir, "loom.log"));
    const turnLines = records.filter((r) => r.turnId !== undefined);
    expect(turnLines.length).toBeGreaterThan(0);
    for (const record of turnLines) {
      expect(record.threadId).toBe(thread.id);
      expect(typeof record.time).toBe("string");
    }
    const completed = records.find((r) => r.msg === "turn completed")!;
    expect(completed).toMatchObject({ threadId: thread.id, status: "completed", toolCalls: 1 });
    expect(Number.isInteger(completed.seq) && typeof completed.durationMs === "number").toBe(true);
    expect(records.find((r) => r.msg === "tool call")).toMatchObject({ tool: "shell", callId: "c1", success: true });
    // Trace level: one line per committed entry, in seq order.
    const seqs = records.filter((r) => r.msg === "entry").map((r) => r.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    const error = records.find((r) => r.level === 40 && String(r.msg).startsWith("error:"))!;
    expect(error.msg).toContain("sk-[Redacted]");
    expect(records.find((r) => r.msg === "turn failed")).toBeDefined();
  });
});

describe("the CLI's log", () => {
  let server: FakeResponses;
  beforeEach(async () => {
    server = await startFakeResponses();
  });
  afterEach(async () => {
    await server.close();
  });

  it("goes to <data dir>/logs/loom.log, never to a protocol's stdout, at the level LOOM_LOG or -c log_level sets", async () => {
    server.enqueue(textTurn("from exec"), textTurn("from proto"));
    const dataDir = join(dir, "data");
    const env = { OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: API_KEY, LOOM_HOME: dataDir, LOOM_LOG: "trace" };
    const exec = await runLoom(["exec", "--json", "--data-dir", dataDir, "--cwd", dir, "hello"], env);
    expect(exec.code).toBe(0);
    for (const line of exec.stdout.split("\n").filter(Boolean)) expect(JSON.parse(line)).toHaveProperty("msg.type");

    const proto = spawnLoom(["proto", "--data-dir", dataDir, "--cwd", dir, "-c", "log_level=debug"], { ...env, LOOM_LOG: "" });
    await proto.waitFor((e) => e.msg?.type === "session_configured");
    proto.send({ id: "s1", op: { type: "user_input", items: [{ type: "text", text: "hi" }] } });
    await proto.waitFor((e) => e.msg?.type === "task_complete");
    proto.child.stdin.end();
    expect((await proto.exited).code).toBe(0);
    for (const event of proto.events) expect(event).toHaveProperty("msg.type");

    const log = join(dataDir, "logs", "loom.log");
    const text = await readFile(log, "utf8");
    expect(text).not.toContain("SECRET");
    const records = await lines(log);
    const pids = [...new Set(records.map((r) => r.pid))];
    expect(pids).toHaveLength(2);
    const [execPid, protoPid] = pids;
    // exec ran at trace (one line per entry), proto at debug (no entry lines, but model requests).
    expect(records.some((r) => r.pid === execPid && r.msg === "entry")).toBe(true);
    expect(records.some((r) => r.pid === protoPid && r.msg === "entry")).toBe(false);
    expect(records.some((r) => r.pid === protoPid && r.msg === "model request" && r.turnId === "s1")).toBe(true);
    expect(records.filter((r) => r.msg === "turn completed")).toHaveLength(2);
  });

  it("writes readable lines to stderr, and no file, only when asked (LOOM_LOG_FORMAT=pretty)", async () => {
    server.enqueue(textTurn("pretty"));
    const dataDir = join(dir, "data");
    const result = await runLoom(["exec", "--json", "--data-dir", dataDir, "--cwd", dir, "hi"], {
      OPENAI_BASE_URL: server.baseURL,
      OPENAI_API_KEY: API_KEY,
      LOOM_LOG_FORMAT: "pretty",
      LOOM_LOG: "info",
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO  turn completed threadId=\S+ turnId=\S+ seq=\d+ status=completed/m);
    expect(result.stderr).not.toContain("SECRET");
    for (const line of result.stdout.split("\n").filter(Boolean)) expect(JSON.parse(line)).toHaveProperty("msg.type");
    await expect(stat(join(dataDir, "logs", "loom.log"))).rejects.toThrow(/ENOENT/);
  });

  it("refuses an unknown level with a one-line error naming it", async () => {
    const result = await runLoom(["exec", "--data-dir", join(dir, "data"), "--cwd", dir, "hi"], {
      OPENAI_BASE_URL: server.baseURL,
      OPENAI_API_KEY: "k",
      LOOM_LOG: "loud",
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("LOOM_LOG");
  });
});
