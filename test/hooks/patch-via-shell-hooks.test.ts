// An apply_patch sent through a command tool (`apply_patch <<'EOF'` in exec_command or shell_command)
// meets the hooks as Codex 0.125 shows it to them: PreToolUse sees the command tool's call (`Bash`,
// the command as sent: Codex's handler payload comes before interception); PermissionRequest sees the
// patch (`apply_patch` with its aliases, `{command: <patch>}`: Codex's ApplyPatchRuntime payload);
// PostToolUse does not run (Codex's intercepted output carries no post-tool-use response).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startLoom, type LoomHarness } from "../support/loom.js";
import { inputItems, textTurn, toolCallTurn } from "../support/fake-responses.js";
import { command, hooksJson, payloads, script } from "./support.js";

let loom: LoomHarness;
beforeEach(async () => {
  loom = await startLoom();
});
afterEach(async () => {
  await loom.close();
});

const PATCH = "*** Begin Patch\n*** Add File: hello.txt\n+hello\n*** End Patch";
const HEREDOC = `apply_patch <<'EOF'\n${PATCH}\nEOF\n`;

/** A hook script that appends its payload to `<data dir>/<name>.jsonl` and then runs `answer`. */
async function hook(name: string, answer = "true"): Promise<{ path: string; log: string }> {
  const log = join(loom.dataDir, `${name}.jsonl`);
  const path = await script(join(loom.dataDir, "bin"), `${name}.sh`, `cat >> ${log}; echo >> ${log}\n${answer}`);
  return { path, log };
}

const allow = JSON.stringify({ hookSpecificOutput: { hookEventName: "PermissionRequest", decision: { behavior: "allow" } } });

describe("an apply_patch sent through a command tool, as hooks see it", () => {
  it.each([
    ["exec_command", { cmd: HEREDOC }],
    ["shell_command", { command: HEREDOC }],
  ])("%s: PreToolUse sees Bash, PermissionRequest sees apply_patch (matched by Edit), PostToolUse does not run", async (tool, args) => {
    const pre = await hook("pre");
    const permission = await hook("permission", `echo '${allow}'`);
    const post = await hook("post");
    await hooksJson(loom.dataDir, {
      PreToolUse: [{ matcher: ".*", ...command(pre.path) }],
      PermissionRequest: [{ matcher: "Edit", ...command(permission.path) }],
      PostToolUse: [{ matcher: ".*", ...command(post.path) }],
    });
    loom.server.enqueue(toolCallTurn("c1", tool, args), toolCallTurn("c2", tool, tool === "exec_command" ? { cmd: "echo hi" } : { command: "echo hi" }), textTurn("done"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "untrusted", sandboxPolicy: { type: "danger-full-access" } });
    const asked: string[] = [];
    // Anyone asked declines (the hook should have answered first).
    const subscription = thread.events$.subscribe((event) => {
      const { msg } = event;
      if (msg.type === "exec_approval_request") void thread.submit({ type: "exec_approval", id: msg.call_id, decision: "denied" });
      else if (msg.type === "apply_patch_approval_request") void thread.submit({ type: "patch_approval", id: msg.call_id, decision: "denied" });
      else return;
      asked.push(msg.type);
    });
    await thread.run("add hello");
    subscription.unsubscribe();

    // The hook's allow applied the patch without asking anyone.
    expect(existsSync(join(loom.cwd, "hello.txt"))).toBe(true);
    expect(asked).toEqual([]);
    expect((await payloads(pre.log)).map((p) => [p.tool_use_id, p.tool_name, p.tool_input])).toEqual([
      ["c1", "Bash", { command: HEREDOC }],
      ["c2", "Bash", { command: "echo hi" }],
    ]);
    expect((await payloads(permission.log)).map((p) => [p.hook_event_name, p.tool_name, p.tool_input])).toEqual([["PermissionRequest", "apply_patch", { command: PATCH }]]);
    // Only the real command reaches PostToolUse.
    expect((await payloads(post.log)).map((p) => [p.tool_use_id, p.tool_name])).toEqual([["c2", "Bash"]]);
    const output = inputItems(loom.server.requests[1]!).find((item: any) => item.type === "function_call_output" && item.call_id === "c1")?.output;
    expect(String(output)).toContain("A hello.txt");
  });
});
