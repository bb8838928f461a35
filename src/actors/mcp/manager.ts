/**
 * The MCP servers of one thread. `McpManager.start` starts every enabled server in parallel, each
 * within its startup timeout; a `required` server that fails fails the start (`McpStartupError`
 * naming it), others become warnings and the thread goes on without them. The manager then offers
 * the servers' tools under Codex's qualified names, routes calls, holds the elicitations waiting
 * for an answer, and stops every server (child processes included) on `close`.
 */
import type { ElicitResult, Resource, ResourceTemplate, Tool } from "@modelcontextprotocol/sdk/types.js";
import type { AskForApproval, EventMsg, OpOf, SandboxPolicy } from "../../events/index.js";
import type { McpServerConfig } from "../../config/index.js";
import type { ToolHandler } from "../tools/registry.js";
import { mcpToolHandlers, type McpToolHost } from "../tools/mcp.js";
import { approvalModeFor, resolveMcpServers, toolAllowed, type McpToolApprovalMode } from "./config.js";
import { McpConnection, type ElicitParams } from "./connection.js";
import { elicitationPolicyAnswer, elicitationRequestEvent, elicitResultOf } from "./elicitation.js";
import { McpStartupError, UnknownMcpServerError } from "./errors.js";
import { qualifyToolNames } from "./names.js";
import type { CallToolResult } from "./results.js";

export interface McpManagerOptions {
  /** The thread's working directory: stdio servers start there unless they name a `cwd`. */
  cwd: string;
  /** Aborting it stops the start, or closes a started manager. */
  signal?: AbortSignal;
  /** Sent as `clientInfo.version` in `initialize`. */
  clientVersion?: string;
}

/** What the manager needs from its thread once the thread exists (see `bind`). */
export interface McpThreadBinding {
  /** Records an event through the thread's bus on behalf of submission `sub`. */
  event(sub: string, msg: EventMsg): Promise<unknown>;
  /** The thread's current policies (elicitations are answered by policy first). */
  policy(): { approvalPolicy: AskForApproval; sandboxPolicy: SandboxPolicy };
  /** The running turn, if any: an elicitation is recorded as part of it. */
  activeTurn(): string | null;
}

/** One tool as the model sees it: its qualified name, server and the server's definition. */
export interface McpToolInfo {
  qualifiedName: string;
  server: string;
  tool: Tool;
}

interface PendingElicitation {
  resolve(result: ElicitResult): void;
}

const key = (server: string, id: string | number) => `${server}\0${String(id)}`;

export class McpManager implements McpToolHost {
  /** Startup problems of servers that are not required (the runtime emits them as warnings). */
  readonly startupWarnings: string[];
  private readonly connections: Map<string, McpConnection>;
  private readonly qualified: McpToolInfo[];
  private readonly pending = new Map<string, PendingElicitation>();
  private readonly approvalRequests = new Map<string, { server: string; tool: string }>();
  private readonly approvedForSession = new Set<string>();
  private binding: McpThreadBinding | undefined;
  private closing: Promise<void> | undefined;

  private constructor(connections: McpConnection[], warnings: string[], signal?: AbortSignal) {
    this.connections = new Map(connections.map((c) => [c.name, c]));
    this.startupWarnings = warnings;
    const byName = new Map<string, Tool>();
    for (const c of connections) for (const tool of c.tools) byName.set(`${c.name}\0${tool.name}`, tool);
    this.qualified = qualifyToolNames(connections.flatMap((c) => c.tools.map((tool) => ({ server: c.name, tool: tool.name })))).map(
      (q) => ({ qualifiedName: q.qualifiedName, server: q.server, tool: byName.get(`${q.server}\0${q.tool}`)! }),
    );
    signal?.addEventListener("abort", () => void this.close(), { once: true });
  }

  /** Starts the enabled servers of `configs` in parallel; throws `McpStartupError` for a required one. */
  static async start(configs: Record<string, McpServerConfig>, options: McpManagerOptions): Promise<McpManager> {
    const { servers, invalid } = resolveMcpServers(configs, options.cwd);
    const requiredInvalid = invalid.find((entry) => entry.required);
    if (requiredInvalid) throw new McpStartupError(requiredInvalid.error.server, requiredInvalid.error.message, { cause: requiredInvalid.error });
    const warnings = invalid.map((entry) => entry.error.message);
    // The manager does not exist yet while servers start: their hooks reach it through `self`.
    let self: McpManager | undefined;
    const connections = servers.map(
      (settings) =>
        new McpConnection(settings, {
          clientVersion: options.clientVersion ?? "0.0.0",
          elicit: (server, id, params, signal) =>
            self ? self.elicit(server, id, params, signal) : Promise.resolve({ action: "decline" as const }),
          closed: (server, detail) => self?.warn(`${detail}; it will be restarted on its next use`),
        }),
    );
    const outcomes = await Promise.allSettled(connections.map((c) => c.start(options.signal)));
    const started: McpConnection[] = [];
    let fatal: McpStartupError | undefined;
    outcomes.forEach((outcome, i) => {
      const connection = connections[i]!;
      if (outcome.status === "fulfilled") return void started.push(connection);
      const error = outcome.reason instanceof McpStartupError ? outcome.reason : new McpStartupError(connection.name, String(outcome.reason));
      if (connection.settings.required) fatal ??= new McpStartupError(connection.name, `required MCP server \`${connection.name}\` failed to start: ${error.message}`, { cause: error });
      else warnings.push(error.message);
    });
    if (fatal || options.signal?.aborted) {
      await Promise.all(started.map((c) => c.stop()));
      throw fatal ?? options.signal!.reason;
    }
    self = new McpManager(started, warnings, options.signal);
    return self;
  }

  /** Connects the manager to its thread: elicitations and warnings are recorded from now on. */
  bind(binding: McpThreadBinding): void {
    this.binding = binding;
  }

  get serverNames(): string[] {
    return [...this.connections.keys()];
  }

  /** The model's MCP tools and the three resource tools (none when no server runs). */
  toolHandlers(): ToolHandler[] {
    return this.connections.size === 0 ? [] : mcpToolHandlers(this);
  }

  tools(): readonly McpToolInfo[] {
    return this.qualified;
  }

  /** The `mcp_list_tools_response` payload (without its `type`). */
  async listTools(): Promise<{ tools: Record<string, Tool>; resources: Record<string, Resource[]>; resource_templates: Record<string, ResourceTemplate[]>; auth_statuses: Record<string, string> }> {
    const tools: Record<string, Tool> = {};
    for (const info of this.qualified) tools[info.qualifiedName] = info.tool;
    const [resources, resource_templates] = await Promise.all([this.listAllResources(), this.listAllResourceTemplates()]);
    const auth_statuses: Record<string, string> = {};
    for (const name of this.connections.keys()) auth_statuses[name] = "unsupported";
    return { tools, resources, resource_templates, auth_statuses };
  }

  async callTool(server: string, tool: string, args: Record<string, unknown> | undefined, signal?: AbortSignal): Promise<CallToolResult> {
    const connection = this.connection(server);
    if (!toolAllowed(connection.settings, tool)) throw new Error(`tool '${tool}' is disabled for MCP server '${server}'`);
    return connection.callTool(tool, args, signal);
  }

  async listResources(server: string, cursor?: string, signal?: AbortSignal) {
    return this.connection(server).listResources(cursor, signal);
  }

  async listResourceTemplates(server: string, cursor?: string, signal?: AbortSignal) {
    return this.connection(server).listResourceTemplates(cursor, signal);
  }

  async readResource(server: string, uri: string, signal?: AbortSignal) {
    return this.connection(server).readResource(uri, signal);
  }

  /** Every server's resources, all pages; a server that fails is left out (as Codex does). */
  listAllResources(signal?: AbortSignal): Promise<Record<string, Resource[]>> {
    return this.collect((server, cursor) => this.listResources(server, cursor, signal).then((r) => ({ items: r.resources, next: r.nextCursor })));
  }

  listAllResourceTemplates(signal?: AbortSignal): Promise<Record<string, ResourceTemplate[]>> {
    return this.collect((server, cursor) =>
      this.listResourceTemplates(server, cursor, signal).then((r) => ({ items: r.resourceTemplates, next: r.nextCursor })),
    );
  }

  approvalMode(server: string, tool: string): McpToolApprovalMode {
    return approvalModeFor(this.connection(server).settings, tool);
  }

  /** Remembers which tool an approval request (an elicitation we made up) is about. */
  noteApprovalRequest(server: string, requestId: string, tool: string): void {
    this.approvalRequests.set(key(server, requestId), { server, tool });
  }

  isApprovedForSession(server: string, tool: string): boolean {
    return this.approvedForSession.has(key(server, tool));
  }

  /** An approval was answered: "Allow for this session" (`_meta.persist`) is remembered. */
  approvalAnswered(op: OpOf<"resolve_elicitation">): void {
    const request = this.approvalRequests.get(key(op.server_name, op.request_id));
    this.approvalRequests.delete(key(op.server_name, op.request_id));
    const persist = (op.meta as { persist?: unknown } | null | undefined)?.persist;
    if (request && op.decision === "accept" && (persist === "session" || persist === "always")) {
      this.approvedForSession.add(key(request.server, request.tool));
    }
  }

  /** Whether a server's elicitation `requestId` is waiting for an answer. */
  hasElicitation(server: string, requestId: string | number): boolean {
    return this.pending.has(key(server, requestId));
  }

  /** Answers a waiting elicitation; false when none has that server and id. */
  resolveElicitation(op: OpOf<"resolve_elicitation">): boolean {
    const pending = this.pending.get(key(op.server_name, op.request_id));
    if (!pending) return false;
    this.pending.delete(key(op.server_name, op.request_id));
    pending.resolve(elicitResultOf(op));
    return true;
  }

  /** Stops every server; elicitations still waiting are cancelled. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const [id, pending] of this.pending) {
        this.pending.delete(id);
        pending.resolve({ action: "cancel" });
      }
      await Promise.all([...this.connections.values()].map((c) => c.stop()));
    })();
    return this.closing;
  }

  /** The pid of a running stdio server (diagnostics and tests). */
  serverPid(server: string): number | null {
    return this.connections.get(server)?.pid() ?? null;
  }

  private connection(server: string): McpConnection {
    const connection = this.connections.get(server);
    if (!connection) throw new UnknownMcpServerError(server);
    return connection;
  }

  private async elicit(server: string, requestId: string | number, params: ElicitParams, signal: AbortSignal): Promise<ElicitResult> {
    const binding = this.binding;
    if (!binding || this.closing) return { action: "decline" };
    const { approvalPolicy, sandboxPolicy } = binding.policy();
    const byPolicy = elicitationPolicyAnswer(params, approvalPolicy, sandboxPolicy);
    if (byPolicy) return byPolicy;
    const id = key(server, requestId);
    const answer = new Promise<ElicitResult>((resolve) => {
      this.pending.set(id, { resolve });
      // The server withdrew the request, or the connection went away.
      signal.addEventListener("abort", () => {
        if (this.pending.delete(id)) resolve({ action: "cancel" });
      }, { once: true });
    });
    const turnId = binding.activeTurn();
    await binding.event(turnId ?? "", elicitationRequestEvent(server, requestId, params, turnId));
    return answer;
  }

  private warn(message: string): void {
    void this.binding?.event("", { type: "warning", message }).catch(() => undefined);
  }

  private async collect<T>(page: (server: string, cursor?: string) => Promise<{ items: T[]; next?: string }>): Promise<Record<string, T[]>> {
    const out: Record<string, T[]> = {};
    await Promise.all(
      [...this.connections.keys()].map(async (server) => {
        const items: T[] = [];
        let cursor: string | undefined;
        try {
          do {
            const result = await page(server, cursor);
            items.push(...result.items);
            if (result.next !== undefined && result.next === cursor) return; // a repeated cursor would loop forever
            cursor = result.next;
          } while (cursor);
          out[server] = items;
        } catch {
          // Codex logs and leaves the server out.
        }
      }),
    );
    return Object.fromEntries(Object.keys(out).sort().map((server) => [server, out[server]!]));
  }
}
