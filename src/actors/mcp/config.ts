/**
 * `mcp_servers.NAME` as Codex reads it (codex-rs/config/src/mcp_types.rs): a stdio server
 * (`command`, `args`, `env`, `env_vars`, `cwd`) or a streamable HTTP one (`url`, `http_headers`,
 * `bearer_token_env_var`), plus `enabled`, `required`, timeouts and tool filters. Values come from
 * TOML or `-c` overrides, so every field is checked here; a bad server is reported by name.
 */
import { isAbsolute, resolve } from "node:path";
import type { McpServerConfig } from "../../config/index.js";
import { McpConfigError } from "./errors.js";

/** Codex 0.125's defaults (`DEFAULT_STARTUP_TIMEOUT`, `DEFAULT_TOOL_TIMEOUT`). */
export const DEFAULT_STARTUP_TIMEOUT_MS = 30_000;
export const DEFAULT_TOOL_TIMEOUT_MS = 120_000;

const SERVER_NAME = /^[a-zA-Z0-9_-]+$/;

export type McpTransportConfig =
  | { type: "stdio"; command: string; args: string[]; env: Record<string, string>; envVars: string[]; cwd: string }
  | { type: "streamable_http"; url: string; headers: Record<string, string>; bearerTokenEnvVar?: string };

/** Per-tool approval override (`default_tools_approval_mode`, `tools.NAME.approval_mode`). */
export type McpToolApprovalMode = "auto" | "prompt" | "approve";

export interface McpServerSettings {
  name: string;
  transport: McpTransportConfig;
  required: boolean;
  startupTimeoutMs: number;
  toolTimeoutMs: number;
  /** Only these tools are offered, when set. */
  enabledTools?: ReadonlySet<string>;
  disabledTools: ReadonlySet<string>;
  defaultApprovalMode?: McpToolApprovalMode;
  toolApprovalModes: Readonly<Record<string, McpToolApprovalMode>>;
}

/** Codex's `ToolFilter::allows`: the allow-list (if any) first, then the deny-list. */
export function toolAllowed(settings: McpServerSettings, tool: string): boolean {
  if (settings.enabledTools && !settings.enabledTools.has(tool)) return false;
  return !settings.disabledTools.has(tool);
}

export function approvalModeFor(settings: McpServerSettings, tool: string): McpToolApprovalMode {
  return settings.toolApprovalModes[tool] ?? settings.defaultApprovalMode ?? "auto";
}

export interface ResolvedServers {
  servers: McpServerSettings[];
  /** Servers whose configuration is unusable; `required` says whether that fails the thread. */
  invalid: { error: McpConfigError; required: boolean }[];
}

/** The enabled servers of `configs`, in name order; relative `cwd`s resolve against `threadCwd`. */
export function resolveMcpServers(configs: Record<string, McpServerConfig>, threadCwd: string): ResolvedServers {
  const servers: McpServerSettings[] = [];
  const invalid: ResolvedServers["invalid"] = [];
  for (const name of Object.keys(configs).sort()) {
    const raw = configs[name] as unknown;
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
      invalid.push({ error: new McpConfigError(name, `mcp_servers.${name} must be a table`), required: false });
      continue;
    }
    const config = raw as Record<string, unknown>;
    if (config.enabled === false) continue;
    try {
      servers.push(resolveOne(name, config, threadCwd));
    } catch (error) {
      if (!(error instanceof McpConfigError)) throw error;
      invalid.push({ error, required: config.required === true });
    }
  }
  return { servers, invalid };
}

function resolveOne(name: string, config: Record<string, unknown>, threadCwd: string): McpServerSettings {
  if (!SERVER_NAME.test(name)) {
    throw new McpConfigError(name, `Invalid MCP server name '${name}': must match pattern ${SERVER_NAME.source}`);
  }
  const field = new Fields(name, config);
  const command = field.string("command");
  const url = field.string("url");
  let transport: McpTransportConfig;
  if (command !== undefined) {
    for (const key of ["url", "bearer_token_env_var", "http_headers"]) field.forbid(key, "stdio");
    const cwd = field.string("cwd");
    transport = {
      type: "stdio",
      command,
      args: field.strings("args") ?? [],
      env: field.stringMap("env") ?? {},
      envVars: field.strings("env_vars") ?? [],
      cwd: cwd === undefined ? threadCwd : isAbsolute(cwd) ? cwd : resolve(threadCwd, cwd),
    };
  } else if (url !== undefined) {
    for (const key of ["args", "env", "env_vars", "cwd"]) field.forbid(key, "streamable_http");
    transport = {
      type: "streamable_http",
      url,
      headers: field.stringMap("http_headers") ?? {},
      bearerTokenEnvVar: field.string("bearer_token_env_var"),
    };
  } else {
    throw new McpConfigError(name, `mcp_servers.${name}: invalid transport (set \`command\` or \`url\`)`);
  }
  const startupSec = field.number("startup_timeout_sec");
  const startupMs = field.number("startup_timeout_ms");
  const toolSec = field.number("tool_timeout_sec");
  const enabled = field.strings("enabled_tools");
  const tools = field.table("tools") ?? {};
  const toolApprovalModes: Record<string, McpToolApprovalMode> = {};
  for (const [tool, value] of Object.entries(tools)) {
    const mode = (value as { approval_mode?: unknown } | null)?.approval_mode;
    if (mode !== undefined) toolApprovalModes[tool] = approvalMode(name, `tools.${tool}.approval_mode`, mode);
  }
  const defaultMode = config.default_tools_approval_mode;
  return {
    name,
    transport,
    required: field.boolean("required") ?? false,
    startupTimeoutMs: startupSec !== undefined ? startupSec * 1000 : (startupMs ?? DEFAULT_STARTUP_TIMEOUT_MS),
    toolTimeoutMs: toolSec !== undefined ? toolSec * 1000 : DEFAULT_TOOL_TIMEOUT_MS,
    enabledTools: enabled ? new Set(enabled) : undefined,
    disabledTools: new Set(field.strings("disabled_tools") ?? []),
    defaultApprovalMode: defaultMode === undefined ? undefined : approvalMode(name, "default_tools_approval_mode", defaultMode),
    toolApprovalModes,
  };
}

function approvalMode(server: string, key: string, value: unknown): McpToolApprovalMode {
  if (value === "auto" || value === "prompt" || value === "approve") return value;
  throw new McpConfigError(server, `mcp_servers.${server}.${key} must be "auto", "prompt" or "approve"`);
}

/** Typed reads of one server's table, each failing with the key's full name. */
class Fields {
  constructor(
    private readonly server: string,
    private readonly config: Record<string, unknown>,
  ) {}

  private fail(key: string, expected: string): never {
    throw new McpConfigError(this.server, `mcp_servers.${this.server}.${key} must be ${expected}`);
  }

  forbid(key: string, transport: string): void {
    if (this.config[key] !== undefined) {
      throw new McpConfigError(this.server, `mcp_servers.${this.server}: ${key} is not supported for ${transport}`);
    }
  }

  string(key: string): string | undefined {
    const value = this.config[key];
    if (value === undefined) return undefined;
    return typeof value === "string" && value.length > 0 ? value : this.fail(key, "a non-empty string");
  }

  number(key: string): number | undefined {
    const value = this.config[key];
    if (value === undefined) return undefined;
    return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : this.fail(key, "a non-negative number");
  }

  boolean(key: string): boolean | undefined {
    const value = this.config[key];
    if (value === undefined) return undefined;
    return typeof value === "boolean" ? value : this.fail(key, "true or false");
  }

  strings(key: string): string[] | undefined {
    const value = this.config[key];
    if (value === undefined) return undefined;
    return Array.isArray(value) && value.every((item) => typeof item === "string") ? value : this.fail(key, "an array of strings");
  }

  stringMap(key: string): Record<string, string> | undefined {
    const value = this.table(key);
    if (value === undefined) return undefined;
    return Object.values(value).every((item) => typeof item === "string") ? (value as Record<string, string>) : this.fail(key, "a table of strings");
  }

  table(key: string): Record<string, unknown> | undefined {
    const value = this.config[key];
    if (value === undefined) return undefined;
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : this.fail(key, "a table");
  }
}
