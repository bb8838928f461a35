/**
 * Where hooks come from, as Codex's `discover_handlers` finds them: each config layer (the data
 * dir, Codex's `$CODEX_HOME`, then, in a trusted project, every `.codex/` folder from the
 * repository root down to the cwd) may hold a `hooks.json` file and a `[hooks]` table in its `config.toml`, both in
 * Codex's format (`{"hooks": {"PreToolUse": [{"matcher": "...", "hooks": [{"type": "command",
 * "command": "...", "timeout": 30}]}]}}`). A file or entry that cannot be used is a warning naming
 * it, never a failure: the other hooks still run.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parse as parseToml } from "smol-toml";
import { z } from "zod";
import { formatIssues, type HookEventName, type HookSource } from "../events/index.js";
import { matcherFor, validMatcher } from "./matcher.js";

/** Codex's default when a handler names no `timeout` (seconds). */
export const DEFAULT_HOOK_TIMEOUT_SEC = 600;

const HandlerConfig = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("command"),
    command: z.string(),
    timeout: z.number().int().nonnegative().optional(),
    async: z.boolean().optional(),
    statusMessage: z.string().optional(),
  }),
  z.looseObject({ type: z.literal("prompt") }),
  z.looseObject({ type: z.literal("agent") }),
]);

const MatcherGroup = z.object({
  matcher: z.string().nullish(),
  hooks: z.array(HandlerConfig).default([]),
});

/** Codex's `HookEventsToml`: matcher groups by event, under Claude-style event names. */
export const HookEventsConfig = z.object({
  PreToolUse: z.array(MatcherGroup).default([]),
  PermissionRequest: z.array(MatcherGroup).default([]),
  PostToolUse: z.array(MatcherGroup).default([]),
  SessionStart: z.array(MatcherGroup).default([]),
  UserPromptSubmit: z.array(MatcherGroup).default([]),
  Stop: z.array(MatcherGroup).default([]),
});
export type HookEventsConfig = z.infer<typeof HookEventsConfig>;

/** The `hooks.json` file. */
export const HooksFile = z.object({ hooks: HookEventsConfig.default(HookEventsConfig.parse({})) });
export type HooksFile = z.infer<typeof HooksFile>;

const EVENT_NAMES: [keyof HookEventsConfig, HookEventName][] = [
  ["PreToolUse", "pre_tool_use"],
  ["PermissionRequest", "permission_request"],
  ["PostToolUse", "post_tool_use"],
  ["SessionStart", "session_start"],
  ["UserPromptSubmit", "user_prompt_submit"],
  ["Stop", "stop"],
];

/** One command hook as discovery found it (Codex's `ConfiguredHandler`). */
export interface CommandHandler {
  kind: "command";
  eventName: HookEventName;
  matcher: string | null;
  command: string;
  timeoutSec: number;
  statusMessage: string | null;
  sourcePath: string;
  source: HookSource;
  displayOrder: number;
}

/** A config layer, lowest precedence first: its folder (for `hooks.json`) and its parsed `config.toml`. */
export interface ConfigLayer {
  source: HookSource;
  folder: string;
  config?: Record<string, unknown>;
}

export interface Discovery {
  handlers: CommandHandler[];
  warnings: string[];
}

/**
 * The layers Loom reads hooks from: the data dir (user), then each `.codex/` folder from the
 * repository root (the nearest ancestor with `.git`) down to `cwd` (project). Without a repository
 * only `cwd/.codex` counts.
 */
export function hookLayers(
  dataDir: string | undefined,
  cwd: string,
  userConfig?: Record<string, unknown>,
): { layers: ConfigLayer[]; warnings: string[] } {
  const layers: ConfigLayer[] = [];
  const warnings: string[] = [];
  if (dataDir) layers.push({ source: "user", folder: dataDir, ...(userConfig ? { config: userConfig } : {}) });
  const { root, dirs } = projectDirs(cwd);
  const folders = dirs.map((dir) => join(dir, ".codex")).filter(isDirectory);
  // Codex loads a project's .codex/ only in a trusted project: a cloned repository must not run
  // its own commands as hooks because someone opened it.
  const trusted = isTrusted(userConfig, resolve(cwd)) || isTrusted(userConfig, root);
  for (const folder of folders) {
    if (!trusted) {
      if (existsSync(join(folder, "hooks.json")) || readTomlQuietly(join(folder, "config.toml"))?.hooks !== undefined) {
        warnings.push(
          `skipping hooks in ${folder}: to load them, add ${root} as a trusted project (projects."${root}".trust_level = "trusted") in ${dataDir ? join(dataDir, "config.toml") : "config.toml"}`,
        );
      }
      continue;
    }
    layers.push({ source: "project", folder, config: readTomlQuietly(join(folder, "config.toml")) });
  }
  return { layers, warnings };
}

function isTrusted(config: Record<string, unknown> | undefined, dir: string): boolean {
  const projects = config?.projects as Record<string, { trust_level?: unknown } | undefined> | undefined;
  return typeof projects === "object" && projects !== null && projects[dir]?.trust_level === "trusted";
}

/** The project root (nearest ancestor with `.git`, else the cwd) and the folders from it down to the cwd. */
function projectDirs(cwd: string): { root: string; dirs: string[] } {
  const start = resolve(cwd);
  const chain: string[] = [];
  for (let dir = start; ; dir = dirname(dir)) {
    chain.push(dir);
    if (existsSync(join(dir, ".git"))) return { root: dir, dirs: chain.reverse() };
    if (dirname(dir) === dir) return { root: start, dirs: [start] };
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

// A project's config.toml that does not parse is reported by whoever reads its other keys; here it
// only means "no TOML hooks in this layer".
function readTomlQuietly(path: string): Record<string, unknown> | undefined {
  try {
    return parseToml(readFileSync(path, "utf8")) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

export function discoverHooks(layers: readonly ConfigLayer[]): Discovery {
  const handlers: CommandHandler[] = [];
  const warnings: string[] = [];
  let order = 0;
  const append = (sourcePath: string, source: HookSource, events: HookEventsConfig) => {
    for (const [key, eventName] of EVENT_NAMES) {
      for (const group of events[key]) {
        const matcher = matcherFor(eventName, group.matcher ?? null);
        if (matcher !== null && !validMatcher(matcher)) {
          warnings.push(`invalid matcher ${JSON.stringify(matcher)} in ${sourcePath}: not a valid regular expression`);
          continue;
        }
        for (const handler of group.hooks) {
          if (handler.type !== "command") {
            warnings.push(`skipping ${handler.type} hook in ${sourcePath}: ${handler.type} hooks are not supported yet`);
            continue;
          }
          if (handler.async) {
            warnings.push(`skipping async hook in ${sourcePath}: async hooks are not supported yet`);
            continue;
          }
          if (handler.command.trim() === "") {
            warnings.push(`skipping empty hook command in ${sourcePath}`);
            continue;
          }
          handlers.push({
            kind: "command",
            eventName,
            matcher,
            command: handler.command,
            timeoutSec: Math.max(1, handler.timeout ?? DEFAULT_HOOK_TIMEOUT_SEC),
            statusMessage: handler.statusMessage ?? null,
            sourcePath,
            source,
            displayOrder: order++,
          });
        }
      }
    }
  };
  for (const layer of layers) {
    const json = loadHooksJson(layer.folder, warnings);
    const toml = loadTomlHooks(layer, warnings);
    if (json && toml && hasHooks(json.events) && hasHooks(toml.events)) {
      warnings.push(`loading hooks from both ${json.path} and ${toml.path}; prefer a single representation for this layer`);
    }
    if (json) append(json.path, layer.source, json.events);
    if (toml) append(toml.path, layer.source, toml.events);
  }
  return { handlers, warnings };
}

function hasHooks(events: HookEventsConfig): boolean {
  return EVENT_NAMES.some(([key]) => events[key].length > 0);
}

function loadHooksJson(folder: string, warnings: string[]): { path: string; events: HookEventsConfig } | undefined {
  const path = join(folder, "hooks.json");
  let text: string;
  try {
    if (!statSync(path).isFile()) return undefined;
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    warnings.push(`failed to read hooks config ${path}: ${(error as Error).message}`);
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    warnings.push(`failed to parse hooks config ${path}: ${(error as Error).message}`);
    return undefined;
  }
  const parsed = HooksFile.safeParse(value);
  if (!parsed.success) {
    warnings.push(`failed to parse hooks config ${path}: ${formatIssues(parsed.error)}`);
    return undefined;
  }
  return hasHooks(parsed.data.hooks) ? { path, events: parsed.data.hooks } : undefined;
}

function loadTomlHooks(layer: ConfigLayer, warnings: string[]): { path: string; events: HookEventsConfig } | undefined {
  const value = layer.config?.hooks;
  if (value === undefined) return undefined;
  const path = join(layer.folder, "config.toml");
  const parsed = HookEventsConfig.safeParse(value);
  if (!parsed.success) {
    warnings.push(`failed to parse TOML hooks in ${path}: ${formatIssues(parsed.error)}`);
    return undefined;
  }
  return hasHooks(parsed.data) ? { path, events: parsed.data } : undefined;
}
