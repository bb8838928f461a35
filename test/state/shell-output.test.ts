// Codex's request-time rewrite of JSON shell outputs (client_common.rs `reserialize_shell_outputs`),
// rule by rule: which calls, which outputs, how the number prints, the total-lines header.
import { describe, expect, it } from "vitest";
import type { ResponseItem } from "../../src/events/index.js";
import { formatF32, offersFreeformApplyPatch, projectPrompt, reserializeShellOutputs, structuredShellText } from "../../src/state/index.js";

const json = (output: string, exit = 0, secs: number | string = 0.5) => `{"output":${JSON.stringify(output)},"metadata":{"exit_code":${exit},"duration_seconds":${secs}}}`;
const call = (name: string, id: string): ResponseItem => ({ type: "function_call", name, arguments: "{}", call_id: id });
const out = (id: string, output: string): ResponseItem => ({ type: "function_call_output", call_id: id, output });

describe("reserializing shell outputs", () => {
  it("rewrites the outputs of shell, container.exec, apply_patch (function and custom) and local_shell_call", () => {
    const items: ResponseItem[] = [
      call("shell", "a"),
      out("a", json("hello")),
      call("container.exec", "b"),
      out("b", json("x", 2, 1)),
      { type: "custom_tool_call", name: "apply_patch", input: "*** Begin Patch", call_id: "c" },
      { type: "custom_tool_call_output", call_id: "c", output: json("Success.\n", 0, "0.0") },
      { type: "local_shell_call", call_id: "d", status: "completed", action: { type: "exec", command: ["ls"] } },
      out("d", json("")),
    ];
    expect(reserializeShellOutputs(items).filter((i) => i.type.endsWith("_output")).map((i) => (i as { output: string }).output)).toEqual([
      "Exit code: 0\nWall time: 0.5 seconds\nOutput:\nhello",
      "Exit code: 2\nWall time: 1 seconds\nOutput:\nx",
      "Exit code: 0\nWall time: 0 seconds\nOutput:\nSuccess.\n",
      "Exit code: 0\nWall time: 0.5 seconds\nOutput:\n",
    ]);
  });

  it("leaves other tools, outputs before their call, second outputs and non-JSON text alone", () => {
    const items: ResponseItem[] = [
      out("early", json("x")),
      call("shell", "early"),
      call("exec_command", "e"),
      out("e", json("x")),
      call("shell", "s"),
      out("s", "plain text"),
      call("shell", "t"),
      out("t", json("first")),
      out("t", json("second")),
    ];
    const result = reserializeShellOutputs(items);
    expect(result[0]).toBe(items[0]);
    expect(result[3]).toBe(items[3]);
    expect(result[5]).toBe(items[5]);
    expect((result[7] as { output: string }).output).toBe("Exit code: 0\nWall time: 0.5 seconds\nOutput:\nfirst");
    expect(result[8]).toBe(items[8]);
  });

  it("reads the JSON as serde does: fields required, extra keys ignored, exit code an i32", () => {
    expect(structuredShellText('{"output":"o"}')).toBeUndefined();
    expect(structuredShellText('{"output":1,"metadata":{"exit_code":0,"duration_seconds":0}}')).toBeUndefined();
    expect(structuredShellText('{"output":"o","metadata":{"exit_code":0.5,"duration_seconds":0}}')).toBeUndefined();
    expect(structuredShellText('{"output":"o","metadata":{"exit_code":4294967296,"duration_seconds":0}}')).toBeUndefined();
    expect(structuredShellText('{"output":"o","metadata":{"exit_code":-1,"duration_seconds":2,"x":1},"y":2}')).toBe(
      "Exit code: -1\nWall time: 2 seconds\nOutput:\no",
    );
    expect(structuredShellText('["o",[3,0.25]]')).toBe("Exit code: 3\nWall time: 0.25 seconds\nOutput:\no");
    expect(structuredShellText("not json")).toBeUndefined();
  });

  it("lifts a leading `Total output lines` header out of the output", () => {
    expect(structuredShellText(json("Total output lines: 400\n\nline 1\n…"))).toBe(
      "Exit code: 0\nWall time: 0.5 seconds\nTotal output lines: 400\nOutput:\nline 1\n…",
    );
    expect(structuredShellText(json("Total output lines: many\nx"))).toBe("Exit code: 0\nWall time: 0.5 seconds\nOutput:\nTotal output lines: many\nx");
  });

  it("prints durations as Rust prints an f32", () => {
    expect([0, 0.1, 0.5, 1, 2.0, 12.5, 0.30000001192092896, 1e-7, 1e20, 3.4e38, -1.5].map(formatF32)).toEqual([
      "0",
      "0.1",
      "0.5",
      "1",
      "2",
      "12.5",
      "0.3",
      "0.0000001",
      "100000000000000000000",
      "340000000000000000000000000000000000000",
      "-1.5",
    ]);
    expect(formatF32(1e39)).toBe("inf");
  });

  it("happens in projectPrompt only when asked, and is asked for when the freeform apply_patch is offered", () => {
    const history = [call("shell", "a"), out("a", json("hi"))];
    expect(projectPrompt(history)[1]).toEqual(out("a", json("hi")));
    expect(projectPrompt(history, { reserializeShellOutputs: true })[1]).toEqual(out("a", "Exit code: 0\nWall time: 0.5 seconds\nOutput:\nhi"));
    expect(offersFreeformApplyPatch([{ type: "custom", name: "apply_patch" }])).toBe(true);
    expect(offersFreeformApplyPatch([{ type: "function", name: "apply_patch" }, null])).toBe(false);
  });
});
