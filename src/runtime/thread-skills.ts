/**
 * A thread's skills: discovered once when the thread opens (data dir, home, repo; Codex's places),
 * listed in its developer context in Codex's order after any the embedder gave, within Codex's
 * budget (2% of the model's window), reloaded for `list_skills` with `force_reload` or after the
 * watcher saw a change. Replay gives its own catalog, read from the recording.
 */
import type { SkillSummary } from "../context/index.js";
import {
  allowsImplicitInvocation,
  buildAvailableSkills,
  listSkillsEntry,
  loadSkills,
  promptOrder,
  readSkillFile,
  skillRoots,
  watchSkills,
  type RenderableSkill,
  type SkillLoadOutcome,
  type SkillMetadataBudget,
  type SkillPlaces,
  type SkillsWatcher,
} from "../skills/index.js";

/** The skills list a turn's developer context shows, and what the user is told when it was cut. */
export interface SkillListing {
  skills: SkillSummary[];
  warning?: string;
}

/** What the runtime asks about skills; replay answers from its log. */
export interface SkillCatalog {
  /** Every skill the user may name (`$name`, `skill` items), in order. */
  summaries(): SkillSummary[];
  /** The list the model sees under this budget (Codex's `build_available_skills`). */
  listing(budget: SkillMetadataBudget): SkillListing | undefined;
  /** One warning per SKILL.md that failed to load, naming it. */
  warnings(): string[];
  /** `list_skills`: an entry per cwd (Codex's `SkillsListEntry`). */
  list(cwds: string[], forceReload: boolean): unknown[];
  /** A mentioned skill's SKILL.md. */
  read(path: string): Promise<string>;
  /** Calls `onChange` when a skill root changes; null when nothing can change (replay). */
  watch(onChange: () => void): SkillsWatcher | null;
}

export class DiscoveredSkills implements SkillCatalog {
  private outcome: SkillLoadOutcome;
  private readonly byCwd = new Map<string, SkillLoadOutcome>();

  constructor(
    private readonly places: SkillPlaces,
    private readonly extra: readonly SkillSummary[] = [],
    /** Where an ignored `agents/openai.yaml` (or a field of it) is told: Codex only logs these. */
    private readonly logWarning: (message: string) => void = () => undefined,
  ) {
    this.outcome = this.load(places);
    this.byCwd.set(places.cwd, this.outcome);
  }

  private load(places: SkillPlaces): SkillLoadOutcome {
    const outcome = loadSkills(skillRoots(places));
    for (const message of outcome.metadataWarnings) this.logWarning(message);
    return outcome;
  }

  summaries(): SkillSummary[] {
    const found = promptOrder(this.outcome.skills).map(({ name, description, path }) => ({ name, description, path }));
    return [...found, ...this.extra];
  }

  listing(budget: SkillMetadataBudget): SkillListing | undefined {
    // Skills whose agents/openai.yaml forbids implicit invocation are not listed, only named.
    const listed: RenderableSkill[] = this.outcome.skills.filter(allowsImplicitInvocation);
    return budgetedListing([...listed, ...this.extra], budget);
  }

  warnings(): string[] {
    return this.outcome.errors.map((error) => `failed to load skill ${error.path}: ${error.message}`);
  }

  /** Loads again (after a change): later turns mention and list what is there now. */
  reload(): void {
    this.byCwd.clear();
    this.outcome = this.load(this.places);
    this.byCwd.set(this.places.cwd, this.outcome);
  }

  list(cwds: string[], forceReload: boolean): unknown[] {
    if (forceReload) this.reload();
    return (cwds.length > 0 ? cwds : [this.places.cwd]).map((cwd) => {
      let outcome = this.byCwd.get(cwd);
      if (!outcome) this.byCwd.set(cwd, (outcome = this.load({ ...this.places, cwd })));
      return listSkillsEntry(cwd, promptOrder(outcome.skills), outcome.errors);
    });
  }

  read(path: string): Promise<string> {
    return readSkillFile(path);
  }

  watch(onChange: () => void): SkillsWatcher {
    return watchSkills(skillRoots(this.places), () => {
      this.reload();
      onChange();
    });
  }
}

/**
 * The skills (discovered ones with a scope, then any without, as given) listed within the budget;
 * undefined when there are none to list.
 */
export function budgetedListing(skills: readonly RenderableSkill[], budget: SkillMetadataBudget): SkillListing | undefined {
  const rendered = buildAvailableSkills(skills, budget);
  if (!rendered) return undefined;
  return { skills: rendered.shown, ...(rendered.warningMessage !== undefined ? { warning: rendered.warningMessage } : {}) };
}
