// `loom sandbox -- CMD`: one command under a policy, with real bubblewrap, exiting with its status.
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runLoom } from "../support/cli.js";
import { main } from "../../src/cli/main.js";
import { outsideDir, scratchDir, startLoopbackServer } from "./support.js";

let cwd: string;
let outside: string;
let http: Awaited<ReturnType<typeof startLoopbackServer>>;
beforeAll(async () => {
  http = await startLoopbackServer();
});
afterAll(async () => {
  await http.close();
});
beforeEach(async () => {
  cwd = await scratchDir();
  outside = await outsideDir();
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

const sandbox = (...args: string[]) => runLoom(["sandbox", "--data-dir", join(cwd, ".data"), ...args]);
const silent = () => ({ out: () => {}, err: () => {}, stdin: process.stdin });

describe("loom sandbox", () => {
  it("runs a command under read-only: nothing written, its status and stderr come back", async () => {
    const result = await sandbox("-s", "read-only", "--cwd", cwd, "--", "touch", "made");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Read-only file system");
    expect(existsSync(join(cwd, "made"))).toBe(false);
  });

  it("runs a command under workspace-write: the workspace is writable, the rest is not, the status is the command's", async () => {
    // In-process: the command inherits the test's stdio, and only its status and effects are read.
    const status = await main(["sandbox", "--data-dir", join(cwd, ".data"), "--cwd", cwd, "--", "bash", "-c", `touch made && ls -h . >/dev/null && (touch ${outside}/x 2>/dev/null || exit 3)`], silent());
    expect(status).toBe(3);
    expect(existsSync(join(cwd, "made"))).toBe(true);
    expect(existsSync(join(outside, "x"))).toBe(false);
  });

  it("opens the network only when sandbox_workspace_write.network_access says so", async () => {
    expect(await main(["sandbox", "--data-dir", join(cwd, ".data"), "--cwd", cwd, "--", "curl", "-s", "--max-time", "5", http.url], silent())).not.toBe(0);
    expect(http.hits()).toBe(0);
    const on = await sandbox("-c", "sandbox_workspace_write.network_access=true", "--cwd", cwd, "--", "curl", "-sS", "--max-time", "5", http.url);
    expect(on).toMatchObject({ code: 0, stdout: "reached" });
  });

  it("runs unconfined under danger-full-access", async () => {
    expect(await main(["sandbox", "--data-dir", join(cwd, ".data"), "-s", "danger-full-access", "--", "touch", join(outside, "x")], silent())).toBe(0);
    expect(existsSync(join(outside, "x"))).toBe(true);
  });

  it("reports a missing program and bad usage in one line, running nothing", async () => {
    const lines: string[] = [];
    const io = { out: (line: string) => lines.push(line), err: (line: string) => lines.push(line), stdin: process.stdin };
    const data = ["--data-dir", join(cwd, ".data")];
    expect(await main(["sandbox", ...data, "--", "loom-no-such-program"], io)).toBe(127);
    expect(await main(["sandbox", ...data, "-s", "sideways", "--", "true"], io)).toBe(2);
    expect(await main(["sandbox", ...data], io)).toBe(2);
    expect(lines).toEqual([
      "loom sandbox: loom-no-such-program: command not found",
      'loom sandbox: unknown sandbox mode "sideways" (expected read-only, workspace-write or danger-full-access)',
      "loom sandbox: usage: loom sandbox [-s read-only|workspace-write|danger-full-access] [--cwd D] [-c key=value] -- CMD ARGS...",
    ]);
  });
});
