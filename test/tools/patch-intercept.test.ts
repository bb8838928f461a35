// An apply_patch asked for through a command tool is applied as a patch, as Codex intercepts it:
// the patch's approval and events, a warning for the model, never a command named apply_patch.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { interceptWarning, patchInvocation } from "../../src/actors/tools/patch-intercept.js";
import { nextEvent, startLoom, type LoomHarness } from "../support/loom.js";
import { inputItems, textTurn, toolCallTurn } from "../support/fake-responses.js";

const PATCH = "*** Begin Patch\n*** Add File: hello.txt\n+hello\n*** End Patch";
const heredoc = (body: string, prefix = "") => `${prefix}apply_patch <<'EOF'\n${body}\nEOF\n`;

describe("recognising an apply_patch command (Codex maybe_parse_apply_patch)", () => {
  it.each([
    ["the direct argv", ["apply_patch", PATCH], { type: "patch", text: PATCH }],
    ["the applypatch alias", ["applypatch", PATCH], { type: "patch", text: PATCH }],
    ["a bash -lc heredoc", ["bash", "-lc", heredoc(PATCH)], { type: "patch", text: PATCH }],
    ["a heredoc under /bin/zsh -c, delimiter unquoted", ["/bin/zsh", "-c", `apply_patch <<PATCH\n${PATCH}\nPATCH`], { type: "patch", text: PATCH }],
    ["cd WORD && heredoc", ["sh", "-c", heredoc(PATCH, "cd sub/dir && ")], { type: "patch", text: PATCH, workdir: "sub/dir" }],
    ['cd "string" && heredoc', ["bash", "-lc", heredoc(PATCH, 'cd "my dir" && ')], { type: "patch", text: PATCH, workdir: "my dir" }],
    ["cd 'raw' && heredoc", ["bash", "-lc", heredoc(PATCH, "cd '/tmp/x y' && ")], { type: "patch", text: PATCH, workdir: "/tmp/x y" }],
  ])("%s", (_name, argv, expected) => {
    expect(patchInvocation(argv)).toEqual(expected);
  });

  it.each([
    ["a command before it", ["bash", "-lc", heredoc(PATCH, "echo hi; ")]],
    ["a command after the heredoc", ["bash", "-lc", `${heredoc(PATCH)}rm -rf /tmp/loom-nothing\n`]],
    ["&& after the heredoc's start", ["bash", "-lc", `apply_patch <<'EOF' && echo done\n${PATCH}\nEOF`]],
    ["cd with an expansion", ["bash", "-lc", heredoc(PATCH, "cd $HOME && ")]],
    ["cd with two arguments", ["bash", "-lc", heredoc(PATCH, "cd a b && ")]],
    ["cd joined with ||", ["bash", "-lc", heredoc(PATCH, "cd a || ")]],
    ["an unclosed heredoc", ["bash", "-lc", `apply_patch <<'EOF'\n${PATCH}\n`]],
    ["a shell Codex does not know", ["fish", "-c", heredoc(PATCH)]],
    ["a plain command", ["ls", "-la"]],
  ])("not: %s", (_name, argv) => {
    expect(patchInvocation(argv)).toBeNull();
  });

  it("refuses a bare patch as the command, as Codex does", () => {
    for (const argv of [[PATCH], ["bash", "-lc", PATCH]]) {
      expect(patchInvocation(argv)).toEqual({
        type: "implicit",
        message: 'apply_patch verification failed: patch detected without explicit call to apply_patch. Rerun as ["apply_patch", "<patch>"]',
      });
    }
  });
});

describe("a command tool asked to apply_patch", () => {
  let loom: LoomHarness | undefined;
  const dirs: string[] = [];
  afterEach(async () => {
    await loom?.close();
    loom = undefined;
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });
  const outputOf = (request: any, callId: string) => inputItems(request).find((item: any) => item.type === "function_call_output" && item.call_id === callId)?.output;

  it.each([
    ["shell_command", { command: heredoc(PATCH, "cd sub && ") }],
    ["exec_command", { cmd: heredoc(PATCH, "cd sub && ") }],
    ["shell", { command: ["bash", "-lc", heredoc(PATCH)], workdir: "sub" }],
  ])("%s applies it in the workspace with the patch's events and Codex's warning", async (tool, args) => {
    loom = await startLoom();
    await import("node:fs/promises").then((fs) => fs.mkdir(join(loom!.cwd, "sub")));
    loom.server.enqueue(toolCallTurn("c1", tool, args), textTurn("done"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "on-request", sandboxPolicy: { type: "workspace-write" } });
    const end = nextEvent(thread.events$, "patch_apply_end");
    let commandsRun = 0;
    thread.events$.subscribe((event) => {
      if (event.msg.type === "exec_command_begin") commandsRun += 1;
    });
    await thread.run("add hello");
    expect(await readFile(join(loom.cwd, "sub", "hello.txt"), "utf8")).toBe("hello\n");
    expect((await end).success).toBe(true);
    expect(commandsRun).toBe(0);
    const next = loom.server.requests[1]!;
    const output = String(outputOf(next, "c1"));
    const body = tool === "exec_command" ? output.replace(/^Wall time: 0\.0000 seconds\nOutput:\n/, "") : output;
    // Recorded as Codex's JSON; a `shell` output is sent as text when the freeform apply_patch is offered.
    const text = tool === "shell" ? body.replace(/^Exit code: 0\nWall time: [\d.]+ seconds\nOutput:\n/, "") : JSON.parse(body).output;
    expect(text).toMatch(/^Success\. Updated the following files:\nA .*hello\.txt\n$/);
    if (tool === "exec_command") expect(output.startsWith("Wall time: 0.0000 seconds\nOutput:\n")).toBe(true);
    const warning = inputItems(next).find((item: any) => item.type === "message" && item.role === "user" && item.content[0].text.startsWith("Warning: apply_patch"));
    expect(warning?.content[0].text).toBe(`Warning: ${interceptWarning(tool)}`);
  });

  it("asks the patch's question, not a command's, for a write outside the workspace, and a denial reads as a patch's", async () => {
    loom = await startLoom();
    const outside = await mkdtemp(join(tmpdir(), "loom-intercept-outside-"));
    dirs.push(outside);
    loom.server.enqueue(toolCallTurn("c1", "shell_command", { command: heredoc(PATCH, `cd '${outside}' && `) }), textTurn("done"));
    // The temp dirs are outside the workspace only when they are not writable roots themselves.
    const sandboxPolicy = { type: "workspace-write" as const, exclude_slash_tmp: true, exclude_tmpdir_env_var: true };
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "on-request", sandboxPolicy });
    const asked = nextEvent(thread.events$, "apply_patch_approval_request");
    let execAsked = false;
    thread.events$.subscribe((event) => {
      if (event.msg.type === "exec_approval_request") execAsked = true;
    });
    const run = thread.run("add hello outside");
    expect(Object.keys((await asked).changes)).toEqual([join(outside, "hello.txt")]);
    await thread.submit({ type: "patch_approval", id: "c1", decision: "denied" });
    await run;
    expect(execAsked).toBe(false);
    await expect(readFile(join(outside, "hello.txt"), "utf8")).rejects.toThrow();
    expect(outputOf(loom.server.requests[1], "c1")).toBe("patch rejected by user");
  });

  it("answers a bare patch given as the command with Codex's error, running nothing", async () => {
    loom = await startLoom();
    loom.server.enqueue(toolCallTurn("c1", "shell", { command: [PATCH] }), textTurn("done"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never", sandboxPolicy: { type: "danger-full-access" } });
    await thread.run("patch");
    expect(outputOf(loom.server.requests[1], "c1")).toMatch(/^apply_patch verification failed: patch detected without explicit call/);
  });
});
