/**
 * A mentioned skill's body goes into the conversation as Codex's `SkillInstructions` fragment: a
 * user message `<skill>\n<name>N</name>\n<path>P</path>\n<SKILL.md contents>\n</skill>`. A file that
 * cannot be read is a warning, as in Codex.
 */
import { readFile } from "node:fs/promises";
import type { ResponseItem } from "../events/index.js";
import type { NamedSkill } from "./mentions.js";

/** The body of a SKILL.md is read whole up to this size; a larger file is reported, not sent. */
const MAX_SKILL_BODY_BYTES = 1024 * 1024;

export interface SkillInjections {
  items: ResponseItem[];
  warnings: string[];
}

export function skillMessage(skill: NamedSkill, contents: string): ResponseItem {
  return {
    type: "message",
    role: "user",
    content: [{ type: "input_text", text: `<skill>\n<name>${skill.name}</name>\n<path>${skill.path}</path>\n${contents}\n</skill>` }],
  };
}

/** Reads each skill's SKILL.md (through `read`, so replay can answer from its log). */
export async function buildSkillInjections(
  skills: readonly NamedSkill[],
  read: (path: string) => Promise<string> = readSkillFile,
): Promise<SkillInjections> {
  const result: SkillInjections = { items: [], warnings: [] };
  for (const skill of skills) {
    try {
      result.items.push(skillMessage(skill, await read(skill.path)));
    } catch (error) {
      result.warnings.push(`Failed to load skill ${skill.name} at ${skill.path}: ${(error as Error).message}`);
    }
  }
  return result;
}

export async function readSkillFile(path: string): Promise<string> {
  const buffer = await readFile(path);
  if (buffer.length > MAX_SKILL_BODY_BYTES) throw new Error(`the file is larger than ${MAX_SKILL_BODY_BYTES} bytes`);
  return buffer.toString("utf8");
}
