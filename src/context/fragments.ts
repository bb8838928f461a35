/**
 * The small tagged sections of Codex's context bundles (`core/src/context/*.rs`) and the two message
 * shapes that carry them: one developer message and one user message, one `input_text` per section.
 */
import type { MessageItem } from "../events/index.js";
import { SKILLS_HOW_TO_USE, SKILLS_INTRO } from "./prompts/skills.js";
import type { SkillSummary } from "./settings.js";

export const AGENTS_MD_OPEN_PREFIX = "# AGENTS.md instructions for ";
export const AGENTS_MD_CLOSE_TAG = "</INSTRUCTIONS>";

/** AGENTS.md text as the model sees it (`UserInstructions`). */
export function userInstructionsText(directory: string, text: string): string {
  return `${AGENTS_MD_OPEN_PREFIX}${directory}\n\n<INSTRUCTIONS>\n${text}\n${AGENTS_MD_CLOSE_TAG}`;
}

/** Sent when a thread continues on another model (`ModelSwitchInstructions`). */
export function modelSwitchText(modelInstructions: string): string {
  return `<model_switch>\nThe user was previously using a different model. Please continue the conversation according to the following instructions:\n\n${modelInstructions}\n</model_switch>`;
}

/** Sent when the personality changes mid-thread (`PersonalitySpecInstructions`). */
export function personalitySpecText(spec: string): string {
  return `<personality_spec> The user has requested a new communication style. Future messages should adhere to the following personality: \n${spec} </personality_spec>`;
}

/** `- name: description (file: path)`, or without the description when it is empty. */
function skillLine(skill: SkillSummary): string {
  const path = skill.path.replaceAll("\\", "/");
  return skill.description === ""
    ? `- ${skill.name}: (file: ${path})`
    : `- ${skill.name}: ${skill.description} (file: ${path})`;
}

/**
 * The `<skills_instructions>` section (`AvailableSkillsInstructions`), or undefined without skills.
 * Skills are listed as given: the runtime has already fitted them to Codex's skills budget, which
 * can leave none of them, and then the section still comes, with an empty list, as in Codex.
 */
export function skillsInstructionsText(skills: readonly SkillSummary[] | undefined): string | undefined {
  if (skills === undefined) return undefined;
  const lines = ["## Skills", SKILLS_INTRO, "### Available skills", ...skills.map(skillLine)];
  lines.push("### How to use skills", SKILLS_HOW_TO_USE);
  return `<skills_instructions>\n${lines.join("\n")}\n</skills_instructions>`;
}

/** One message with a text part per section (`build_text_message`), or undefined when empty. */
export function textMessage(role: "developer" | "user", sections: readonly string[]): MessageItem | undefined {
  if (sections.length === 0) return undefined;
  return { type: "message", role, content: sections.map((text) => ({ type: "input_text" as const, text })) };
}
