/** Errors of the MCP client side, named for what went wrong and carrying the server they concern. */

/** `mcp_servers.NAME` is not a usable configuration (no transport, both transports, bad name...). */
export class McpConfigError extends Error {
  override readonly name = "McpConfigError";
  constructor(
    readonly server: string,
    message: string,
  ) {
    super(message);
  }
}

/** A `required` server did not start: the thread cannot start either. */
export class McpStartupError extends Error {
  override readonly name = "McpStartupError";
  constructor(
    readonly server: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A request to a server did not finish within its timeout. */
export class McpTimeoutError extends Error {
  override readonly name = "McpTimeoutError";
  constructor(
    readonly server: string,
    readonly label: string,
    readonly timeoutMs: number,
  ) {
    super(`timed out awaiting ${label} after ${formatDuration(timeoutMs)}`);
  }
}

/** The connection to a server went away (the process exited, the HTTP session was lost). */
export class McpConnectionClosedError extends Error {
  override readonly name = "McpConnectionClosedError";
  constructor(
    readonly server: string,
    message = `MCP server \`${server}\` closed the connection`,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The model named a server that is not configured (or did not start). */
export class UnknownMcpServerError extends Error {
  override readonly name = "UnknownMcpServerError";
  constructor(readonly server: string) {
    super(`unknown MCP server '${server}'`);
  }
}

/** Rust's `Duration` debug text, which Codex's timeout messages use ("10s", "1.5s", "250ms"). */
export function formatDuration(ms: number): string {
  if (ms >= 1000) return `${Number((ms / 1000).toFixed(3))}s`;
  return `${Number(ms.toFixed(3))}ms`;
}
