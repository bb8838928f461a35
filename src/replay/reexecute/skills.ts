/**
 * Skills as the recording saw them: the list its developer context rendered, the SKILL.md bodies
 * its `<skill>` messages carried, the `list_skills` answers it logged. Nothing is read from disk, so
 * a replay elsewhere (or after the files changed) still re-executes what happened.
 */
import type { LogEntry } from "../../events/index.js";
import type { SkillSummary } from "../../context/index.js";
import type { SkillCatalog } from "../../runtime/thread-skills.js";

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
  for (const text of texts) {
    const match = /^<skill>\n<name>[^\n]*<\/name>\n<path>([^\n]*)<\/path>\n([\s\S]*)\n<\/skill>$/.exec(text);
    if (match && !bodies.has(match[1]!)) bodies.set(match[1]!, match[2]!);
  }
  const answers = entries.flatMap((e) => (e.kind === "event_msg" && e.payload.type === "list_skills_response" ? [(e.payload as { skills?: unknown[] }).skills ?? []] : []));
  return {
    summaries: () => (listing ? skillsListed(listing) : []),
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
