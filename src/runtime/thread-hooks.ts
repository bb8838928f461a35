/**
 * A thread's hooks as configured: command hooks discovered in the data dir and the project's
 * `.codex/` folders, the embedder's function hooks after them, and legacy `notify`.
 */
import type { Clock } from "../actors/clock.js";
import type { LoomConfig } from "../config/index.js";
import { discoverHooks, functionHandlers, hookLayers, HookEngine, notifyArgv, type HookFunctions } from "../hooks/index.js";

export interface ConfiguredHooks {
  /** Null when there is no hook at all. */
  port: HookEngine | null;
  notify: string[] | null;
  /** One line per unusable hook file or entry, naming it. */
  warnings: string[];
}

export function threadHooks(options: {
  dataDir: string | undefined;
  cwd: string;
  config: LoomConfig;
  clock: Clock;
  functions?: HookFunctions;
}): ConfiguredHooks {
  const { layers, warnings: skipped } = hookLayers(options.dataDir, options.cwd, options.config);
  const discovery = discoverHooks(layers);
  const handlers = [...discovery.handlers, ...functionHandlers(options.functions, discovery.handlers.length)];
  const warnings = [...skipped, ...discovery.warnings];
  const notify = notifyArgv(options.config.notify);
  if (options.config.notify !== undefined && notify === null) warnings.push("ignoring notify in config.toml: it must be a non-empty array of strings (the program first)");
  return { port: handlers.length > 0 ? new HookEngine(handlers, options.clock) : null, notify, warnings };
}
