/**
 * Skills as the recording saw them: the list its developer context rendered (already within the
 * skills budget, so shown as it was, with the budget warning the recording gave), the SKILL.md
 * bodies its `<skill>` messages carried, the `list_skills` answers it logged. Nothing is read from
 * disk, so a replay elsewhere (or after the files changed) still re-executes what happened.
 */
import type { LogEntry } from "../../events/index.js";
import type { SkillSummary } from "../../context/index.js";
import type { SkillCatalog } from "../../runtime/thread-skills.js";
import { SKILL_DESCRIPTIONS_REMOVED_WARNING_PREFIX, SKILL_DESCRIPTION_TRUNCATED_WARNING_PREFIX } from "../../skills/index.js";

const BUDGET_WARNING_STARTS = [SKILL_DESCRIPTIONS_REMOVED_WARNING_PREFIX, SKILL_DESCRIPTION_TRUNCATED_WARNING_PREFIX].map((prefix) =>
  prefix.slice(0, prefix.indexOf("Exceeded skills context budget") + "Exceeded skills context budget".length),
);

const textsOf = (entry: LogEntry): string[] =>
  entry.kind === "response_item" && entry.payload.type === "message"
    ? entry.payload.content.flatMap((part) => (part.type === "input_text" ? [part.text] : []))
    : [];

/** The skills a `<skills_instructions>` section lists, in order. */
export function skillsListed(text: string): SkillSummary[] {
  return [...text.matchAll(/^- ([^:\n]+): (?:(.*) )?\(file: (.*)\)$/gm)].map((m) => ({ name: m[1]!, description: m[2] ?? "", path: m[3]! }));
}

export function recordedSkills(entries: readonly LogEntry[]): SkillCatalog {
  const texts = entries.flatMap(textsOf);
  const listing = texts.find((text) => text.startsWith("<skills_instructions>"));
  const bodies = new Map<string, string>();
  // A skill the budget left out of the list could still be named: its injected body says so.
  const named: SkillSummary[] = [];
  for (const text of texts) {
    const match = /^<skill>\n<name>([^\n]*)<\/name>\n<path>([^\n]*)<\/path>\n([\s\S]*)\n<\/skill>$/.exec(text);
    if (match && !bodies.has(match[2]!)) {
      bodies.set(match[2]!, match[3]!);
      named.push({ name: match[1]!, description: "", path: match[2]! });
    }
  }
  const listed = listing !== undefined ? skillsListed(listing) : [];
  const budgetWarning = entries.find(
    (e) => e.kind === "event_msg" && e.payload.type === "warning" && BUDGET_WARNING_STARTS.some((start) => (e.payload as { message: string }).message.startsWith(start)),
  );
  const answers = entries.flatMap((e) => (e.kind === "event_msg" && e.payload.type === "list_skills_response" ? [(e.payload as { skills?: unknown[] }).skills ?? []] : []));
  return {
    summaries: () => [...listed, ...named.filter((skill) => !listed.some((l) => l.path === skill.path))],
    listing: () =>
      listing === undefined
        ? undefined
        : {
            skills: listed,
            ...(budgetWarning?.kind === "event_msg" && budgetWarning.payload.type === "warning" ? { warning: budgetWarning.payload.message } : {}),
          },
    warnings: () => [],
    list: () => answers.shift() ?? [],
    read: async (path) => {
      const body = bodies.get(path);
      if (body === undefined) throw new Error(`the recording has no body of skill ${path}`);
      return body;
    },
    watch: () => null,
  };
}
