// apply_patch under the sandbox policy: paths are judged where the writes really land (symlinks,
// `..`, hard links), special files are refused, files are read with a limit, and without a sandbox
// Loom decides as Codex does without one.
import { execFileSync } from "node:child_process";
import { link, mkdir, readFile, rm, symlink, truncate, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { applyPatchApproval } from "../../src/actors/tools/apply-patch.js";
import type { ApprovalContext } from "../../src/actors/tools/index.js";
import type { TurnSettings } from "../../src/context/index.js";
import type { AskForApproval, PlatformSandbox, SandboxPolicy } from "../../src/events/index.js";
import { evCompleted, evCreated, evCustomToolCall, inputItems, textTurn } from "../support/fake-responses.js";
import { startLoom } from "../support/loom.js";
import { outsideDir, scratchDir } from "./support.js";

let ws: string;
let outside: string;
beforeEach(async () => {
  ws = await scratchDir("loom-patch-ws-");
  outside = await outsideDir();
  await writeFile(join(outside, "target.txt"), "outside\n");
});
afterEach(async () => {
  await rm(ws, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

const WORKSPACE: SandboxPolicy = { type: "workspace-write" };

function context(patch: string, approvalPolicy: AskForApproval, options: { cwd?: string; policy?: SandboxPolicy; platform?: PlatformSandbox } = {}): ApprovalContext {
  const settings: TurnSettings = {
    cwd: options.cwd ?? ws,
    approvalPolicy,
    sandboxPolicy: options.policy ?? WORKSPACE,
    model: "gpt-5.5",
    currentDate: "2026-01-01",
    timezone: "Etc/UTC",
    shell: "bash",
    ...(options.platform ? { platformSandbox: options.platform } : {}),
  };
  return { turnId: "t1", call: { callId: "c1", name: "apply_patch", kind: "custom", input: patch }, settings, approvedForSession: { commands: [], files: [] } };
}

const add = (path: string, text = "pwned") => `*** Begin Patch\n*** Add File: ${path}\n+${text}\n*** End Patch`;
const update = (path: string) => `*** Begin Patch\n*** Update File: ${path}\n@@\n-outside\n+pwned\n*** End Patch`;
const OUTSIDE_REJECTION = "patch rejected: writing outside of the project; rejected by user approval settings";

describe("where a patch really writes", () => {
  it("treats a file under a symlinked directory that leads outside as outside", async () => {
    await symlink(outside, join(ws, "link"));
    expect((await applyPatchApproval(context(add("link/new.txt"), "on-request"))).type).toBe("ask");
    expect(await applyPatchApproval(context(add("link/new.txt"), "never"))).toEqual({ type: "reject", output: OUTSIDE_REJECTION });
  });

  it("treats a symlinked file, and a dangling symlink, that point outside as outside", async () => {
    await symlink(join(outside, "target.txt"), join(ws, "file-link"));
    await symlink(join(outside, "not-yet"), join(ws, "dangling"));
    expect(await applyPatchApproval(context(update("file-link"), "never"))).toEqual({ type: "reject", output: OUTSIDE_REJECTION });
    expect(await applyPatchApproval(context(add("dangling"), "never"))).toEqual({ type: "reject", output: OUTSIDE_REJECTION });
  });

  it("treats `..` that climbs out as outside, and a symlink that stays inside as inside", async () => {
    await mkdir(join(ws, "sub"));
    await symlink(join(ws, "sub"), join(ws, "inner-link"));
    expect(await applyPatchApproval(context(add(`${relative(ws, outside)}/x.txt`), "never"))).toEqual({ type: "reject", output: OUTSIDE_REJECTION });
    expect(await applyPatchApproval(context(add("inner-link/x.txt"), "never"))).toEqual({ type: "run" });
    expect(await applyPatchApproval(context(add("sub/../y.txt"), "never"))).toEqual({ type: "run" });
  });

  it("resolves the workspace itself when it is reached through a symlink", async () => {
    const alias = join(outside, "alias");
    await symlink(ws, alias);
    expect(await applyPatchApproval(context(add("x.txt"), "never", { cwd: alias }))).toEqual({ type: "run" });
  });

  it("treats a file with another hard link outside the roots as outside", async () => {
    // Same filesystem as the workspace, but outside the roots of a policy without the temp dirs.
    const policy: SandboxPolicy = { type: "workspace-write", exclude_slash_tmp: true, exclude_tmpdir_env_var: true };
    const elsewhere = await scratchDir("loom-patch-elsewhere-");
    try {
      await writeFile(join(elsewhere, "target.txt"), "outside\n");
      await link(join(elsewhere, "target.txt"), join(ws, "hard.txt"));
      expect(await applyPatchApproval(context(update("hard.txt"), "never", { policy }))).toEqual({ type: "reject", output: OUTSIDE_REJECTION });
      expect((await applyPatchApproval(context(update("hard.txt"), "on-request", { policy }))).type).toBe("ask");
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
    }
  });

  it("refuses special files, and files too large to read whole", async () => {
    execFileSync("mkfifo", [join(ws, "fifo")]);
    const full = { policy: { type: "danger-full-access" } as SandboxPolicy };
    expect(await applyPatchApproval(context(add("fifo"), "never", full))).toEqual({ type: "reject", output: `patch rejected: ${join(ws, "fifo")} is not a regular file (it is a FIFO)` });
    // Reading a FIFO would wait for a writer for ever; reading /dev/zero would never end.
    const fifo = await applyPatchApproval(context(update("fifo"), "never", full));
    expect(fifo).toMatchObject({ type: "reject", output: expect.stringContaining("is not a regular file (it is a FIFO)") });
    const zero = await applyPatchApproval(context(update("/dev/zero"), "never", full));
    expect(zero).toMatchObject({ type: "reject", output: expect.stringContaining("/dev/zero is not a regular file (it is a character device)") });
    await writeFile(join(ws, "big.txt"), "");
    await truncate(join(ws, "big.txt"), 16 * 1024 * 1024 + 1);
    const big = await applyPatchApproval(context(update("big.txt"), "never", full));
    expect(big).toMatchObject({ type: "reject", output: expect.stringContaining("is larger than 16777216 bytes") });
  });
});

describe("a patch where no sandbox exists (Codex's SandboxType::None)", () => {
  const none: PlatformSandbox = { type: "none", reason: "bwrap (bubblewrap) was not found on PATH" };

  it("asks about a patch inside the workspace, and refuses it under never saying why", async () => {
    expect((await applyPatchApproval(context(add("in.txt"), "on-request", { platform: none }))).type).toBe("ask");
    expect(await applyPatchApproval(context(add("in.txt"), "never", { platform: none }))).toEqual({
      type: "reject",
      output: `${OUTSIDE_REJECTION} (no sandbox can contain the write here: bwrap (bubblewrap) was not found on PATH)`,
    });
    // The user gave up the sandbox: nothing to contain, nothing to ask.
    expect(await applyPatchApproval(context(add("in.txt"), "never", { platform: none, policy: { type: "danger-full-access" } }))).toEqual({ type: "run" });
  });
});

describe("a patch aimed at /dev/zero through the runtime", () => {
  it("fails at once with the reason, and memory stays put", async () => {
    const loom = await startLoom();
    try {
      const patch = "*** Begin Patch\n*** Update File: /dev/zero\n@@\n-a\n+b\n*** End Patch";
      loom.server.enqueue([evCreated("r1"), evCustomToolCall("p1", "apply_patch", patch), evCompleted("r1")], textTurn("ok"));
      const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never", sandboxPolicy: { type: "danger-full-access" } });
      const before = process.memoryUsage().rss;
      await thread.run("patch /dev/zero");
      const output = inputItems(loom.server.requests[1]!).find((item: any) => item.type === "custom_tool_call_output" && item.call_id === "p1")?.output;
      expect(output).toContain("/dev/zero is not a regular file (it is a character device)");
      // Reading /dev/zero whole would have grown the process by gigabytes before failing.
      expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
    } finally {
      await loom.close();
    }
  });
});
