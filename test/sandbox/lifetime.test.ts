// No command outlives what started it: a SIGKILLed Loom process, a closed runtime, an ended turn.
// Real Loom processes, real children (and backgrounded grandchildren), found by a marker in /proc.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFakeResponses, textTurn, toolCallTurn, type FakeResponses } from "../support/fake-responses.js";
import { spawnLoom } from "../support/cli.js";
import { startLoom } from "../support/loom.js";
import { pidsWithMarker, sleepMarker, survivorsAfter, waitForMarker } from "../support/processes.js";
import { probeHostSandbox } from "../../src/sandbox/index.js";

let server: FakeResponses;
let dataDir: string;
let cwd: string;
beforeEach(async () => {
  server = await startFakeResponses();
  dataDir = await mkdtemp(join(tmpdir(), "loom-lifetime-data-"));
  cwd = await mkdtemp(join(tmpdir(), "loom-lifetime-ws-"));
});
afterEach(async () => {
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
  await rm(cwd, { recursive: true, force: true });
});

/** A command that leaves a backgrounded child, one in its own session, and waits on a third. */
const lingering = (marker: string) => ["bash", "-c", `sleep ${marker} & setsid sleep ${marker} & sleep ${marker}`];

/** Starts `loom proto`, lets `submission` (which scripts the model) start a command, SIGKILLs Loom. */
async function killLoomDuring(sandbox: string, submission: (marker: string) => unknown): Promise<number[]> {
  const marker = sleepMarker();
  const loom = spawnLoom(["proto", "--data-dir", dataDir, "--cwd", cwd, "--sandbox", sandbox, "--approval-policy", "never"], {
    OPENAI_BASE_URL: server.baseURL,
    OPENAI_API_KEY: "test-key",
  });
  try {
    await loom.waitFor((event) => event.msg?.type === "session_configured");
    loom.send(submission(marker));
    await loom.waitFor((event) => event.msg?.type === "exec_command_begin");
    expect((await waitForMarker(marker, 3)).length).toBe(3);
    loom.child.kill("SIGKILL");
    await loom.exited;
    return await survivorsAfter(marker, 1_000);
  } finally {
    loom.child.kill("SIGKILL");
    for (const pid of await pidsWithMarker(marker)) process.kill(pid, "SIGKILL");
  }
}

describe("a SIGKILLed Loom takes its commands with it", () => {
  it("a model command in the workspace-write sandbox: gone within a second, backgrounded children too", async () => {
    const survivors = await killLoomDuring("workspace-write", (marker) => {
      server.enqueue(toolCallTurn("c1", "shell", { command: lingering(marker) }));
      return { id: "1", op: { type: "user_input", items: [{ type: "text", text: "wait" }] } };
    });
    expect(survivors).toEqual([]);
  });

  it("a model command with danger-full-access, and the user's own command: gone within a second", async () => {
    const host = await probeHostSandbox();
    const survivors = await killLoomDuring("danger-full-access", (marker) => {
      server.enqueue(toolCallTurn("c1", "shell", { command: lingering(marker) }));
      return { id: "1", op: { type: "user_input", items: [{ type: "text", text: "wait" }] } };
    });
    // Without a pid namespace (no root, or no bwrap) only the command's own process group dies:
    // a child that made its own session escapes the parent-death signal.
    expect(survivors.length).toBe(host.lifetime.type === "pid-namespace" ? 0 : 1);
    const userSurvivors = await killLoomDuring("danger-full-access", (marker) => ({
      id: "2",
      op: { type: "run_user_shell_command", command: `sleep ${marker} & setsid sleep ${marker} & sleep ${marker}` },
    }));
    expect(userSurvivors.length).toBe(host.lifetime.type === "pid-namespace" ? 0 : 1);
  });
});

describe("without a pid namespace (the launcher a non-root Loom gets)", () => {
  it("the parent-death signal takes the command's whole process group when Loom is SIGKILLed", async () => {
    const marker = sleepMarker();
    const child = spawn(process.execPath, [fileURLToPath(new URL("./lifetime-child.mjs", import.meta.url)), "parent-death-signal", marker], {
      cwd,
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      await waitForMarker(marker, 3);
      child.kill("SIGKILL");
      // Only the child that left the group in its own session is beyond reach.
      expect((await survivorsAfter(marker, 1_000)).length).toBe(1);
    } finally {
      child.kill("SIGKILL");
      for (const pid of await pidsWithMarker(marker)) process.kill(pid, "SIGKILL");
    }
  });
});

describe("commands end with their session", () => {
  it("closing the runtime mid-command kills the command and its children", async () => {
    const loom = await startLoom();
    const marker = sleepMarker();
    try {
      loom.server.enqueue(toolCallTurn("c1", "shell", { command: lingering(marker), timeout_ms: 60_000 }), textTurn("never"));
      const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
      void thread.run("wait").catch(() => undefined);
      await waitForMarker(marker);
      await loom.rt.close();
      expect(await survivorsAfter(marker, 2_000)).toEqual([]);
    } finally {
      await loom.close();
    }
  });
});
