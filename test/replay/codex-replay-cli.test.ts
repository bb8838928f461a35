// `loom replay ROLLOUT.jsonl` as a team runs it in CI (the built command, a real process), and
// `expectReplay("rollout.jsonl")` as a team's own test suite calls it: a temporary project that
// depends on the packed `loom` package and runs vitest on a folder of rollouts.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runLoom, runMain } from "../support/cli.js";
import { fullRollout } from "./support.js";

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "../..");

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "loom-replay-cli-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The tool-call rollout with its environment context saying another shell (line 4). */
function changedRollout(): string {
  const lines = fullRollout("tool-call").split("\n");
  lines[3] = lines[3]!.replace("<shell>bash</shell>", "<shell>zsh</shell>");
  return lines.join("\n");
}

describe("loom replay ROLLOUT.jsonl", () => {
  it("exits 0 and counts what it checked; a divergence exits 1 with the file, line and diff; a cut file exits 2 naming its line", async () => {
    const good = join(dir, "good.jsonl");
    const changed = join(dir, "changed.jsonl");
    const cut = join(dir, "cut.jsonl");
    await writeFile(good, fullRollout("tool-call"));
    await writeFile(changed, changedRollout());
    await writeFile(cut, fullRollout("tool-call").slice(0, 2000));
    const dataDir = ["--data-dir", join(dir, "data")];

    const ok = await runLoom(["replay", good, ...dataDir]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^replayed 2 turns, 8 history items, 3 requests, 1 tool calls, no divergence/);

    const diverged = await runLoom(["replay", changed, ...dataDir]);
    expect(diverged.code).toBe(1);
    expect(diverged.stdout).toContain(`${changed}:4: divergence: Loom's history differs from the rollout's`);
    expect(diverged.stdout).toMatch(/content\[0\]\.text: recorded .*zsh.*, now .*bash/);

    // Misuse is the same in this process (faster than a child).
    const unreadable = await runMain(["replay", cut, ...dataDir]);
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toMatch(new RegExp(`${cut}:1: cannot replay: invalid JSON`));

    const misuse = await runMain(["replay", good, "--from", "3", ...dataDir]);
    expect(misuse.code).toBe(2);
    expect(misuse.stderr).toMatch(/replayed whole/);
  });
});

describe("a team's test suite: expectReplay on a folder of rollouts", () => {
  it("passes for real rollouts and fails, naming the file and line, for a changed one", async () => {
    // The package as npm would install it (its `files`, its `exports`), beside the dependencies it needs.
    const project = join(dir, "project");
    await mkdir(join(project, "node_modules"), { recursive: true });
    const { stdout } = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], { cwd: ROOT });
    const tarball = join(dir, JSON.parse(stdout)[0].filename);
    await mkdir(join(project, "node_modules", "loom"));
    await run("tar", ["-xzf", tarball, "-C", join(project, "node_modules", "loom"), "--strip-components=1"]);
    for (const name of await readdir(join(ROOT, "node_modules"))) {
      if (name === ".bin" || name === "loom") continue;
      await symlink(join(ROOT, "node_modules", name), join(project, "node_modules", name));
    }
    await writeFile(join(project, "package.json"), JSON.stringify({ name: "team", type: "module", private: true, dependencies: { loom: "*" } }));
    await mkdir(join(project, "rollouts", "nested"), { recursive: true });
    await writeFile(join(project, "rollouts", "tool-call.jsonl"), fullRollout("tool-call"));
    await writeFile(join(project, "rollouts", "nested", "patch-apply.jsonl"), fullRollout("patch-apply"));
    await writeFile(
      join(project, "replay.test.js"),
      [
        'import { describe, it, expect } from "vitest";',
        'import { expectReplay, rolloutFiles, RolloutDivergenceError } from "loom/testing";',
        'describe("Codex sessions", () => {',
        '  it.each(rolloutFiles("rollouts"))("%s", async (file) => {',
        "    const report = await expectReplay(file);",
        "    expect(report.turns).toBeGreaterThan(0);",
        "  });",
        "});",
        "",
      ].join("\n"),
    );
    const vitest = join(ROOT, "node_modules", "vitest", "vitest.mjs");
    const passed = await run(process.execPath, [vitest, "run", "--root", project], { cwd: project }).catch((e) => e);
    expect(passed.code ?? 0, `${passed.stdout}\n${passed.stderr}`).toBe(0);
    expect(passed.stdout).toMatch(/2 passed/);

    await writeFile(join(project, "rollouts", "changed.jsonl"), changedRollout());
    const failed = await run(process.execPath, [vitest, "run", "--root", project], { cwd: project }).catch((e) => e);
    expect(failed.code).toBe(1);
    expect(`${failed.stdout}${failed.stderr}`).toContain("changed.jsonl:4: divergence: Loom's history differs from the rollout's");
    expect(failed.stdout).toMatch(/1 failed.*2 passed|2 passed.*1 failed/s);
  }, 120_000);
});
