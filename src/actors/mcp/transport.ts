/**
 * The SDK transport for one server: a child process over stdio (its stderr kept, not printed, so
 * `loom proto`'s own streams stay clean), or streamable HTTP. Environment and headers follow Codex:
 * a stdio server sees a small set of inherited variables plus its `env_vars` and `env`.
 */
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { McpTransportConfig } from "./config.js";

/** Codex's `DEFAULT_ENV_VARS` (unix): what a stdio server inherits without being told. */
const INHERITED_ENV = ["HOME", "LOGNAME", "PATH", "SHELL", "USER", "__CF_USER_TEXT_ENCODING", "LANG", "LC_ALL", "TERM", "TMPDIR", "TZ"];
const STDERR_TAIL = 4096;

export interface OpenedTransport {
  transport: Transport;
  /** The last few KB the server wrote to stderr (stdio only), for error messages. */
  stderrTail(): string;
  /** The child's pid (stdio only). */
  pid(): number | null;
  /** Ends the server's session before the transport closes (HTTP: DELETE). */
  terminate(): Promise<void>;
}

export function openTransport(config: McpTransportConfig, env: Record<string, string | undefined> = process.env): OpenedTransport {
  if (config.type === "stdio") return stdioTransport(config, env);
  const headers: Record<string, string> = { ...config.headers };
  if (config.bearerTokenEnvVar) {
    const token = env[config.bearerTokenEnvVar];
    if (token) headers.authorization = `Bearer ${token}`;
  }
  const transport = new StreamableHTTPClientTransport(new URL(config.url), { requestInit: { headers } });
  return {
    transport,
    stderrTail: () => "",
    pid: () => null,
    terminate: () => transport.terminateSession().catch(() => undefined),
  };
}

function stdioTransport(config: Extract<McpTransportConfig, { type: "stdio" }>, env: Record<string, string | undefined>): OpenedTransport {
  const childEnv: Record<string, string> = {};
  for (const name of [...INHERITED_ENV, ...config.envVars]) {
    const value = env[name];
    if (value !== undefined) childEnv[name] = value;
  }
  Object.assign(childEnv, config.env);
  const transport = new StdioClientTransport({
    command: config.command,
    args: config.args,
    env: childEnv,
    cwd: config.cwd,
    stderr: "pipe",
  });
  let tail = "";
  transport.stderr?.on("data", (chunk: Buffer) => {
    tail = (tail + chunk.toString("utf8")).slice(-STDERR_TAIL);
  });
  return { transport, stderrTail: () => tail.trim(), pid: () => transport.pid, terminate: async () => undefined };
}
