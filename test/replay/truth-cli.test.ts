// The issue's own cases, through the `loom` commands (in-process): a thread resumed with another
// model by `exec resume --model`, and a proto session that only names the thread, replay clean.
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { main } from "../../src/cli/main.js";
import type { CliIO } from "../../src/cli/io.js";
import { startFakeResponses, textTurn, type FakeResponses } from "../support/fake-responses.js";

let server: FakeResponses;
let dataDir: string;
let cwd: string;
beforeEach(async () => {
  server = await startFakeResponses();
  server.setHandler(() => textTurn("ok"));
  dataDir = await mkdtemp(join(tmpdir(), "loom-truth-cli-"));
  cwd = await mkdtemp(join(tmpdir(), "loom-truth-cli-work-"));
  vi.stubEnv("OPENAI_BASE_URL", server.baseURL);
  vi.stubEnv("OPENAI_API_KEY", "test");
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
  await rm(cwd, { recursive: true, force: true });
});

function io(stdin = ""): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (line) => stdout.push(line), err: (line) => stderr.push(line), stdin: Readable.from([stdin]) };
}

async function threadIds(): Promise<string[]> {
  const out = io();
  expect(await main(["threads", "--json", "--data-dir", dataDir], out)).toBe(0);
  // One JSON object per line.
  return out.stdout.filter(Boolean).map((line) => (JSON.parse(line) as { id: string }).id);
}

it("`exec resume --model X` replays with no divergence", async () => {
  expect(await main(["exec", "--json", "--data-dir", dataDir, "--cwd", cwd, "first"], io())).toBe(0);
  const [id] = await threadIds();
  expect(await main(["exec", "resume", id!, "--json", "--data-dir", dataDir, "--model", "gpt-5.1-codex", "second"], io())).toBe(0);
  expect(server.requests.at(-1)!.body.model).toBe("gpt-5.1-codex");
  const replay = io();
  expect(await main(["replay", id!, "--data-dir", dataDir], replay)).toBe(0);
  expect(replay.stdout.join("\n")).toMatch(/no divergence/);
});

it("a one-line `set_thread_name` proto session replays with no divergence", async () => {
  const line = JSON.stringify({ id: "n1", op: { type: "set_thread_name", name: "named" } });
  expect(await main(["proto", "--data-dir", dataDir, "--cwd", cwd], io(`${line}\n`))).toBe(0);
  const [id] = await threadIds();
  const replay = io();
  expect(await main(["replay", id!, "--data-dir", dataDir], replay)).toBe(0);
  expect(replay.stdout.join("\n")).toMatch(/no divergence/);
});
