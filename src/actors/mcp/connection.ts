/**
 * One MCP server, as an actor-like object: `start` (initialize and list tools within the startup
 * timeout), requests with the tool timeout, `stop`, and `restart`. When the server goes away (its
 * process exits, its HTTP session is gone) the connection notices, and the next request starts it
 * again; a request the loss interrupted fails. Elicitations the server sends go to `hooks.elicit`,
 * and a tool call's timeout stops counting while one is open.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  ElicitRequestSchema,
  ErrorCode,
  McpError,
  type ElicitRequest,
  type ElicitResult,
  type Resource,
  type ResourceTemplate,
  type Tool,
} from "@modelcontextprotocol/sdk/types.js";
import { toolAllowed, type McpServerSettings } from "./config.js";
import { Deadline } from "./deadline.js";
import { McpConnectionClosedError, McpStartupError, McpTimeoutError } from "./errors.js";
import type { CallToolResult } from "./results.js";
import { openTransport, type OpenedTransport } from "./transport.js";

/** The SDK's own request timeout is replaced by `Deadline`s (which pause for elicitations). */
const NO_SDK_TIMEOUT = 2 ** 31 - 1;

export type ElicitParams = ElicitRequest["params"];

export interface McpConnectionHooks {
  /** The server asks the user something; resolves with the answer (or rejects: the server gets an error). */
  elicit(server: string, requestId: string | number, params: ElicitParams, signal: AbortSignal): Promise<ElicitResult>;
  /** The server went away without being stopped (it will be started again on the next request). */
  closed(server: string, detail: string): void;
  /** Who we are in `initialize`. */
  clientVersion: string;
}

interface Live {
  client: Client;
  opened: OpenedTransport;
  /** Set once this client's transport closed (or was closed). */
  gone: boolean;
}

export class McpConnection {
  /** The server's tools after `enabled_tools` / `disabled_tools`, as listed at the last start. */
  tools: Tool[] = [];
  instructions: string | undefined;
  private live: Live | undefined;
  private starting: Promise<Live> | undefined;
  private stopped = false;
  private openElicitations = 0;
  private readonly deadlines = new Set<Deadline>();

  constructor(
    readonly settings: McpServerSettings,
    private readonly hooks: McpConnectionHooks,
  ) {}

  get name(): string {
    return this.settings.name;
  }

  /** The server's pid while a stdio server runs. */
  pid(): number | null {
    return this.live && !this.live.gone ? this.live.opened.pid() : null;
  }

  /** Starts the server (or returns the running one); fails with `McpStartupError`. */
  start(signal?: AbortSignal): Promise<void> {
    return this.ensureLive(signal).then(() => undefined);
  }

  async restart(signal?: AbortSignal): Promise<void> {
    await this.dropLive();
    await this.start(signal);
  }

  /** Stops the server for good: the child process is ended, the HTTP session deleted. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.starting?.catch(() => undefined);
    await this.dropLive();
  }

  callTool(tool: string, args: Record<string, unknown> | undefined, signal?: AbortSignal): Promise<CallToolResult> {
    return this.request("tools/call", signal, (client, options) =>
      client.callTool({ name: tool, arguments: args }, undefined, options) as Promise<CallToolResult>,
    );
  }

  listResources(cursor?: string, signal?: AbortSignal): Promise<{ resources: Resource[]; nextCursor?: string }> {
    return this.request("resources/list", signal, (client, options) => client.listResources(cursor ? { cursor } : undefined, options));
  }

  listResourceTemplates(cursor?: string, signal?: AbortSignal): Promise<{ resourceTemplates: ResourceTemplate[]; nextCursor?: string }> {
    return this.request("resources/templates/list", signal, (client, options) =>
      client.listResourceTemplates(cursor ? { cursor } : undefined, options),
    );
  }

  readResource(uri: string, signal?: AbortSignal): Promise<Record<string, unknown>> {
    return this.request("resources/read", signal, (client, options) => client.readResource({ uri }, options));
  }

  /**
   * One request under the tool timeout. A lost connection fails the request (and is started
   * again next time); an HTTP 404 for the session means it expired, and Codex re-initializes and
   * retries once.
   */
  private async request<T>(
    label: string,
    signal: AbortSignal | undefined,
    send: (client: Client, options: { signal: AbortSignal; timeout: number }) => Promise<T>,
  ): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      const live = await this.ensureLive(signal);
      try {
        return await this.timed(label, signal, (timedSignal) => send(live.client, { signal: timedSignal, timeout: NO_SDK_TIMEOUT }));
      } catch (error) {
        if (attempt === 0 && error instanceof StreamableHTTPError && error.code === 404) {
          await this.dropLive(live);
          continue;
        }
        if (isTransportFailure(error) || live.gone) {
          await this.dropLive(live);
          const reason = error instanceof Error ? `: ${error.message}` : "";
          throw new McpConnectionClosedError(this.name, `lost the connection to MCP server \`${this.name}\`${reason}`, { cause: error });
        }
        throw error;
      }
    }
  }

  private async timed<T>(label: string, signal: AbortSignal | undefined, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const timeoutMs = this.settings.toolTimeoutMs;
    const deadline = new Deadline(
      timeoutMs,
      () => controller.abort(new McpTimeoutError(this.name, label, timeoutMs)),
      this.openElicitations > 0,
    );
    this.deadlines.add(deadline);
    const onAbort = () => controller.abort(signal!.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    if (signal?.aborted) onAbort();
    try {
      return await run(controller.signal);
    } catch (error) {
      // The SDK wraps an abort's reason in its own error; ours says what happened.
      throw controller.signal.aborted ? controller.signal.reason : error;
    } finally {
      deadline.clear();
      this.deadlines.delete(deadline);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  private ensureLive(signal?: AbortSignal): Promise<Live> {
    if (this.stopped) return Promise.reject(new McpConnectionClosedError(this.name, `MCP server \`${this.name}\` is stopped`));
    if (this.live && !this.live.gone) return Promise.resolve(this.live);
    this.starting ??= this.connect(signal).finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  /** Initialize and list tools, all within `startup_timeout_sec`. */
  private async connect(signal?: AbortSignal): Promise<Live> {
    const opened = openTransport(this.settings.transport);
    const client = new Client(
      { name: "loom-mcp-client", version: this.hooks.clientVersion, title: "Loom" },
      { capabilities: { elicitation: { form: {} } } },
    );
    const live: Live = { client, opened, gone: false };
    client.setRequestHandler(ElicitRequestSchema, (request, extra) => this.elicit(extra.requestId, request.params, extra.signal));
    client.onclose = () => {
      const unexpected = !live.gone && !this.stopped;
      live.gone = true;
      if (unexpected) {
        const tail = opened.stderrTail();
        this.hooks.closed(this.name, tail ? `${this.describeExit()}; stderr: ${tail}` : this.describeExit());
      }
    };
    // Transport errors (a dropped HTTP event stream, a write to a dead pipe) surface on the
    // request they break; the stream of them is not an event of its own.
    client.onerror = () => undefined;

    const controller = new AbortController();
    const timeoutMs = this.settings.startupTimeoutMs;
    const timer = setTimeout(() => controller.abort(new McpTimeoutError(this.name, "initialize", timeoutMs)), timeoutMs);
    const onAbort = () => controller.abort(signal!.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      if (signal?.aborted) throw signal.reason;
      const options = { signal: controller.signal, timeout: NO_SDK_TIMEOUT };
      await abortable(client.connect(opened.transport, options), controller.signal);
      const tools: Tool[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor ? { cursor } : undefined, options);
        tools.push(...page.tools);
        cursor = page.nextCursor && page.nextCursor !== cursor ? page.nextCursor : undefined;
      } while (cursor);
      this.tools = tools.filter((tool) => toolAllowed(this.settings, tool.name));
      this.instructions = client.getInstructions();
      this.live = live;
      return live;
    } catch (error) {
      live.gone = true;
      await closeQuietly(live);
      throw this.startupError(controller.signal.reason ?? error, opened);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  private startupError(error: unknown, opened: OpenedTransport): McpStartupError {
    const name = this.name;
    if (error instanceof McpTimeoutError) {
      return new McpStartupError(
        name,
        `MCP client for \`${name}\` timed out after ${Math.round(this.settings.startupTimeoutMs / 1000)} seconds. Add or adjust \`startup_timeout_sec\` in your config.toml:\n[mcp_servers.${name}]\nstartup_timeout_sec = XX`,
        { cause: error },
      );
    }
    const tail = opened.stderrTail();
    const reason = error instanceof Error ? error.message : String(error);
    return new McpStartupError(name, `MCP client for \`${name}\` failed to start: ${reason}${tail ? `\nstderr: ${tail}` : ""}`, {
      cause: error,
    });
  }

  private describeExit(): string {
    return this.settings.transport.type === "stdio"
      ? `MCP server \`${this.name}\` exited unexpectedly`
      : `MCP server \`${this.name}\` closed the connection`;
  }

  private async elicit(requestId: string | number, params: ElicitParams, signal: AbortSignal): Promise<ElicitResult> {
    this.openElicitations += 1;
    if (this.openElicitations === 1) for (const deadline of this.deadlines) deadline.pause();
    try {
      return await this.hooks.elicit(this.name, requestId, params, signal);
    } finally {
      this.openElicitations -= 1;
      if (this.openElicitations === 0) for (const deadline of this.deadlines) deadline.resume();
    }
  }

  private async dropLive(only?: Live): Promise<void> {
    const live = this.live;
    if (!live || (only && live !== only)) return;
    this.live = undefined;
    live.gone = true;
    await closeQuietly(live);
  }
}

/**
 * The transport failed (as opposed to the server answering with an error): the process is gone,
 * the HTTP request could not be sent, or the server refused the session. The connection is
 * started again on the next request.
 */
function isTransportFailure(error: unknown): boolean {
  if (error instanceof McpError) return error.code === ErrorCode.ConnectionClosed;
  if (error instanceof StreamableHTTPError) return true;
  return error instanceof Error && (error.message === "Not connected" || (error instanceof TypeError && error.message === "fetch failed"));
}

/**
 * Ends the session (HTTP), then the transport. A stdio child is told to stop at once, as Codex's
 * `kill_on_drop` does, rather than given the SDK's two seconds to notice its closed stdin; the SDK
 * still sends SIGKILL if it lingers.
 */
async function closeQuietly(live: Live): Promise<void> {
  await live.opened.terminate().catch(() => undefined);
  const pid = live.opened.pid();
  const closed = live.client.close().catch(() => undefined);
  if (pid) {
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      // Already gone.
    }
  }
  await closed;
}

/** `client.connect` takes no signal for the transport's start: race it against the abort. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
