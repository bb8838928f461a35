/**
 * Codex-compatible configuration: `<data dir>/config.toml`, then repeatable `-c key=value`
 * overrides (dotted keys; the value parsed as TOML, else taken as a plain string, as Codex does).
 */
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { parse as parseToml } from "smol-toml";

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

export interface McpServerConfig {
  command?: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
  url?: string;
  enabled?: boolean;
  required?: boolean;
  startup_timeout_sec?: number;
  tool_timeout_sec?: number;
  enabled_tools?: string[];
  disabled_tools?: string[];
}

export interface ModelProviderConfig {
  name?: string;
  base_url?: string;
  env_key?: string;
  request_max_retries?: number;
  stream_max_retries?: number;
  /** How long the server may say nothing (before its headers, or between events), in ms. */
  stream_idle_timeout_ms?: number;
}

/** The keys Loom reads. Unknown keys are kept, like Codex ignores what it does not know. */
export interface LoomConfig {
  model?: string;
  model_provider?: string;
  model_providers?: Record<string, ModelProviderConfig>;
  approval_policy?: string;
  sandbox_mode?: string;
  model_context_window?: number;
  model_auto_compact_token_limit?: number;
  model_reasoning_effort?: string;
  model_reasoning_summary?: string;
  developer_instructions?: string;
  base_instructions?: string;
  compact_prompt?: string;
  mcp_servers?: Record<string, McpServerConfig>;
  /** What `sandbox_mode = "workspace-write"` allows besides the cwd and temp dirs (Codex's table). */
  sandbox_workspace_write?: {
    writable_roots?: string[];
    network_access?: boolean;
    exclude_tmpdir_env_var?: boolean;
    exclude_slash_tmp?: boolean;
  };
  [key: string]: unknown;
}

/** Where Loom keeps its data when not told: `$LOOM_HOME`, else `~/.loom` (like Codex's `$CODEX_HOME`). */
export function defaultDataDir(env: Record<string, string | undefined> = process.env): string {
  return env.LOOM_HOME ? resolve(env.LOOM_HOME) : join(homedir(), ".loom");
}

export async function readConfigFile(dataDir: string): Promise<LoomConfig> {
  const path = join(dataDir, "config.toml");
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw new ConfigError(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    return parseToml(text) as LoomConfig;
  } catch (error) {
    throw new ConfigError(`invalid TOML in ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** Parses one `-c key=value` override into its dotted path and value. */
export function parseOverride(text: string): { path: string[]; value: unknown } {
  const eq = text.indexOf("=");
  if (eq <= 0) throw new ConfigError(`invalid -c override ${JSON.stringify(text)}: expected key=value`);
  const key = text.slice(0, eq).trim();
  const raw = text.slice(eq + 1).trim();
  const path = key.split(".").map((part) => part.trim());
  if (path.some((part) => part.length === 0)) throw new ConfigError(`invalid -c key ${JSON.stringify(key)}`);
  let value: unknown;
  try {
    value = (parseToml(`v = ${raw}`) as { v: unknown }).v;
  } catch {
    value = raw;
  }
  return { path, value };
}

export function applyOverrides(config: LoomConfig, overrides: readonly string[]): LoomConfig {
  const result = structuredClone(config) as Record<string, unknown>;
  for (const text of overrides) {
    const { path, value } = parseOverride(text);
    let node = result;
    for (const part of path.slice(0, -1)) {
      const next = node[part];
      if (typeof next !== "object" || next === null || Array.isArray(next)) node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
    node[path[path.length - 1]!] = value;
  }
  return result as LoomConfig;
}

/** Keys that must be positive integers (a bad one would silently change token accounting). */
const POSITIVE_INTEGER_KEYS = ["model_context_window", "model_auto_compact_token_limit"] as const;

/** Checks the values Loom reads; an error names the key and the value. */
export function validateConfig(config: LoomConfig): LoomConfig {
  for (const key of POSITIVE_INTEGER_KEYS) {
    const value = config[key];
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) {
      throw new ConfigError(`${key} must be a positive integer, got ${JSON.stringify(value)}`);
    }
  }
  for (const key of ["model", "approval_policy", "sandbox_mode", "model_provider"] as const) {
    const value = config[key];
    if (value !== undefined && typeof value !== "string") throw new ConfigError(`${key} must be a string, got ${JSON.stringify(value)}`);
  }
  validateWorkspaceWrite(config.sandbox_workspace_write);
  validateProviders(config.model_providers);
  return config;
}

/** Provider keys with their rule: a wrong type here would surface turns later as a hang or a loop. */
const PROVIDER_INTEGER_KEYS = { request_max_retries: 0, stream_max_retries: 0, stream_idle_timeout_ms: 1 } as const;

function validateProviders(providers: unknown): void {
  if (providers === undefined) return;
  if (typeof providers !== "object" || providers === null || Array.isArray(providers)) {
    throw new ConfigError(`model_providers must be a table, got ${JSON.stringify(providers)}`);
  }
  for (const [id, provider] of Object.entries(providers)) {
    if (typeof provider !== "object" || provider === null || Array.isArray(provider)) {
      throw new ConfigError(`model_providers.${id} must be a table, got ${JSON.stringify(provider)}`);
    }
    const fields = provider as Record<string, unknown>;
    for (const [key, min] of Object.entries(PROVIDER_INTEGER_KEYS)) {
      const value = fields[key];
      if (value === undefined) continue;
      if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
        const what = min === 0 ? "a non-negative integer" : "a positive integer";
        throw new ConfigError(`model_providers.${id}.${key} must be ${what}, got ${JSON.stringify(value)}`);
      }
    }
    for (const key of ["base_url", "env_key", "name"]) {
      const value = fields[key];
      if (value !== undefined && typeof value !== "string") {
        throw new ConfigError(`model_providers.${id}.${key} must be a string, got ${JSON.stringify(value)}`);
      }
    }
  }
}

function validateWorkspaceWrite(table: unknown): void {
  if (table === undefined) return;
  if (typeof table !== "object" || table === null || Array.isArray(table)) {
    throw new ConfigError(`sandbox_workspace_write must be a table, got ${JSON.stringify(table)}`);
  }
  const fields = table as Record<string, unknown>;
  for (const key of ["network_access", "exclude_tmpdir_env_var", "exclude_slash_tmp"]) {
    const value = fields[key];
    if (value !== undefined && typeof value !== "boolean") {
      throw new ConfigError(`sandbox_workspace_write.${key} must be true or false, got ${JSON.stringify(value)}`);
    }
  }
  const roots = fields.writable_roots;
  if (roots !== undefined && !(Array.isArray(roots) && roots.every((root) => typeof root === "string" && root.startsWith("/")))) {
    throw new ConfigError(`sandbox_workspace_write.writable_roots must be a list of absolute paths, got ${JSON.stringify(roots)}`);
  }
}

export async function loadConfig(dataDir: string, overrides: readonly string[] = []): Promise<LoomConfig> {
  return validateConfig(applyOverrides(await readConfigFile(dataDir), overrides));
}

/**
 * Whether `[projects."<dir>"] trust_level = "trusted"` marks this folder trusted (Codex reads a
 * project's `.codex/` folders, its rules among them, only then).
 */
export function projectTrusted(config: LoomConfig, dir: string): boolean {
  const projects = config.projects;
  if (typeof projects !== "object" || projects === null) return false;
  const entry = (projects as Record<string, unknown>)[resolve(dir)];
  return typeof entry === "object" && entry !== null && (entry as { trust_level?: unknown }).trust_level === "trusted";
}
