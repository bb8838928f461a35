/** Skills: SKILL.md discovery where Codex looks, explicit mentions, body injection, change watching. */

/** `skillRoots(places)` and `loadSkills(roots)`: the skills found and the files that failed (each error names its file). */
export { skillRoots, loadSkills, parseSkillFile, extractFrontmatter } from "./loader.js";
export type { SkillMetadata, SkillError, SkillLoadOutcome, SkillRoot, SkillScope, SkillPlaces } from "./loader.js";
/** `loadSkillMetadata(skillPath)`: a skill's `agents/openai.yaml` (interface, dependencies, policy), failing open with warnings. */
export { loadSkillMetadata, allowsImplicitInvocation, isForCodex, SkillProduct, SKILL_METADATA_FILE } from "./metadata.js";
export type { SkillInterface, SkillToolDependency, SkillPolicy, SkillExtraMetadata, LoadedSkillMetadata } from "./metadata.js";
/** `promptOrder(skills)`: Codex's order in `<skills_instructions>` (system, admin, repo, user; then name). */
export { promptOrder, listSkillsEntry } from "./listing.js";
/** `mentionedSkills(items, skills)`: the skills named by `skill` items and `$name` mentions. */
export { mentionedSkills, extractMentions } from "./mentions.js";
export type { NamedSkill, Mentions } from "./mentions.js";
/** `buildSkillInjections(skills)`: the `<skill>` messages carrying each mentioned skill's SKILL.md. */
export { buildSkillInjections, skillMessage, readSkillFile } from "./injection.js";
export type { SkillInjections } from "./injection.js";
/** `watchSkills(roots, onChange)`: a debounced watch of the skill roots. */
export { watchSkills } from "./watcher.js";
export type { SkillsWatcher } from "./watcher.js";
/** `buildAvailableSkills(skills, budget)`: Codex's budgeted skills list (cut descriptions, omitted skills, the warning). */
export {
  buildAvailableSkills,
  defaultSkillMetadataBudget,
  approxTokenCount,
  orderedForBudget,
  compareStrings,
  comparePaths,
  averageTruncatedChars,
  DEFAULT_SKILL_METADATA_CHAR_BUDGET,
  SKILL_DESCRIPTION_TRUNCATED_WARNING_PREFIX,
  SKILL_DESCRIPTIONS_REMOVED_WARNING_PREFIX,
} from "./render.js";
export type { SkillMetadataBudget, RenderableSkill, SkillRenderReport, AvailableSkills } from "./render.js";
