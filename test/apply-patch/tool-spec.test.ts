// The tool definitions go to the model verbatim; a changed character changes what the model was
// tuned on. The digests pin Codex's texts (codex-rs/tools/src/apply_patch_tool.rs and
// tool_apply_patch.lark, codex-rs/apply-patch/apply_patch_tool_instructions.md).
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  APPLY_PATCH_JSON_TOOL_DESCRIPTION,
  APPLY_PATCH_LARK_GRAMMAR,
  APPLY_PATCH_TOOL,
  APPLY_PATCH_TOOL_INSTRUCTIONS,
  parsePatch,
} from "../../src/actors/apply-patch/index.js";

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

describe("APPLY_PATCH_TOOL", () => {
  it("is Codex's freeform tool with the Lark grammar", () => {
    expect(JSON.parse(JSON.stringify(APPLY_PATCH_TOOL.freeform))).toEqual({
      type: "custom",
      name: "apply_patch",
      description: "Use the `apply_patch` tool to edit files. This is a FREEFORM tool, so do not wrap the patch in JSON.",
      format: { type: "grammar", syntax: "lark", definition: APPLY_PATCH_LARK_GRAMMAR },
    });
    expect(APPLY_PATCH_LARK_GRAMMAR.startsWith("start: begin_patch hunk+ end_patch\n")).toBe(true);
  });

  it("is Codex's JSON function tool with one `input` string", () => {
    expect(JSON.parse(JSON.stringify(APPLY_PATCH_TOOL.function))).toEqual({
      type: "function",
      name: "apply_patch",
      description: APPLY_PATCH_JSON_TOOL_DESCRIPTION,
      strict: false,
      parameters: {
        type: "object",
        properties: { input: { type: "string", description: "The entire contents of the apply_patch command" } },
        required: ["input"],
        additionalProperties: false,
      },
    });
  });

  it("carries Codex's texts character for character", () => {
    expect(sha256(APPLY_PATCH_LARK_GRAMMAR)).toBe("d6367f4826ed608c424b0a308f3d6163527df63c22513d089b91863552f8bfeb");
    expect(sha256(APPLY_PATCH_JSON_TOOL_DESCRIPTION)).toBe("61ba80c17ce57a268eb51183c72d8edd5b71cfacacaf10e2bc6196e0cf1a842c");
    expect(sha256(APPLY_PATCH_TOOL_INSTRUCTIONS)).toBe("061ad07965f437292a604be2518a6fe445c19324946f9e827fffa0a3e8695d94");
  });

  it("documents an example patch that our parser accepts", () => {
    const example = APPLY_PATCH_JSON_TOOL_DESCRIPTION.split("A full patch can combine several operations:\n\n")[1].split("\n\n")[0];
    expect(parsePatch(example).hunks.map((h) => h.type)).toEqual(["add", "update", "delete"]);
  });
});
