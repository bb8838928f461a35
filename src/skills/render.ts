/**
 * The skills list the model sees, within Codex's budget (`codex-core-skills` render.rs): 2% of the
 * model's context window in approximate tokens (4 bytes each), or 8,000 characters when the window
 * is unknown. When every full line does not fit, descriptions are shortened one character at a time
 * across all skills; when not even the bare `- name: (file: path)` lines fit, skills are dropped in
 * prompt order (system, admin, repo, user). The report and the warning texts are Codex's.
 */
import type { SkillScope } from "./loader.js";

export type SkillMetadataBudget = { kind: "tokens"; limit: number } | { kind: "characters"; limit: number };

export const DEFAULT_SKILL_METADATA_CHAR_BUDGET = 8_000;
const SKILL_METADATA_CONTEXT_WINDOW_PERCENT = 2;
const SKILL_DESCRIPTION_TRUNCATION_WARNING_THRESHOLD_CHARS = 10;
const APPROX_BYTES_PER_TOKEN = 4;
export const SKILL_DESCRIPTION_TRUNCATED_WARNING_PREFIX =
  "Warning: Exceeded skills context budget. Loaded skill descriptions were truncated by an average of";
export const SKILL_DESCRIPTIONS_REMOVED_WARNING_PREFIX =
  "Warning: Exceeded skills context budget. All skill descriptions were removed and";

/** A skill as the renderer needs it; without a scope it is listed after every discovered skill, in the order given. */
export interface RenderableSkill {
  name: string;
  description: string;
  path: string;
  scope?: SkillScope;
}

export interface SkillRenderReport {
  totalCount: number;
  includedCount: number;
  omittedCount: number;
  truncatedDescriptionChars: number;
  truncatedDescriptionCount: number;
}

export interface AvailableSkills {
  /** The `- name: description (file: path)` lines, in order. */
  skillLines: string[];
  /** The skills those lines show, each with the description as shown (possibly cut short or empty). */
  shown: { name: string; description: string; path: string }[];
  report: SkillRenderReport;
  /** What Codex tells the user (a `warning` event) when the list had to be cut. */
  warningMessage?: string;
}

/** Codex's `default_skill_metadata_budget`. */
export function defaultSkillMetadataBudget(contextWindow: number | null | undefined): SkillMetadataBudget {
  if (contextWindow === null || contextWindow === undefined || !Number.isSafeInteger(contextWindow) || contextWindow <= 0) {
    return { kind: "characters", limit: DEFAULT_SKILL_METADATA_CHAR_BUDGET };
  }
  return { kind: "tokens", limit: Math.max(1, Math.floor((contextWindow * SKILL_METADATA_CONTEXT_WINDOW_PERCENT) / 100)) };
}

/** Codex's `approx_token_count`: UTF-8 bytes over 4, rounded up. */
export function approxTokenCount(text: string): number {
  return tokensFromBytes(Buffer.byteLength(text, "utf8"));
}

const tokensFromBytes = (bytes: number) => Math.floor((bytes + APPROX_BYTES_PER_TOKEN - 1) / APPROX_BYTES_PER_TOKEN);
/** Rust's `chars().count()`: Unicode scalar values, not UTF-16 units. */
const charCount = (text: string) => {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
};
const utf8Length = (char: string) => {
  const code = char.codePointAt(0)!;
  return code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
};

const cost = (budget: SkillMetadataBudget, text: string) => (budget.kind === "tokens" ? approxTokenCount(text) : charCount(text));
const costFromCounts = (budget: SkillMetadataBudget, chars: number, bytes: number) =>
  budget.kind === "tokens" ? tokensFromBytes(bytes) : chars;
const lineCost = (budget: SkillMetadataBudget, line: string) => cost(budget, `${line}\n`);

class SkillLine {
  readonly path: string;
  readonly chars: string[];
  constructor(readonly skill: RenderableSkill) {
    this.path = skill.path.replaceAll("\\", "/");
    this.chars = [...skill.description];
  }
  render(description: string): string {
    return description === "" ? `- ${this.skill.name}: (file: ${this.path})` : `- ${this.skill.name}: ${description} (file: ${this.path})`;
  }
  full = () => this.render(this.skill.description);
  minimum = () => this.render("");
  prefix = (chars: number) => this.chars.slice(0, chars).join("");
}

/** Codex's `build_available_skills`: undefined without skills. */
export function buildAvailableSkills(skills: readonly RenderableSkill[], budget: SkillMetadataBudget): AvailableSkills | undefined {
  if (skills.length === 0) return undefined;
  const { shown, report } = renderSkillLines(skills, budget);
  let warningMessage: string | undefined;
  if (report.omittedCount > 0) {
    const one = report.omittedCount === 1;
    warningMessage = `${warningPrefix(budget, SKILL_DESCRIPTIONS_REMOVED_WARNING_PREFIX)} ${report.omittedCount} additional ${one ? "skill" : "skills"} ${one ? "was" : "were"} not included in the model-visible skills list.`;
  } else if (averageTruncatedChars(report) > SKILL_DESCRIPTION_TRUNCATION_WARNING_THRESHOLD_CHARS) {
    warningMessage = `${warningPrefix(budget, SKILL_DESCRIPTION_TRUNCATED_WARNING_PREFIX)} ${averageTruncatedChars(report)} characters per skill.`;
  }
  return {
    skillLines: shown.map(({ line }) => line),
    shown: shown.map(({ skill, description }) => ({ name: skill.skill.name, description, path: skill.skill.path })),
    report,
    ...(warningMessage !== undefined ? { warningMessage } : {}),
  };
}

function warningPrefix(budget: SkillMetadataBudget, prefix: string): string {
  return budget.kind === "tokens" ? prefix.replace("Exceeded skills context budget.", "Exceeded skills context budget of 2%.") : prefix;
}

/** The mean number of characters cut per shortened description, rounded up. */
export function averageTruncatedChars(report: SkillRenderReport): number {
  if (report.truncatedDescriptionCount === 0) return 0;
  return Math.floor((report.truncatedDescriptionChars + report.truncatedDescriptionCount - 1) / report.truncatedDescriptionCount);
}

interface Shown {
  skill: SkillLine;
  description: string;
  line: string;
}

function renderSkillLines(skills: readonly RenderableSkill[], budget: SkillMetadataBudget): { shown: Shown[]; report: SkillRenderReport } {
  const lines = orderedForBudget(skills).map((skill) => new SkillLine(skill));
  const report = (included: number, omitted: number, chars: number, count: number): SkillRenderReport => ({
    totalCount: skills.length,
    includedCount: included,
    omittedCount: omitted,
    truncatedDescriptionChars: chars,
    truncatedDescriptionCount: count,
  });
  const fullCost = lines.reduce((used, line) => used + lineCost(budget, line.full()), 0);
  if (fullCost <= budget.limit) {
    return { shown: lines.map((skill) => ({ skill, description: skill.skill.description, line: skill.full() })), report: report(lines.length, 0, 0, 0) };
  }
  const minimumCost = lines.reduce((used, line) => used + lineCost(budget, line.minimum()), 0);
  if (minimumCost <= budget.limit) {
    const allocations = allocateDescriptions(budget, lines, budget.limit - minimumCost);
    let chars = 0;
    let count = 0;
    const shown = lines.map((skill, i) => {
      const cut = skill.chars.length - allocations[i]!;
      if (cut > 0) {
        chars += cut;
        count += 1;
      }
      const description = skill.prefix(allocations[i]!);
      return { skill, description, line: skill.render(description) };
    });
    return { shown, report: report(lines.length, 0, chars, count) };
  }
  // Not even the bare lines fit: keep what fits in order, and go on scanning past one that does not.
  const shown: Shown[] = [];
  let used = 0;
  let omitted = 0;
  let chars = 0;
  let count = 0;
  for (const skill of lines) {
    const cost = lineCost(budget, skill.minimum());
    if (used + cost <= budget.limit) {
      used += cost;
      shown.push({ skill, description: "", line: skill.minimum() });
    } else omitted += 1;
    chars += skill.chars.length;
    if (skill.chars.length > 0) count += 1;
  }
  return { shown, report: report(shown.length, omitted, chars, count) };
}

/**
 * Codex's `render_lines_with_description_budget`: description space handed out one character per
 * skill per round, so short descriptions drop out and their share goes to the longer ones.
 */
function allocateDescriptions(budget: SkillMetadataBudget, lines: readonly SkillLine[], limit: number): number[] {
  const extraCosts = lines.map((line) => {
    const minimum = line.minimum();
    const minimumChars = charCount(minimum) + 1;
    const minimumBytes = Buffer.byteLength(minimum, "utf8") + 1;
    const minimumCost = costFromCounts(budget, minimumChars, minimumBytes);
    const costs = [0];
    let prefixBytes = 0;
    line.chars.forEach((char, i) => {
      prefixBytes += utf8Length(char);
      // The description and the space before it.
      costs.push(Math.max(0, costFromCounts(budget, minimumChars + i + 2, minimumBytes + prefixBytes + 1) - minimumCost));
    });
    return costs;
  });
  const allocations = lines.map(() => 0);
  const current = lines.map(() => 0);
  let remaining = limit;
  for (let changed = true; changed; ) {
    changed = false;
    lines.forEach((line, i) => {
      if (allocations[i]! >= line.chars.length) return;
      const next = extraCosts[i]![allocations[i]! + 1]!;
      const delta = Math.max(0, next - current[i]!);
      if (delta <= remaining) {
        allocations[i] = allocations[i]! + 1;
        current[i] = next;
        remaining -= delta;
        changed = true;
      }
    });
  }
  return allocations;
}

const PROMPT_RANK: Record<SkillScope, number> = { system: 0, admin: 1, repo: 2, user: 3 };

/**
 * Codex's `ordered_skills_for_budget`: system, admin, repo, user; then name (Rust's byte order);
 * then path, compared component by component as Rust's `Path` does. Skills without a scope (given by
 * the embedder) follow, in their own order.
 */
export function orderedForBudget<T extends RenderableSkill>(skills: readonly T[]): T[] {
  const scoped = skills.filter((skill) => skill.scope !== undefined);
  scoped.sort(
    (a, b) => PROMPT_RANK[a.scope!] - PROMPT_RANK[b.scope!] || compareStrings(a.name, b.name) || comparePaths(a.path, b.path),
  );
  return [...scoped, ...skills.filter((skill) => skill.scope === undefined)];
}

/** Rust's `str::cmp`: by code point (UTF-8 byte order), not by UTF-16 unit. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const left = [...a];
  const right = [...b];
  for (let i = 0; i < Math.min(left.length, right.length); i += 1) {
    const difference = left[i]!.codePointAt(0)! - right[i]!.codePointAt(0)!;
    if (difference !== 0) return difference < 0 ? -1 : 1;
  }
  return left.length - right.length < 0 ? -1 : left.length === right.length ? 0 : 1;
}

/** Rust's `Path::cmp`: component by component (`/a/b/c` sorts before `/a/b-c`). */
export function comparePaths(a: string, b: string): number {
  const left = a.split("/").filter((part) => part !== "" && part !== ".");
  const right = b.split("/").filter((part) => part !== "" && part !== ".");
  // The root is a component of its own, and sorts before any name.
  if (a.startsWith("/") !== b.startsWith("/")) return a.startsWith("/") ? -1 : 1;
  for (let i = 0; i < Math.min(left.length, right.length); i += 1) {
    const difference = compareStrings(left[i]!, right[i]!);
    if (difference !== 0) return difference;
  }
  return left.length === right.length ? 0 : left.length < right.length ? -1 : 1;
}
