// The workspace part of `x-codex-turn-metadata`: a turn in a git repository tells the API its
// commit, remotes and whether the tree changed, as Codex's requests do, without running anything a
// hostile repository configured.
import { execFileSync } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { TurnGitProbe, parseRemoteUrls, probeWorkspaceGit } from "../../src/actors/model/index.js";
import { startLoom, type LoomHarness } from "../support/loom.js";
import { textTurn, toolCallTurn } from "../support/fake-responses.js";

const dirs: string[] = [];
let loom: LoomHarness | undefined;
afterEach(async () => {
  await loom?.close();
  loom = undefined;
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd, encoding: "utf8" }).trim();

async function repo(): Promise<string> {
  const dir = realpathSync(await mkdtemp(join(tmpdir(), "loom-git-meta-")));
  dirs.push(dir);
  git(dir, "init", "-q");
  await writeFile(join(dir, "a.txt"), "a\n");
  git(dir, "add", "a.txt");
  git(dir, "commit", "-qm", "first");
  git(dir, "remote", "add", "origin", "https://example.com/acme/app.git");
  git(dir, "remote", "add", "backup", "git@example.com:acme/app.git");
  return dir;
}

describe("probing the workspace's git facts", () => {
  it("finds the repository root from a subfolder, HEAD's commit, each remote's fetch URL and the changes", async () => {
    const dir = await repo();
    await mkdir(join(dir, "src"));
    const head = git(dir, "rev-parse", "HEAD");
    expect(await probeWorkspaceGit(join(dir, "src"))).toEqual({
      root: dir,
      metadata: {
        associated_remote_urls: { backup: "git@example.com:acme/app.git", origin: "https://example.com/acme/app.git" },
        latest_git_commit_hash: head,
        has_changes: false,
      },
    });
    await writeFile(join(dir, "a.txt"), "changed\n");
    expect((await probeWorkspaceGit(dir))?.metadata.has_changes).toBe(true);
  });

  it("says nothing outside a repository, and leaves out what git cannot give (no commit yet, no remote)", async () => {
    const plain = await mkdtemp(join(tmpdir(), "loom-git-none-"));
    dirs.push(plain);
    expect(await probeWorkspaceGit(plain)).toBeNull();
    expect(await probeWorkspaceGit(join(plain, "missing"))).toBeNull();
    git(plain, "init", "-q");
    expect(await probeWorkspaceGit(plain)).toEqual({ root: realpathSync(plain), metadata: { has_changes: false } });
  });

  it("never runs a repository's fsmonitor command (git status would, outside any sandbox)", async () => {
    const dir = await repo();
    const marker = join(dir, "..", `${dir.split("/").pop()}-pwned`);
    dirs.push(marker);
    const hook = join(dir, "monitor.sh");
    await writeFile(hook, `#!/bin/sh\ntouch '${marker}'\n`);
    await chmod(hook, 0o755);
    git(dir, "config", "core.fsmonitor", hook);
    // The attack is real: plain `git status` runs it.
    git(dir, "status", "--porcelain");
    expect(existsSync(marker)).toBe(true);
    await rm(marker);
    expect((await probeWorkspaceGit(dir))?.metadata.latest_git_commit_hash).toMatch(/^[0-9a-f]{40}$/);
    expect(existsSync(marker)).toBe(false);
  });

  it("stops at the timeout and when cancelled, with nothing found", async () => {
    const dir = await repo();
    const probe = new TurnGitProbe(dir, { timeoutMs: 0 });
    await probe.settled;
    expect(probe.workspaces).toBeUndefined();
    const cancelled = new TurnGitProbe(dir);
    cancelled.cancel();
    await cancelled.settled;
    expect(cancelled.workspaces).toBeUndefined();
  });

  it("reads `git remote -v` as Codex does: fetch lines only, tab or space separated, sorted by name", () => {
    const out = "z\thttps://z (fetch)\nz\thttps://z (push)\na https://a (fetch)\nbroken\n";
    expect(Object.entries(parseRemoteUrls(out)!)).toEqual([["a", "https://a"], ["z", "https://z"]]);
    expect(parseRemoteUrls("")).toBeUndefined();
  });
});

describe("the turn metadata header", () => {
  it("carries the workspace once the turn's probe settled, between turn id and sandbox as Codex orders it", async () => {
    const dir = await repo();
    const probes: TurnGitProbe[] = [];
    loom = await startLoom({
      io: {
        onThread: (services) => {
          const make = services.gitProbe!;
          services.gitProbe = (cwd) => {
            const probe = make(cwd);
            probes.push(probe);
            return probe;
          };
        },
      },
    });
    // The first answer (a tool call) comes only once the probe is done: the request after it, in
    // the same turn, must carry the facts.
    loom.server.enqueue(
      async () => {
        await probes[0]!.settled;
        return toolCallTurn("call-plan", "update_plan", { plan: [{ step: "look", status: "in_progress" }] });
      },
      textTurn("done"),
    );
    const thread = await loom.rt.startThread({ cwd: dir, sandboxMode: "danger-full-access" });
    await thread.run("one");
    const metadata = JSON.parse(String(loom.server.requests[1]!.headers["x-codex-turn-metadata"]));
    expect(Object.keys(metadata)).toEqual(["session_id", "thread_source", "turn_id", "workspaces", "sandbox"]);
    expect(metadata.workspaces).toEqual({
      [dir]: {
        associated_remote_urls: { backup: "git@example.com:acme/app.git", origin: "https://example.com/acme/app.git" },
        latest_git_commit_hash: git(dir, "rev-parse", "HEAD"),
        has_changes: false,
      },
    });
    expect(metadata.sandbox).toBe("none");
  });
});
