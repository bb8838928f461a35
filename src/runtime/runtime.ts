/**
 * `createRuntime`: the embedding entry point. A runtime owns one event log (LevelDB in a data dir by
 * default) and the live threads on it; each thread is a session actor wired to its IO actors.
 */
import { join, resolve } from "node:path";
import { createActor } from "xstate";
import type { DynamicToolSpec, LogEntry, NewEntry } from "../events/index.js";
import { MemoryEventLog, type EventLog, type ThreadMeta } from "../log/index.js";
import { initialState, evolve, type ThreadState } from "../state/index.js";
import { createModelClient, resolveEndpoint, sampleWithRetry, type ModelClientOptions, type ResolvedEndpoint } from "../actors/model/index.js";
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
import { wireSession } from "./wiring.js";
import { UserError } from "./errors.js";
import { VERSION } from "./version.js";
import { RuntimeLeases } from "./leases.js";
import { chooseStorage, openStorage } from "./storage.js";
import type { ForkOptions, RuntimeOptions, StartThreadOptions } from "./options.js";
export type { ForkOptions, ModelOptions, RuntimeIo, RuntimeOptions, StartThreadOptions } from "./options.js";
import { McpManager } from "../actors/mcp/index.js";
import { platformSandboxOf, probeHostSandbox, sandboxInForce } from "../sandbox/index.js";

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
  try {
    parseWebSearchMode(config.web_search);
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
  return new Runtime({ ...options, env, clock, log, config, ownsLog: !options.log, installationId });
}

interface RuntimeParts extends RuntimeOptions {
  log: EventLog;
  config: LoomConfig;
  clock: Clock;
  env: Record<string, string | undefined>;
  ownsLog: boolean;
  installationId: string;
}

export class Runtime {
  readonly log: EventLog;
  readonly config: LoomConfig;
  private readonly store: ThreadStateStore;
  private readonly threads = new Map<string, Thread>();
  private readonly ids: IdSource;
  /** On a log many processes share, the leases of the threads this runtime writes. */
  private readonly leases: RuntimeLeases;
  private closed = false;

  constructor(private readonly parts: RuntimeParts) {
    this.log = parts.log;
    this.config = parts.config;
    this.ids = parts.ids ?? randomIds;
    this.store = new ThreadStateStore(parts.log, { snapshotEvery: parts.snapshotEvery });
    this.leases = new RuntimeLeases(parts.log);
  }

  async startThread(options: StartThreadOptions = {}): Promise<Thread> {
    this.assertOpen();
    const settings = this.startSettings(options);
    const mcp = await this.startMcp(settings.cwd);
    const id = this.ids.next("thread");
    await this.log.createThread({ id, name: options.name }).catch(async (error: unknown) => {
      await mcp?.close();
      throw error;
    });
    return this.leases.holding(id, () => this.openNew(id, settings, options, mcp));
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
  private openNew(id: string, settings: SessionSettings, options: StartThreadOptions, mcp: McpManager | undefined): Promise<Thread> {
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
      },
    };
    return this.open(id, 0, initialState(id), settings, [meta], options.dynamicTools, { mcp: mcp ?? null });
  }

  /**
   * Reopens a thread from its log. A turn the log left open (a crash) is closed as aborted, or
   * continued when it was only waiting on people; user input the log holds that no turn took is
   * delivered, in order (see resume.ts).
   */
  resumeThread(id: string, options: ThreadSettingsOptions = {}): Promise<Thread> {
    return this.reopen(id, options, { fork: false });
  }

  private async reopen(id: string, options: ThreadSettingsOptions, how: { fork: boolean }): Promise<Thread> {
    this.assertOpen();
    const existing = this.threads.get(id);
    if (existing) return existing;
    if (!(await this.log.getThread(id))) throw new UserError(`unknown thread ${JSON.stringify(id)}`);
    // One writer per thread across processes: the lease first, then the fold, so nobody writes in between.
    return this.leases.holding(id, () => this.resumeLeased(id, options, how));
  }

  private async resumeLeased(id: string, options: ThreadSettingsOptions, how: { fork: boolean }): Promise<Thread> {
    const meta = (await this.log.getThread(id))!;
    if (meta.headSeq === 0) {
      // Its creator died before writing anything (a crash between creating it and its metadata):
      // start it now, as startThread would have.
      const settings = this.startSettings(options);
      return this.openNew(id, settings, options, await this.startMcp(settings.cwd));
    }
    const state = await this.store.stateAt(id, meta.headSeq);
    let settings = await this.recoverSettings(id, state);
    settings = { ...settings, ...definedOnly(initialSettings(this.config, options, settings.cwd), options) };
    const plan = await planReopen(this.log, id, state, { now: this.parts.clock.now().getTime(), fork: how.fork });
    return this.open(id, meta.headSeq, state, settings, plan.firstEntries, state.sessionMeta?.dynamic_tools ?? undefined, {
      ...plan,
      // A resumed turn keeps the output schema its turn_context recorded.
      outputSchema: plan.resumeTurn ? await this.outputSchemaOf(id, state, plan.resumeTurn.turnId) : undefined,
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

  /** The thread's MCP servers (`mcp_servers`), started in parallel; a required one that fails throws. */
  private async startMcp(cwd: string): Promise<McpManager | undefined> {
    const servers = this.config.mcp_servers;
    if (!servers || Object.keys(servers).length === 0) return undefined;
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
    await Promise.all([...this.threads.values()].map((thread) => thread.close()));
    if (this.parts.ownsLog) await this.log.close();
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
  private async windowGeneration(id: string, meta: ThreadMeta): Promise<number> {
    let count = 0;
    for await (const entry of this.log.read(id, { from: (meta.forkSeq ?? 0) + 1 })) if (entry.kind === "compacted") count += 1;
    return count;
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
    } = {},
  ): Promise<Thread> {
    const { parts } = this;
    // A resumed or forked thread starts its MCP servers again (they do not outlive a process).
    const mcp = resume.mcp === undefined && !resume.quiet ? await this.startMcp(settings.cwd) : (resume.mcp ?? undefined);
    firstEntries = [...firstEntries, ...(mcp?.startupWarnings ?? []).map((message): NewEntry => ({ kind: "event_msg", payload: { type: "warning", message } }))];
    const bus = new ThreadBus(this.log, id, headSeq, parts.clock);
    const controller = new AbortController();
    let current = state;
    let currentSettings = settings;
    const applyOptions = this.applyOptions();
    const turnOptions = new Map<string, { outputSchema?: unknown }>();
    const meta = headSeq > 0 ? await this.log.getThread(id) : undefined;
    let windowGeneration = meta ? await this.windowGeneration(id, meta) : 0;
    bus.entries$.subscribe((entry) => {
      current = evolve(current, entry);
      if (entry.kind === "submission") {
        currentSettings = applySubmission(currentSettings, entry.payload, applyOptions);
        const schema = (entry.payload.op as { final_output_json_schema?: unknown }).final_output_json_schema;
        if (schema !== undefined && schema !== null) turnOptions.set(entry.payload.id, { outputSchema: schema });
      }
      if (entry.kind === "compacted") windowGeneration += 1;
      // Resume and time travel start from the nearest snapshot: keep one every K entries.
      void this.store.maybeSnapshot(id, current).catch(() => undefined);
    });
    if (resume.resumeTurn && resume.outputSchema !== undefined) turnOptions.set(resume.resumeTurn.turnId, { outputSchema: resume.outputSchema });
    const modelOptions = this.modelOptions(currentSettings.model);
    const processes = new ProcessManager({ env: parts.commandEnv });
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
        ...defaultToolHandlers({ dynamicTools, processes }),
        ...(mcp?.toolHandlers() ?? []),
        ...(parts.tools ?? []),
      ]),
      turns: new Map(),
      modelContextWindow: this.config.model_context_window,
      autoCompactTokenLimit: this.config.model_auto_compact_token_limit,
      compactPrompt: this.config.compact_prompt,
      skills: parts.skills,
      processes,
      features: featuresFrom(this.config.features),
      webSearch: parseWebSearchMode(this.config.web_search),
      identity: { originator: parts.originator ?? DEFAULT_ORIGINATOR, installationId: parts.installationId },
      get windowGeneration() {
        return windowGeneration;
      },
      turnOptions,
      invalidImages: new Set(),
      retry: this.retryPolicy(),
      signal: controller.signal,
      abort: () => controller.abort(),
    };
    const io = parts.io;
    if (io?.sampler) services.sample = io.sampler(services);
    if (io?.exec) services.exec = io.exec(services);
    if (io?.turnFacts) services.turnFacts = io.turnFacts(services);
    if (io?.wrapTool) services.tools = services.tools.map((handler) => io.wrapTool!(handler, services));
    io?.onThread?.(services);
    const approvals = parts.approvals ?? codexApprovals;
    const machine = wireSession({ services, log: this.log, mcp: mcp ?? null, approvals, tasks: parts.tasks });
    if (resume.resumeTurn) {
      await this.prepareResumedTurn(services, resume.resumeTurn.turnId, resume.resumedStart);
      for (const { callId, request } of resume.reask ?? []) rememberRequest(services, callId, request);
    }
    const actor = createActor(machine, {
      input: { threadId: id, resumeTurn: resume.resumeTurn, queue: resume.queue, steering: resume.steering },
    });
    const onClose = async () => {
      this.threads.delete(id);
      await this.leases.release(id).catch(() => undefined);
    };
    const thread = new Thread({ services, log: this.log, store: this.store, actor, mcp, onClose });
    this.threads.set(id, thread);
    if (!resume.quiet) this.leases.watch(id, thread);
    mcp?.bind({
      event: (sub, msg) => bus.event(sub, msg),
      policy: () => currentSettings,
      activeTurn: () => current.activeTurn,
    });
    actor.subscribe({
      error: (error) => {
        void bus.event("", { type: "error", message: `internal error in thread ${id}: ${String(error)}` }).catch(() => undefined);
      },
      complete: () => void thread.close(),
    });
    const platform = platformSandboxOf((await probeHostSandbox()).sandbox);
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
