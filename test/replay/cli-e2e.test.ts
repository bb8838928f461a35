// The real `loom` binary as a child process: `import-codex` a Codex rollout with a broken line, then
// `export-codex` it, on a LevelDB data dir that outlives each process.
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LOOM_BIN } from "../support/cli.js";
import { SCENARIOS, fullRollout } from "./support.js";

const run = promisify(execFile);
const loom = (args: string[]) => run(process.execPath, [LOOM_BIN, ...args], { maxBuffer: 64 * 1024 * 1024 });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "loom-codex-e2e-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.runIf(SCENARIOS.includes("rollback"))("loom import-codex / export-codex (binary)", () => {
  it("imports, reports the bad line, and exports the good ones as Codex wrote them", async () => {
    const original = fullRollout("rollback");
    const lines = original.split("\n").filter(Boolean);
    const file = join(dir, "rollout.jsonl");
    // A line Codex might have left half-written by a crash, in the middle of the file.
    await writeFile(file, [...lines.slice(0, 5), '{"timestamp":"2026-', ...lines.slice(5)].join("\n") + "\n");

    const imported = await loom(["import-codex", "--data-dir", dir, file]);
    expect(imported.stdout.trim()).toBe(JSON.parse(lines[0]).payload.id);
    expect(imported.stderr).toMatch(/^line 6: invalid JSON/);

    const exported = await loom(["export-codex", "--data-dir", dir, imported.stdout.trim()]);
    expect(exported.stdout).toBe(original);
    expect(exported.stderr).toBe("");
  });
});
