/**
 * Which skills a user's input names explicitly (Codex's `collect_explicit_skill_mentions`): `skill`
 * input items by path first, then `$skill-name` and `[$skill-name](path)` in the text. A plain
 * name selects a skill only when exactly one enabled skill has it; common environment variables
 * (`$PATH`, `$HOME`, ...) never count.
 */
import type { UserInputItem } from "../events/index.js";

export interface NamedSkill {
  name: string;
  path: string;
}

const COMMON_ENV_VARS = new Set(["PATH", "HOME", "USER", "SHELL", "PWD", "TMPDIR", "TEMP", "TMP", "LANG", "TERM", "XDG_CONFIG_HOME"]);
const isNameChar = (c: string | undefined) => c !== undefined && /^[A-Za-z0-9_:-]$/.test(c);
const isCommonEnvVar = (name: string) => COMMON_ENV_VARS.has(name.toUpperCase());
const OTHER_KINDS = ["app://", "mcp://", "plugin://"];

export interface Mentions {
  names: Set<string>;
  paths: Set<string>;
  plainNames: Set<string>;
}

/** Codex's `extract_tool_mentions` with the `$` sigil. */
export function extractMentions(text: string): Mentions {
  const mentions: Mentions = { names: new Set(), paths: new Set(), plainNames: new Set() };
  let i = 0;
  while (i < text.length) {
    if (text[i] === "[" && text[i + 1] === "$") {
      const linked = linkedMention(text, i);
      if (linked) {
        if (!isCommonEnvVar(linked.name)) {
          if (!OTHER_KINDS.some((prefix) => linked.path.startsWith(prefix))) mentions.names.add(linked.name);
          mentions.paths.add(linked.path);
        }
        i = linked.end;
        continue;
      }
    }
    if (text[i] !== "$" || !isNameChar(text[i + 1])) {
      i += 1;
      continue;
    }
    let end = i + 2;
    while (isNameChar(text[end])) end += 1;
    const name = text.slice(i + 1, end);
    if (!isCommonEnvVar(name)) {
      mentions.names.add(name);
      mentions.plainNames.add(name);
    }
    i = end;
  }
  return mentions;
}

function linkedMention(text: string, start: number): { name: string; path: string; end: number } | null {
  let end = start + 2;
  if (!isNameChar(text[end])) return null;
  while (isNameChar(text[end])) end += 1;
  const name = text.slice(start + 2, end);
  if (text[end] !== "]") return null;
  let open = end + 1;
  while (open < text.length && /\s/.test(text[open]!)) open += 1;
  if (text[open] !== "(") return null;
  const close = text.indexOf(")", open + 1);
  if (close < 0) return null;
  const path = text.slice(open + 1, close).trim();
  return path === "" ? null : { name, path, end: close + 1 };
}

/** The skills the input names, in Codex's order: `skill` items, then linked paths, then plain names. */
export function mentionedSkills<T extends NamedSkill>(items: readonly UserInputItem[], skills: readonly T[]): T[] {
  const counts = new Map<string, number>();
  for (const skill of skills) counts.set(skill.name, (counts.get(skill.name) ?? 0) + 1);
  const selected: T[] = [];
  const seenNames = new Set<string>();
  const seenPaths = new Set<string>();
  const blockedPlainNames = new Set<string>();
  const take = (skill: T) => {
    seenPaths.add(skill.path);
    seenNames.add(skill.name);
    selected.push(skill);
  };
  for (const item of items) {
    if (item.type !== "skill") continue;
    const { name, path } = item as { name: string; path: string };
    blockedPlainNames.add(name);
    if (seenPaths.has(path)) continue;
    const skill = skills.find((s) => s.path === path);
    if (skill) take(skill);
  }
  for (const item of items) {
    if (item.type !== "text") continue;
    const mentions = extractMentions((item as { text: string }).text);
    if (mentions.names.size === 0 && mentions.paths.size === 0) continue;
    const paths = new Set([...mentions.paths].filter((p) => !OTHER_KINDS.some((prefix) => p.startsWith(prefix))).map((p) => p.replace(/^skill:\/\//, "")));
    for (const skill of skills) if (!seenPaths.has(skill.path) && paths.has(skill.path)) take(skill);
    for (const skill of skills) {
      if (seenPaths.has(skill.path) || blockedPlainNames.has(skill.name) || !mentions.plainNames.has(skill.name)) continue;
      if (counts.get(skill.name) !== 1 || seenNames.has(skill.name)) continue;
      take(skill);
    }
  }
  return selected;
}
