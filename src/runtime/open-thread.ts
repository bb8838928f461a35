/**
 * Opening a thread: its log, bus and fold wired to its IO actors and its session actor. Starting,
 * resuming, forking, spawning and attaching all end here; the runtime (runtime.ts) decides what to
 * open and from which entries, this module how.
 */
import { join } from "node:path";
import type { DynamicToolSpec, LogEntry, NewEntry } from "../events/index.js";
import type { EventLog, ThreadMeta } from "../log/index.js";
import { evolve, type ThreadState } from "../state/index.js";
import { createModelClient, resolveEndpoint, sampleWithRetry, TurnGitProbe, type ModelClientOptions, type ResolvedEndpoint } from "../actors/model/index.js";
import { runShell } from "../actors/shell/index.js";
import type { Clock, IdSource } from "../actors/clock.js";
import { ThreadBus } from "../bus/index.js";
import { projectTrusted, type LoomConfig } from "../config/index.js";
import type { ThreadStateStore } from "./state-store.js";
import { Thread } from "./thread.js";
import type { ThreadServices } from "./services.js";
import { ToolRegistry, defaultToolHandlers, featuresFrom, parseWebSearchMode } from "../actors/tools/index.js";
import { ProcessManager } from "../actors/exec/index.js";
import { applySubmission, type ApplyOptions, type SessionSettings } from "./settings.js";
import { codexApprovals, rememberRequest } from "./approvals.js";
import type { ReopenPlan } from "./resume.js";
import { resolveTurnSettings } from "./turn-settings.js";
import { activateTurn } from "./turn-actors.js";
import { createSessionActor } from "./wiring.js";
import { UserError } from "./errors.js";
import { VERSION } from "./version.js";
import type { RuntimeLeases } from "./leases.js";
import type { RuntimeOptions } from "./options.js";
import { threadHooks } from "./thread-hooks.js";
import { HookTranscript } from "./hook-transcript.js";
import { DiscoveredSkills } from "./thread-skills.js";
import type { HookFunctions } from "../hooks/index.js";
import type { McpManager } from "../actors/mcp/index.js";
import { ExecPolicyHandle, ExecPolicyParseError, ExecPolicyReadError } from "../execpolicy/index.js";
import { keptSandboxAvailability, platformSandboxOf, sandboxInForce } from "../sandbox/index.js";
import { spawnLinkOf, type AgentControl, type AgentLimits, type SpawnLink } from "../agents/index.js";
import { agentToolsFor, subagentLines, type RuntimeAgentHost } from "./agent-host.js";
import { traceIdOf, type Observability } from "../observe/index.js";

/** The `originator` Loom sends unless the embedder names another (Codex sends e.g. "codex_exec"). */
export const DEFAULT_ORIGINATOR = "loom";

/** What a runtime is made of once `createRuntime` has read its configuration and opened its log. */
export interface RuntimeParts extends RuntimeOptions {
  log: EventLog;
  config: LoomConfig;
  clock: Clock;
  env: Record<string, string | undefined>;
  ownsLog: boolean;
  installationId: string;
  /** The data dir whose `rules/` holds the user's exec policy (none with an injected log). */
  rulesDataDir?: string;
  agentLimits?: AgentLimits;
  observe: Observability;
}

/** How a thread opens: the entries to write first and what its actors start from. */
export type OpenPlan = Partial<ReopenPlan> & {
  mcp?: McpManager | null;
  quiet?: boolean;
  /** The resumed turn's output schema, from its `turn_context`. */
  outputSchema?: unknown;
  /** The exec policy, when already read. */
  rules?: ExecPolicyHandle;
  /** The embedder's function hooks for this thread. */
  hooks?: HookFunctions;
  /** What SessionStart hooks are told at the first turn (none for a thread only attached). */
  sessionStart?: "startup" | "resume";
  /** A new sub-agent's link to its parent (a reopened one's is read from its session_meta). */
  link?: SpawnLink;
};

/** The runtime's parts a thread opens with; the runtime keeps the same objects. */
export interface OpenerDeps {
  parts: RuntimeParts;
  store: ThreadStateStore;
  ids: IdSource;
  leases: RuntimeLeases;
  agents: AgentControl;
  agentHost: RuntimeAgentHost;
  /** The runtime's open threads: a thread adds itself when it opens and leaves when it closes. */
  threads: Map<string, Thread>;
}

/** What applying a logged submission's settings depends on in the configuration. */
export function applyOptionsOf(config: LoomConfig): ApplyOptions {
  return { defaultModeRequestUserInput: featuresFrom(config.features).defaultModeRequestUserInput };
}

/** Opens threads on a runtime's log, with its configuration, agents and leases. */
export class ThreadOpener {
  private readonly parts: RuntimeParts;
  private readonly log: EventLog;
  private readonly config: LoomConfig;
  private readonly store: ThreadStateStore;
  private readonly ids: IdSource;
  private readonly leases: RuntimeLeases;
  private readonly agents: AgentControl;
  private readonly agentHost: RuntimeAgentHost;
  private readonly threads: Map<string, Thread>;

  constructor(deps: OpenerDeps) {
    this.parts = deps.parts;
    this.log = deps.parts.log;
    this.config = deps.parts.config;
    this.store = deps.store;
    this.ids = deps.ids;
    this.leases = deps.leases;
    this.agents = deps.agents;
    this.agentHost = deps.agentHost;
    this.threads = deps.threads;
  }

  /**
   * The exec policy a thread at `cwd` runs under: every `.rules` file Codex would read (system,
   * data dir, a trusted project's `.codex/rules`). A file that does not parse is a UserError naming
   * file, line and problem, and the thread does not open.
   */
  async loadRules(cwd: string): Promise<ExecPolicyHandle> {
    try {
      return await ExecPolicyHandle.load({
        dataDir: this.parts.rulesDataDir,
        systemDir: this.parts.rules?.systemDir,
        cwd,
        trustedProject: (dir) => projectTrusted(this.config, dir),
      });
    } catch (error) {
      if (error instanceof ExecPolicyParseError || error instanceof ExecPolicyReadError) {
        throw new UserError(`error loading rules: ${error.message}`, { cause: error });
      }
      throw error;
    }
  }

  /** The thread's MCP servers (`mcp_servers`), started in parallel; a required one that fails throws. */
  async startMcp(cwd: string): Promise<McpManager | undefined> {
    const servers = this.config.mcp_servers;
    if (!servers || Object.keys(servers).length === 0) return undefined;
    // The MCP SDK (and the JSON Schema validator it brings) loads only for a thread with servers.
    const { McpManager } = await import("../actors/mcp/manager.js");
    return McpManager.start(servers, { cwd, clientVersion: VERSION });
  }

  /**
   * Opens thread `id` at `headSeq` with its folded `state`: writes `firstEntries` and its
   * `session_configured` (nothing with `plan.quiet`), then starts its session actor.
   */
  async open(
    id: string,
    headSeq: number,
    state: ThreadState,
    settings: SessionSettings,
    firstEntries: NewEntry[],
    dynamicTools: DynamicToolSpec[] | undefined,
    resume: OpenPlan = {},
  ): Promise<Thread> {
    const { parts } = this;
    const rules = resume.rules ?? (await this.loadRules(settings.cwd));
    // A resumed or forked thread starts its MCP servers again (they do not outlive a process).
    const mcp = resume.mcp === undefined && !resume.quiet ? await this.startMcp(settings.cwd) : (resume.mcp ?? undefined);
    firstEntries = [...firstEntries, ...(mcp?.startupWarnings ?? []).map((message): NewEntry => ({ kind: "event_msg", payload: { type: "warning", message } }))];
    const bus = new ThreadBus(this.log, id, headSeq, parts.clock);
    const controller = new AbortController();
    let current = state;
    let currentSettings = settings;
    const applyOptions = applyOptionsOf(this.config);
    const turnOptions: ThreadServices["turnOptions"] = new Map();
    const observer = this.parts.observe.thread(id);
    const meta = headSeq > 0 ? await this.log.getThread(id) : undefined;
    let windowGeneration = meta ? await this.windowGeneration(meta, state) : 0;
    bus.entries$.subscribe((entry) => {
      current = evolve(current, entry);
      observer.entry(entry);
      if (entry.kind === "submission") {
        currentSettings = applySubmission(currentSettings, entry.payload, applyOptions);
        const schema = (entry.payload.op as { final_output_json_schema?: unknown }).final_output_json_schema;
        // The trace id comes from the logged submission alone, so replay writes the same one.
        const traceId = traceIdOf(entry.payload.trace);
        if ((schema !== undefined && schema !== null) || traceId !== undefined) {
          turnOptions.set(entry.payload.id, { ...(schema != null ? { outputSchema: schema } : {}), ...(traceId !== undefined ? { traceId } : {}) });
        }
      }
      if (entry.kind === "compacted") windowGeneration += 1;
      // Resume and time travel start from the nearest snapshot: keep one every K entries.
      void this.store.maybeSnapshot(id, current).catch(() => undefined);
    });
    if (resume.resumeTurn && resume.outputSchema !== undefined) turnOptions.set(resume.resumeTurn.turnId, { outputSchema: resume.outputSchema });
    // Input queued before a restart starts its turn now: its trace id comes from its logged submission.
    for (const queued of resume.queue ?? []) {
      const traceId = traceIdOf(queued.trace);
      if (traceId !== undefined) turnOptions.set(queued.id, { ...turnOptions.get(queued.id), traceId });
    }
    const modelOptions = this.modelOptions(currentSettings.model);
    const processes = new ProcessManager({ env: parts.commandEnv });
    const link = resume.link ?? (state.sessionMeta?.id === id ? spawnLinkOf(state.sessionMeta) : undefined);
    const depth = link?.source.depth ?? 0;
    const features = featuresFrom(this.config.features);
    const agentTools = features.multiAgent
      ? agentToolsFor(this.agents, {
          depth,
          baseInstructions: () => current.baseInstructions ?? currentSettings.baseInstructions,
          history: () => [...current.history],
          turnEntries: () => this.turnEntries(id, current),
        })
      : [];
    const services: ThreadServices = {
      threadId: id,
      bus,
      clock: parts.clock,
      ids: this.ids,
      state: () => current,
      settings: () => currentSettings,
      model: createModelClient(modelOptions),
      sample: (request, options) => sampleWithRetry(services.model, request, options),
      exec: runShell,
      tools: new ToolRegistry([
        ...defaultToolHandlers({ dynamicTools, processes, agentTools }),
        ...(mcp?.toolHandlers() ?? []),
        ...(parts.tools ?? []),
      ]),
      rules,
      turns: new Map(),
      modelContextWindow: this.config.model_context_window,
      autoCompactTokenLimit: this.config.model_auto_compact_token_limit,
      compactPrompt: this.config.compact_prompt,
      processes,
      features,
      webSearch: parseWebSearchMode(this.config.web_search),
      identity: { originator: parts.originator ?? DEFAULT_ORIGINATOR, installationId: parts.installationId, parentThreadId: link?.source.parent_thread_id },
      subagents: () => subagentLines(this.agents, id),
      get windowGeneration() {
        return windowGeneration;
      },
      turnOptions,
      invalidImages: new Set(),
      gitProbe: (cwd) => new TurnGitProbe(cwd),
      retry: this.retryPolicy(),
      signal: controller.signal,
      abort: () => controller.abort(),
    };
    const io = parts.io;
    // Skills are found when the thread opens; a bad SKILL.md is a warning naming it.
    const catalog = io?.skills
      ? io.skills(services)
      : new DiscoveredSkills({ dataDir: parts.dataDir, home: parts.env.HOME, cwd: settings.cwd }, parts.skills, (message) =>
          this.parts.observe.logger.warn({ threadId: id }, message),
        );
    services.skillCatalog = catalog;
    services.skills = catalog.summaries();
    if (!io?.skills) firstEntries = [...firstEntries, ...catalog.warnings().map((message): NewEntry => ({ kind: "event_msg", payload: { type: "warning", message } }))];
    const hooks = threadHooks({ dataDir: parts.dataDir, cwd: settings.cwd, config: this.config, clock: parts.clock, functions: resume.hooks });
    services.hooks = { port: io?.hooks ? io.hooks(services) : hooks.port, pendingSessionStart: resume.sessionStart ?? null, notify: io?.hooks ? null : hooks.notify };
    // Hooks that really run read the thread's rollout file (a replay's answer from the log and read none).
    if (!io?.hooks && hooks.port && parts.dataDir) services.hooks.transcript = new HookTranscript(this.log, id, parts.dataDir);
    if (!io?.hooks) firstEntries = [...firstEntries, ...hooks.warnings.map((message): NewEntry => ({ kind: "event_msg", payload: { type: "warning", message } }))];
    if (io?.sampler) services.sample = io.sampler(services);
    if (io?.exec) services.exec = io.exec(services);
    if (io?.turnFacts) services.turnFacts = io.turnFacts(services);
    if (io?.wrapTool) services.tools = services.tools.map((handler) => io.wrapTool!(handler, services));
    io?.onThread?.(services);
    const approvals = parts.approvals ?? codexApprovals;
    if (resume.resumeTurn) {
      await this.prepareResumedTurn(services, resume.resumeTurn.turnId, resume.resumedStart);
      for (const { callId, request } of resume.reask ?? []) rememberRequest(services, callId, request);
    }
    const actor = createSessionActor(
      { services, log: this.log, mcp: mcp ?? null, approvals, tasks: parts.tasks },
      { threadId: id, resumeTurn: resume.resumeTurn, queue: resume.queue, steering: resume.steering },
    );
    const onClose = async () => {
      observer.close();
      this.threads.delete(id);
      await this.leases.release(id).catch(() => undefined);
    };
    const thread = new Thread({
      services,
      log: this.log,
      store: this.store,
      actor,
      mcp,
      onClose,
      relayed$: this.agentHost.relayed(id),
      routeAnswer: (op) => this.agents.routeAnswer(id, op),
    });
    // Codex's skills watcher: a change of a skill root is reloaded and told to the client.
    const watcher = resume.quiet ? null : catalog.watch(() => {
      services.skills = catalog.summaries();
      void bus.event("", { type: "skills_update_available" }).catch(() => undefined);
    });
    if (watcher) controller.signal.addEventListener("abort", () => watcher.close(), { once: true });
    this.threads.set(id, thread);
    if (!resume.quiet) this.leases.watch(id, thread);
    mcp?.bind({
      event: (sub, msg) => bus.event(sub, msg),
      policy: () => currentSettings,
      activeTurn: () => current.activeTurn,
    });
    actor.subscribe({
      error: (error) => {
        this.parts.observe.logger.error({ threadId: id, err: error }, "internal error in a thread's actors");
        void bus.event("", { type: "error", message: `internal error in thread ${id}: ${String(error)}` }).catch(() => undefined);
      },
      complete: () => void thread.close(),
    });
    // What the session announces; the data dir keeps it per host, so opening starts no process.
    const platform = platformSandboxOf(await keptSandboxAvailability({ file: parts.dataDir && join(parts.dataDir, "cache", "sandbox.json") }));
    const configured: NewEntry = {
      kind: "event_msg",
      // The repairs that follow were stamped with one clock reading: session_configured shares it,
      // so the log's times never run backwards (and replay's recorded clock reads the same value).
      ts: firstEntries.find((entry) => entry.kind !== "session_meta" && entry.ts !== undefined)?.ts,
      payload: {
        type: "session_configured",
        session_id: id,
        thread_name: (await this.log.getThread(id))?.name ?? null,
        model: currentSettings.model,
        model_provider_id: "openai",
        approval_policy: currentSettings.approvalPolicy,
        sandbox_policy: currentSettings.sandboxPolicy,
        sandbox: sandboxInForce(currentSettings.sandboxPolicy, platform),
        cwd: currentSettings.cwd,
        reasoning_effort: currentSettings.effort ?? null,
        history_log_id: 0,
        history_entry_count: 0,
        reasoning_summary: currentSettings.summary ?? null,
        developer_instructions: currentSettings.developerInstructions ?? null,
        base_instructions: currentSettings.baseInstructions ?? null,
      },
    };
    // session_configured first: a resume's repair entries and re-asked requests follow it, so a
    // client that prints the opening events sees the thread, then what still needs it.
    if (resume.quiet) {
      thread.configured = { id: "", msg: configured.payload as Extract<NewEntry, { kind: "event_msg" }>["payload"] };
      thread.opening = [thread.configured];
      actor.start();
      return thread;
    }
    const metaEntries = firstEntries.filter((entry) => entry.kind === "session_meta");
    const rest = firstEntries.filter((entry) => entry.kind !== "session_meta");
    const stored = await bus.record([...metaEntries, configured, ...rest]);
    const opening = stored
      .filter((entry): entry is Extract<LogEntry, { kind: "event_msg" }> => entry.kind === "event_msg")
      .map((entry) => ({ id: entry.sub ?? "", msg: entry.payload }));
    thread.configured = opening[0]!;
    thread.opening = opening;
    actor.start();
    return thread;
  }

  /**
   * Codex's window generation: the compactions of this thread's own history (a fork counts from its
   * fork point). Read from the folded state, so opening a long thread does not read its whole log.
   */
  private async windowGeneration(meta: ThreadMeta, state: ThreadState): Promise<number> {
    if (meta.parentId === undefined || !meta.forkSeq) return state.compactions;
    return state.compactions - (await this.store.stateAt(meta.id, meta.forkSeq)).compactions;
  }

  /**
   * A resumed turn samples and runs tools with the settings a new turn would have now; its duration
   * counts from its logged start (not from the resume), so replay computes the same.
   */
  private async prepareResumedTurn(services: ThreadServices, turnId: string, startedAt: number | undefined): Promise<void> {
    const settings = await resolveTurnSettings(services);
    activateTurn(services, turnId, settings, startedAt ?? this.parts.clock.now().getTime());
  }

  /** The entries of a thread's current (last) turn. */
  private async turnEntries(id: string, state: ThreadState): Promise<LogEntry[]> {
    const out: LogEntry[] = [];
    for await (const entry of this.log.read(id, { from: state.turns.at(-1)?.firstSeq ?? 1 })) out.push(entry);
    return out;
  }

  private retryPolicy(): ThreadServices["retry"] {
    const base = this.parts.retry?.baseDelayMs;
    return {
      maxStreamRetries: this.parts.retry?.maxStreamRetries ?? this.endpoint().streamMaxRetries,
      backoff: base === undefined ? undefined : (attempt) => base * 2 ** (attempt - 1),
    };
  }

  private endpoint(): ResolvedEndpoint {
    return resolveEndpoint(this.config, this.parts.env, this.parts.model);
  }

  private modelOptions(model: string): ModelClientOptions {
    return { ...this.endpoint(), model: this.parts.model?.model ?? model };
  }
}
