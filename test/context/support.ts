// Reading captured Codex 0.125 data back into our inputs: a recorded `turn_context` gives the settings
// of its turn; the shell and the bundled skills are read from what Codex sent, since they are
// machine facts Codex does not persist.
import { readFileSync } from "node:fs";
import type { ResponseItem, TurnContextItem } from "../../src/events/index.js";
import type { Personality, SandboxHost, SkillSummary, TurnSettings } from "../../src/context/index.js";

export const FIXTURES = new URL("../fixtures/codex/", import.meta.url);
export const OWN_FIXTURES = new URL("./fixtures/", import.meta.url);

export function readJson<T = any>(url: URL): T {
  return JSON.parse(readFileSync(url, "utf8")) as T;
}

/** Rollout lines `{ timestamp, type, payload }`. */
export function readRollout(url: URL): { type: string; payload: any }[] {
  return readFileSync(url, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line));
}

const textsOf = (item: any): string[] => (item?.content ?? []).map((part: any) => part.text ?? "");

/** The skills listed in a developer message's `<skills_instructions>`, in order. */
export function skillsIn(items: readonly unknown[]): SkillSummary[] {
  const text = items.flatMap(textsOf).find((t) => t.startsWith("<skills_instructions>"));
  if (text === undefined) return [];
  // The skills budget may have cut a description to nothing: `- name: (file: path)`.
  return [...text.matchAll(/^- ([^:\n]+): (?:(.*) )?\(file: (.*)\)$/gm)].map((m) => ({
    name: m[1],
    description: m[2] ?? "",
    path: m[3],
  }));
}

/** The `<shell>` an `<environment_context>` names. */
export function shellIn(items: readonly unknown[]): string {
  const text = items.flatMap(textsOf).find((t) => t.startsWith("<environment_context>"));
  const shell = text?.match(/<shell>(.*)<\/shell>/)?.[1];
  if (shell === undefined) throw new Error("no <environment_context> with a shell");
  return shell;
}

/** The settings a recorded `turn_context` describes. */
export function settingsOf(
  item: TurnContextItem,
  extra: { shell: string; skills?: SkillSummary[]; host?: SandboxHost; baseInstructions?: string },
): TurnSettings {
  return {
    cwd: item.cwd,
    approvalPolicy: item.approval_policy,
    sandboxPolicy: item.sandbox_policy,
    model: item.model,
    ...(item.effort ? { effort: item.effort } : {}),
    summary: item.summary,
    ...(item.developer_instructions != null ? { developerInstructions: item.developer_instructions } : {}),
    ...(item.user_instructions != null ? { userInstructions: item.user_instructions } : {}),
    ...(item.personality != null ? { personality: item.personality as Personality } : {}),
    ...collaborationModeOf(item),
    currentDate: item.current_date ?? "",
    timezone: item.timezone ?? "",
    shell: extra.shell,
    skills: extra.skills,
    host: extra.host,
    ...(extra.baseInstructions !== undefined ? { baseInstructions: extra.baseInstructions } : {}),
  };
}

/** The collaboration mode a recorded `turn_context` names, when it carries instructions or is Plan. */
function collaborationModeOf(item: TurnContextItem): Pick<TurnSettings, "collaborationMode"> {
  const mode = item.collaboration_mode as { mode?: "default" | "plan"; settings?: { developer_instructions?: string | null } } | undefined;
  const instructions = mode?.settings?.developer_instructions ?? null;
  if (!mode?.mode || (mode.mode === "default" && instructions === null)) return {};
  return { collaborationMode: { mode: mode.mode, developerInstructions: instructions } };
}

/** One `turn_context` with the response items Codex recorded just before it (its context items). */
export interface RecordedTurn {
  turnContext: TurnContextItem;
  contextItems: ResponseItem[];
  /** The previous turn's `turn_context`, unless a compaction came in between (which clears it). */
  reference: TurnContextItem | null;
}

export function recordedTurns(lines: { type: string; payload: any }[]): RecordedTurn[] {
  const turns: RecordedTurn[] = [];
  let reference: TurnContextItem | null = null;
  lines.forEach((line, index) => {
    if (line.type === "compacted") reference = null;
    if (line.type !== "turn_context") return;
    const contextItems: ResponseItem[] = [];
    for (let i = index - 1; i >= 0 && lines[i].type === "response_item"; i--) contextItems.unshift(lines[i].payload);
    turns.push({ turnContext: line.payload, contextItems, reference });
    reference = line.payload;
  });
  return turns;
}
