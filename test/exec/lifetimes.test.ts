// No process the model starts outlives what should end it: an interrupt, clean_background_terminals,
// closing the thread, or Loom itself dying (SIGKILL, with no chance to clean up). Real processes.
// The commands here run without a login shell: a login shell killed while it reads this machine's
// profile can leave that profile's locks behind (pyenv's rehash lock made every later login shell wait).
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { collectUntil, nextEvent, startLoom, type LoomHarness } from "../support/loom.js";
import { inputItems, textTurn, toolCallTurn } from "../support/fake-responses.js";
import { uniqueSleep, waitForPids, waitUntilNone } from "./support.js";

let loom: LoomHarness;
afterEach(async () => {
  await loom?.close();
});

describe("unified exec process lifetimes", () => {
  it("an interrupt ends the turn's running command, with Codex's aborted output and an exec_command_end", async () => {
    loom = await startLoom();
    const marker = uniqueSleep();
    loom.server.enqueue(toolCallTurn("c1", "exec_command", { cmd: `exec sleep ${marker}`, login: false, yield_time_ms: 30_000 }), textTurn("ok"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never", sandboxMode: "danger-full-access" });
    const begin = nextEvent(thread.events$, "exec_command_begin");
    const end = nextEvent(thread.events$, "exec_command_end");
    const aborted = nextEvent(thread.events$, "turn_aborted");
    await thread.submit({ type: "user_input", items: [{ type: "text", text: "sleep" }] });
    expect((await begin).process_id).toMatch(/^\d+$/);
    await waitForPids(marker);
    await thread.interrupt();
    await aborted;
    await waitUntilNone(marker);
    expect(await end).toMatchObject({ call_id: "c1", source: "unified_exec_startup", exit_code: 137, status: "failed" });
    const output = (await thread.entries()).find((e) => e.kind === "response_item" && e.payload.type === "function_call_output");
    expect((output?.payload as { output: string }).output).toMatch(/^aborted by user after \d+\.\ds$/);
  });

  it("a process left running after its turn is ended by clean_background_terminals", async () => {
    loom = await startLoom();
    const marker = uniqueSleep();
    loom.server.enqueue(toolCallTurn("c1", "exec_command", { cmd: `exec sleep ${marker}`, login: false, yield_time_ms: 250 }), textTurn("started"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never", sandboxMode: "danger-full-access" });
    await thread.run("start it");
    const output = inputItems(loom.server.requests[1]!).find((item) => item.type === "function_call_output").output as string;
    expect(output).toMatch(/Process running with session ID \d+/);
    await waitForPids(marker);
    const end = nextEvent(thread.events$, "exec_command_end");
    await thread.submit({ type: "clean_background_terminals" });
    await waitUntilNone(marker);
    expect((await end).exit_code).toBe(137);
  });

  it("write_stdin reports the typing as terminal_interaction, under the call that started the process", async () => {
    loom = await startLoom();
    loom.server.enqueue(
      toolCallTurn("c1", "exec_command", { cmd: "read -r line; echo got $line", tty: true, login: false, yield_time_ms: 250 }),
      textTurn("waiting"),
    );
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never", sandboxMode: "danger-full-access" });
    await thread.run("start it");
    const first = inputItems(loom.server.requests[1]!).find((item) => item.type === "function_call_output").output as string;
    const session = Number(/session ID (\d+)/.exec(first)![1]);
    loom.server.enqueue(toolCallTurn("c2", "write_stdin", { session_id: session, chars: "hi\n", yield_time_ms: 2_000 }), textTurn("done"));
    const events = collectUntil(thread.events$, "task_complete");
    await thread.run("type hi");
    const seen = (await events).map((event) => event.msg);
    expect(seen.find((msg) => msg.type === "terminal_interaction")).toEqual({ type: "terminal_interaction", call_id: "c1", process_id: String(session), stdin: "hi\n" });
    const typed = inputItems(loom.server.requests[3]!).find((item) => item.type === "function_call_output" && item.call_id === "c2").output;
    expect(typed).toMatch(/Process exited with code 0\nOriginal token count: \d+\nOutput:\n(hi\r\n)?got hi\r?\n$/);
  });

  it("closing the thread ends its processes", async () => {
    loom = await startLoom();
    const marker = uniqueSleep();
    loom.server.enqueue(toolCallTurn("c1", "exec_command", { cmd: `exec sleep ${marker}`, login: false, yield_time_ms: 250 }), textTurn("started"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never", sandboxMode: "danger-full-access" });
    await thread.run("start it");
    await waitForPids(marker);
    await thread.close();
    await waitUntilNone(marker);
  });

  it.each(["pipes", "tty"])("Loom killed with SIGKILL: the reaper still ends its processes (%s)", async (mode) => {
    const script = fileURLToPath(new URL("./crash-child.mjs", import.meta.url));
    const marker = uniqueSleep();
    const child = spawn(process.execPath, [script, mode, marker], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", () => resolve());
      child.once("exit", (code) => reject(new Error(`child exited early with ${code}`)));
    });
    // The shell and its background child both carry the marker.
    expect((await waitForPids(marker)).length).toBeGreaterThanOrEqual(2);
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
    await waitUntilNone(marker);
  });
});
