/** How skills are shown: the prompt's order, and the `list_skills_response` entry of a cwd. */
import type { SkillError, SkillMetadata, SkillScope } from "./loader.js";

const PROMPT_RANK: Record<SkillScope, number> = { system: 0, admin: 1, repo: 2, user: 3 };
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Codex's `ordered_skills_for_budget`. */
export function promptOrder(skills: readonly SkillMetadata[]): SkillMetadata[] {
  return [...skills].sort((a, b) => PROMPT_RANK[a.scope] - PROMPT_RANK[b.scope] || compare(a.name, b.name) || compare(a.path, b.path));
}

/** Codex's `SkillsListEntry` for one cwd. */
export function listSkillsEntry(cwd: string, skills: readonly SkillMetadata[], errors: readonly SkillError[]) {
  return {
    cwd,
    skills: skills.map((skill) => ({
      name: skill.name,
      description: skill.description,
      ...(skill.shortDescription ? { short_description: skill.shortDescription } : {}),
      path: skill.path,
      scope: skill.scope,
      enabled: true,
    })),
    errors: errors.map((error) => ({ path: error.path, message: error.message })),
  };
}
