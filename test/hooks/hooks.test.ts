// Lifecycle hooks end to end: real hook scripts in Codex's hooks.json format, from the data dir
// and the project's .codex/, on every event; a blocking PreToolUse hook; a Stop hook that sends the
// model back once; every run in the log; replay answering hooks from the log and diverging when a
// recorded answer is altered.
import { mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startLoom, type LoomHarness } from "../support/loom.js";
import { inputItems, messageTexts, textTurn, toolCallTurn } from "../support/fake-responses.js";
import { replayRecording } from "../../src/testing/index.js";
import { replayEntries } from "../../src/replay/reexecute/index.js";
import type { LogEntry } from "../../src/events/index.js";
import { command, hooksJson, payloads, script } from "./support.js";

let loom: LoomHarness;
/** A project the user trusts (Codex loads a project's .codex/ hooks only then). */
let project: string;
beforeEach(async () => {
  project = await realpath(await mkdtemp(join(tmpdir(), "loom-project-")));
  loom = await startLoom({ config: { projects: { [project]: { trust_level: "trusted" } } } });
});
afterEach(async () => {
  await loom.close();
  await rm(project, { recursive: true, force: true });
});

async function entriesOf(threadId: string): Promise<LogEntry[]> {
  const entries: LogEntry[] = [];
  for await (const entry of loom.rt.log.read(threadId)) entries.push(entry);
  return entries;
}

const hookEvents = (entries: LogEntry[], type: "hook_started" | "hook_completed") =>
  entries.flatMap((e) => (e.kind === "event_msg" && e.payload.type === type ? [(e.payload as any).run] : []));

function outputOf(requestIndex: number, callId: string): string | undefined {
  return inputItems(loom.server.requests[requestIndex]!).find((item: any) => item.type === "function_call_output" && item.call_id === callId)?.output;
}

describe("lifecycle hooks", () => {
  it("runs every event's hooks, blocks a call, sends the model back once, and replays from the log", async () => {
    const bin = join(loom.dataDir, "bin");
    const log = join(loom.dataDir, "payloads.jsonl");
    const record = `cat >> ${log}; echo >> ${log}`;
    // User layer (the data dir): session start, prompt submit and stop.
    const sessionStart = await script(bin, "session-start.sh", `${record}\necho '{"hookSpecificOutput":{"hookEventName":"SessionStart","additionalContext":"session context from a hook"}}'`);
    const promptSubmit = await script(bin, "prompt.sh", `${record}\necho 'prompt context from a hook'`);
    const stop = await script(
      bin,
      "stop.sh",
      `payload=$(cat); echo "$payload" >> ${log}\ncase "$payload" in *'"stop_hook_active":false'*) echo '{"decision":"block","reason":"run the tests too"}';; *) echo '{}';; esac`,
    );
    const userHooks = await hooksJson(loom.dataDir, {
      SessionStart: [{ matcher: "startup", ...command(sessionStart) }],
      UserPromptSubmit: [command(promptSubmit)],
      Stop: [command(stop)],
    });
    // Project layer (.codex/ in the cwd): the tool hooks.
    const preTool = await script(bin, "pre.sh", `payload=$(cat); echo "$payload" >> ${log}\ncase "$payload" in *forbidden*) echo 'no forbidden things' >&2; exit 2;; esac`);
    const postTool = await script(bin, "post.sh", `${record}\necho '{"hookSpecificOutput":{"hookEventName":"PostToolUse","additionalContext":"post context from a hook"}}'`);
    const projectHooks = await hooksJson(join(project, ".codex"), {
      PreToolUse: [{ matcher: "Bash", ...command(preTool) }],
      PostToolUse: [{ matcher: "^Ba", ...command(postTool) }],
    });

    loom.server.enqueue(
      toolCallTurn("call_forbidden", "shell", { command: ["echo", "forbidden"] }),
      toolCallTurn("call_ok", "shell", { command: ["echo", "fine"] }),
      textTurn("done"),
      textTurn("really done"),
    );
    const thread = await loom.rt.startThread({ cwd: project, approvalPolicy: "never", sandboxPolicy: { type: "danger-full-access" } });
    const result = await thread.run("do the thing");
    expect(result.finalResponse).toBe("really done");

    const requests = loom.server.requests;
    expect(requests).toHaveLength(4);
    // SessionStart and UserPromptSubmit context: developer messages after the user's prompt.
    const developer = messageTexts(requests[0]!, "developer");
    expect(developer).toContain("session context from a hook");
    expect(developer).toContain("prompt context from a hook");
    // The blocked call never ran; the model reads Codex's message.
    expect(outputOf(1, "call_forbidden")).toBe("Command blocked by PreToolUse hook: no forbidden things. Command: echo forbidden");
    expect(outputOf(2, "call_ok")).toContain("fine");
    expect(messageTexts(requests[2]!, "developer")).toContain("post context from a hook");
    // The Stop hook's continuation prompt, then the loop guard lets the turn end.
    const stopRunId = `stop:2:${userHooks}`;
    expect(messageTexts(requests[3]!, "user")).toContain(`<hook_prompt hook_run_id="${stopRunId}">run the tests too</hook_prompt>`);

    const seen = await payloads(log);
    expect(seen.map((p) => p.hook_event_name)).toEqual([
      "SessionStart",
      "UserPromptSubmit",
      "PreToolUse",
      "PreToolUse",
      "PostToolUse",
      "Stop",
      "Stop",
    ]);
    expect(seen[0]).toEqual({
      session_id: thread.id,
      transcript_path: expect.stringMatching(/\/sessions\/\d{4}\/\d{2}\/\d{2}\/rollout-.*\.jsonl$/),
      cwd: project,
      hook_event_name: "SessionStart",
      model: expect.any(String),
      permission_mode: "bypassPermissions",
      source: "startup",
    });
    expect(seen[1]).toMatchObject({ prompt: "do the thing", turn_id: expect.any(String) });
    expect(seen[2]).toMatchObject({ tool_name: "Bash", tool_input: { command: "echo forbidden" }, tool_use_id: "call_forbidden" });
    expect(seen[4]).toMatchObject({ tool_name: "Bash", tool_use_id: "call_ok", tool_response: expect.stringContaining("fine") });
    expect(seen[5]).toMatchObject({ stop_hook_active: false, last_assistant_message: "done" });
    expect(seen[6]).toMatchObject({ stop_hook_active: true, last_assistant_message: "really done" });

    const entries = await entriesOf(thread.id);
    const completed = hookEvents(entries, "hook_completed");
    expect(hookEvents(entries, "hook_started").map((run) => run.id)).toEqual(completed.map((run) => run.id));
    expect(completed.map((run) => [run.event_name, run.status])).toEqual([
      ["session_start", "completed"],
      ["user_prompt_submit", "completed"],
      ["pre_tool_use", "blocked"],
      ["pre_tool_use", "completed"],
      ["post_tool_use", "completed"],
      ["stop", "blocked"],
      ["stop", "completed"],
    ]);
    expect(completed[2]).toMatchObject({ id: `pre-tool-use:3:${projectHooks}:call_forbidden`, source: "project", entries: [{ kind: "feedback", text: "no forbidden things" }] });
    expect(completed[0]).toMatchObject({ source: "user", scope: "thread", entries: [{ kind: "context", text: "session context from a hook" }] });

    // Replay runs no hook (the payload log does not grow) and finds every entry the same.
    const report = await replayRecording({ log: loom.rt.log, threadId: thread.id });
    expect(report.divergence).toBeUndefined();
    expect(await payloads(log)).toHaveLength(seen.length);

    // A recorded answer altered: the PreToolUse hook no longer blocked. The replay now runs the call,
    // which the recording never did, and says where it went another way.
    const altered = entries.map((entry) => {
      if (entry.kind !== "event_msg" || entry.payload.type !== "hook_completed") return entry;
      const run = (entry.payload as any).run;
      if (run.status !== "blocked" || run.event_name !== "pre_tool_use") return entry;
      return { ...entry, payload: { ...entry.payload, run: { ...run, status: "completed", entries: [] } } } as LogEntry;
    });
    const diverged = await replayEntries(altered, { stallMs: 2_000 });
    expect(diverged.divergence).toBeDefined();
    const blockedAt = entries.find((e) => e.kind === "event_msg" && e.payload.type === "hook_completed" && (e.payload as any).run.status === "blocked")!.seq;
    // Where the recording has the blocked call's output, the replay starts the command instead.
    expect(diverged.divergence!.seq).toBeGreaterThan(blockedAt);
    expect(diverged.divergence!.recorded).toMatchObject({ kind: "response_item", payload: { type: "function_call_output", call_id: "call_forbidden" } });
    expect(await payloads(log)).toHaveLength(seen.length);
  });

  it("reports a hanging hook as timed out and invalid JSON as failed, and the turn goes on", async () => {
    const bin = join(loom.dataDir, "bin");
    const hang = await script(bin, "hang.sh", "sleep 30");
    const garbage = await script(bin, "garbage.sh", "echo '{not json'");
    await hooksJson(loom.dataDir, {
      UserPromptSubmit: [command(hang, 1)],
      PreToolUse: [command(garbage)],
    });
    // A broken hooks file in the project is a warning naming it; the other hooks still run.
    await hooksJson(join(project, ".codex"), {});
    await writeFile(join(project, ".codex", "hooks.json"), "{ this is not json");

    loom.server.enqueue(toolCallTurn("call_1", "shell", { command: ["echo", "ran anyway"] }), textTurn("finished"));
    const thread = await loom.rt.startThread({ cwd: project, approvalPolicy: "never", sandboxPolicy: { type: "danger-full-access" } });
    expect(thread.opening.map((e) => e.msg).filter((m) => m.type === "warning").map((m) => (m as any).message)).toEqual([
      expect.stringMatching(new RegExp(`^failed to parse hooks config ${join(project, ".codex", "hooks.json").replaceAll("/", "\\/")}: `)),
    ]);
    const result = await thread.run("go");
    expect(result.finalResponse).toBe("finished");
    expect(outputOf(1, "call_1")).toContain("ran anyway");

    const completed = hookEvents(await entriesOf(thread.id), "hook_completed");
    expect(completed.map((run) => [run.event_name, run.status, run.entries])).toEqual([
      ["user_prompt_submit", "failed", [{ kind: "error", text: "hook timed out after 1s" }]],
      ["pre_tool_use", "failed", [{ kind: "error", text: "hook returned invalid pre-tool-use JSON output" }]],
    ]);
  });

  it("takes function hooks from startThread and tells SessionStart a resume", async () => {
    const calls: any[] = [];
    loom.server.enqueue(toolCallTurn("call_rm", "shell_command", { command: "rm -rf build" }), textTurn("ok"));
    const thread = await loom.rt.startThread({
      cwd: project,
      approvalPolicy: "never",
      sandboxPolicy: { type: "danger-full-access" },
      hooks: {
        sessionStart: (input) => void calls.push(input),
        preToolUse: (input) => {
          calls.push(input);
          const command = (input.tool_input as { command: string }).command;
          return command.includes("rm -rf") ? { decision: "block", reason: "not on my watch" } : undefined;
        },
      },
    });
    await thread.run("clean up");
    expect(outputOf(1, "call_rm")).toBe("Command blocked by PreToolUse hook: not on my watch. Command: rm -rf build");
    expect(calls.map((c) => [c.hook_event_name, c.source ?? c.tool_name])).toEqual([
      ["SessionStart", "startup"],
      ["PreToolUse", "Bash"],
    ]);
    await thread.close();

    const sources: string[] = [];
    const resumed = await loom.rt.resumeThread(thread.id, { hooks: { sessionStart: (input) => void sources.push(input.source as string) } });
    loom.server.enqueue(textTurn("again"));
    await resumed.run("once more");
    expect(sources).toEqual(["resume"]);
  });

  it("does not load an untrusted project's hooks, and says how to trust it", async () => {
    const bin = join(loom.dataDir, "bin");
    const block = await script(bin, "block.sh", "echo 'blocked by the repo' >&2; exit 2");
    const folder = join(loom.cwd, ".codex");
    await hooksJson(folder, { PreToolUse: [command(block)] });
    loom.server.enqueue(toolCallTurn("call_1", "shell", { command: ["echo", "ran"] }), textTurn("ok"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never", sandboxPolicy: { type: "danger-full-access" } });
    const warnings = thread.opening.flatMap((e) => (e.msg.type === "warning" ? [(e.msg as any).message as string] : []));
    expect(warnings).toEqual([expect.stringContaining(`skipping hooks in ${folder}: to load them, add ${loom.cwd} as a trusted project`)]);
    await thread.run("go");
    expect(outputOf(1, "call_1")).toContain("ran");
    expect(hookEvents(await entriesOf(thread.id), "hook_started")).toEqual([]);
  });
});
