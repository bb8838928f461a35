/**
 * Tells when skills may have changed (Codex's `skills_watcher`): watches every skill root that
 * exists, recursively, and calls back once per burst of changes (debounced). Closing stops it.
 */
import { watch, type FSWatcher } from "node:fs";
import type { SkillRoot } from "./loader.js";

export interface SkillsWatcher {
  close(): void;
}

export function watchSkills(roots: readonly SkillRoot[], onChange: () => void, debounceMs = 200): SkillsWatcher {
  const watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  const fire = () => {
    clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
    timer.unref?.();
  };
  for (const root of roots) {
    try {
      const watcher = watch(root.path, { recursive: true, persistent: false }, fire);
      // A root removed while watched, or a watch limit reached: the other roots go on.
      watcher.on("error", () => watcher.close());
      watchers.push(watcher);
    } catch {
      // The root does not exist (yet): nothing to watch there.
    }
  }
  return {
    close() {
      clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
}
