// Given a model slug, then Codex's catalog metadata and instructions.
import { describe, expect, it } from "vitest";
import { modelInfo, modelInstructions } from "../../src/context/index.js";

describe("modelInfo", () => {
  it("gpt-5.5: freeform apply_patch, shell_command, parallel calls, token truncation", () => {
    expect(modelInfo("gpt-5.5")).toMatchObject({
      contextWindow: 272_000,
      autoCompactTokenLimit: 244_800,
      supportsParallelToolCalls: true,
      applyPatchToolType: "freeform",
      shellType: "shell_command",
      truncationPolicy: { mode: "tokens", limit: 10_000 },
      defaultReasoningSummary: "none",
      usedFallbackMetadata: false,
    });
  });

  it("gpt-5.1-codex: the 0.100 catalog entry, without parallel calls", () => {
    const info = modelInfo("gpt-5.1-codex");
    expect(info).toMatchObject({ supportsParallelToolCalls: false, applyPatchToolType: "freeform", defaultReasoningSummary: "auto" });
    expect(info.baseInstructions.startsWith("You are Codex, based on GPT-5.")).toBe(true);
  });

  it("unknown slugs get the fallback metadata under their own name", () => {
    const info = modelInfo("my-model");
    expect(info).toMatchObject({
      slug: "my-model",
      applyPatchToolType: null,
      shellType: "default",
      truncationPolicy: { mode: "bytes", limit: 10_000 },
      usedFallbackMetadata: true,
    });
    expect(info.baseInstructions.startsWith("You are a coding agent running in the Codex CLI")).toBe(true);
  });
});

describe("modelInstructions", () => {
  it("fills gpt-5.5's template with the personality", () => {
    const pragmatic = modelInstructions("gpt-5.5", "pragmatic");
    expect(pragmatic).not.toContain("{{ personality }}");
    expect(pragmatic).toContain("# Personality\n\nYou are a deeply pragmatic, effective software engineer.");
    expect(modelInstructions("gpt-5.5", "none")).not.toContain("# Personality");
  });

  it("is the base instructions for models without a template, whatever the personality", () => {
    expect(modelInstructions("gpt-5.1-codex", "friendly")).toBe(modelInfo("gpt-5.1-codex").baseInstructions);
  });
});
