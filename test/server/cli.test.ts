// `loom serve` as a real process: it prints where it listens and the token, serves the API and the
// inspector, refuses bad options in one line, and stops cleanly on SIGTERM.
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { runLoom, spawnLoom } from "../support/cli.js";

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "loom-serve-"));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

it("serves the API with the token it prints, the inspector without one, and stops on SIGTERM", async () => {
  const serve = spawnLoom(["serve", "--port", "0", "--data-dir", dataDir]);
  try {
    const line = await serve.waitFor((e) => typeof e.raw === "string" && e.raw.includes("inspector at"));
    const match = /inspector at (http:\/\/127\.0\.0\.1:\d+\/)#token=(\S+)/.exec(line.raw)!;
    expect(match).not.toBeNull();
    const [, url, token] = match;
    expect((await fetch(`${url}api/threads`)).status).toBe(401);
    const list = await fetch(`${url}api/threads`, { headers: { authorization: `Bearer ${token}` } });
    expect(list.status).toBe(200);
    expect(await list.json()).toEqual({ threads: [] });
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(page.headers.get("x-frame-options")).toBe("DENY");
    expect(await page.text()).toContain('<div id="root">');
    expect((await fetch(`${url}..%2f..%2fpackage.json`)).status).toBe(404);
  } finally {
    serve.child.kill("SIGTERM");
  }
  const exit = await serve.exited;
  expect(exit.code).toBe(0);
});

it("takes its token from LOOM_SERVE_TOKEN", async () => {
  const serve = spawnLoom(["serve", "--port", "0", "--data-dir", dataDir], { LOOM_SERVE_TOKEN: "fixed-token-123" });
  try {
    const line = await serve.waitFor((e) => typeof e.raw === "string" && e.raw.includes("inspector at"));
    const url = /(http:\S+\/)#/.exec(line.raw)![1];
    expect(line.raw).toContain("#token=fixed-token-123");
    expect((await fetch(`${url}api/threads`, { headers: { authorization: "Bearer fixed-token-123" } })).status).toBe(200);
  } finally {
    serve.child.kill("SIGTERM");
  }
  expect((await serve.exited).code).toBe(0);
});

it("refuses bad options in one line", async () => {
  const badPort = await runLoom(["serve", "--port", "http", "--data-dir", dataDir]);
  expect(badPort.code).toBe(2);
  expect(badPort.stderr.trim()).toBe('loom serve: --port must be a non-negative integer in decimal, got "http"');
  const blank = await runLoom(["serve", "--port", "0", "--data-dir", dataDir], { LOOM_SERVE_TOKEN: "" });
  expect(blank.code).toBe(2);
  expect(blank.stderr).toContain("LOOM_SERVE_TOKEN must be a non-empty token");
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
  try {
    const port = (taken.address() as { port: number }).port;
    const busy = await runLoom(["serve", "--port", String(port), "--data-dir", dataDir]);
    expect(busy.code).toBe(2);
    expect(busy.stderr.trim().split("\n").at(-1)).toBe(`loom serve: port ${port} on 127.0.0.1 is in use; pick another with --port (0 for any free one)`);
  } finally {
    taken.close();
  }
});
