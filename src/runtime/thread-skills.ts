/**
 * A thread's skills: discovered once when the thread opens (data dir, home, repo; Codex's places),
 * listed in its developer context in Codex's order after any the embedder gave, reloaded for
 * `list_skills` with `force_reload` or after the watcher saw a change. Replay gives its own
 * catalog, read from the recording.
 */
import type { SkillSummary } from "../context/index.js";
import {
  listSkillsEntry,
  loadSkills,
  promptOrder,
  readSkillFile,
  skillRoots,
  watchSkills,
  type SkillLoadOutcome,
  type SkillPlaces,
  type SkillsWatcher,
} from "../skills/index.js";

/** What the runtime asks about skills; replay answers from its log. */
export interface SkillCatalog {
  /** The skills listed to the model, in order. */
  summaries(): SkillSummary[];
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
  ) {
    this.outcome = loadSkills(skillRoots(places));
    this.byCwd.set(places.cwd, this.outcome);
  }

  summaries(): SkillSummary[] {
    const found = promptOrder(this.outcome.skills).map(({ name, description, path }) => ({ name, description, path }));
    return [...found, ...this.extra];
  }

  warnings(): string[] {
    return this.outcome.errors.map((error) => `failed to load skill ${error.path}: ${error.message}`);
  }

  /** Loads again (after a change): later turns mention and list what is there now. */
  reload(): void {
    this.byCwd.clear();
    this.outcome = loadSkills(skillRoots(this.places));
    this.byCwd.set(this.places.cwd, this.outcome);
  }

  list(cwds: string[], forceReload: boolean): unknown[] {
    if (forceReload) this.reload();
    return (cwds.length > 0 ? cwds : [this.places.cwd]).map((cwd) => {
      let outcome = this.byCwd.get(cwd);
      if (!outcome) this.byCwd.set(cwd, (outcome = loadSkills(skillRoots({ ...this.places, cwd }))));
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
