/**
 * `createRuntime`: the embedding entry point. A runtime owns one event log (LevelDB in a data dir by
 * default) and the live threads on it; each thread is a session actor wired to its IO actors.
 */
import { join, resolve } from "node:path";
import type { DynamicToolSpec, LogEntry, NewEntry } from "../events/index.js";
import { MemoryEventLog, type EventLog, type ThreadMeta } from "../log/index.js";
import { initialState, evolve, type ThreadState } from "../state/index.js";
import { createModelClient, resolveEndpoint, sampleWithRetry, TurnGitProbe, type ModelClientOptions, type ResolvedEndpoint } from "../actors/model/index.js";
import { runShell } from "../actors/shell/index.js";
import { systemClock, randomIds, type Clock, type IdSource } from "../actors/clock.js";
import { ThreadBus } from "../bus/index.js";
import { defaultDataDir, loadConfig, validateConfig, type LoomConfig } from "../config/index.js";
import { ThreadStateStore } from "./state-store.js";
import { Thread } from "./thread.js";
import type { ThreadServices } from "./services.js";
import { ToolRegistry, defaultToolHandlers, featuresFrom, parseWebSearchMode } from "../actors/tools/index.js";
import { ProcessManager } from "../actors/exec/index.js";
import { resolveInstallationId } from "../actors/model/index.js";
import { randomUUID } from "node:crypto";
import {
  initialSettings,
  settingsFromConfigured,
  settingsFromTurnContext,
  applySubmission,
  type SessionSettings,
  type ThreadSettingsOptions,
} from "./settings.js";
import { codexApprovals, rememberRequest } from "./approvals.js";
import { planReopen, type ReopenPlan } from "./resume.js";
import { resolveTurnSettings } from "./turn-settings.js";
import { modelInstructions } from "../context/index.js";
import { activateTurn } from "./turn-actors.js";
import { createSessionActor } from "./wiring.js";
import { UserError } from "./errors.js";
import { VERSION } from "./version.js";
import { RuntimeLeases } from "./leases.js";
import { chooseStorage, openStorage } from "./storage.js";
import type { ForkOptions, ResumeThreadOptions, RuntimeOptions, StartThreadOptions } from "./options.js";
export type { ForkOptions, ModelOptions, ResumeThreadOptions, RuntimeIo, RuntimeOptions, StartThreadOptions } from "./options.js";
import { threadHooks } from "./thread-hooks.js";
import { DiscoveredSkills } from "./thread-skills.js";
import type { HookFunctions } from "../hooks/index.js";
import type { McpManager } from "../actors/mcp/index.js";
import { ExecPolicyHandle, ExecPolicyParseError, ExecPolicyReadError } from "../execpolicy/index.js";
import { projectTrusted } from "../config/index.js";
import { keptSandboxAvailability, platformSandboxOf, sandboxInForce } from "../sandbox/index.js";
import { AgentControl, agentLimitsFrom, sessionMetaFields, spawnLinkOf, type AgentLimits, type SpawnLink, type SpawnThreadRequest } from "../agents/index.js";
import { agentToolsFor, RuntimeAgentHost, subagentLines } from "./agent-host.js";
import { Observability, observeSettingsOf, traceIdOf } from "../observe/index.js";

export { defaultDataDir };

/** The `originator` Loom sends unless the embedder names another (Codex sends e.g. "codex_exec"). */
export const DEFAULT_ORIGINATOR = "loom";

export async function createRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  const env = options.env ?? process.env;
  const clock = options.clock ?? systemClock;
  let log = options.log;
  const dataDir = log ? undefined : resolve(options.dataDir ?? defaultDataDir(env));
  // Configuration first: a bad value is reported before anything is opened or created.
  const config = validateConfig(options.config ?? (dataDir ? await loadConfig(dataDir, options.configOverrides ?? []) : {}));
  let agentLimits: AgentLimits;
  let settings: ReturnType<typeof observeSettingsOf>;
  try {
    parseWebSearchMode(config.web_search);
    agentLimits = agentLimitsFrom(config.agents);
    settings = observeSettingsOf(config, env);
  } catch (error) {
    throw new UserError((error as Error).message, { cause: error });
  }
  if (!log) {
    const storage = chooseStorage(options.storage, env, config);
    // On the data dir's LevelDB, this process holds it and answers other processes' reads.
    log = await openStorage(storage, { dataDir: dataDir!, durable: options.durable ?? true, clock, serve: { version: VERSION } });
  }
  // Codex keeps one installation id per home; Loom one per data dir (a random one without a dir).
  const installationId = options.installationId ?? (dataDir ? await resolveInstallationId(dataDir) : randomUUID());
  const observe = await Observability.create({ logger: options.logger, ...options.telemetry, settings, serviceVersion: VERSION });
  observe.logger.info({ version: VERSION, dataDir, tracing: observe.tracer !== undefined, metrics: observe.instruments !== undefined }, "runtime opened");
  return new Runtime({ ...options, dataDir, env, clock, log, config, ownsLog: !options.log, installationId, rulesDataDir: dataDir, agentLimits, observe });
}

interface RuntimeParts extends RuntimeOptions {
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

/** What a spawned thread starts with besides its settings: its link to the parent, a fork's history. */
interface SpawnStart {
  link: SpawnLink;
  forkedItems: SpawnThreadRequest["forkedItems"];
}

export class Runtime {
  readonly log: EventLog;
  readonly config: LoomConfig;
  private readonly store: ThreadStateStore;
  private readonly threads = new Map<string, Thread>();
  private readonly ids: IdSource;
  /** On a log many processes share, the leases of the threads this runtime writes. */
  private readonly leases: RuntimeLeases;
  /** Sub-agents: every agent a thread spawns is a thread of this runtime (src/agents). */
  readonly agents: AgentControl;
  private readonly agentHost: RuntimeAgentHost;
  private closed = false;

  constructor(private readonly parts: RuntimeParts) {
    this.log = parts.log;
    this.config = parts.config;
    this.ids = parts.ids ?? randomIds;
    this.store = new ThreadStateStore(parts.log, { snapshotEvery: parts.snapshotEvery });
    this.leases = new RuntimeLeases(parts.log);
    this.agentHost = new RuntimeAgentHost({
      log: parts.log,
      spawn: (request) => this.startThread(childOptions(request), { link: request.link, forkedItems: request.forkedItems }),
      reopen: (id) => this.reopen(id, {}, { fork: false }),
      openNow: (id) => this.threads.get(id),
    });
    this.agents = new AgentControl(this.agentHost, parts.agentLimits);
  }

  async startThread(options: StartThreadOptions = {}, spawn?: SpawnStart): Promise<Thread> {
    this.assertOpen();
    const settings = this.startSettings(options);
    // Rules before anything is written: a broken rules file starts no thread.
    const rules = await this.loadRules(settings.cwd);
    const mcp = await this.startMcp(settings.cwd);
    const id = this.ids.next("thread");
    await this.log.createThread({ id, name: options.name }).catch(async (error: unknown) => {
      await mcp?.close();
      throw error;
    });
    return this.leases.holding(id, () => this.openNew(id, settings, options, mcp, rules, spawn));
  }

  /**
   * A new thread's settings. Its instructions are fixed when it starts (Codex's
   * session_meta.base_instructions): a later change of model or personality adds context messages
   * instead of changing them.
   */
  private startSettings(options: ThreadSettingsOptions): SessionSettings {
    const initial = initialSettings(this.config, options, process.cwd());
    return { ...initial, baseInstructions: initial.baseInstructions ?? modelInstructions(initial.model, initial.personality) };
  }

  /** Writes a new thread's metadata and opens it. */
  private openNew(id: string, settings: SessionSettings, options: StartThreadOptions, mcp: McpManager | undefined, rules?: ExecPolicyHandle, spawn?: SpawnStart): Promise<Thread> {
    // One clock reading for the metadata and its entry, so a replay (recorded clock) agrees.
    const timestamp = this.parts.clock.now().toISOString();
    const meta: NewEntry = {
      kind: "session_meta",
      ts: timestamp,
      payload: {
        id,
        timestamp,
        cwd: settings.cwd,
        originator: "loom",
        cli_version: VERSION,
        source: "custom",
        model_provider: "openai",
        base_instructions: { text: settings.baseInstructions ?? modelInstructions(settings.model, settings.personality) },
        dynamic_tools: options.dynamicTools,
        ...(spawn ? sessionMetaFields(spawn.link) : {}),
      },
    };
    // A forked sub-agent starts from its parent's history (Codex writes it after the metadata).
    const forked = (spawn?.forkedItems ?? []).map((item): NewEntry => ({ kind: "response_item", ts: timestamp, payload: item }));
    return this.open(id, 0, initialState(id), settings, [meta, ...forked], options.dynamicTools, {
      mcp: mcp ?? null,
      rules,
      hooks: options.hooks,
      sessionStart: "startup",
      link: spawn?.link,
    });
  }

  /**
   * Reopens a thread from its log. A turn the log left open (a crash) is closed as aborted, or
   * continued when it was only waiting on people; user input the log holds that no turn took is
   * delivered, in order (see resume.ts).
   */
  async resumeThread(id: string, options: ResumeThreadOptions = {}): Promise<Thread> {
    const open = this.threads.get(id);
    if (open) return open;
    const thread = await this.reopen(id, options, { fork: false });
    // Codex resumes the sub-agents a thread left open with it (not the ones it closed); what they
    // still wait on a person for is asked again of this thread's client.
    await this.agents.ensureChildren(id).catch(() => undefined);
    thread.opening.push(...this.agents.pendingRequests(id));
    return thread;
  }

  private async reopen(id: string, options: ResumeThreadOptions, how: { fork: boolean }): Promise<Thread> {
    this.assertOpen();
    const existing = this.threads.get(id);
    if (existing) return existing;
    if (!(await this.log.getThread(id))) throw new UserError(`unknown thread ${JSON.stringify(id)}`);
    // One writer per thread across processes: the lease first, then the fold, so nobody writes in between.
    return this.leases.holding(id, () => this.resumeLeased(id, options, how));
  }

  private async resumeLeased(id: string, options: ResumeThreadOptions, how: { fork: boolean }): Promise<Thread> {
    const meta = (await this.log.getThread(id))!;
    if (meta.headSeq === 0) {
      // Its creator died before writing anything (a crash between creating it and its metadata):
      // start it now, as startThread would have.
      const settings = this.startSettings(options);
      const rules = await this.loadRules(settings.cwd);
      return this.openNew(id, settings, options, await this.startMcp(settings.cwd), rules);
    }
    const state = await this.store.stateAt(id, meta.headSeq);
    let settings = await this.recoverSettings(id, state);
    settings = { ...settings, ...definedOnly(initialSettings(this.config, options, settings.cwd), options) };
    const plan = await planReopen(this.log, id, state, { now: this.parts.clock.now().getTime(), fork: how.fork });
    return this.open(id, meta.headSeq, state, settings, plan.firstEntries, state.sessionMeta?.dynamic_tools ?? undefined, {
      ...plan,
      // A resumed turn keeps the output schema its turn_context recorded.
      outputSchema: plan.resumeTurn ? await this.outputSchemaOf(id, state, plan.resumeTurn.turnId) : undefined,
      hooks: options.hooks,
      // Codex tells a forked thread's hooks "startup" (its history is new), a resumed one's "resume".
      sessionStart: how.fork ? "startup" : "resume",
    });
  }

  /**
   * Opens a thread's actors over its log without writing anything (replay re-executes from a point
   * this way). The log must not end inside a turn.
   * @internal
   */
  async attachThread(id: string): Promise<Thread> {
    this.assertOpen();
    const meta = await this.log.getThread(id);
    if (!meta) throw new UserError(`unknown thread ${JSON.stringify(id)}`);
    const state = await this.store.stateAt(id, meta.headSeq);
    if (state.activeTurn) throw new UserError(`thread ${id} ends inside turn ${state.activeTurn}; resume it instead`);
    const settings = await this.recoverSettings(id, state);
    return this.open(id, meta.headSeq, state, settings, [], state.sessionMeta?.dynamic_tools ?? undefined, { quiet: true });
  }

  /**
   * The exec policy a thread at `cwd` runs under: every `.rules` file Codex would read (system,
   * data dir, a trusted project's `.codex/rules`). A file that does not parse is a UserError naming
   * file, line and problem, and the thread does not open.
   */
  private async loadRules(cwd: string): Promise<ExecPolicyHandle> {
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
  private async startMcp(cwd: string): Promise<McpManager | undefined> {
    const servers = this.config.mcp_servers;
    if (!servers || Object.keys(servers).length === 0) return undefined;
    // The MCP SDK (and the JSON Schema validator it brings) loads only for a thread with servers.
    const { McpManager } = await import("../actors/mcp/manager.js");
    return McpManager.start(servers, { cwd, clientVersion: VERSION });
  }

  /** A new thread that shares `id`'s log up to a point (nothing is copied). */
  async forkThread(id: string, options: ForkOptions): Promise<Thread> {
    this.assertOpen();
    const source = await this.log.getThread(id);
    if (!source) throw new UserError(`unknown thread ${JSON.stringify(id)}`);
    const atSeq = "atSeq" in options ? options.atSeq : await this.seqBeforeUserTurn(id, source, options.beforeUserTurn);
    if (!Number.isInteger(atSeq) || atSeq < 1 || atSeq > source.headSeq) {
      throw new UserError(`cannot fork thread ${id} at seq ${atSeq}: a fork keeps seq 1 to ${source.headSeq} (its first entry is the thread's metadata)`);
    }
    const forkId = this.ids.next("thread");
    await this.log.fork(id, atSeq, { id: forkId });
    return this.reopen(forkId, {}, { fork: true });
  }

  /** The thread if it is open in this runtime (started, resumed or forked here, not closed). */
  openThread(id: string): Thread | undefined {
    return this.threads.get(id);
  }

  async listThreads(): Promise<ThreadMeta[]> {
    return this.log.listThreads();
  }

  /** A thread's folded state at `seq` (default: its head), without opening it. */
  async stateAt(id: string, seq?: number): Promise<ThreadState> {
    const meta = await this.log.getThread(id);
    if (!meta) throw new UserError(`unknown thread ${JSON.stringify(id)}`);
    if (seq !== undefined && seq > meta.headSeq) {
      throw new UserError(`thread ${id} has ${meta.headSeq} entries; no state at seq ${seq}`);
    }
    return this.store.stateAt(id, seq ?? meta.headSeq);
  }

  /** Stops every thread (their logs stay as they are) and closes the log if the runtime opened it. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.agents.dispose();
    await Promise.all([...this.threads.values()].map((thread) => thread.close()));
    if (this.parts.ownsLog) await this.log.close();
    await this.parts.observe.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new UserError("the runtime is closed");
  }

  private async seqBeforeUserTurn(id: string, meta: ThreadMeta, n: number): Promise<number> {
    const state = await this.store.stateAt(id, meta.headSeq);
    const turn = state.turns[n];
    if (!Number.isInteger(n) || n < 0 || !turn) {
      throw new UserError(`thread ${id} has ${state.turns.length} turns; cannot fork before turn ${n}`);
    }
    return turn.firstSeq - 1;
  }

  /**
   * The settings a reopened thread continues with, as its log states them: the last entry that
   * states them whole (a turn's `turn_context`, or the `session_configured` of the last opening),
   * then every settings-carrying submission after it. Base instructions: the configuration's
   * override, else the thread's own (Codex's order), else the model's.
   */
  private applyOptions() {
    return { defaultModeRequestUserInput: featuresFrom(this.config.features).defaultModeRequestUserInput };
  }

  /** The output schema an open turn runs with, from its `turn_context` (a resumed turn keeps it). */
  private async outputSchemaOf(id: string, state: ThreadState, turnId: string): Promise<unknown> {
    const from = state.turns.at(-1)?.firstSeq ?? 1;
    for await (const entry of this.log.read(id, { from, to: state.seq })) {
      if (entry.kind === "turn_context" && entry.payload.turn_id === turnId) return entry.payload.final_output_json_schema ?? undefined;
    }
    return undefined;
  }

  /** Compactions in this thread's own part of the log (a fork starts at 0, as in Codex). */
  /**
   * Codex's window generation: the compactions of this thread's own history (a fork counts from its
   * fork point). Read from the folded state, so opening a long thread does not read its whole log.
   */
  private async windowGeneration(meta: ThreadMeta, state: ThreadState): Promise<number> {
    if (meta.parentId === undefined || !meta.forkSeq) return state.compactions;
    return state.compactions - (await this.store.stateAt(meta.id, meta.forkSeq)).compactions;
  }

  private async recoverSettings(id: string, state: ThreadState): Promise<SessionSettings> {
    let settings = initialSettings(this.config, {}, state.sessionMeta?.cwd ?? process.cwd());
    settings = { ...settings, baseInstructions: this.config.base_instructions ?? state.baseInstructions ?? undefined };
    for await (const entry of this.log.read(id, { from: Math.max(1, state.settingsSeq), to: state.seq })) {
      if (entry.kind === "turn_context") settings = settingsFromTurnContext(settings, entry.payload);
      else if (entry.kind === "submission") settings = applySubmission(settings, entry.payload, this.applyOptions());
      else if (entry.kind === "event_msg" && entry.payload.type === "session_configured") {
        settings = settingsFromConfigured(settings, entry.payload);
        if (this.config.base_instructions !== undefined) settings.baseInstructions = this.config.base_instructions;
      }
    }
    return settings;
  }

  private async open(
    id: string,
    headSeq: number,
    state: ThreadState,
    settings: SessionSettings,
    firstEntries: NewEntry[],
    dynamicTools: DynamicToolSpec[] | undefined,
    resume: Partial<ReopenPlan> & {
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
    } = {},
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
    const applyOptions = this.applyOptions();
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

  /** The model endpoint: explicit options, then the active provider's table, then the environment. */
  endpoint(): ResolvedEndpoint {
    return resolveEndpoint(this.config, this.parts.env, this.parts.model);
  }

  private modelOptions(model: string): ModelClientOptions {
    return { ...this.endpoint(), model: this.parts.model?.model ?? model };
  }
}

/** A child's start options: its parent turn's settings, as the agent control chose them. */
function childOptions(request: SpawnThreadRequest): StartThreadOptions {
  const { settings } = request;
  return {
    cwd: settings.cwd,
    model: settings.model,
    effort: settings.effort,
    summary: settings.summary,
    approvalPolicy: settings.approvalPolicy,
    sandboxPolicy: settings.sandboxPolicy,
    developerInstructions: settings.developerInstructions,
    baseInstructions: settings.baseInstructions,
  };
}

function definedOnly(settings: SessionSettings, options: ThreadSettingsOptions): Partial<SessionSettings> {
  const out: Partial<SessionSettings> = {};
  for (const key of Object.keys(options) as (keyof ThreadSettingsOptions)[]) {
    if (options[key] === undefined) continue;
    if (key === "sandboxMode") out.sandboxPolicy = settings.sandboxPolicy;
    else (out as Record<string, unknown>)[key] = settings[key as keyof SessionSettings];
  }
  return out;
}

export { MemoryEventLog };
