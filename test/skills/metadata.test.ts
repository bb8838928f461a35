// A skill's agents/openai.yaml as Codex reads it (core-skills loader.rs, `load_skill_metadata`):
// interface, dependencies and policy; a malformed file is ignored whole with a warning naming it, a
// bad field alone is dropped with Codex's warning, and the skill loads either way.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listSkillsEntry, loadSkillMetadata, loadSkills } from "../../src/skills/index.js";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "loom-skill-meta-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function skillWith(yaml: string | null, name = "demo"): Promise<string> {
  const dir = join(root, name);
  await mkdir(join(dir, "agents"), { recursive: true });
  if (yaml !== null) await writeFile(join(dir, "agents", "openai.yaml"), yaml);
  const path = join(dir, "SKILL.md");
  await writeFile(path, `---\nname: ${name}\ndescription: A demo.\n---\n`);
  return path;
}

describe("agents/openai.yaml", () => {
  it("reads interface, dependencies and policy", async () => {
    const path = await skillWith(
      [
        "interface:",
        "  display_name: Demo   Skill",
        "  short_description: Shows\n    things",
        "  icon_small: ./assets/small.png",
        "  brand_color: '#12abEF'",
        "  default_prompt: Run the demo",
        "dependencies:",
        "  tools:",
        "    - type: mcp",
        "      value: docs",
        "      transport: streamable_http",
        "      url: https://example.com/mcp",
        "    - type: env_var",
        "policy:",
        "  allow_implicit_invocation: false",
        "  products: [codex, ATLAS]",
        "unknown_key: ignored",
      ].join("\n"),
    );
    const loaded = loadSkillMetadata(path);
    expect(loaded.metadata).toEqual({
      interface: {
        display_name: "Demo Skill",
        short_description: "Shows things",
        icon_small: join(root, "demo", "assets", "small.png"),
        icon_large: null,
        brand_color: "#12abEF",
        default_prompt: "Run the demo",
      },
      dependencies: { tools: [{ type: "mcp", value: "docs", transport: "streamable_http", url: "https://example.com/mcp" }] },
      policy: { allowImplicitInvocation: false, products: ["codex", "atlas"] },
    });
    // The tool without a value was dropped, with Codex's warning.
    expect(loaded.warnings).toEqual(["ignoring dependencies.tools.value: value is missing"]);
  });

  it("drops bad fields one by one, with Codex's warnings", async () => {
    const path = await skillWith(
      [
        "interface:",
        "  display_name: '   '",
        `  short_description: ${"x".repeat(1025)}`,
        "  icon_small: /etc/passwd",
        "  icon_large: assets/../../secret.png",
        "  brand_color: red",
        "  default_prompt: Go",
      ].join("\n"),
    );
    const loaded = loadSkillMetadata(path);
    expect(loaded.metadata).toEqual({
      interface: { display_name: null, short_description: null, icon_small: null, icon_large: null, brand_color: null, default_prompt: "Go" },
    });
    expect(loaded.warnings).toEqual([
      "ignoring interface.display_name: value is empty",
      "ignoring interface.short_description: exceeds maximum length of 1024 characters",
      `ignoring interface.icon_small: icon must be a relative assets path (not ${join(root, "demo", "assets")})`,
      "ignoring interface.icon_large: icon path must not contain '..'",
      "ignoring interface.brand_color: expected #RRGGBB, got red",
    ]);
    // An interface with nothing left is no interface; an icon outside assets/ is refused too.
    const other = await skillWith("interface:\n  icon_small: icons/x.png\n", "other");
    expect(loadSkillMetadata(other)).toEqual({ metadata: {}, warnings: ["ignoring interface.icon_small: icon path must be under assets/"] });
  });

  it("ignores a malformed file whole, naming it, and the skill still loads", async () => {
    const cases: [string, RegExp][] = [
      ["policy: [unclosed\n", /^ignoring .*\/agents\/openai\.yaml: invalid openai\.yaml: /],
      ["policy:\n  allow_implicit_invocation: 'no'\n", /: invalid openai\.yaml: policy\.allow_implicit_invocation: /],
      ["policy:\n  products: [windows]\n", /: invalid openai\.yaml: policy\.products\.0: /],
      ["interface: just text\n", /: invalid openai\.yaml: interface: /],
      ["- a list\n", /: invalid openai\.yaml: \(top level\): /],
    ];
    for (const [i, [yaml, warning]] of cases.entries()) {
      const path = await skillWith(yaml, `bad-${i}`);
      const loaded = loadSkillMetadata(path);
      expect(loaded.metadata).toEqual({});
      expect(loaded.warnings).toHaveLength(1);
      expect(loaded.warnings[0]).toMatch(warning);
      expect(loaded.warnings[0]).toContain(join(root, `bad-${i}`, "agents", "openai.yaml"));
    }
    const outcome = loadSkills([{ path: root, scope: "repo" }]);
    expect(outcome.skills.map((s) => s.name)).toEqual(cases.map((_, i) => `bad-${i}`));
    expect(outcome.errors).toEqual([]);
    expect(outcome.metadataWarnings).toHaveLength(cases.length);
  });

  it("has no effect when absent, empty, or a folder", async () => {
    expect(loadSkillMetadata(await skillWith(null, "absent"))).toEqual({ metadata: {}, warnings: [] });
    expect(loadSkillMetadata(await skillWith("", "empty"))).toEqual({ metadata: {}, warnings: [] });
    const dir = await skillWith(null, "folder");
    await mkdir(join(root, "folder", "agents", "openai.yaml"));
    expect(loadSkillMetadata(dir)).toEqual({ metadata: {}, warnings: [] });
  });

  it("leaves out skills for other products, and lists interface and dependencies in list_skills", async () => {
    await skillWith("policy:\n  products: [chatgpt]\n", "chatgpt-only");
    await skillWith("policy:\n  products: []\n", "any-product");
    await skillWith("interface:\n  display_name: Shown\ndependencies:\n  tools:\n    - {type: env_var, value: TOKEN}\n", "described");
    const outcome = loadSkills([{ path: root, scope: "user" }]);
    expect(outcome.skills.map((s) => s.name)).toEqual(["any-product", "described"]);
    const entry = listSkillsEntry(root, outcome.skills, outcome.errors);
    expect(entry.skills[1]).toEqual({
      name: "described",
      description: "A demo.",
      interface: { display_name: "Shown", short_description: null, icon_small: null, icon_large: null, brand_color: null, default_prompt: null },
      dependencies: { tools: [{ type: "env_var", value: "TOKEN" }] },
      path: join(root, "described", "SKILL.md"),
      scope: "user",
      enabled: true,
    });
  });
});
