// run_user_shell_command: the user's own command as a turn of its own, recorded for the model.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { collectUntil, nextEvent, startLoom, type LoomHarness } from "../support/loom.js";
import { messageTexts, textTurn } from "../support/fake-responses.js";
import { userShellCommandRecord } from "../../src/runtime/user-shell.js";

describe("userShellCommandRecord", () => {
  it("renders Codex's <user_shell_command> fragment", () => {
    expect(userShellCommandRecord("echo hi", 0, 1000, "hi")).toEqual({
      type: "message",
      role: "user",
      content: [
        {
          type: "input_text",
          text: "<user_shell_command>\n<command>\necho hi\n</command>\n<result>\nExit code: 0\nDuration: 1.0000 seconds\nOutput:\nhi\n</result>\n</user_shell_command>",
        },
      ],
    });
    const text = (userShellCommandRecord("false", 42, 120, "combined output wins") as any).content[0].text as string;
    expect(text).toContain("\nExit code: 42\nDuration: 0.1200 seconds\nOutput:\ncombined output wins\n");
  });
});

describe("run_user_shell_command through the runtime", () => {
  let loom: LoomHarness;
  beforeEach(async () => {
    loom = await startLoom();
  });
  afterEach(async () => {
    await loom.close();
  });

  it("runs without approval as its own turn, and the model sees the result next turn", async () => {
    loom.server.enqueue(textTurn("I saw it."));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "untrusted" });
    const events = collectUntil(thread.events$, "task_complete");
    const subId = await thread.submit({ type: "run_user_shell_command", command: "echo out; echo err >&2; touch made" });
    const msgs = (await events).map((e) => e.msg as any);
    expect(msgs.map((m) => m.type).filter((t) => t !== "exec_command_output_delta")).toEqual([
      "task_started",
      "exec_command_begin",
      "exec_command_end",
      "task_complete",
    ]);
    expect(msgs[0].turn_id).toBe(subId);
    const begin = msgs.find((m) => m.type === "exec_command_begin");
    expect(begin).toMatchObject({ source: "user_shell", cwd: loom.cwd, turn_id: subId });
    expect(begin.command.slice(1)).toEqual(["-lc", "echo out; echo err >&2; touch made"]);
    expect(begin.command[0]).toMatch(/bash$/);
    const end = msgs.find((m) => m.type === "exec_command_end");
    expect(end).toMatchObject({ exit_code: 0, status: "completed", stdout: "out\n", stderr: "err\n", source: "user_shell" });
    expect(msgs.some((m) => m.type === "exec_approval_request")).toBe(false);

    await thread.run("what did I run?");
    const record = messageTexts(loom.server.requests[0]!, "user").find((t) => t.startsWith("<user_shell_command>"));
    expect(record).toMatch(
      /^<user_shell_command>\n<command>\necho out; echo err >&2; touch made\n<\/command>\n<result>\nExit code: 0\nDuration: \d+\.\d{4} seconds\nOutput:\nout\nerr\n\n<\/result>\n<\/user_shell_command>$/,
    );
  });

  it("reports a failing command as failed, with its exit code in the record", async () => {
    const thread = await loom.rt.startThread({ cwd: loom.cwd });
    const events = collectUntil(thread.events$, "task_complete");
    await thread.submit({ type: "run_user_shell_command", command: "echo nope; exit 3" });
    const end = (await events).map((e) => e.msg as any).find((m) => m.type === "exec_command_end");
    expect(end).toMatchObject({ exit_code: 3, status: "failed", formatted_output: "nope\n" });
    const record = thread.state.history.toArray().find((item: any) => item.type === "message" && item.content?.[0]?.text?.startsWith("<user_shell_command>"));
    expect((record as any).content[0].text).toContain("\nExit code: 3\n");
  });

  it("is interrupted like a turn: the command's group is killed and the task ends with turn_aborted", async () => {
    const thread = await loom.rt.startThread({ cwd: loom.cwd });
    const begin = nextEvent(thread.events$, "exec_command_begin");
    const aborted = nextEvent(thread.events$, "turn_aborted");
    const end = nextEvent(thread.events$, "exec_command_end");
    const id = await thread.submit({ type: "run_user_shell_command", command: "sleep 30; echo never" });
    await begin;
    await thread.interrupt();
    expect((await aborted).turn_id).toBe(id);
    expect(await end).toMatchObject({ exit_code: -1, status: "failed", aggregated_output: "command aborted by user" });
    expect(thread.state.activeTurn).toBeNull();
  });
});
