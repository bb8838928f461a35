// What needs a real `loom` process: a reader that goes away mid-turn (`loom exec --json | head -1`)
// and a data dir the process may not write.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { evCreated, evMessageAdded, hanging, textTurn, type FakeResponses, startFakeResponses } from "../support/fake-responses.js";
import { LOOM_BIN, runLoom } from "../support/cli.js";

let server: FakeResponses;
let dataDir: string;
let cwd: string;
let env: Record<string, string>;
beforeEach(async () => {
  server = await startFakeResponses();
  dataDir = await mkdtemp(join(tmpdir(), "loom-proc-"));
  cwd = await mkdtemp(join(tmpdir(), "loom-proc-work-"));
  env = { OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: "test" };
});
afterEach(async () => {
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
  await rm(cwd, { recursive: true, force: true });
});

describe("a reader that goes away", () => {
  it("`loom exec --json ... | head -1` ends the turn as interrupted in the log, not running", async () => {
    const stall = hanging([evCreated("r1"), evMessageAdded("m1")]);
    server.enqueue(stall.reply);
    const child = spawn(process.execPath, [LOOM_BIN, "exec", "--json", "--data-dir", dataDir, "--cwd", cwd, "take your time"], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    // Read the first line, as `head -1` does, then close the pipe once the turn is under way.
    const first = await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once("line", resolve));
    expect(JSON.parse(first).msg.type).toBe("session_configured");
    await stall.reached;
    child.stdout.destroy();
    const code = await exited;
    expect(stderr).toContain("the output was closed; interrupting the turn");
    expect(code).toBe(1);
    const id = JSON.parse(first).msg.session_id;
    const turns = await runLoom(["turns", id, "--data-dir", dataDir], env);
    expect(turns.stdout).toMatch(/seq \d+-\d+\s+aborted\s+"take your time"/);
  });
});

describe("a data dir loom may not write", () => {
  it("gives one line, not a stack trace", async () => {
    server.enqueue(textTurn("hi"));
    const made = await runLoom(["exec", "--data-dir", dataDir, "--cwd", cwd, "hello"], env);
    expect(made.code).toBe(0);
    // Root ignores permissions: run the reader as nobody instead (its own files stay readable).
    const asRoot = process.getuid?.() === 0;
    await chmod(dataDir, 0o555);
    await chmod(join(dataDir, "log"), 0o555);
    try {
      const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [LOOM_BIN, "threads", "--data-dir", dataDir], {
          env: { ...process.env, ...env, HOME: tmpdir() },
          stdio: ["ignore", "pipe", "pipe"],
          ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
        });
        let stderr = "";
        child.stderr.on("data", (chunk) => (stderr += chunk));
        child.on("exit", (code) => resolve({ code, stderr }));
      });
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).toMatch(/^loom threads: cannot open the event log at .*log: .*(Permission denied|Read-only)/);
    } finally {
      await chmod(dataDir, 0o755);
      await chmod(join(dataDir, "log"), 0o755);
    }
  });
});
