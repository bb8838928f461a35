// AGENTS.md discovery on real directories: given files on disk, then the instructions Codex would load.
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AGENTS_MD_MAX_BYTES, agentsMdPaths, loadAgentsMd, probeSandboxHost } from "../../src/context/index.js";

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "loom-agents-md-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function put(path: string, text: string) {
  await mkdir(join(root, path, ".."), { recursive: true });
  await writeFile(join(root, path), text);
}

describe("loadAgentsMd", () => {
  it("is undefined when there is no AGENTS.md", async () => {
    expect(await loadAgentsMd(root)).toBeUndefined();
  });

  it("reads only the cwd when no project root marker is found", async () => {
    await put("AGENTS.md", "outer\n");
    await put("a/AGENTS.md", "inner\n");
    expect(await loadAgentsMd(join(root, "a"))).toBe("inner\n");
  });

  it("joins the files from the git root down to the cwd, with a blank line between", async () => {
    await mkdir(join(root, ".git"));
    await put("AGENTS.md", "root\n");
    await put("a/b/AGENTS.md", "leaf\n");
    await mkdir(join(root, "a/b/c"), { recursive: true });
    expect(await loadAgentsMd(join(root, "a/b/c"))).toBe("root\n\n\nleaf\n");
    expect(await agentsMdPaths(join(root, "a/b/c"))).toHaveLength(2);
  });

  it("stops at the nearest marker: a worktree's .git file counts too", async () => {
    await mkdir(join(root, ".git"));
    await put("AGENTS.md", "outer repo\n");
    await put("inner/.git", "gitdir: ../.git/worktrees/inner\n");
    await put("inner/AGENTS.md", "inner repo\n");
    expect(await loadAgentsMd(join(root, "inner"))).toBe("inner repo\n");
  });

  it("prefers AGENTS.override.md over AGENTS.md in the same directory", async () => {
    await put("AGENTS.md", "plain");
    await put("AGENTS.override.md", "override");
    expect(await loadAgentsMd(root)).toBe("override");
  });

  it("skips a directory named AGENTS.md and empty files, and honours fallback names", async () => {
    await mkdir(join(root, ".git"));
    await mkdir(join(root, "AGENTS.md"));
    await put("CLAUDE.md", "fallback");
    await put("a/AGENTS.md", "  \n");
    expect(await loadAgentsMd(join(root, "a"), { fallbackFilenames: ["CLAUDE.md"] })).toBe("fallback");
  });

  it("cuts the docs at 32 KiB in total", async () => {
    await mkdir(join(root, ".git"));
    await put("AGENTS.md", "x".repeat(AGENTS_MD_MAX_BYTES - 10));
    await put("a/AGENTS.md", "y".repeat(100));
    const text = (await loadAgentsMd(join(root, "a")))!;
    expect(text).toBe(`${"x".repeat(AGENTS_MD_MAX_BYTES - 10)}\n\n${"y".repeat(10)}`);
  });

  it("puts the global instructions first, trimmed, then the project docs", async () => {
    await put("home/AGENTS.md", "\n global \n");
    await put("work/AGENTS.md", "project");
    expect(await loadAgentsMd(join(root, "work"), { globalDir: join(root, "home") })).toBe(
      "global\n\n--- project-doc ---\n\nproject",
    );
  });

  it("resolves a symlinked cwd before walking up", async () => {
    await mkdir(join(root, "real/.git"), { recursive: true });
    await put("real/AGENTS.md", "real");
    await mkdir(join(root, "real/sub"));
    await symlink(join(root, "real/sub"), join(root, "link"));
    expect(await loadAgentsMd(join(root, "link"))).toBe("real");
  });

  it("rejects when aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(loadAgentsMd(root, { signal: controller.signal })).rejects.toThrow();
  });
});

describe("probeSandboxHost", () => {
  it("lists .git, .agents and .codex of the cwd, and an existing .codex of other roots", async () => {
    await mkdir(join(root, "w/.git"), { recursive: true });
    await mkdir(join(root, "w/.agents"));
    await mkdir(join(root, "extra/.codex"), { recursive: true });
    const host = await probeSandboxHost(
      join(root, "w"),
      { type: "workspace-write", writable_roots: [join(root, "extra")], exclude_slash_tmp: true },
      { env: { TMPDIR: "" } },
    );
    expect(host.tmpdir).toBeUndefined();
    expect(host.readOnlySubpaths).toEqual({
      [join(root, "extra")]: [join(root, "extra/.codex")],
      [join(root, "w")]: [join(root, "w/.git"), join(root, "w/.agents"), join(root, "w/.codex")],
    });
  });

  it("protects the directory a .git file points to", async () => {
    await mkdir(join(root, "main/.git/worktrees/w"), { recursive: true });
    await put("w/.git", "gitdir: ../main/.git/worktrees/w\n");
    const host = await probeSandboxHost(join(root, "w"), { type: "workspace-write" }, { env: {} });
    expect(host.readOnlySubpaths[join(root, "w")]).toEqual([
      join(root, "main/.git/worktrees/w"),
      join(root, "w/.git"),
      join(root, "w/.codex"),
    ]);
  });
});
