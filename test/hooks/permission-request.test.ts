// PermissionRequest hooks end to end (real hook scripts run by /bin/sh, the fake Responses server,
// real bubblewrap for the retry outside the sandbox): a hook's allow runs the call without asking,
// a deny refuses it with the hook's message, no verdict asks the user, any deny beats an allow, a
// hanging or garbled hook is a failed run and the user is asked; every run is logged, replay runs
// no hook and follows the recorded verdict, and a resumed thread acts on a logged verdict without
// running the hook again.
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { nextEvent, startLoom, type LoomHarness } from "../support/loom.js";
import { evCompleted, evCreated, evCustomToolCall, inputItems, textTurn, toolCallTurn } from "../support/fake-responses.js";
import { replayRecording } from "../../src/testing/index.js";
import { formatDivergence, replayEntries } from "../../src/replay/reexecute/index.js";
import { createRuntime, type Runtime } from "../../src/runtime/runtime.js";
import type { AskForApproval, EventMsg, LogEntry, SandboxPolicy } from "../../src/events/index.js";
import { command, hooksJson, payloads, script } from "./support.js";
import { outsideDir } from "../sandbox/support.js";

let loom: LoomHarness;
const cleanup: (() => Promise<unknown>)[] = [];
beforeEach(async () => {
  loom = await startLoom();
});
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
  await loom.close();
});

const decision = (behavior: "allow" | "deny", message?: string) =>
  JSON.stringify({ hookSpecificOutput: { hookEventName: "PermissionRequest", decision: { behavior, ...(message ? { message } : {}) } } });

/** A hook script that appends its payload to `log` and then runs `answer` (sh). */
async function hook(name: string, answer: string): Promise<{ path: string; log: string }> {
  const log = join(loom.dataDir, `${name}.jsonl`);
  const path = await script(join(loom.dataDir, "bin"), `${name}.sh`, `cat >> ${log}; echo >> ${log}\n${answer}`);
  return { path, log };
}

async function startThread(approvalPolicy: AskForApproval = "untrusted", sandboxPolicy: SandboxPolicy = { type: "danger-full-access" }) {
  const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy, sandboxPolicy });
  const asked: EventMsg[] = [];
  const subscription = thread.events$.subscribe((event) => {
    if (event.msg.type === "exec_approval_request") asked.push(event.msg);
  });
  cleanup.push(async () => subscription.unsubscribe());
  return { thread, asked };
}

function outputOf(requestIndex: number, callId: string): string | undefined {
  return inputItems(loom.server.requests[requestIndex]!).find((item: any) => item.type === "function_call_output" && item.call_id === callId)?.output;
}

const hookRuns = (entries: LogEntry[], type: "hook_started" | "hook_completed") =>
  entries.flatMap((e) => (e.kind === "event_msg" && e.payload.type === type ? [(e.payload as any).run] : []));

async function expectNoDivergence(log: Runtime["log"], threadId: string) {
  const report = await replayRecording({ log, threadId });
  if (report.divergence) throw new Error(formatDivergence(report.divergence));
}

describe("PermissionRequest hooks", () => {
  it("an allow runs the command without asking; Codex's payload; replay follows the logged verdict", async () => {
    const allow = await hook("allow", `echo '${decision("allow")}'`);
    const hooksFile = await hooksJson(loom.dataDir, { PermissionRequest: [{ matcher: "Bash", ...command(allow.path) }] });
    loom.server.enqueue(toolCallTurn("c1", "shell_command", { command: "touch made.txt", justification: "the user wants the file" }), textTurn("made"));
    const { thread, asked } = await startThread();
    const result = await thread.run("make the file");
    expect(result.finalResponse).toBe("made");
    expect(existsSync(join(loom.cwd, "made.txt"))).toBe(true);
    expect(asked).toEqual([]);
    expect(outputOf(1, "c1")).toMatch(/^Exit code: 0/);

    // Codex's `permission-request.command.input`: no tool_use_id; the justification as description.
    const seen = await payloads(allow.log);
    expect(seen).toEqual([
      {
        session_id: thread.id,
        turn_id: expect.any(String),
        transcript_path: expect.stringMatching(/\/sessions\/\d{4}\/\d{2}\/\d{2}\/rollout-.*\.jsonl$/),
        cwd: loom.cwd,
        hook_event_name: "PermissionRequest",
        model: expect.any(String),
        permission_mode: "default",
        tool_name: "Bash",
        tool_input: { command: "touch made.txt", description: "the user wants the file" },
      },
    ]);
    expect(Object.keys(seen[0])).toEqual(["session_id", "turn_id", "transcript_path", "cwd", "hook_event_name", "model", "permission_mode", "tool_name", "tool_input"]);

    const entries = await thread.entries();
    const completed = hookRuns(entries, "hook_completed");
    expect(hookRuns(entries, "hook_started").map((run) => [run.id, run.status])).toEqual([[`permission-request:0:${hooksFile}:c1`, "running"]]);
    expect(completed).toEqual([
      expect.objectContaining({ id: `permission-request:0:${hooksFile}:c1`, event_name: "permission_request", status: "completed", entries: [], permission_decision: "allow", source: "user" }),
    ]);
    // The verdict came before the command began.
    const seqOf = (type: string) => entries.find((e) => e.kind === "event_msg" && e.payload.type === type)!.seq;
    expect(seqOf("hook_completed")).toBeLessThan(seqOf("exec_command_begin"));

    // Replay runs no hook and finds everything the same.
    await expectNoDivergence(loom.rt.log, thread.id);
    expect(await payloads(allow.log)).toHaveLength(1);

    // The recorded verdict altered (no allow): the replay asks the user where the recording ran the command.
    const altered = entries.map((entry) => {
      if (entry.kind !== "event_msg" || entry.payload.type !== "hook_completed") return entry;
      const { permission_decision: _, ...run } = (entry.payload as any).run;
      return { ...entry, payload: { ...entry.payload, run } } as LogEntry;
    });
    const diverged = await replayEntries(altered, { stallMs: 2_000 });
    expect(diverged.divergence).toBeDefined();
    expect(diverged.divergence!.seq).toBe(seqOf("exec_command_begin"));
    expect(await payloads(allow.log)).toHaveLength(1);
  });

  it("a deny refuses with the hook's message, and any deny beats an allow; exit code 2 and no message deny too", async () => {
    const allow = await hook("allow", `echo '${decision("allow")}'`);
    const deny = await hook("deny", `echo '${decision("deny", "no touching in this repo")}'`);
    const exit2 = await hook("exit2", "echo 'rm is not allowed' >&2; exit 2");
    const bare = await hook("bare", `echo '${decision("deny")}'`);
    const hooksFile = await hooksJson(loom.dataDir, {
      PermissionRequest: [
        { matcher: "Bash", ...command(allow.path) },
        // Codex's matcher on the tool name: `touch` commands and `rm` commands meet different hooks.
        { matcher: "Bash", hooks: [{ type: "command", command: `case "$(cat)" in *'"command":"touch '*) ${deny.path} </dev/null;; esac` }] },
        { matcher: "^Ba", hooks: [{ type: "command", command: `case "$(cat)" in *'"command":"rm '*) ${exit2.path} </dev/null;; esac` }] },
        { matcher: "Bash", hooks: [{ type: "command", command: `case "$(cat)" in *'"command":"mkdir '*) ${bare.path} </dev/null;; esac` }] },
      ],
    });
    loom.server.enqueue(
      toolCallTurn("c1", "shell", { command: ["touch", "made.txt"] }),
      toolCallTurn("c2", "shell", { command: ["rm", "-f", "kept.txt"] }),
      toolCallTurn("c3", "shell", { command: ["mkdir", "dir"] }),
      textTurn("gave up"),
    );
    const { thread, asked } = await startThread();
    const result = await thread.run("make the file");
    expect(result.finalResponse).toBe("gave up");
    expect(asked).toEqual([]);
    expect(existsSync(join(loom.cwd, "made.txt"))).toBe(false);
    expect(existsSync(join(loom.cwd, "dir"))).toBe(false);
    // What the model reads: Codex's `ToolError::Rejected(message)`, the message as it is.
    expect(outputOf(1, "c1")).toBe("no touching in this repo");
    expect(outputOf(2, "c2")).toBe("rm is not allowed");
    expect(outputOf(3, "c3")).toBe("PermissionRequest hook denied approval");

    const completed = hookRuns(await thread.entries(), "hook_completed");
    expect(completed.filter((run) => run.id.endsWith(":c1")).map((run) => [run.display_order, run.status, run.permission_decision, run.entries])).toEqual([
      [0, "completed", "allow", []],
      [1, "blocked", "deny", [{ kind: "feedback", text: "no touching in this repo" }]],
      [2, "completed", undefined, []],
      [3, "completed", undefined, []],
    ]);
    expect(completed.find((run) => run.id === `permission-request:2:${hooksFile}:c2`)).toMatchObject({ status: "blocked", permission_decision: "deny" });
    await expectNoDivergence(loom.rt.log, thread.id);
  });

  it("no verdict asks the user; a hanging hook is stopped at its timeout and garbage is reported as Codex reports it", async () => {
    const silent = await hook("silent", "true");
    const hang = await hook("hang", "sleep 30");
    const garbage = await hook("garbage", "echo '{not json'");
    await hooksJson(loom.dataDir, { PermissionRequest: [command(silent.path), command(hang.path, 1), command(garbage.path)] });
    loom.server.enqueue(toolCallTurn("c1", "shell", { command: ["touch", "made.txt"] }), textTurn("made"));
    const { thread } = await startThread();
    const request = nextEvent(thread.events$, "exec_approval_request");
    const run = thread.run("make the file");
    expect(await request).toMatchObject({ call_id: "c1" });
    await thread.submit({ type: "exec_approval", id: "c1", decision: "approved" });
    expect((await run).finalResponse).toBe("made");
    expect(existsSync(join(loom.cwd, "made.txt"))).toBe(true);
    const completed = hookRuns(await thread.entries(), "hook_completed");
    expect(completed.map((run) => [run.status, run.entries])).toEqual([
      ["completed", []],
      ["failed", [{ kind: "error", text: "hook timed out after 1s" }]],
      ["failed", [{ kind: "error", text: "hook returned invalid permission-request JSON output" }]],
    ]);
    await expectNoDivergence(loom.rt.log, thread.id);
  });

  it("the retry outside the sandbox asks the hooks as `<call_id>:retry` (real bubblewrap): allow reruns, deny is declined", async () => {
    const outside = await outsideDir();
    cleanup.push(() => rm(outside, { recursive: true, force: true }));
    const target = join(outside, "made");
    const denied = join(outside, "denied");
    const gate = await hook("gate", `case "$(tail -n 1 ${join(loom.dataDir, "gate.jsonl")})" in *denied*) echo '${decision("deny", "not outside")}';; *) echo '${decision("allow")}';; esac`);
    const hooksFile = await hooksJson(loom.dataDir, { PermissionRequest: [{ matcher: "Bash", ...command(gate.path) }] });
    const byExec = join(outside, "denied-exec");
    loom.server.enqueue(
      toolCallTurn("c1", "shell", { command: ["touch", target] }),
      toolCallTurn("c2", "shell", { command: ["touch", denied] }),
      toolCallTurn("c3", "exec_command", { cmd: `touch '${byExec}'`, login: false }),
      textTurn("done"),
    );
    const { thread, asked } = await startThread("on-failure", { type: "workspace-write" });
    await thread.run("make the files");
    expect(asked).toEqual([]);
    expect(existsSync(target)).toBe(true);
    expect(existsSync(denied)).toBe(false);
    expect(existsSync(byExec)).toBe(false);
    expect(outputOf(2, "c2")).toBe("not outside");
    expect(outputOf(3, "c3")).toMatch(/^exec_command failed for `.*touch .*denied-exec.*`: CreateProcess \{ message: "Rejected\(\\"not outside\\"\)" \}$/);

    const entries = await thread.entries();
    expect(hookRuns(entries, "hook_completed").map((run) => [run.id, run.permission_decision])).toEqual([
      [`permission-request:0:${hooksFile}:c1:retry`, "allow"],
      [`permission-request:0:${hooksFile}:c2:retry`, "deny"],
      [`permission-request:0:${hooksFile}:c3:retry`, "deny"],
    ]);
    // Asked after the sandboxed attempt began; the refused retry ends as Codex's declined command.
    const ends = entries.flatMap((e) => (e.kind === "event_msg" && e.payload.type === "exec_command_end" ? [e.payload] : []));
    expect(ends.slice(0, 2).map((end: any) => [end.call_id, end.status ?? "completed", end.exit_code])).toEqual([
      ["c1", "completed", 0],
      ["c2", "declined", -1],
    ]);
    expect(ends[1]).toMatchObject({ stderr: "not outside", aggregated_output: "not outside" });
    expect(await payloads(gate.log)).toHaveLength(3);
    await expectNoDivergence(loom.rt.log, thread.id);
    expect(await payloads(gate.log)).toHaveLength(3);
  });

  it("apply_patch meets hooks by its name and aliases (Edit): allowed it applies, denied the model reads the message", async () => {
    const gate = await hook("patch-gate", `case "$(tail -n 1 ${join(loom.dataDir, "patch-gate.jsonl")})" in *no.txt*) echo 'not that file' >&2; exit 2;; *) echo '${decision("allow")}';; esac`);
    await hooksJson(loom.dataDir, { PermissionRequest: [{ matcher: "Edit", ...command(gate.path) }] });
    const yes = "*** Begin Patch\n*** Add File: yes.txt\n+y\n*** End Patch";
    const no = "*** Begin Patch\n*** Add File: no.txt\n+n\n*** End Patch";
    loom.server.enqueue(
      [evCreated("r_p1"), evCustomToolCall("p1", "apply_patch", yes), evCompleted("r_p1")],
      [evCreated("r_p2"), evCustomToolCall("p2", "apply_patch", no), evCompleted("r_p2")],
      textTurn("done"),
    );
    const { thread } = await startThread("untrusted");
    const patchAsks: EventMsg[] = [];
    const subscription = thread.events$.subscribe((event) => event.msg.type === "apply_patch_approval_request" && patchAsks.push(event.msg));
    cleanup.push(async () => subscription.unsubscribe());
    await thread.run("patch twice");
    expect(patchAsks).toEqual([]);
    expect(existsSync(join(loom.cwd, "yes.txt"))).toBe(true);
    expect(existsSync(join(loom.cwd, "no.txt"))).toBe(false);
    const output = inputItems(loom.server.requests[2]!).find((item: any) => item.type === "custom_tool_call_output" && item.call_id === "p2")?.output;
    expect(output).toBe("not that file");
    expect((await payloads(gate.log)).map((p) => [p.tool_name, p.tool_input])).toEqual([
      ["apply_patch", { command: yes }],
      ["apply_patch", { command: no }],
    ]);
  });

  it("an embedder's permissionRequest function answers like a command hook, and is logged like one", async () => {
    const seen: Record<string, unknown>[] = [];
    loom.server.enqueue(toolCallTurn("c1", "shell", { command: ["touch", "made.txt"] }), textTurn("ok"));
    const thread = await loom.rt.startThread({
      cwd: loom.cwd,
      approvalPolicy: "untrusted",
      hooks: {
        permissionRequest: (input) => {
          seen.push(input);
          return { hookSpecificOutput: { hookEventName: "PermissionRequest", decision: { behavior: "deny", message: "function says no" } } };
        },
      },
    });
    await thread.run("make the file");
    expect(outputOf(1, "c1")).toBe("function says no");
    expect(seen.map((input) => [input.hook_event_name, input.tool_name, input.tool_input])).toEqual([["PermissionRequest", "Bash", { command: "touch made.txt" }]]);
    expect(hookRuns(await thread.entries(), "hook_completed")).toEqual([
      expect.objectContaining({ id: "permission-request:0:<startThread hooks.permissionRequest>:c1", status: "blocked", permission_decision: "deny", source: "session_flags" }),
    ]);
  });

  it.each(["allow", "deny"] as const)("a thread resumed after a hook's %s, before the command began, acts on it without running the hook again", async (behavior) => {
    const gate = await hook("gate", `echo '${decision(behavior, "not today")}'`);
    await hooksJson(loom.dataDir, { PermissionRequest: [command(gate.path)] });
    loom.server.enqueue(toolCallTurn("c1", "shell", { command: ["touch", "made.txt"] }), textTurn("first"));
    const { thread } = await startThread();
    await thread.run("make the file");
    const entries = await thread.entries();
    const verdictSeq = entries.find((e) => e.kind === "event_msg" && e.payload.type === "hook_completed")!.seq;
    await rm(join(loom.cwd, "made.txt"), { force: true });

    // The same log cut where the process "died": the verdict is logged, the call has neither begun nor ended.
    const dataDir = await mkdtemp(join(tmpdir(), "loom-data-"));
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    await hooksJson(dataDir, { PermissionRequest: [command(gate.path)] });
    const rt = await createRuntime({ dataDir, durable: false, config: {}, env: {}, model: { apiKey: "k", baseURL: loom.server.baseURL } });
    cleanup.push(() => rt.close());
    await rt.log.createThread({ id: thread.id });
    await rt.log.append(
      thread.id,
      entries.filter((e) => e.seq <= verdictSeq).map((e) => ({ kind: e.kind, payload: e.payload, ts: e.ts, sub: e.sub }) as never),
    );
    loom.server.enqueue(textTurn("after the restart"));
    const resumed = await rt.resumeThread(thread.id);
    // The turn goes on (without the verdict it would have been closed as aborted).
    expect(resumed.state.turns.at(-1)?.status).not.toBe("aborted");
    const complete = await nextEvent(resumed.events$, "task_complete");
    expect(complete.last_agent_message).toBe("after the restart");
    expect(existsSync(join(loom.cwd, "made.txt"))).toBe(behavior === "allow");
    if (behavior === "deny") expect(outputOf(2, "c1")).toBe("not today");
    const after = await resumed.entries();
    expect(after.filter((e) => e.kind === "event_msg" && e.payload.type === "exec_approval_request")).toEqual([]);
    // A deny ends the call as Codex's emitter does: begun, then declined with the hook's message.
    const ends = after.flatMap((e) => (e.kind === "event_msg" && e.payload.type === "exec_command_end" ? [e.payload] : []));
    expect(after.filter((e) => e.kind === "event_msg" && e.payload.type === "exec_command_begin")).toHaveLength(1);
    expect(ends.map((end: any) => [end.status, end.stderr])).toEqual([behavior === "allow" ? ["completed", ""] : ["declined", "not today"]]);
    await resumed.whenIdle();
    await expectNoDivergence(rt.log, thread.id);
    expect(await payloads(gate.log)).toHaveLength(1);
  });
});
