// exec_command and write_stdin as handlers: Codex's approval rule on the shell command they run,
// the argument errors the model reads, and an approved command running for real.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { nextEvent, startLoom, type LoomHarness } from "../support/loom.js";
import { inputItems, textTurn, toolCallTurn } from "../support/fake-responses.js";
import { unifiedExecTools, type ApprovalContext } from "../../src/actors/tools/index.js";
import { ProcessManager } from "../../src/actors/exec/index.js";
import type { TurnSettings } from "../../src/context/index.js";
import type { AskForApproval } from "../../src/events/index.js";

const [execCommand] = unifiedExecTools(new ProcessManager());

function context(args: unknown, approvalPolicy: AskForApproval): ApprovalContext {
  const settings: TurnSettings = {
    cwd: "/work",
    approvalPolicy,
    sandboxPolicy: { type: "read-only" },
    model: "gpt-5.5",
    currentDate: "2026-01-01",
    timezone: "Etc/UTC",
    shell: "bash",
  };
  return { turnId: "t1", call: { callId: "c1", name: "exec_command", kind: "function", input: JSON.stringify(args) }, settings, approvedForSession: { commands: [], files: [] } };
}

let loom: LoomHarness | undefined;
afterEach(async () => {
  await loom?.close();
  loom = undefined;
});

describe("exec_command approvals", () => {
  it("runs a known-safe command and asks for another under untrusted, naming the shell command", async () => {
    expect(await execCommand!.approval!(context({ cmd: "ls" }, "untrusted"))).toEqual({ type: "run" });
    const need = await execCommand!.approval!(context({ cmd: "touch x", login: false, shell: "/bin/sh" }, "untrusted"));
    expect(need.type).toBe("ask");
    expect(need.type === "ask" && need.request).toMatchObject({ type: "exec_approval_request", command: ["/bin/sh", "-c", "touch x"] });
  });

  it("refuses an escalation the policy cannot grant, in unified exec's words", async () => {
    expect(await execCommand!.approval!(context({ cmd: "git pull", sandbox_permissions: "require_escalated" }, "never"))).toEqual({
      type: "reject",
      output: "approval policy is Never; reject command — you cannot ask for escalated permissions if the approval policy is Never",
    });
  });

  it("runs an approved command and tells the model its output", async () => {
    loom = await startLoom();
    loom.server.enqueue(toolCallTurn("c1", "exec_command", { cmd: "touch made; echo made it", login: false }), textTurn("done"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "untrusted", sandboxMode: "danger-full-access" });
    const asked = nextEvent(thread.events$, "exec_approval_request");
    const run = thread.run("make a file");
    const request = await asked;
    expect(request.command.slice(1)).toEqual(["-c", "touch made; echo made it"]);
    await thread.submit({ type: "exec_approval", id: request.call_id, decision: "approved" });
    await run;
    const output = inputItems(loom.server.requests[1]!).find((item) => item.type === "function_call_output").output;
    expect(output).toMatch(/Process exited with code 0\nOriginal token count: 2\nOutput:\nmade it\n$/);
  });

  it("tells the model what was wrong with its arguments", async () => {
    loom = await startLoom();
    loom.server.enqueue(
      toolCallTurn("c1", "exec_command", { command: "ls" }),
      toolCallTurn("c2", "write_stdin", { session_id: 99, chars: "" }),
      textTurn("ok"),
    );
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never", sandboxMode: "danger-full-access" });
    await thread.run("go");
    const outputs = inputItems(loom.server.requests[2]!).filter((item) => item.type === "function_call_output").map((item) => item.output);
    expect(outputs[0]).toMatch(/^failed to parse function arguments: cmd: /);
    expect(outputs[1]).toBe("write_stdin failed: Unknown process id 99");
  });
});

describe("exec_command under the sandbox", () => {
  it("confines a workspace-write command to its writable roots, on pipes and in a PTY", async () => {
    loom = await startLoom();
    loom.server.enqueue(
      toolCallTurn("c1", "exec_command", { cmd: "touch inside && echo wrote; touch /usr/loom-outside 2>&1; echo $CODEX_SANDBOX_NETWORK_DISABLED", login: false }),
      toolCallTurn("c2", "exec_command", { cmd: "touch /usr/loom-outside-tty 2>&1 || echo refused", login: false, tty: true }),
      textTurn("done"),
    );
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never", sandboxMode: "workspace-write" });
    await thread.run("write inside and outside");
    const outputs = inputItems(loom.server.requests[2]!).filter((item) => item.type === "function_call_output").map((item) => item.output as string);
    expect(outputs[0]).toMatch(/Output:\nwrote\ntouch: cannot touch '\/usr\/loom-outside': Read-only file system\n1\n$/);
    expect(outputs[1]).toMatch(/Read-only file system\r\nrefused\r\n$/);
    expect(existsSync(join(loom.cwd, "inside"))).toBe(true);
    expect(existsSync("/usr/loom-outside")).toBe(false);
  });
});
