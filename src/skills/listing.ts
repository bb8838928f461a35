/** How skills are shown: the prompt's order, and the `list_skills_response` entry of a cwd. */
import type { SkillError, SkillMetadata } from "./loader.js";
import { orderedForBudget } from "./render.js";

/** Codex's `ordered_skills_for_budget`. */
export function promptOrder(skills: readonly SkillMetadata[]): SkillMetadata[] {
  return orderedForBudget(skills);
}

/** Codex's `SkillsListEntry` for one cwd. */
export function listSkillsEntry(cwd: string, skills: readonly SkillMetadata[], errors: readonly SkillError[]) {
  return {
    cwd,
    skills: skills.map((skill) => ({
      name: skill.name,
      description: skill.description,
      ...(skill.shortDescription ? { short_description: skill.shortDescription } : {}),
      ...(skill.interface ? { interface: skill.interface } : {}),
      ...(skill.dependencies ? { dependencies: skill.dependencies } : {}),
      path: skill.path,
      scope: skill.scope,
      enabled: true,
    })),
    errors: errors.map((error) => ({ path: error.path, message: error.message })),
  };
}
