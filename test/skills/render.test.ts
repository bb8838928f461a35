// Codex's skills budget, case by case: the expectations of codex-core-skills' render.rs tests and of
// core/src/session/tests.rs (the thread-start warning and metrics), ported with the same numbers.
import { describe, expect, it } from "vitest";
import {
  DEFAULT_SKILL_METADATA_CHAR_BUDGET,
  approxTokenCount,
  buildAvailableSkills,
  comparePaths,
  defaultSkillMetadataBudget,
  orderedForBudget,
  type RenderableSkill,
  type SkillMetadataBudget,
} from "../../src/skills/index.js";
import type { SkillScope } from "../../src/skills/index.js";

const skill = (name: string, scope: SkillScope, description = "desc"): RenderableSkill => ({
  name,
  description,
  path: `/tmp/${name}/SKILL.md`,
  scope,
});
const line = (s: RenderableSkill, description: string) =>
  description === "" ? `- ${s.name}: (file: ${s.path})` : `- ${s.name}: ${description} (file: ${s.path})`;
const chars = (limit: number): SkillMetadataBudget => ({ kind: "characters", limit });
/** A line's cost in characters, newline included (Codex's `minimum_cost` under a character budget). */
const minimumCost = (s: RenderableSkill) => [...`${line(s, "")}\n`].length;

describe("the skills budget (render.rs)", () => {
  it("is 2% of the context window in tokens, or 8,000 characters without a window", () => {
    expect(defaultSkillMetadataBudget(200_000)).toEqual({ kind: "tokens", limit: 4_000 });
    expect(defaultSkillMetadataBudget(99)).toEqual({ kind: "tokens", limit: 1 });
    expect(defaultSkillMetadataBudget(272_000)).toEqual({ kind: "tokens", limit: 5_440 });
    expect(defaultSkillMetadataBudget(undefined)).toEqual({ kind: "characters", limit: DEFAULT_SKILL_METADATA_CHAR_BUDGET });
    expect(defaultSkillMetadataBudget(-1)).toEqual({ kind: "characters", limit: 8_000 });
    expect(defaultSkillMetadataBudget(0)).toEqual({ kind: "characters", limit: 8_000 });
  });

  it("counts approximate tokens as UTF-8 bytes over 4, rounded up", () => {
    expect(approxTokenCount("")).toBe(0);
    expect(approxTokenCount("abcd")).toBe(1);
    expect(approxTokenCount("abcde")).toBe(2);
    // "é" is two bytes, "😀" four.
    expect(approxTokenCount("é😀")).toBe(2);
  });

  it("renders nothing without skills, and everything when it fits", () => {
    expect(buildAvailableSkills([], chars(10))).toBeUndefined();
    const a = skill("a-skill", "user", "Does a.");
    const rendered = buildAvailableSkills([a], defaultSkillMetadataBudget(272_000))!;
    expect(rendered.skillLines).toEqual([line(a, "Does a.")]);
    expect(rendered.report).toEqual({ totalCount: 1, includedCount: 1, omittedCount: 0, truncatedDescriptionChars: 0, truncatedDescriptionCount: 0 });
    expect(rendered.warningMessage).toBeUndefined();
  });

  it("truncates descriptions equally before omitting skills", () => {
    const alpha = skill("alpha-skill", "repo", "abcdef");
    const beta = skill("beta-skill", "repo", "uvwxyz");
    const rendered = buildAvailableSkills([beta, alpha], chars(minimumCost(alpha) + minimumCost(beta) + 6))!;
    expect(rendered.report.includedCount).toBe(2);
    expect(rendered.report.omittedCount).toBe(0);
    expect(rendered.report.truncatedDescriptionChars).toBe(8);
    expect(rendered.warningMessage).toBeUndefined();
    expect(rendered.skillLines).toEqual([line(alpha, "ab"), line(beta, "uv")]);
    expect(rendered.shown.map((s) => s.description)).toEqual(["ab", "uv"]);
  });

  it("does not warn when the average truncation is within the threshold", () => {
    const alpha = skill("alpha-skill", "repo", "abcdefghij");
    const beta = skill("beta-skill", "repo", "uvwxyzabcd");
    const rendered = buildAvailableSkills([alpha, beta], chars(minimumCost(alpha) + minimumCost(beta) + 6))!;
    expect(rendered.report).toMatchObject({ includedCount: 2, omittedCount: 0, truncatedDescriptionChars: 16, truncatedDescriptionCount: 2 });
    expect(rendered.warningMessage).toBeUndefined();
  });

  it("warns when the average truncation exceeds the threshold", () => {
    const alpha = skill("alpha-skill", "repo", "abcdefghijklmnop");
    const beta = skill("beta-skill", "repo", "uvwxyzabcdefghij");
    const rendered = buildAvailableSkills([alpha, beta], chars(minimumCost(alpha) + minimumCost(beta) + 6))!;
    expect(rendered.report).toMatchObject({ includedCount: 2, omittedCount: 0, truncatedDescriptionChars: 28, truncatedDescriptionCount: 2 });
    expect(rendered.warningMessage).toBe(
      "Warning: Exceeded skills context budget. Loaded skill descriptions were truncated by an average of 14 characters per skill.",
    );
  });

  it("gives a short description's unused share to the longer ones", () => {
    const short = skill("short-skill", "repo", "x");
    const long = skill("long-skill", "repo", "abcdefghi");
    const rendered = buildAvailableSkills([short, long], chars(minimumCost(short) + minimumCost(long) + 11))!;
    expect(rendered.report).toMatchObject({ includedCount: 2, omittedCount: 0 });
    expect(rendered.warningMessage).toBeUndefined();
    expect(rendered.skillLines).toEqual([line(long, "abcdefgh"), line(short, "x")]);
  });

  it("keeps prompt priority (system, admin, repo, user) when even the bare lines do not fit", () => {
    const system = skill("system-skill", "system");
    const user = skill("user-skill", "user");
    const repo = skill("repo-skill", "repo");
    const admin = skill("admin-skill", "admin");
    const rendered = buildAvailableSkills([system, user, repo, admin], chars(minimumCost(system) + minimumCost(admin)))!;
    expect(rendered.report).toMatchObject({ includedCount: 2, omittedCount: 2 });
    expect(rendered.warningMessage).toBe(
      "Warning: Exceeded skills context budget. All skill descriptions were removed and 2 additional skills were not included in the model-visible skills list.",
    );
    expect(rendered.skillLines).toEqual([line(system, ""), line(admin, "")]);
  });

  it("keeps scanning after an entry that does not fit", () => {
    const oversized = skill("oversized-system-skill", "system", "desc ".repeat(100));
    const repo = skill("repo-skill", "repo");
    const rendered = buildAvailableSkills([oversized, repo], chars([...`${line(repo, "desc")}\n`].length))!;
    expect(rendered.report).toMatchObject({ includedCount: 1, omittedCount: 1 });
    expect(rendered.warningMessage).toBe(
      "Warning: Exceeded skills context budget. All skill descriptions were removed and 1 additional skill was not included in the model-visible skills list.",
    );
    expect(rendered.skillLines).toEqual([line(repo, "")]);
  });

  it("reports the thread-start metrics' values (session tests)", () => {
    // One skill, a budget of one character: nothing kept, four description characters cut.
    const rendered = buildAvailableSkills([skill("repo-skill", "repo")], chars(1))!;
    expect(rendered.warningMessage).toBe(
      "Warning: Exceeded skills context budget. All skill descriptions were removed and 1 additional skill was not included in the model-visible skills list.",
    );
    expect(rendered.report).toEqual({ totalCount: 1, includedCount: 0, omittedCount: 1, truncatedDescriptionChars: 4, truncatedDescriptionCount: 1 });
    expect(rendered.skillLines).toEqual([]);
  });

  it("says 2% under a token budget: a 100-token window keeps no skill (session tests)", () => {
    const rendered = buildAvailableSkills([skill("admin-skill", "admin"), skill("repo-skill", "repo")], defaultSkillMetadataBudget(100))!;
    expect(rendered.skillLines).toEqual([]);
    expect(rendered.warningMessage).toBe(
      "Warning: Exceeded skills context budget of 2%. All skill descriptions were removed and 2 additional skills were not included in the model-visible skills list.",
    );
  });

  it("counts tokens by UTF-8 bytes when cutting descriptions", () => {
    // Each "é" is two bytes: a 4-byte token holds two of them.
    const a = skill("a", "repo", "éééééééé");
    const budget: SkillMetadataBudget = { kind: "tokens", limit: approxTokenCount(`${line(a, "")}\n`) + 1 };
    const rendered = buildAvailableSkills([a], budget)!;
    const shown = rendered.shown[0]!.description;
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThan(8);
    expect(approxTokenCount(`${rendered.skillLines[0]}\n`)).toBeLessThanOrEqual(budget.limit);
    // One more character would not have fit.
    expect(approxTokenCount(`${line(a, "é".repeat(shown.length + 1))}\n`)).toBeGreaterThan(budget.limit);
  });

  it("orders by scope, then name by code point, then path component by component; unscoped skills last as given", () => {
    const x = { name: "x", description: "", path: "/z/SKILL.md" };
    const skills: RenderableSkill[] = [
      x,
      { name: "b", description: "", path: "/a/b-c/SKILL.md", scope: "repo" },
      { name: "b", description: "", path: "/a/b/c/SKILL.md", scope: "repo" },
      { name: "\u{1F600}", description: "", path: "/e/SKILL.md", scope: "user" },
      { name: "\uFF21", description: "", path: "/f/SKILL.md", scope: "user" },
      { name: "z", description: "", path: "/s/SKILL.md", scope: "system" },
    ];
    expect(orderedForBudget(skills).map((s) => s.path)).toEqual([
      "/s/SKILL.md",
      "/a/b/c/SKILL.md",
      "/a/b-c/SKILL.md",
      // U+FF21 before U+1F600 (UTF-16 order would put the emoji's surrogate first).
      "/f/SKILL.md",
      "/e/SKILL.md",
      "/z/SKILL.md",
    ]);
    expect(comparePaths("/a/b", "/a/b")).toBe(0);
    expect(comparePaths("/a", "/a/b")).toBe(-1);
  });
});
