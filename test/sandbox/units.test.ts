// The sandbox's pieces on their own: bubblewrap's argument order (what makes protected paths win),
// the seccomp program, denial recognition, the no-sandbox fallback decision, and the probe.
import { mkdir, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  bwrapArgs,
  describeSandbox,
  findExecutable,
  isLikelySandboxDenied,
  missingSandboxReason,
  networkSeccompProgram,
  probeHostSandbox,
  sandboxInForce,
  SandboxSetupError,
  selectSandbox,
} from "../../src/sandbox/index.js";
import { scratchDir } from "./support.js";

let dir: string;
beforeEach(async () => {
  dir = await scratchDir();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("bwrapArgs", () => {
  it("mounts / read-only, then the writable roots, then their protected paths on top, in Codex's order", async () => {
    const ws = join(dir, "ws");
    await mkdir(join(ws, ".git"), { recursive: true });
    const { args, placeholders } = bwrapArgs({
      command: ["touch", "x"],
      commandCwd: ws,
      writableRoots: [{ root: ws, readOnlySubpaths: [join(ws, ".git"), join(ws, ".codex")] }],
      network: false,
      mountProc: true,
    });
    expect(args).toEqual([
      "--new-session", "--die-with-parent",
      "--ro-bind", "/", "/", "--dev", "/dev",
      "--bind", ws, ws,
      "--ro-bind", join(ws, ".git"), join(ws, ".git"),
      // .codex does not exist: /dev/null on it keeps the command from creating it.
      "--ro-bind", "/dev/null", join(ws, ".codex"),
      "--unshare-user", "--unshare-pid", "--cap-drop", "ALL", "--unshare-net", "--proc", "/proc",
      "--", "touch", "x",
    ]);
    expect(placeholders).toEqual([join(ws, ".codex")]);
  });

  it("keeps the network and skips missing roots", () => {
    const { args } = bwrapArgs({
      command: ["true"],
      commandCwd: dir,
      writableRoots: [{ root: join(dir, "missing"), readOnlySubpaths: [] }],
      network: true,
      mountProc: false,
    });
    expect(args).not.toContain("--unshare-net");
    expect(args).not.toContain("--bind");
    expect(args).not.toContain("--proc");
  });

  it("binds a symlinked root by its real target and moves its protected paths with it", async () => {
    const real = join(dir, "real");
    await mkdir(join(real, ".git"), { recursive: true });
    await symlink(real, join(dir, "alias"));
    const { args } = bwrapArgs({
      command: ["true"],
      commandCwd: join(dir, "alias"),
      writableRoots: [{ root: join(dir, "alias"), readOnlySubpaths: [join(dir, "alias", ".git")] }],
      network: false,
      mountProc: false,
    });
    expect(args.join(" ")).toContain(`--bind ${real} ${real} --ro-bind ${join(real, ".git")} ${join(real, ".git")}`);
    // The command starts in the real directory the sandbox mounts.
    expect(args.join(" ")).toContain(`--chdir ${real}`);
  });

  it("refuses a protected path that crosses a symlink the command could rewrite", async () => {
    const ws = join(dir, "ws");
    await mkdir(join(dir, "elsewhere"), { recursive: true });
    await mkdir(ws);
    await symlink(join(dir, "elsewhere"), join(ws, ".git"));
    expect(() =>
      bwrapArgs({
        command: ["true"],
        commandCwd: ws,
        writableRoots: [{ root: ws, readOnlySubpaths: [join(ws, ".git", "config")] }],
        network: false,
        mountProc: false,
      }),
    ).toThrow(SandboxSetupError);
  });

  it("mounts only the readable roots for a restricted read policy", () => {
    const { args } = bwrapArgs({ command: ["true"], commandCwd: dir, writableRoots: [], readableRoots: ["/usr", dir], network: false, mountProc: false });
    expect(args.slice(2, 6)).toEqual(["--tmpfs", "/", "--dev", "/dev"]);
    expect(args.join(" ")).toContain(`--ro-bind /usr /usr`);
    expect(args.join(" ")).toContain(`--ro-bind ${dir} ${dir}`);
  });

  it("keeps Loom's own files read-only inside a writable root", async () => {
    const own = join(dir, "loom-own");
    await mkdir(own);
    const { args } = bwrapArgs({ command: ["true"], commandCwd: dir, writableRoots: [{ root: dir, readOnlySubpaths: [] }], network: false, mountProc: false, protectedDirs: [own] });
    expect(args.join(" ")).toContain(`--bind ${dir} ${dir} --ro-bind ${own} ${own}`);
  });
});

describe("networkSeccompProgram", () => {
  it("is a whole number of BPF instructions that ends by allowing", () => {
    for (const arch of ["x64", "arm64"]) {
      const program = networkSeccompProgram(arch);
      expect(program.length % 8).toBe(0);
      // The last instruction: BPF_RET|BPF_K with SECCOMP_RET_ALLOW.
      expect(program.readUInt16LE(program.length - 8)).toBe(0x06);
      expect(program.readUInt32LE(program.length - 4)).toBe(0x7fff0000);
    }
    expect(() => networkSeccompProgram("mips")).toThrow(/no seccomp network filter/);
  });
});

describe("isLikelySandboxDenied (Codex's heuristic)", () => {
  const output = (exitCode: number, stderr: string) => ({ sandboxed: true, networkRestricted: false, exitCode, stdout: "", stderr, aggregatedOutput: stderr });

  it("recognises a read-only file system, a permission denied and a seccomp EPERM", () => {
    expect(isLikelySandboxDenied(output(1, "touch: cannot touch '/x': Read-only file system"))).toBe(true);
    expect(isLikelySandboxDenied(output(1, "bash: /etc/passwd: Permission denied"))).toBe(true);
    expect(isLikelySandboxDenied(output(1, "connect: Operation not permitted"))).toBe(true);
    expect(isLikelySandboxDenied(output(159, ""))).toBe(true);
  });

  it("ignores success, unconfined runs, and exit codes the sandbox does not cause", () => {
    expect(isLikelySandboxDenied(output(0, "Permission denied"))).toBe(false);
    expect(isLikelySandboxDenied({ ...output(1, "Read-only file system"), sandboxed: false })).toBe(false);
    expect(isLikelySandboxDenied(output(127, "bash: foo: command not found"))).toBe(false);
    expect(isLikelySandboxDenied(output(1, "assertion failed"))).toBe(false);
  });

  it("recognises a cut network only when the sandbox cut it", () => {
    const curl = "curl: (7) Failed to connect to 127.0.0.1 port 80 after 0 ms: Couldn't connect to server";
    expect(isLikelySandboxDenied({ ...output(7, curl), networkRestricted: true })).toBe(true);
    expect(isLikelySandboxDenied({ ...output(1, "connect EPERM 127.0.0.1:1"), networkRestricted: true })).toBe(true);
    expect(isLikelySandboxDenied(output(7, curl))).toBe(false);
  });
});

describe("the no-sandbox fallback", () => {
  const none = { type: "none" as const, reason: "bwrap (bubblewrap) was not found on PATH" };
  const bwrap = { type: "bubblewrap" as const, path: "/usr/bin/bwrap" };

  it("confines restricted policies where bubblewrap is, and nothing else", () => {
    expect(selectSandbox({ type: "workspace-write" }, bwrap)).toBe("bubblewrap");
    expect(selectSandbox({ type: "read-only" }, undefined)).toBe("bubblewrap");
    expect(selectSandbox({ type: "workspace-write" }, bwrap, { bypass: true })).toBe("none");
    expect(selectSandbox({ type: "danger-full-access" }, bwrap)).toBe("none");
    expect(selectSandbox({ type: "workspace-write" }, none)).toBe("none");
  });

  it("says why a restricted policy is unprotected, and only then", () => {
    expect(missingSandboxReason({ type: "workspace-write" }, none)).toBe(none.reason);
    expect(missingSandboxReason({ type: "danger-full-access" }, none)).toBeNull();
    expect(missingSandboxReason({ type: "read-only" }, bwrap)).toBeNull();
  });

  it("reports what is in force for a session", () => {
    expect(sandboxInForce({ type: "workspace-write" }, bwrap)).toEqual(bwrap);
    expect(sandboxInForce({ type: "danger-full-access" }, bwrap)).toMatchObject({ type: "none" });
    expect(describeSandbox({ type: "workspace-write", network_access: false }, bwrap)).toBe(
      "sandbox: workspace-write under bubblewrap (/usr/bin/bwrap, network off)",
    );
    expect(describeSandbox({ type: "workspace-write" }, none)).toContain("need approval");
  });
});

describe("probeHostSandbox", () => {
  it("finds no sandbox on a PATH without bwrap, and says so", async () => {
    const bin = join(dir, "bin");
    await mkdir(bin);
    await writeFile(join(bin, "true"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
    const host = await probeHostSandbox({ path: bin });
    expect(host.sandbox).toEqual({ type: "none", reason: "bwrap (bubblewrap) was not found on PATH" });
    // Unconfined commands still die with Loom, through the kernel's parent-death signal.
    expect(host.lifetime.type).toBe(findExecutable("setpriv", bin) ? "parent-death-signal" : "process-group");
  });

  it("ignores relative PATH entries (they would follow the working directory)", async () => {
    await writeFile(join(dir, "bwrap"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
    expect(findExecutable("bwrap", `.:${dir}`)).toBe(join(dir, "bwrap"));
    expect(findExecutable("bwrap", ".")).toBeUndefined();
  });

  it("finds bubblewrap here, able to build Loom's sandbox", async () => {
    const host = await probeHostSandbox();
    expect(host.sandbox).toMatchObject({ type: "bubblewrap", mountProc: true, seccomp: true });
  });
});
