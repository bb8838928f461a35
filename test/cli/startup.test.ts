// Start-up costs (issue 21), checked by what a process does rather than by how long it takes: the read
// commands load the log and nothing of the runtime; a thread resumed in a fresh process starts no
// process when the data dir keeps the sandbox verdict, and still announces the right sandbox.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LOOM_BIN } from "../support/cli.js";
import { textTurn } from "../support/fake-responses.js";
import { startLoom, type LoomHarness } from "../support/loom.js";

const TRACE = fileURLToPath(new URL("../support/module-trace.mjs", import.meta.url));
const SPY = fileURLToPath(new URL("../support/spawn-spy.cjs", import.meta.url));
const RESUME = fileURLToPath(new URL("./resume-child.mjs", import.meta.url));

let loom: LoomHarness;
let threadId: string;
beforeEach(async () => {
  loom = await startLoom();
  loom.server.enqueue(textTurn("first answer"));
  const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
  threadId = thread.id;
  await thread.run("first question");
  await loom.rt.forkThread(threadId, { atSeq: 2 });
  await loom.rt.close();
});
afterEach(async () => {
  await loom.close();
});

function node(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The modules a `loom` command loaded (ESM URLs and CommonJS paths). */
async function modulesOf(...args: string[]): Promise<{ modules: string[]; stdout: string }> {
  const out = join(loom.cwd, `modules-${args[0]}.txt`);
  writeFileSync(out, "");
  const run = await node(["--import", TRACE, LOOM_BIN, ...args, "--data-dir", loom.dataDir], { LOOM_TEST_MODULES: out });
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  return { modules: readFileSync(out, "utf8").split("\n").filter(Boolean), stdout: run.stdout };
}

/** What only running a thread needs: none of it is for reading one. */
const RUNTIME_ONLY = [/\/xstate\//, /\/openai\//, /\/pino\//, /@opentelemetry/, /@modelcontextprotocol/, /\/pg\//, /\/rxjs\//, /\/runtime\/runtime\.js$/, /\/dist\/(actors\/(?!clock)|machines\/|bus\/|agents\/control|observe\/|context\/|execpolicy\/|sandbox\/)/, /\/log\/(postgres\/|remote\/(?!path\.js))/];

describe("read commands load what reading needs", () => {
  it("threads and log load the log, not the runtime, the model client, telemetry or PostgreSQL", async () => {
    for (const args of [["threads"], ["log", threadId, "--to", "3"]]) {
      const { modules, stdout } = await modulesOf(...args);
      expect(stdout).toContain(threadId);
      expect(modules.some((m) => m.includes("/dist/log/level.js"))).toBe(true);
      expect(modules.filter((m) => RUNTIME_ONLY.some((re) => re.test(m))), args[0]).toEqual([]);
    }
  });

  it("state adds the folds, and still no runtime", async () => {
    const { modules, stdout } = await modulesOf("state", threadId);
    expect(stdout).toContain("first answer");
    expect(modules.some((m) => m.includes("/dist/state/evolve.js"))).toBe(true);
    expect(modules.filter((m) => RUNTIME_ONLY.some((re) => re.test(m)))).toEqual([]);
  });
});

describe("resuming in a fresh process", () => {
  it("starts no process when the data dir keeps this host's sandbox verdict, and announces the same sandbox", async () => {
    const kept = join(loom.dataDir, "cache", "sandbox.json");
    // The thread's start kept the verdict.
    expect(existsSync(kept)).toBe(true);
    const first = await node(["--require", SPY, RESUME, loom.dataDir, threadId]);
    expect(first.code).toBe(0);
    expect(first.stderr).toBe("");
    expect(JSON.parse(first.stdout).sandbox).toMatchObject({ type: "bubblewrap" });

    // Without the kept verdict the process probes bwrap itself (once), and keeps it again.
    writeFileSync(kept, "not json");
    const probing = await node(["--require", SPY, RESUME, loom.dataDir, threadId]);
    expect(probing.code).toBe(0);
    expect(probing.stderr).toMatch(/^SPAWN spawn \/bin\/sh$/m);
    expect(JSON.parse(probing.stdout).sandbox).toEqual(JSON.parse(first.stdout).sandbox);
    expect(JSON.parse(readFileSync(kept, "utf8")).availability).toMatchObject({ type: "bubblewrap" });
  });
});
