// Given turn settings, then the initial context items and the `turn_context` entry Codex would record.
import { describe, expect, it } from "vitest";
import {
  buildInitialContext,
  environmentContextText,
  modelInstructions,
  permissionProfile,
  toTurnContextItem,
  type TurnSettings,
} from "../../src/context/index.js";

const base: TurnSettings = {
  cwd: "/repo",
  approvalPolicy: "on-request",
  sandboxPolicy: { type: "workspace-write" },
  model: "gpt-5.5",
  personality: "pragmatic",
  currentDate: "2026-01-02",
  timezone: "Europe/Paris",
  shell: "zsh",
};

const texts = (item: any): string[] => item.content.map((part: any) => part.text);

describe("buildInitialContext", () => {
  it("is a developer message (permissions) and a user message (environment) without AGENTS.md", () => {
    const items = buildInitialContext(base);
    expect(items.map((i: any) => i.role)).toEqual(["developer", "user"]);
    expect(texts(items[0])).toHaveLength(1);
    expect(texts(items[0])[0].startsWith("<permissions instructions>\n")).toBe(true);
    expect(texts(items[1])).toEqual([
      "<environment_context>\n  <cwd>/repo</cwd>\n  <shell>zsh</shell>\n  <current_date>2026-01-02</current_date>\n  <timezone>Europe/Paris</timezone>\n</environment_context>",
    ]);
  });

  it("puts AGENTS.md before the environment, wrapped with the cwd", () => {
    const [, user] = buildInitialContext({ ...base, userInstructions: "Be brief." });
    expect(texts(user)[0]).toBe("# AGENTS.md instructions for /repo\n\n<INSTRUCTIONS>\nBe brief.\n</INSTRUCTIONS>");
    expect(texts(user)[1].startsWith("<environment_context>")).toBe(true);
  });

  it("bundles developer instructions and skills after the permissions", () => {
    const [developer] = buildInitialContext({
      ...base,
      developerInstructions: "Use tabs.",
      skills: [{ name: "lint", description: "", path: "/s/lint/SKILL.md" }],
    });
    const sections = texts(developer);
    expect(sections[1]).toBe("Use tabs.");
    expect(sections[2]).toContain("### Available skills\n- lint: (file: /s/lint/SKILL.md)\n### How to use skills\n");
    expect(sections[2].endsWith("\n</skills_instructions>")).toBe(true);
  });

  it("adds a personality section only when the base instructions do not already carry it", () => {
    expect(texts(buildInitialContext(base)[0])).toHaveLength(1);
    const custom = texts(buildInitialContext({ ...base, baseInstructions: "custom" })[0]);
    expect(custom[1].startsWith("<personality_spec> The user has requested a new communication style.")).toBe(true);
    expect(custom[1]).toContain("You are a deeply pragmatic, effective software engineer.");
  });

  it("opens with a model switch when the previous turn used another model", () => {
    const [developer] = buildInitialContext(base, { previousModel: "gpt-5.1-codex" });
    expect(texts(developer)[0]).toBe(
      "<model_switch>\nThe user was previously using a different model. Please continue the conversation according to the following instructions:\n\n" +
        `${modelInstructions("gpt-5.5", "pragmatic")}\n</model_switch>`,
    );
  });
});

describe("environmentContextText", () => {
  it("lists network domains and subagents when present", () => {
    expect(
      environmentContextText({
        shell: "bash",
        network: { allowedDomains: ["a.com"], deniedDomains: ["b.com"] },
        subagents: "one\ntwo\n",
      }),
    ).toBe(
      '<environment_context>\n  <shell>bash</shell>\n  <network enabled="true">\n    <allowed>a.com</allowed>\n    <denied>b.com</denied>\n  </network>\n  <subagents>\n    one\n    two\n  </subagents>\n</environment_context>',
    );
  });
});

describe("toTurnContextItem", () => {
  it("writes Codex's fields in Codex's order, omitting what Codex omits", () => {
    const item = toTurnContextItem({ ...base, sandboxPolicy: { type: "danger-full-access" }, approvalPolicy: "never" }, "t1");
    expect(Object.keys(item)).toEqual([
      "turn_id",
      "cwd",
      "current_date",
      "timezone",
      "approval_policy",
      "sandbox_policy",
      "permission_profile",
      "model",
      "personality",
      "collaboration_mode",
      "realtime_active",
      "summary",
      "truncation_policy",
    ]);
    expect(item.permission_profile).toEqual({ type: "disabled" });
    expect(item.summary).toBe("none");
    expect(item.collaboration_mode).toEqual({
      mode: "default",
      settings: { model: "gpt-5.5", reasoning_effort: null, developer_instructions: null },
    });
  });

  it("records a configured effort in both places and fills policy defaults", () => {
    const item = toTurnContextItem({ ...base, effort: "high" }, "t2");
    expect(item.effort).toBe("high");
    expect((item.collaboration_mode as any).settings.reasoning_effort).toBe("high");
    expect(item.sandbox_policy).toEqual({
      type: "workspace-write",
      network_access: false,
      exclude_tmpdir_env_var: false,
      exclude_slash_tmp: false,
    });
  });

  it("derives a workspace-write profile that protects the cwd's .codex even before it exists", () => {
    const profile = permissionProfile({ type: "workspace-write", exclude_slash_tmp: true }, "/repo") as any;
    expect(profile.network).toBe("restricted");
    expect(profile.file_system.entries.map((e: any) => [e.path.value?.kind ?? e.path.path, e.access])).toEqual([
      ["root", "read"],
      ["current_working_directory", "write"],
      ["tmpdir", "write"],
      ["/repo/.codex", "read"],
    ]);
  });
});
