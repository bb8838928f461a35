// A call refused before it runs reports what Codex 0.125's emitters report. Codex begins the events
// of `shell`/`shell_command` (and of apply_patch) before its orchestrator asks, so a refusal there (a
// PermissionRequest hook's deny, the user's decline, an exec-policy `forbidden`) ends them
// `declined`; exec_command begins only once its process runs, and a PreToolUse block stops the call
// before any tool code: neither shows a begin or an end. (The `patch-hooks` capture checks the
// exec_command and apply_patch cases against real Codex; these are the shell tools'.)
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startLoom, type LoomHarness } from "../support/loom.js";
import { evCompleted, evCreated, evCustomToolCall, inputItems, textTurn, toolCallTurn } from "../support/fake-responses.js";
import { replayRecording } from "../../src/testing/index.js";
import { formatDivergence } from "../../src/replay/reexecute/index.js";
import type { EventMsg } from "../../src/events/index.js";
import { command, hooksJson, script } from "./support.js";

let loom: LoomHarness;
beforeEach(async () => {
  loom = await startLoom();
});
afterEach(async () => {
  await loom.close();
});

const deny = (message: string) => JSON.stringify({ hookSpecificOutput: { hookEventName: "PermissionRequest", decision: { behavior: "deny", message } } });

/** The begin and end events of each call, in log order: [type, call id, status, stderr]. */
async function toolEvents(entries: { kind: string; payload: unknown }[]) {
  return entries.flatMap((entry) => {
    const msg = entry.payload as EventMsg & { call_id?: string; status?: string; stderr?: string };
    if (entry.kind !== "event_msg" || !/^(exec_command|patch_apply)_(begin|end)$/.test(msg.type)) return [];
    return [[msg.type, msg.call_id, msg.status ?? null, msg.stderr ?? null]];
  });
}

function outputOf(requestIndex: number, callId: string): unknown {
  return inputItems(loom.server.requests[requestIndex]!).find((item: any) => item.type === "function_call_output" && item.call_id === callId)?.output;
}

describe("a call refused before it runs", () => {
  it("shell_command and shell refused by a PermissionRequest hook begin and end declined; exec_command and a PreToolUse block show nothing", async () => {
    const gate = await script(join(loom.dataDir, "bin"), "gate.sh", `cat >/dev/null; echo '${deny("not here")}'`);
    const guard = await script(join(loom.dataDir, "bin"), "guard.sh", `case "$(cat)" in *blocked.txt*) echo 'no' >&2; exit 2;; esac`);
    await hooksJson(loom.dataDir, { PermissionRequest: [command(gate)], PreToolUse: [command(guard)] });
    loom.server.enqueue(
      toolCallTurn("c1", "shell_command", { command: "touch a.txt" }),
      toolCallTurn("c2", "shell", { command: ["touch", "b.txt"], workdir: "sub" }),
      toolCallTurn("c3", "exec_command", { cmd: "touch c.txt" }),
      toolCallTurn("c4", "shell_command", { command: "touch blocked.txt" }),
      textTurn("gave up"),
    );
    await mkdir(join(loom.cwd, "sub"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "untrusted", sandboxPolicy: { type: "danger-full-access" } });
    await thread.run("touch things");
    for (const name of ["a.txt", "sub/b.txt", "c.txt", "blocked.txt"]) expect(existsSync(join(loom.cwd, name))).toBe(false);

    const entries = await thread.entries();
    expect(await toolEvents(entries)).toEqual([
      ["exec_command_begin", "c1", null, null],
      ["exec_command_end", "c1", "declined", "not here"],
      ["exec_command_begin", "c2", null, null],
      ["exec_command_end", "c2", "declined", "not here"],
    ]);
    const end = entries.find((e) => e.kind === "event_msg" && e.payload.type === "exec_command_end")!.payload;
    // Codex's `ToolEventFailure::Rejected`: exit -1, the message as every output field, no time.
    expect(end).toMatchObject({ exit_code: -1, stdout: "", aggregated_output: "not here", formatted_output: "not here", duration: { secs: 0, nanos: 0 }, cwd: loom.cwd, source: "agent" });
    const begins = entries.flatMap((e) => (e.kind === "event_msg" && e.payload.type === "exec_command_begin" ? [e.payload as any] : []));
    expect(begins[1]).toMatchObject({ command: ["touch", "b.txt"], cwd: join(loom.cwd, "sub") });
    // The end comes after the hook's verdict and before the output the model reads.
    const seq = (predicate: (e: (typeof entries)[number]) => boolean) => entries.find(predicate)!.seq;
    const verdict = seq((e) => e.kind === "event_msg" && e.payload.type === "hook_completed");
    const ended = seq((e) => e.kind === "event_msg" && e.payload.type === "exec_command_end");
    const output = seq((e) => e.kind === "response_item" && e.payload.type === "function_call_output");
    expect(verdict).toBeLessThan(ended);
    expect(ended).toBeLessThan(output);
    expect(outputOf(1, "c1")).toBe("not here");

    const report = await replayRecording({ log: loom.rt.log, threadId: thread.id });
    if (report.divergence) throw new Error(formatDivergence(report.divergence));
  });

  it("a patch refused after another applied: begun and ended declined (the turn's diff is not told again)", async () => {
    const gate = await script(join(loom.dataDir, "bin"), "gate.sh", `case "$(cat)" in *no.txt*) echo '${deny("not that file")}';; *) echo '${JSON.stringify({ hookSpecificOutput: { hookEventName: "PermissionRequest", decision: { behavior: "allow" } } })}';; esac`);
    await hooksJson(loom.dataDir, { PermissionRequest: [command(gate)] });
    const yes = "*** Begin Patch\n*** Add File: yes.txt\n+y\n*** End Patch";
    const no = "*** Begin Patch\n*** Add File: no.txt\n+n\n*** End Patch";
    loom.server.enqueue(
      [evCreated("r1"), evCustomToolCall("p1", "apply_patch", yes), evCompleted("r1")],
      [evCreated("r2"), evCustomToolCall("p2", "apply_patch", no), evCompleted("r2")],
      textTurn("done"),
    );
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "untrusted", sandboxPolicy: { type: "danger-full-access" } });
    await thread.run("patch twice");
    expect(existsSync(join(loom.cwd, "no.txt"))).toBe(false);
    const entries = await thread.entries();
    const trail = entries.flatMap((e) => {
      const msg = e.payload as any;
      if (e.kind !== "event_msg" || !/^(patch_apply_begin|patch_apply_end|turn_diff)$/.test(msg.type)) return [];
      return [msg.type === "turn_diff" ? ["turn_diff", msg.unified_diff.includes("yes.txt"), msg.unified_diff.includes("no.txt")] : [msg.type, msg.call_id, msg.status ?? null, msg.auto_approved ?? msg.stderr]];
    });
    expect(trail).toEqual([
      ["patch_apply_begin", "p1", null, false],
      ["patch_apply_end", "p1", "completed", ""],
      ["turn_diff", true, false],
      ["patch_apply_begin", "p2", null, false],
      ["patch_apply_end", "p2", "declined", "not that file"],
    ]);
    const report = await replayRecording({ log: loom.rt.log, threadId: thread.id });
    if (report.divergence) throw new Error(formatDivergence(report.divergence));
  });

  it("a command the user declines, and one the exec policy forbids, end declined with Codex's words", async () => {
    await mkdir(join(loom.dataDir, "rules"), { recursive: true });
    await writeFile(join(loom.dataDir, "rules", "default.rules"), 'prefix_rule(pattern=["rm"], decision="forbidden")\n');
    loom.server.enqueue(
      toolCallTurn("c1", "shell_command", { command: "touch asked.txt" }),
      toolCallTurn("c2", "shell", { command: ["rm", "-rf", "build"] }),
      textTurn("done"),
    );
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "untrusted", sandboxPolicy: { type: "danger-full-access" } });
    const subscription = thread.events$.subscribe((event) => {
      if (event.msg.type === "exec_approval_request") void thread.submit({ type: "exec_approval", id: event.msg.call_id, decision: "denied" });
    });
    try {
      await thread.run("go");
    } finally {
      subscription.unsubscribe();
    }
    expect(existsSync(join(loom.cwd, "asked.txt"))).toBe(false);
    const events = await toolEvents(await thread.entries());
    const forbidden = String(outputOf(2, "c2"));
    expect(forbidden).toMatch(/rm -rf build/);
    expect(events).toEqual([
      ["exec_command_begin", "c1", null, null],
      ["exec_command_end", "c1", "declined", "exec command rejected by user"],
      ["exec_command_begin", "c2", null, null],
      ["exec_command_end", "c2", "declined", forbidden],
    ]);
    expect(outputOf(1, "c1")).toBe("exec command rejected by user");
  });
});
