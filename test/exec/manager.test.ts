// Unified exec with real processes: short commands, processes kept and polled, a real PTY typed
// into, the limits (bounded output, 64 processes), and every process killed when asked.
import { afterEach, describe, expect, it } from "vitest";
import {
  ExecSessionError,
  HeadTailBuffer,
  MAX_PROCESSES,
  ProcessManager,
  WARNING_PROCESSES,
  execEnv,
  execOutputText,
  loadPty,
  shellArgv,
  type ProcessObserver,
} from "../../src/actors/exec/index.js";
import { uniqueSleep, waitForPids, waitUntilNone } from "./support.js";

let manager: ProcessManager;
afterEach(() => manager?.close());

const quiet: ProcessObserver = { output: () => undefined, end: () => undefined };

function exec(
  command: string,
  options: { tty?: boolean; yieldTimeMs?: number; observer?: ProcessObserver; maxOutputTokens?: number; warn?: (message: string) => Promise<void> } = {},
) {
  return manager.execCommand({
    command: shellArgv("/bin/bash", command, false),
    cwd: process.cwd(),
    env: execEnv(process.env, "thread-1"),
    tty: options.tty ?? false,
    yieldTimeMs: options.yieldTimeMs ?? 10_000,
    maxOutputTokens: options.maxOutputTokens ?? 10_000,
    callId: "call-1",
    turnId: "turn-1",
    onStart: async () => undefined,
    observer: options.observer ?? quiet,
    warn: options.warn,
  });
}

describe("exec_command", () => {
  it("runs a short command to its end: exit code, output, no session", async () => {
    manager = new ProcessManager();
    const output = await exec("printf 'hi\\n'; exit 3");
    expect(output).toMatchObject({ exitCode: 3, sessionId: null, originalTokenCount: 1 });
    expect(output.raw.toString()).toBe("hi\n");
    expect(execOutputText(output)).toMatch(/^Chunk ID: [0-9a-f]{6}\nWall time: \d+\.\d{4} seconds\nProcess exited with code 3\nOriginal token count: 1\nOutput:\nhi\n$/);
    expect(manager.size).toBe(0);
  });

  it("gives the unified exec environment: no colour, no pager, the thread id", async () => {
    manager = new ProcessManager();
    const output = await exec("echo $NO_COLOR $PAGER $TERM $LOOM_THREAD_ID");
    expect(output.raw.toString()).toBe("1 cat dumb thread-1\n");
  });

  it("keeps a process that outlives the yield, and a poll collects the rest with its exit", async () => {
    manager = new ProcessManager();
    const ended = new Promise<{ exitCode: number; transcript: string }>((resolve) => {
      void exec("echo start; sleep 0.5; echo done", { yieldTimeMs: 250, observer: { output: () => undefined, end: resolve } }).then(async (first) => {
        expect(first.sessionId).not.toBeNull();
        expect(first.exitCode).toBeNull();
        expect(first.raw.toString()).toBe("start\n");
        const { output, callId } = await manager.writeStdin({ sessionId: first.sessionId!, chars: "", yieldTimeMs: 5_000, maxOutputTokens: 10_000 });
        expect(callId).toBe("call-1");
        expect(output).toMatchObject({ sessionId: null, exitCode: 0 });
        expect(output.raw.toString()).toBe("done\n");
        expect(manager.size).toBe(0);
      });
    });
    // The end event carries the whole transcript, once the process is gone.
    expect(await ended).toEqual({ exitCode: 0, transcript: "start\ndone\n", durationMs: expect.any(Number) });
  });

  it("refuses to type into a process started without a tty", async () => {
    manager = new ProcessManager();
    const first = await exec("sleep 5", { yieldTimeMs: 250 });
    await expect(manager.writeStdin({ sessionId: first.sessionId!, chars: "x", yieldTimeMs: 250, maxOutputTokens: 100 })).rejects.toThrow(
      "stdin is closed for this session; rerun exec_command with tty=true to keep stdin open",
    );
  });

  it("names an unknown session id", async () => {
    manager = new ProcessManager();
    await expect(manager.writeStdin({ sessionId: 4242, chars: "", yieldTimeMs: 250, maxOutputTokens: 100 })).rejects.toEqual(
      new ExecSessionError("Unknown process id 4242"),
    );
  });

  it.runIf(loadPty() !== null)("types into a real PTY: the terminal echoes, the program answers", async () => {
    manager = new ProcessManager();
    const first = await exec("test -t 0 && echo tty; read -r name; echo hello $name", { tty: true, yieldTimeMs: 300 });
    expect(first.raw.toString()).toBe("tty\r\n");
    const { output } = await manager.writeStdin({ sessionId: first.sessionId!, chars: "loom\n", yieldTimeMs: 2_000, maxOutputTokens: 100 });
    expect(output.raw.toString()).toBe("loom\r\nhello loom\r\n");
    expect(output.exitCode).toBe(0);
  });

  it("keeps the output of a chatty process bounded, head and tail", async () => {
    manager = new ProcessManager();
    // 3 MiB of numbered lines: more than the 1 MiB a process keeps.
    const output = await exec("seq 1 400000", { maxOutputTokens: 1_000 });
    expect(output.exitCode).toBe(0);
    expect(output.raw.length).toBeLessThanOrEqual(1024 * 1024);
    expect(output.raw.toString().startsWith("1\n2\n3\n")).toBe(true);
    expect(output.raw.toString().endsWith("399999\n400000\n")).toBe(true);
    const text = execOutputText(output);
    expect(text).toContain("Total output lines:");
    expect(text).toMatch(/tokens truncated/);
    expect(text.length).toBeLessThan(6_000);
  });
});

describe("process lifetimes", () => {
  it("terminateAll kills every kept process and what it started", async () => {
    manager = new ProcessManager();
    const marker = uniqueSleep();
    const first = await exec(`sleep ${marker} & sleep ${marker}`, { yieldTimeMs: 250 });
    expect(first.sessionId).not.toBeNull();
    expect((await waitForPids(marker)).length).toBeGreaterThanOrEqual(2);
    manager.terminateAll();
    await waitUntilNone(marker);
    expect(manager.size).toBe(0);
  });

  it(`keeps at most ${MAX_PROCESSES} processes: beyond that the least recently used one is killed`, async () => {
    manager = new ProcessManager();
    let ended = 0;
    let onEnd: () => void = () => undefined;
    const observer: ProcessObserver = { output: () => undefined, end: () => (ended += 1, onEnd()) };
    const warnings: string[] = [];
    const warn = async (message: string) => void warnings.push(message);
    const started = await Promise.all(Array.from({ length: MAX_PROCESSES }, () => exec("sleep 30", { yieldTimeMs: 250, observer, warn })));
    // From the 60th kept process on, the model is warned (Codex's text).
    expect(warnings).toHaveLength(MAX_PROCESSES - WARNING_PROCESSES + 1);
    expect(warnings[0]).toMatch(/^The maximum number of unified exec processes you can keep open is 60 and you currently have 6\d processes open\./);
    expect(started.every((output) => output.sessionId !== null)).toBe(true);
    expect(manager.size).toBe(MAX_PROCESSES);
    const pruned = new Promise<void>((resolve) => (onEnd = resolve));
    const extra = await exec("sleep 30", { yieldTimeMs: 250, observer });
    expect(extra.sessionId).not.toBeNull();
    await pruned;
    expect(manager.size).toBe(MAX_PROCESSES);
    expect(ended).toBe(1);
  }, 30_000);
});

describe("HeadTailBuffer", () => {
  it("keeps the head and the latest tail within its budget", () => {
    const buffer = new HeadTailBuffer(10);
    buffer.push(Buffer.from("abcdefgh"));
    buffer.push(Buffer.from("ijklmnop"));
    expect(buffer.toBuffer().toString()).toBe("abcdelmnop");
    expect(buffer.omittedBytes).toBe(6);
    // A chunk larger than the whole tail keeps only its last bytes.
    buffer.push(Buffer.from("0123456789xyz"));
    expect(buffer.toBuffer().toString()).toBe("abcde89xyz");
    expect(buffer.omittedBytes).toBe(19);
    expect(buffer.drain().toString().slice(0, 5)).toBe("abcde");
    expect(buffer.retainedBytes).toBe(0);
  });
});
