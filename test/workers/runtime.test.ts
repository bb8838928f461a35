/**
 * Loom on PostgreSQL as an embedder and a command-line user see it: choosing the storage (option,
 * LOOM_STORAGE, config.toml, --storage), one writer per thread (ThreadBusyError naming the owner),
 * readers anywhere (list, read, fold, follow a live thread another runtime owns), and a pending
 * approval taken over from a worker that was SIGKILLed.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createRuntime, type Runtime, type RuntimeOptions } from "../../src/runtime/runtime.js";
import { LevelEventLog, PostgresEventLog, ThreadBusyError } from "../../src/log/index.js";
import type { LogEntry } from "../../src/events/index.js";
import { startFakeResponses, textTurn, toolCallTurn, type FakeResponses } from "../support/fake-responses.js";
import { startPostgres, type PostgresServer } from "../support/postgres.js";
import { runLoom } from "../support/cli.js";
import { nextEvent } from "../support/loom.js";

let pg: PostgresServer;
let model: FakeResponses;
let storage: string;
let cwd: string;
let dataDir: string;
const runtimes: Runtime[] = [];

beforeAll(async () => {
  pg = await startPostgres();
  model = await startFakeResponses();
}, 120_000);
afterAll(async () => {
  await model?.close();
  await pg?.stop();
});
beforeEach(async () => {
  storage = await pg.createDatabase();
  cwd = await mkdtemp(join(tmpdir(), "loom-pg-work-"));
  dataDir = await mkdtemp(join(tmpdir(), "loom-pg-data-"));
});
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((rt) => rt.close()));
  await rm(cwd, { recursive: true, force: true });
  await rm(dataDir, { recursive: true, force: true });
});

async function runtime(options: Partial<RuntimeOptions> = {}): Promise<Runtime> {
  const rt = await createRuntime({ dataDir, config: {}, env: {}, model: { apiKey: "test", baseURL: model.baseURL }, retry: { baseDelayMs: 1 }, ...options });
  runtimes.push(rt);
  return rt;
}

describe("Loom on PostgreSQL", () => {
  it("runs a thread one runtime owns while another lists, reads, folds and follows it, and refuses to resume it", async () => {
    const owner = await runtime({ storage: `${storage}?worker=owner` });
    const reader = await runtime({ storage: `${storage}?worker=reader` });
    expect(owner.log).toBeInstanceOf(PostgresEventLog);
    const thread = await owner.startThread({ cwd, approvalPolicy: "never", sandboxPolicy: { type: "danger-full-access" } });

    const followed: LogEntry[] = [];
    const following = (async () => {
      for await (const entry of reader.log.subscribe(thread.id, 1)) {
        followed.push(entry);
        if (entry.kind === "event_msg" && entry.payload.type === "task_complete") break;
      }
    })();
    model.enqueue(toolCallTurn("call_ls", "shell", { command: ["bash", "-c", "echo from the owner"] }), textTurn("listed"));
    expect((await thread.run("list")).finalResponse).toBe("listed");
    await following;
    expect(followed).toEqual(await thread.entries({ to: followed.at(-1)!.seq }));

    expect((await reader.listThreads()).map((meta) => meta.id)).toEqual([thread.id]);
    const state = await reader.stateAt(thread.id);
    expect(state.turns.map((turn) => turn.status)).toEqual(["completed"]);
    const busy = await reader.resumeThread(thread.id).catch((error: unknown) => error);
    expect(busy).toBeInstanceOf(ThreadBusyError);
    expect((busy as Error).message).toMatch(/owned by worker "owner" until/);

    // Closing the thread gives its lease up: the other runtime takes it at once.
    await thread.close();
    const taken = await reader.resumeThread(thread.id);
    model.enqueue(textTurn("second turn elsewhere"));
    expect((await taken.run("again")).finalResponse).toBe("second turn elsewhere");
    await expect(owner.resumeThread(thread.id)).rejects.toThrow(/owned by worker "reader"/);
  });

  it("takes over a pending approval from a worker that was SIGKILLed, once its lease expires", async () => {
    model.enqueue(toolCallTurn("call_touch", "shell", { command: ["bash", "-c", "touch approved.txt"] }));
    const worker = spawn(
      process.execPath,
      [fileURLToPath(new URL("./worker.mjs", import.meta.url)), "approval", `${storage}?worker=doomed&lease_ttl_ms=1500`, model.baseURL, cwd],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    const exited = new Promise((resolve) => worker.on("exit", (_code, signal) => resolve(signal)));
    const lines = createInterface({ input: worker.stdout! })[Symbol.asyncIterator]();
    const [, threadId, callId] = String((await lines.next()).value).split(" ");
    worker.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");

    const survivor = await runtime({ storage: `${storage}?worker=survivor` });
    let resumed;
    while (!resumed) {
      resumed = await survivor.resumeThread(threadId).catch((error: unknown) => {
        if (!(error instanceof ThreadBusyError)) throw error;
        expect(error.owner).toBe("doomed");
        return new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 100));
      });
    }
    // The request is asked again to whoever drives the thread now; answering it finishes the turn.
    const reasked = resumed.opening.find((event) => event.msg.type === "exec_approval_request");
    expect(reasked?.msg).toMatchObject({ call_id: callId });
    model.enqueue(textTurn("touched it"));
    const complete = nextEvent(resumed.events$, "task_complete");
    await resumed.submit({ type: "exec_approval", id: callId, decision: "approved" });
    expect((await complete).last_agent_message).toBe("touched it");
    await expect(readFile(join(cwd, "approved.txt"), "utf8")).resolves.toBe("");
  });

  it("is chosen by the option, then LOOM_STORAGE, then config.toml, and LevelDB stays the default", async () => {
    const fromEnv = await runtime({ env: { LOOM_STORAGE: storage } });
    expect(fromEnv.log).toBeInstanceOf(PostgresEventLog);
    await writeFile(join(dataDir, "config.toml"), `storage = "${storage}?schema=from_config"\n`);
    const fromConfig = await runtime({ config: undefined });
    expect(fromConfig.log).toBeInstanceOf(PostgresEventLog);
    await fromConfig.startThread({ cwd });
    expect(await fromEnv.listThreads()).toEqual([]); // another schema
    const overridden = await runtime({ config: undefined, storage: "leveldb", env: { LOOM_STORAGE: storage } });
    expect(overridden.log).toBeInstanceOf(LevelEventLog);
    await expect(runtime({ storage: "mysql://x" })).rejects.toThrow(/--storage: unknown storage "mysql:\/\/x"; use postgres:\/\//);
    await expect(runtime({ storage: `${storage}?lease_ttl_ms=soon` })).rejects.toThrow(/lease_ttl_ms must be a positive integer/);
    await expect(runtime({ storage: "postgres://loom:secret@127.0.0.1:1/none" })).rejects.toThrow(/PostgreSQL at loom@127\.0\.0\.1:1\/none is unavailable/);
    await expect(runtime({ storage: "postgres://loom:secret@127.0.0.1:1/none" })).rejects.not.toThrow(/secret/);
  });

  it("takes --storage (or LOOM_STORAGE) on every command, and says what is wrong in one line", async () => {
    const rt = await runtime({ storage });
    model.enqueue(textTurn("stored in PostgreSQL"));
    const thread = await rt.startThread({ cwd, approvalPolicy: "never" });
    await thread.run("hello");
    await thread.close();
    const env = { OPENAI_BASE_URL: model.baseURL, OPENAI_API_KEY: "test", LOOM_HOME: dataDir };
    const threads = await runLoom(["threads", "--json", "--storage", storage], env);
    expect(threads.lines.map((t: { id: string }) => t.id)).toEqual([thread.id]);
    const log = await runLoom(["log", thread.id, "--json", "--from", "1", "--to", "2"], { ...env, LOOM_STORAGE: storage });
    expect(log.lines.map((e: { seq: number }) => e.seq)).toEqual([1, 2]);
    model.enqueue(textTurn("resumed from the command line"));
    const resumed = await runLoom(["exec", "resume", thread.id, "and again", "--storage", storage], env);
    expect(resumed.stdout).toContain("resumed from the command line");
    const bad = await runLoom(["threads", "--storage", "postgres://loom@127.0.0.1:1/nowhere"], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^loom threads: cannot open the event log: PostgreSQL at loom@127\.0\.0\.1:1\/nowhere is unavailable/)]);
  });
});
