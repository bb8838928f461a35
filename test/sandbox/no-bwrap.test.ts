// No silent fallback: on a PATH without bwrap, what the rules would have run "because the sandbox
// contains it" needs an approval, and is refused under never with a message saying why; the session
// and `loom exec` say that no sandbox is in force.
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { shellApproval } from "../../src/actors/tools/shell.js";
import type { ApprovalContext } from "../../src/actors/tools/index.js";
import type { TurnSettings } from "../../src/context/index.js";
import type { AskForApproval, SandboxPolicy } from "../../src/events/index.js";
import { findExecutable } from "../../src/sandbox/index.js";
import { runLoom, spawnLoom } from "../support/cli.js";
import { startFakeResponses, textTurn, toolCallTurn, type FakeResponses } from "../support/fake-responses.js";

const NONE = { type: "none" as const, reason: "bwrap (bubblewrap) was not found on PATH" };

function context(command: string[], approvalPolicy: AskForApproval, sandboxPolicy: SandboxPolicy = { type: "workspace-write" }): ApprovalContext {
  const settings: TurnSettings = { cwd: "/work/project", approvalPolicy, sandboxPolicy, model: "gpt-5.5", currentDate: "2026-01-01", timezone: "Etc/UTC", shell: "bash", platformSandbox: NONE };
  return { turnId: "t1", call: { callId: "c1", name: "shell", kind: "function", input: JSON.stringify({ command }) }, settings, approvedForSession: { commands: [], files: [] } };
}

describe("shell approvals without a sandbox (Codex's SandboxType::None)", () => {
  it("refuses under never what the sandbox would have contained, saying why", () => {
    expect(shellApproval(context(["touch", "x"], "never"))).toEqual({
      type: "reject",
      output: "`touch x` rejected: no sandbox can contain it here (bwrap (bubblewrap) was not found on PATH) and approval policy is never, so it cannot be approved",
      // Refused as Codex's orchestrator refuses a `Forbidden` requirement: after the command's events began.
      declined: true,
    });
    expect(shellApproval(context(["touch", "x"], "on-failure")).type).toBe("ask");
  });

  it("asks under on-request, with the reason, and still runs known-safe commands", () => {
    const need = shellApproval(context(["touch", "x"], "on-request"));
    expect(need.type === "ask" && need.request).toMatchObject({
      type: "exec_approval_request",
      reason: "no sandbox can contain this command here (bwrap (bubblewrap) was not found on PATH): approve to run it unconfined",
    });
    expect(shellApproval(context(["ls", "-la"], "never"))).toEqual({ type: "run" });
    expect(shellApproval(context(["cat", "README.md"], "on-request"))).toEqual({ type: "run" });
  });

  it("changes nothing for a policy that confines nothing", () => {
    expect(shellApproval(context(["touch", "x"], "never", { type: "danger-full-access" }))).toEqual({ type: "run" });
  });
});

describe("loom on a PATH without bwrap", () => {
  let server: FakeResponses;
  let dir: string;
  let bin: string;
  beforeEach(async () => {
    server = await startFakeResponses();
    dir = await mkdtemp(join(tmpdir(), "loom-nobwrap-"));
    bin = join(dir, "bin");
    await mkdir(bin);
    // Everything the test's commands need, and no bwrap.
    for (const tool of ["sh", "bash", "touch", "ls", "true", "setpriv", "env"]) {
      const found = findExecutable(tool, process.env.PATH ?? "");
      if (found) await symlink(found, join(bin, tool));
    }
    await mkdir(join(dir, "ws"));
  });
  afterEach(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  const env = () => ({ PATH: bin, OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: "test-key" });

  it("loom exec says no sandbox is in force and refuses an unconfined write under never, saying why", async () => {
    server.enqueue(toolCallTurn("c1", "shell", { command: ["touch", "made"] }), textTurn("refused"));
    const result = await runLoom(["exec", "--data-dir", join(dir, "data"), "--cwd", join(dir, "ws"), "make a file"], env());
    expect(result.code).toBe(0);
    expect(result.stderr.split("\n")).toContain(
      "enforced by: none (bwrap (bubblewrap) was not found on PATH); commands the workspace-write sandbox would have contained need approval",
    );
    expect(result.stderr).toContain("`touch made` rejected: no sandbox can contain it here");
    expect(existsSync(join(dir, "ws", "made"))).toBe(false);
  });

  it("loom proto reports it in session_configured and asks under on-request", async () => {
    server.enqueue(toolCallTurn("c1", "shell", { command: ["touch", "made"] }), textTurn("made"));
    const loom = spawnLoom(["proto", "--data-dir", join(dir, "data"), "--cwd", join(dir, "ws"), "--approval-policy", "on-request"], env());
    try {
      const configured = await loom.waitFor((event) => event.msg?.type === "session_configured");
      expect(configured.msg.sandbox).toEqual(NONE);
      loom.send({ id: "1", op: { type: "user_input", items: [{ type: "text", text: "make a file" }] } });
      const request = await loom.waitFor((event) => event.msg?.type === "exec_approval_request");
      expect(request.msg.reason).toContain("no sandbox can contain this command here");
      loom.send({ id: "2", op: { type: "exec_approval", id: "c1", decision: "approved" } });
      await loom.waitFor((event) => event.msg?.type === "task_complete");
      expect(existsSync(join(dir, "ws", "made"))).toBe(true);
      loom.child.stdin.end();
      expect((await loom.exited).code).toBe(0);
    } finally {
      loom.child.kill("SIGKILL");
    }
  });

  it("loom sandbox refuses to run a confined policy unconfined", async () => {
    const result = await runLoom(["sandbox", "-s", "workspace-write", "--cwd", join(dir, "ws"), "--", "touch", "made"], { PATH: bin });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("loom sandbox: cannot confine the command under workspace-write: bwrap (bubblewrap) was not found on PATH\n");
    expect(existsSync(join(dir, "ws", "made"))).toBe(false);
  });
});
