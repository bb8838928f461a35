// Given the previous turn's `turn_context` and the next settings, then only what changed is added.
import { describe, expect, it } from "vitest";
import {
  buildContextUpdates,
  buildInitialContext,
  modelInstructions,
  toTurnContextItem,
  type TurnSettings,
} from "../../src/context/index.js";

const settings: TurnSettings = {
  cwd: "/repo",
  approvalPolicy: "never",
  sandboxPolicy: { type: "danger-full-access" },
  model: "gpt-5.5",
  personality: "pragmatic",
  currentDate: "2026-01-02",
  timezone: "Etc/UTC",
  shell: "bash",
  userInstructions: "Root rules.",
};
const reference = toTurnContextItem(settings, "t1");

const texts = (items: any[]) => items.map((item) => [item.role, item.content.map((part: any) => part.text)]);

describe("buildContextUpdates", () => {
  it("without a reference, is the full initial context", () => {
    expect(buildContextUpdates(null, settings)).toEqual(buildInitialContext(settings));
  });

  it("adds nothing when nothing changed", () => {
    expect(buildContextUpdates(reference, settings)).toEqual([]);
  });

  it("does not restate AGENTS.md or developer instructions", () => {
    expect(buildContextUpdates(reference, { ...settings, userInstructions: "New", developerInstructions: "x" })).toEqual([]);
  });

  it("on a cwd change, restates the environment with the new cwd", () => {
    expect(texts(buildContextUpdates(reference, { ...settings, cwd: "/repo/sub" }))).toEqual([
      [
        "user",
        [
          "<environment_context>\n  <cwd>/repo/sub</cwd>\n  <shell>bash</shell>\n  <current_date>2026-01-02</current_date>\n  <timezone>Etc/UTC</timezone>\n</environment_context>",
        ],
      ],
    ]);
  });

  it("on a new day, restates the environment without the unchanged cwd", () => {
    expect(texts(buildContextUpdates(reference, { ...settings, currentDate: "2026-01-03" }))).toEqual([
      [
        "user",
        ["<environment_context>\n  <shell>bash</shell>\n  <current_date>2026-01-03</current_date>\n  <timezone>Etc/UTC</timezone>\n</environment_context>"],
      ],
    ]);
  });

  it("ignores a different shell", () => {
    expect(buildContextUpdates(reference, { ...settings, shell: "zsh" })).toEqual([]);
  });

  it("on an approval change, restates the permissions", () => {
    const [developer, ...rest] = buildContextUpdates(reference, { ...settings, approvalPolicy: "on-request" }) as any[];
    expect(rest).toEqual([]);
    expect(developer.role).toBe("developer");
    expect(developer.content).toHaveLength(1);
    expect(developer.content[0].text).toContain("# Escalation Requests");
  });

  it("on a sandbox change, restates the permissions", () => {
    const updates = buildContextUpdates(reference, { ...settings, sandboxPolicy: { type: "read-only" } }) as any[];
    expect(updates[0].content[0].text).toContain("`sandbox_mode` is `read-only`");
  });

  it("on a model change, opens with the new model's instructions", () => {
    const updates = buildContextUpdates(reference, { ...settings, model: "gpt-5.1-codex" }) as any[];
    expect(updates).toHaveLength(1);
    expect(updates[0].content).toHaveLength(1);
    expect(updates[0].content[0].text).toBe(
      "<model_switch>\nThe user was previously using a different model. Please continue the conversation according to the following instructions:\n\n" +
        `${modelInstructions("gpt-5.1-codex")}\n</model_switch>`,
    );
  });

  it("puts the model switch before the permissions, and the environment after both", () => {
    const updates = buildContextUpdates(reference, {
      ...settings,
      model: "gpt-5.1-codex",
      approvalPolicy: "on-request",
      cwd: "/elsewhere",
    }) as any[];
    expect(updates.map((u) => u.role)).toEqual(["developer", "user"]);
    expect(updates[0].content.map((p: any) => p.text.slice(0, 14))).toEqual(["<model_switch>", "<permissions i"]);
  });

  it("on a personality change with the same model, adds the personality section", () => {
    const [developer] = buildContextUpdates(reference, { ...settings, personality: "friendly" }) as any[];
    expect(developer.content[0].text).toMatch(/^<personality_spec> .*\n# Personality\n\nYou have a vivid inner life/s);
  });

  it("takes the previous model from the caller when it differs from the reference", () => {
    expect(buildContextUpdates(reference, settings, { previousModel: "gpt-5.1-codex" })).toHaveLength(1);
  });
});

describe("buildContextUpdates with a reference written before permission profiles", () => {
  it("derives the old profile from the legacy policy and the current host facts", () => {
    const next: TurnSettings = {
      ...settings,
      sandboxPolicy: { type: "workspace-write" },
      host: { slashTmpIsDir: true, readOnlySubpaths: { "/repo": ["/repo/.git", "/repo/.codex"] } },
    };
    const { permission_profile: _dropped, ...legacy } = toTurnContextItem(next, "t1");
    expect(buildContextUpdates(legacy, next)).toEqual([]);
  });
});
