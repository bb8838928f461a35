// `loom import-codex FILE` and `loom export-codex ID`, called as the CLI calls them, on a real data
// dir (LevelDB on disk) with an in-memory CliIO.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { exportCodexCommand, importCodexCommand } from "../../src/cli/codex-rollout.js";
import type { CliIO } from "../../src/cli/io.js";
import { UserError } from "../../src/runtime/errors.js";
import { SCENARIOS, SESSION_META, fullRollout, rolloutLine, userMessage } from "./support.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "loom-codex-cli-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function memoryIO(stdin = ""): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (line) => stdout.push(line), err: (line) => stderr.push(line), stdin: Readable.from([stdin]) };
}

const dataDir = () => ["--data-dir", join(dir, "data")];

describe("loom import-codex / export-codex", () => {
  it("imports a rollout, printing the thread id, and exports it back as the same JSONL", async () => {
    const scenario = SCENARIOS.includes("tool-call") ? "tool-call" : SCENARIOS[0];
    const original = fullRollout(scenario);
    const file = join(dir, "rollout.jsonl");
    await writeFile(file, original);

    const io = memoryIO();
    expect(await importCodexCommand([...dataDir(), file], io)).toBe(0);
    expect(io.stderr).toEqual([]);
    expect(io.stdout).toHaveLength(1);
    const threadId = io.stdout[0];
    expect(threadId).toBe(JSON.parse(original.split("\n")[0]).payload.id);

    const out = memoryIO();
    expect(await exportCodexCommand([...dataDir(), threadId], out)).toBe(0);
    expect(out.stdout.map((line) => `${line}\n`).join("")).toBe(original);
  });

  it("reports each skipped line on stderr as `line N: reason` and still imports the rest", async () => {
    const file = join(dir, "broken.jsonl");
    await writeFile(file, [rolloutLine("session_meta", SESSION_META), "{oops", rolloutLine("response_item", userMessage("hi")), rolloutLine("event_msg", { type: "nope" })].join("\n"));
    const io = memoryIO();
    expect(await importCodexCommand([...dataDir(), "--thread", "named", file], io)).toBe(0);
    expect(io.stdout).toEqual(["named"]);
    expect(io.stderr).toHaveLength(2);
    expect(io.stderr[0]).toMatch(/^line 2: invalid JSON/);
    expect(io.stderr[1]).toBe('line 4: unknown event type "nope"');

    const out = memoryIO();
    await exportCodexCommand([...dataDir(), "named"], out);
    expect(out.stdout.map((line) => JSON.parse(line).type)).toEqual(["session_meta", "response_item"]);
  });

  it("reads the rollout from stdin with -", async () => {
    const io = memoryIO(`${rolloutLine("session_meta", SESSION_META)}\n`);
    expect(await importCodexCommand([...dataDir(), "-"], io)).toBe(0);
    expect(io.stdout).toEqual([SESSION_META.id]);
  });

  it("refuses what it cannot do with a UserError, having written nothing", async () => {
    await expect(importCodexCommand([...dataDir()], memoryIO())).rejects.toBeInstanceOf(UserError);
    await expect(importCodexCommand([...dataDir(), join(dir, "missing.jsonl")], memoryIO())).rejects.toThrow(/cannot read/);
    const empty = join(dir, "empty.jsonl");
    await writeFile(empty, "junk\n");
    const io = memoryIO();
    await expect(importCodexCommand([...dataDir(), empty], io)).rejects.toThrow(/no importable line/);
    expect(io.stderr).toEqual([expect.stringMatching(/^line 1: invalid JSON/)]);
    await expect(exportCodexCommand([...dataDir(), "nope"], memoryIO())).rejects.toThrow(/unknown thread "nope"/);

    const file = join(dir, "ok.jsonl");
    await writeFile(file, rolloutLine("session_meta", SESSION_META));
    await importCodexCommand([...dataDir(), "--thread", "taken", file], memoryIO());
    await expect(importCodexCommand([...dataDir(), "--thread", "taken", file], memoryIO())).rejects.toThrow(/already exists/);
  });
});
