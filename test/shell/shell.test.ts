// runShell with real child processes: exit codes, streams, caps, timeouts, interrupts that must
// take the whole process group down, commands that cannot start, and working directories.
import { mkdtemp, readFile, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  EXEC_TIMEOUT_EXIT_CODE,
  formatExecOutputForModel,
  runShell,
  type ShellOutputChunk,
} from "../../src/actors/shell/index.js";
import { sleepMarker, survivorsAfter } from "../support/processes.js";

let dir: string;

beforeEach(async () => {
  dir = await realpath(await mkdtemp(path.join(tmpdir(), "loom-shell-")));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A process is gone when signalling it fails, or when only its zombie entry is left. */
async function isRunning(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // An orphan's zombie waits for whatever reaps orphans here; it runs nothing.
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  return stat !== "" && state !== "Z";
}

/** Resolves true once `pid` no longer runs, false if it still does after ~2 s. */
async function stopsRunning(pid: number): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    if (!(await isRunning(pid))) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return false;
}

describe("runShell", () => {
  it("captures stdout of a successful command", async () => {
    const result = await runShell({ command: ["echo", "hello world"], cwd: dir });
    expect(result).toMatchObject({ exitCode: 0, stdout: "hello world\n", stderr: "", timedOut: false, aborted: false });
    expect(result.aggregatedOutput).toBe("hello world\n");
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(formatExecOutputForModel(result)).toMatch(/^Exit code: 0\nWall time: [0-9]+(\.[0-9])? seconds\nOutput:\nhello world\n$/);
  });

  it("reports a non-zero exit code and keeps stderr apart, stdout first in the aggregate", async () => {
    const result = await runShell({
      command: ["bash", "-c", "echo to-stderr >&2; echo to-stdout; exit 3"],
      cwd: dir,
    });
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toBe("to-stdout\n");
    expect(result.stderr).toBe("to-stderr\n");
    expect(result.aggregatedOutput).toBe("to-stdout\nto-stderr\n");
    expect(formatExecOutputForModel(result)).toMatch(/^Exit code: 3\n/);
  });

  it("reports a death by signal as 128 + the signal number", async () => {
    const result = await runShell({ command: ["bash", "-c", "kill -TERM $$"], cwd: dir });
    expect(result.exitCode).toBe(128 + 15);
  });

  it("streams output chunks as they are read", async () => {
    const chunks: ShellOutputChunk[] = [];
    const result = await runShell({
      command: ["bash", "-c", "printf abc; printf def >&2"],
      cwd: dir,
      onOutput: (chunk) => chunks.push(chunk),
    });
    const text = (stream: string) =>
      Buffer.concat(chunks.filter((c) => c.stream === stream).map((c) => c.chunk)).toString("utf8");
    expect(text("stdout")).toBe("abc");
    expect(text("stderr")).toBe("def");
    expect(result.exitCode).toBe(0);
  });

  it("caps what it keeps of a large output and the model sees a truncated middle", async () => {
    // 200,000 numbered lines, about 1.3 MB: more than the 64 KiB cap we ask for.
    const result = await runShell({ command: ["seq", "1", "200000"], cwd: dir, maxOutputBytes: 64 * 1024 });
    expect(result.exitCode).toBe(0);
    expect(Buffer.byteLength(result.stdout)).toBe(64 * 1024);
    expect(result.stdout.startsWith("1\n2\n3\n")).toBe(true);
    expect(result.aggregatedOutput).toBe(result.stdout);

    const formatted = formatExecOutputForModel(result, { truncationPolicy: { mode: "bytes", limit: 1000 } });
    expect(formatted).toMatch(/^Exit code: 0\nWall time: [0-9.]+ seconds\nTotal output lines: \d+\nOutput:\n1\n2\n3\n/);
    expect(formatted).toMatch(/…\d+ chars truncated…/);
  });

  it("keeps the default 1 MiB cap per stream", async () => {
    const result = await runShell({ command: ["head", "-c", "2000000", "/dev/zero"], cwd: dir });
    expect(Buffer.byteLength(result.stdout, "latin1")).toBe(1024 * 1024);
  });

  it("kills the process group on timeout and reports exit code 124", async () => {
    let pid = 0;
    const result = await runShell({
      command: ["bash", "-c", "sleep 30; echo never"],
      cwd: dir,
      timeoutMs: 300,
      onSpawn: (p) => (pid = p),
    });
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBe(EXEC_TIMEOUT_EXIT_CODE);
    expect(result.stdout).toBe("");
    expect(await isRunning(pid)).toBe(false);
    expect(formatExecOutputForModel(result)).toMatch(
      /^Exit code: 124\nWall time: [0-9.]+ seconds\nOutput:\ncommand timed out after \d+ milliseconds\n$/,
    );
  });

  it("an abort ends `sleep 30` at once and the process is gone", async () => {
    const controller = new AbortController();
    let pid = 0;
    const result = await runShell({
      command: ["sleep", "30"],
      cwd: dir,
      signal: controller.signal,
      onSpawn: (p) => {
        pid = p;
        controller.abort();
      },
    });
    expect(result.aborted).toBe(true);
    expect(result.pid).toBe(pid);
    expect(() => process.kill(pid, 0)).toThrow();
    expect(formatExecOutputForModel(result)).toMatch(/^Wall time: [0-9]+\.[0-9] seconds\naborted by user$/);
  });

  it("an abort kills the children too: `bash -c \"sleep 30; echo x\"` leaves nothing running", async () => {
    const controller = new AbortController();
    const marker = sleepMarker();
    let printed = "";
    const result = await runShell({
      // Starts a sleep, says so, then waits for it; `echo x` must never run.
      command: ["bash", "-c", `sleep ${marker} & echo started; wait $!; echo x`],
      cwd: dir,
      signal: controller.signal,
      onOutput: ({ chunk }) => {
        printed += chunk.toString("utf8");
        if (printed.endsWith("\n")) controller.abort();
      },
    });
    expect(result.aborted).toBe(true);
    expect(result.stdout).not.toContain("x");
    expect(() => process.kill(result.pid!, 0)).toThrow();
    // SIGKILL reaches the group at once but a process takes a moment to die: wait for it (bounded).
    expect(await survivorsAfter(marker, 2_000)).toEqual([]);
  });

  it("a command's backgrounded children die when it exits, even one in a session of its own", async () => {
    const marker = sleepMarker();
    const result = await runShell({ command: ["bash", "-c", `sleep ${marker} & setsid sleep ${marker} & echo started`], cwd: dir });
    expect(result).toMatchObject({ exitCode: 0, stdout: "started\n" });
    expect(await survivorsAfter(marker, 2_000)).toEqual([]);
  });

  it("does not start anything when the signal is already aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await runShell({ command: ["touch", path.join(dir, "made")], cwd: dir, signal: controller.signal });
    expect(result.aborted).toBe(true);
    expect(result.pid).toBeUndefined();
    await expect(readFile(path.join(dir, "made"))).rejects.toThrow();
  });

  it("turns a missing program into Codex's execution error, not an exception", async () => {
    const result = await runShell({ command: ["loom-no-such-binary-xyz", "--help"], cwd: dir });
    const message = 'execution error: Io(Os { code: 2, kind: NotFound, message: "No such file or directory" })';
    expect(result).toMatchObject({ exitCode: -1, stdout: "", stderr: message, aggregatedOutput: message, spawnError: message });
    expect(formatExecOutputForModel(result)).toBe(message);
  });

  it("turns an empty argv into Codex's invalid-input error", async () => {
    const result = await runShell({ command: [], cwd: dir });
    expect(result.spawnError).toBe(
      'execution error: Io(Custom { kind: InvalidInput, error: "command args are empty" })',
    );
  });

  it("runs in the given working directory with the given environment", async () => {
    const result = await runShell({
      command: ["bash", "-c", 'pwd; echo "$LOOM_TEST_VAR"'],
      cwd: dir,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", LOOM_TEST_VAR: "from-env" },
    });
    expect(result.stdout).toBe(`${dir}\nfrom-env\n`);
  });

  it("gives the child no stdin", async () => {
    const result = await runShell({ command: ["cat"], cwd: dir });
    expect(result).toMatchObject({ exitCode: 0, stdout: "" });
  });
});
