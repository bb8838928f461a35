// The shell tool's approval: Codex's exec rule as a plain function, and an asked command through the runtime.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { nextEvent, startLoom, type LoomHarness } from "../support/loom.js";
import { inputItems, textTurn, toolCallTurn } from "../support/fake-responses.js";
import { localShellTool, shellApproval, shellTool } from "../../src/actors/tools/shell.js";
import type { ApprovalContext } from "../../src/actors/tools/index.js";
import type { TurnSettings } from "../../src/context/index.js";
import type { AskForApproval, SandboxPolicy } from "../../src/events/index.js";

const CWD = "/work/project";

function context(args: unknown, approvalPolicy: AskForApproval, sandboxPolicy: SandboxPolicy = { type: "workspace-write" }, commands: string[] = []): ApprovalContext {
  const settings: TurnSettings = { cwd: CWD, approvalPolicy, sandboxPolicy, model: "gpt-5.5", currentDate: "2026-01-01", timezone: "Etc/UTC", shell: "bash" };
  const input = typeof args === "string" ? args : JSON.stringify(args);
  return { turnId: "t1", call: { callId: "c1", name: "shell", kind: "function", input }, settings, approvedForSession: { commands, files: [] } };
}

describe("shellApproval (Codex's exec approval rule)", () => {
  it("runs known-safe and ordinary commands under never and on-request", () => {
    expect(shellApproval(context({ command: ["echo", "hi"] }, "never"))).toEqual({ type: "run" });
    expect(shellApproval(context({ command: ["touch", "x"] }, "on-request"))).toEqual({ type: "run" });
    expect(shellApproval(context({ command: ["ls"] }, "untrusted"))).toEqual({ type: "run" });
  });

  it("asks under untrusted with Codex's exec_approval_request", () => {
    expect(shellApproval(context({ command: ["touch", "x"], workdir: "sub" }, "untrusted"))).toEqual({
      type: "ask",
      request: {
        type: "exec_approval_request",
        call_id: "c1",
        turn_id: "t1",
        command: ["touch", "x"],
        cwd: join(CWD, "sub"),
        proposed_execpolicy_amendment: ["touch", "x"],
        available_decisions: ["approved", { approved_execpolicy_amendment: { proposed_execpolicy_amendment: ["touch", "x"] } }, "abort"],
        parsed_cmd: [{ type: "unknown", cmd: "touch x" }],
      },
    });
  });

  it("asks for an escalation under on-request, with the model's justification as the reason", () => {
    const need = shellApproval(
      context({ command: ["git", "pull"], sandbox_permissions: "require_escalated", justification: "Pull the latest changes?" }, "on-request"),
    );
    expect(need.type).toBe("ask");
    expect(need.type === "ask" && need.request).toMatchObject({ reason: "Pull the latest changes?", command: ["git", "pull"] });
  });

  it("refuses an escalation the policy does not allow, before anything runs", () => {
    expect(shellApproval(context({ command: ["ls"], sandbox_permissions: "require_escalated" }, "never"))).toEqual({
      type: "reject",
      output: "approval policy is Never; reject command — you should not ask for escalated permissions if the approval policy is Never",
    });
  });

  it("refuses a dangerous command it cannot ask about", () => {
    expect(shellApproval(context({ command: ["rm", "-rf", "build"] }, "never"))).toEqual({
      type: "reject",
      output: "`rm -rf build` rejected: blocked by policy",
      // Codex's orchestrator refuses it after the command's events began: it ends declined.
      declined: true,
    });
  });

  it("runs a command the user approved for the session, in that cwd only", () => {
    const approved = [JSON.stringify({ command: ["touch", "x"], cwd: CWD, sandbox_permissions: "use_default" })];
    expect(shellApproval(context({ command: ["touch", "x"] }, "untrusted", undefined, approved))).toEqual({ type: "run" });
    expect(shellApproval(context({ command: ["touch", "x"], workdir: "/elsewhere" }, "untrusted", undefined, approved)).type).toBe("ask");
    // An entry of an older log (the bare argv) approves nothing: asked again rather than everywhere.
    expect(shellApproval(context({ command: ["touch", "x"] }, "untrusted", undefined, [JSON.stringify(["touch", "x"])])).type).toBe("ask");
  });

  it("lets malformed arguments through so execute reports them", () => {
    expect(shellApproval(context("{not json", "untrusted"))).toEqual({ type: "run" });
    expect(shellApproval(context({ command: [] }, "untrusted"))).toEqual({ type: "run" });
  });

  it("gives Codex's text when the user declines", () => {
    const call = context({ command: ["ls"] }, "never").call;
    expect(shellTool.deniedOutput?.(call)).toBe("exec command rejected by user");
    expect(localShellTool.deniedOutput?.(call)).toBe("exec command rejected by user");
  });
});

describe("an asked shell command through the runtime", () => {
  let loom: LoomHarness;
  beforeEach(async () => {
    loom = await startLoom();
  });
  afterEach(async () => {
    await loom.close();
  });

  it("runs once approved, and tells the model when declined", async () => {
    loom.server.enqueue(
      toolCallTurn("c1", "shell", { command: ["touch", "made"] }),
      toolCallTurn("c2", "shell", { command: ["touch", "refused"] }),
      textTurn("done"),
    );
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "untrusted" });
    const asked1 = nextEvent(thread.events$, "exec_approval_request", (m) => m.call_id === "c1");
    const run = thread.run("touch two files");
    expect((await asked1).command).toEqual(["touch", "made"]);
    const asked2 = nextEvent(thread.events$, "exec_approval_request", (m) => m.call_id === "c2");
    await thread.submit({ type: "exec_approval", id: "c1", decision: "approved" });
    await asked2;
    await thread.submit({ type: "exec_approval", id: "c2", decision: "denied" });
    await run;
    expect(await readFile(join(loom.cwd, "made"), "utf8")).toBe("");
    await expect(readFile(join(loom.cwd, "refused"), "utf8")).rejects.toThrow();
    const output = inputItems(loom.server.requests[2]!).find((item: any) => item.type === "function_call_output" && item.call_id === "c2");
    expect(output.output).toBe("exec command rejected by user");
  });
});
