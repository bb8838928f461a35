// apply_patch as a tool: Codex's safety decision as a plain function, and patches applied through the
// runtime against a fake Responses server, with real files in a temporary directory.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { collectUntil, nextEvent, startLoom, type LoomHarness } from "../support/loom.js";
import { evCompleted, evCreated, evCustomToolCall, inputItems, textTurn, toolCallTurn } from "../support/fake-responses.js";
import { applyPatchApproval, applyPatchSpec } from "../../src/actors/tools/apply-patch.js";
import type { ApprovalContext } from "../../src/actors/tools/index.js";
import { modelInfo, type TurnSettings } from "../../src/context/index.js";
import type { AskForApproval, SandboxPolicy } from "../../src/events/index.js";

const patchTurn = (callId: string, patch: string) => [evCreated(`r_${callId}`), evCustomToolCall(callId, "apply_patch", patch), evCompleted(`r_${callId}`)];
const outputOf = (request: any, callId: string) =>
  inputItems(request).find((item: any) => item.type === "custom_tool_call_output" && item.call_id === callId)?.output;
const fullAccess = { approvalPolicy: "never" as const, sandboxPolicy: { type: "danger-full-access" as const } };

describe("applyPatchApproval (Codex's assess_patch_safety)", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "loom-patch-approval-"));
    await writeFile(join(dir, "a.txt"), "one\ntwo\n");
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const context = (patch: string, approvalPolicy: AskForApproval, sandboxPolicy: SandboxPolicy, files: string[] = []): ApprovalContext => {
    const settings: TurnSettings = { cwd: dir, approvalPolicy, sandboxPolicy, model: "gpt-5.5", currentDate: "2026-01-01", timezone: "Etc/UTC", shell: "bash" };
    return { turnId: "t1", call: { callId: "c1", name: "apply_patch", kind: "custom", input: patch }, settings, approvedForSession: { commands: [], files } };
  };
  const update = "*** Begin Patch\n*** Update File: a.txt\n@@\n one\n-two\n+TWO\n*** End Patch";
  const workspace: SandboxPolicy = { type: "workspace-write" };

  it("asks under on-request with the changes the patch would make, when the sandbox forbids the write", async () => {
    const need = await applyPatchApproval(context(update, "on-request", { type: "read-only" }));
    expect(need).toEqual({
      type: "ask",
      request: {
        type: "apply_patch_approval_request",
        call_id: "c1",
        turn_id: "t1",
        changes: { [join(dir, "a.txt")]: { type: "update", unified_diff: "@@ -1,2 +1,2 @@\n one\n-two\n+TWO\n", move_path: null } },
      },
    });
  });

  it("always asks under untrusted, even with full access", async () => {
    expect((await applyPatchApproval(context(update, "untrusted", { type: "danger-full-access" }))).type).toBe("ask");
  });

  it("runs without asking when the user gave up the sandbox", async () => {
    expect(await applyPatchApproval(context(update, "never", { type: "danger-full-access" }))).toEqual({ type: "run" });
  });

  it("runs a patch whose files were all approved for the session", async () => {
    expect(await applyPatchApproval(context(update, "on-request", workspace, [join(dir, "a.txt")]))).toEqual({ type: "run" });
  });

  it("refuses under never when it cannot ask, with Codex's reasons", async () => {
    expect(await applyPatchApproval(context(update, "never", { type: "read-only" }))).toEqual({
      type: "reject",
      output: "patch rejected: writing is blocked by read-only sandbox; rejected by user approval settings",
    });
    const outside = "*** Begin Patch\n*** Add File: /usr/loom-outside-the-workspace/x.txt\n+x\n*** End Patch";
    expect(await applyPatchApproval(context(outside, "never", workspace))).toEqual({
      type: "reject",
      output: "patch rejected: writing outside of the project; rejected by user approval settings",
    });
  });

  it("runs a patch inside the workspace under a workspace sandbox, as Codex on a sandboxed host", async () => {
    // Loom writes patches itself after this very check of the writable roots: the confinement holds.
    expect(await applyPatchApproval(context(update, "on-request", workspace))).toEqual({ type: "run" });
    expect(await applyPatchApproval(context(update, "never", workspace))).toEqual({ type: "run" });
  });

  it("refuses a patch that does not verify with the verification error, never asking", async () => {
    const bad = "*** Begin Patch\n*** Update File: a.txt\n@@\n-missing\n+x\n*** End Patch";
    expect(await applyPatchApproval(context(bad, "untrusted", workspace))).toEqual({
      type: "reject",
      output: `apply_patch verification failed: Failed to find expected lines in ${join(dir, "a.txt")}:\nmissing`,
    });
  });

  it("refuses an empty patch", async () => {
    expect(await applyPatchApproval(context("*** Begin Patch\n*** End Patch", "untrusted", workspace))).toEqual({
      type: "reject",
      output: "patch rejected: empty patch",
    });
  });

  it("reads the JSON function variant's input argument", async () => {
    const ctx = context("", "on-request", { type: "read-only" });
    const call = { ...ctx.call, kind: "function" as const, input: JSON.stringify({ input: update }) };
    expect((await applyPatchApproval({ ...ctx, call })).type).toBe("ask");
    const bad = { ...ctx.call, kind: "function" as const, input: "{}" };
    expect(await applyPatchApproval({ ...ctx, call: bad })).toEqual({ type: "reject", output: "failed to parse function arguments: input: Invalid input: expected string, received undefined" });
  });
});

describe("applyPatchSpec", () => {
  it("offers the freeform tool, the JSON function, or nothing, as the model's catalog says", () => {
    expect(applyPatchSpec(modelInfo("gpt-5.5"))).toMatchObject({ type: "custom", name: "apply_patch", format: { type: "grammar", syntax: "lark" } });
    expect(applyPatchSpec({ ...modelInfo("gpt-5.5"), applyPatchToolType: "function" })).toMatchObject({ type: "function", name: "apply_patch" });
    expect(applyPatchSpec(modelInfo("some-unknown-model"))).toBeUndefined();
  });
});

describe("apply_patch through the runtime", () => {
  let loom: LoomHarness;
  beforeEach(async () => {
    loom = await startLoom();
  });
  afterEach(async () => {
    await loom.close();
  });

  it("applies a freeform patch, announces it, and reports the turn's diff", async () => {
    await writeFile(join(loom.cwd, "a.txt"), "one\ntwo\n");
    const patch = "*** Begin Patch\n*** Add File: hello.txt\n+Hello\n*** Update File: a.txt\n@@\n one\n-two\n+TWO\n*** End Patch";
    loom.server.enqueue(patchTurn("p1", patch), textTurn("patched"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, ...fullAccess });
    const events = collectUntil(thread.events$, "task_complete");
    expect((await thread.run("patch it")).finalResponse).toBe("patched");

    expect(await readFile(join(loom.cwd, "hello.txt"), "utf8")).toBe("Hello\n");
    expect(await readFile(join(loom.cwd, "a.txt"), "utf8")).toBe("one\nTWO\n");
    const msgs = (await events).map((e) => e.msg as any);
    const begin = msgs.find((m) => m.type === "patch_apply_begin");
    expect(begin).toMatchObject({ call_id: "p1", auto_approved: true });
    expect(Object.keys(begin.changes).sort()).toEqual([join(loom.cwd, "a.txt"), join(loom.cwd, "hello.txt")]);
    const end = msgs.find((m) => m.type === "patch_apply_end");
    expect(end).toMatchObject({ call_id: "p1", success: true, status: "completed", stderr: "", stdout: "Success. Updated the following files:\nA hello.txt\nM a.txt\n" });
    const diff = msgs.find((m) => m.type === "turn_diff").unified_diff as string;
    expect(diff).toContain("+++ b/");
    expect(diff).toContain("-two\n+TWO\n");
    expect(diff).toContain("new file mode 100644");
    expect(msgs.map((m) => m.type).indexOf("turn_diff")).toBeGreaterThan(msgs.map((m) => m.type).indexOf("patch_apply_end"));

    expect(outputOf(loom.server.requests[1], "p1")).toMatch(
      /^Exit code: 0\nWall time: [\d.]+ seconds\nOutput:\nSuccess\. Updated the following files:\nA hello\.txt\nM a\.txt\n$/,
    );
    expect(loom.server.requests[0]!.body.tools).toContainEqual(expect.objectContaining({ type: "custom", name: "apply_patch" }));
  });

  it("changes no file when one hunk fails, and tells the model which file and lines", async () => {
    await writeFile(join(loom.cwd, "a.txt"), "one\ntwo\n");
    await writeFile(join(loom.cwd, "b.txt"), "alpha\n");
    const patch = "*** Begin Patch\n*** Update File: a.txt\n@@\n-one\n+ONE\n*** Update File: b.txt\n@@\n-gamma\n+GAMMA\n*** Delete File: a.txt\n*** End Patch";
    loom.server.enqueue(patchTurn("p1", patch), textTurn("it failed"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, ...fullAccess });
    const events = collectUntil(thread.events$, "task_complete");
    await thread.run("patch it");

    expect(await readFile(join(loom.cwd, "a.txt"), "utf8")).toBe("one\ntwo\n");
    expect(await readFile(join(loom.cwd, "b.txt"), "utf8")).toBe("alpha\n");
    expect(outputOf(loom.server.requests[1], "p1")).toBe(
      `apply_patch verification failed: Failed to find expected lines in ${join(loom.cwd, "b.txt")}:\ngamma`,
    );
    const types = (await events).map((e) => e.msg.type);
    expect(types).not.toContain("patch_apply_begin");
    expect(types).not.toContain("turn_diff");
  });

  it("puts every file back when a write fails midway, and reports it as a failed command", async () => {
    // A regular file where the patch needs a directory: the second write fails after the first.
    await writeFile(join(loom.cwd, "blocker"), "not a directory\n");
    const target = join(loom.cwd, "blocker", "x.txt");
    const patch = "*** Begin Patch\n*** Add File: first.txt\n+1\n*** Add File: blocker/x.txt\n+x\n*** End Patch";
    loom.server.enqueue(patchTurn("p1", patch), textTurn("it failed"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, ...fullAccess });
    const end = nextEvent(thread.events$, "patch_apply_end");
    await thread.run("patch it");

    await expect(readFile(join(loom.cwd, "first.txt"), "utf8")).rejects.toThrow();
    expect(await end).toMatchObject({ success: false, status: "failed", stdout: "", stderr: `Failed to write file ${target}\n` });
    const output = outputOf(loom.server.requests[1], "p1") as string;
    expect(output.replace(/^(Exit code: 1\nWall time: )[\d.]+( seconds\n)/, "$1N$2")).toBe(
      `Exit code: 1\nWall time: N seconds\nOutput:\nFailed to write file ${target}\n`,
    );
  });

  it("aggregates every patch of a turn into one diff", async () => {
    loom.server.enqueue(
      patchTurn("p1", "*** Begin Patch\n*** Add File: one.txt\n+1\n*** End Patch"),
      patchTurn("p2", "*** Begin Patch\n*** Add File: two.txt\n+2\n*** End Patch"),
      textTurn("both"),
    );
    const thread = await loom.rt.startThread({ cwd: loom.cwd, ...fullAccess });
    const first = nextEvent(thread.events$, "turn_diff");
    const second = nextEvent(thread.events$, "turn_diff", (msg) => msg.unified_diff.includes("two.txt"));
    await thread.run("two patches");
    expect((await first).unified_diff).toContain("one.txt");
    expect((await first).unified_diff).not.toContain("two.txt");
    expect((await second).unified_diff).toContain("one.txt");
  });

  it("accepts the JSON function variant", async () => {
    const args = { input: "*** Begin Patch\n*** Add File: j.txt\n+json\n*** End Patch" };
    loom.server.enqueue(toolCallTurn("f1", "apply_patch", args), textTurn("ok"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, ...fullAccess });
    await thread.run("json patch");
    expect(await readFile(join(loom.cwd, "j.txt"), "utf8")).toBe("json\n");
    const output = inputItems(loom.server.requests[1]!).find((item: any) => item.type === "function_call_output");
    expect(output.output).toMatch(/^Exit code: 0\n/);
  });

  it("under never with a workspace sandbox: applies inside the workspace, refuses outside it, writing nothing there", async () => {
    const outsideDir = "/usr/loom-outside-the-workspace";
    loom.server.enqueue(
      patchTurn("p1", "*** Begin Patch\n*** Add File: yes.txt\n+x\n*** End Patch"),
      patchTurn("p2", `*** Begin Patch\n*** Add File: ${outsideDir}/no.txt\n+x\n*** End Patch`),
      textTurn("refused"),
    );
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never", sandboxPolicy: { type: "workspace-write" } });
    await thread.run("patch");
    expect(await readFile(join(loom.cwd, "yes.txt"), "utf8")).toBe("x\n");
    expect(outputOf(loom.server.requests[2], "p2")).toBe("patch rejected: writing outside of the project; rejected by user approval settings");
    await expect(readFile(join(outsideDir, "no.txt"), "utf8")).rejects.toThrow();
  });

  it("asks under on-request: approved applies it (not auto-approved), denied tells the model", async () => {
    loom.server.enqueue(
      patchTurn("p1", "*** Begin Patch\n*** Add File: yes.txt\n+y\n*** End Patch"),
      patchTurn("p2", "*** Begin Patch\n*** Add File: no.txt\n+n\n*** End Patch"),
      textTurn("done"),
    );
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "on-request", sandboxPolicy: { type: "read-only" } });
    const asked1 = nextEvent(thread.events$, "apply_patch_approval_request", (m) => m.call_id === "p1");
    const begin = nextEvent(thread.events$, "patch_apply_begin");
    const run = thread.run("patch twice");
    expect(Object.keys((await asked1).changes)).toEqual([join(loom.cwd, "yes.txt")]);
    const asked2 = nextEvent(thread.events$, "apply_patch_approval_request", (m) => m.call_id === "p2");
    await thread.submit({ type: "patch_approval", id: "p1", decision: "approved" });
    expect((await begin).auto_approved).toBe(false);
    await asked2;
    await thread.submit({ type: "patch_approval", id: "p2", decision: "denied" });
    await run;
    expect(await readFile(join(loom.cwd, "yes.txt"), "utf8")).toBe("y\n");
    await expect(readFile(join(loom.cwd, "no.txt"), "utf8")).rejects.toThrow();
    expect(outputOf(loom.server.requests[2], "p2")).toBe("patch rejected by user");
  });
});
