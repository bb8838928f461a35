/**
 * `createRuntime`: the embedding entry point. A runtime owns one event log (LevelDB in a data dir by
 * default) and the live threads on it; each thread is a session actor wired to its IO actors
 * (open-thread.ts wires them; this file decides what opens and from which entries).
 */
import { resolve } from "node:path";
import type { NewEntry } from "../events/index.js";
import { MemoryEventLog, type EventLog, type ThreadMeta } from "../log/index.js";
import { initialState, type ThreadState } from "../state/index.js";
import { resolveEndpoint, resolveInstallationId, type ResolvedEndpoint } from "../actors/model/index.js";
import { systemClock, randomIds, type IdSource } from "../actors/clock.js";
import { defaultDataDir, loadConfig, validateConfig, type LoomConfig } from "../config/index.js";
import { ThreadStateStore } from "./state-store.js";
import type { Thread } from "./thread.js";
import { parseWebSearchMode } from "../actors/tools/index.js";
import { randomUUID } from "node:crypto";
import {
  initialSettings,
  settingsFromConfigured,
  settingsFromTurnContext,
  applySubmission,
  type SessionSettings,
  type ThreadSettingsOptions,
} from "./settings.js";
import { planReopen } from "./resume.js";
import { modelInstructions } from "../context/index.js";
import { UserError } from "./errors.js";
import { VERSION } from "./version.js";
import { RuntimeLeases } from "./leases.js";
import { chooseStorage, openStorage } from "./storage.js";
import type { ForkOptions, ResumeThreadOptions, RuntimeOptions, StartThreadOptions } from "./options.js";
export type { ForkOptions, ModelOptions, ResumeThreadOptions, RuntimeIo, RuntimeOptions, StartThreadOptions } from "./options.js";
import type { McpManager } from "../actors/mcp/index.js";
import type { ExecPolicyHandle } from "../execpolicy/index.js";
import { AgentControl, agentLimitsFrom, sessionMetaFields, type AgentLimits, type SpawnLink, type SpawnThreadRequest } from "../agents/index.js";
import { RuntimeAgentHost } from "./agent-host.js";
import { Observability, observeSettingsOf } from "../observe/index.js";
import { applyOptionsOf, ThreadOpener, type RuntimeParts } from "./open-thread.js";

export { DEFAULT_ORIGINATOR } from "./open-thread.js";
export { defaultDataDir };

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
  /** How a thread opens (open-thread.ts): every start, resume, fork and attach ends there. */
  private readonly opener: ThreadOpener;
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
    const { store, ids, leases, agents, agentHost, threads } = this;
    this.opener = new ThreadOpener({ parts, store, ids, leases, agents, agentHost, threads });
  }

  async startThread(options: StartThreadOptions = {}, spawn?: SpawnStart): Promise<Thread> {
    this.assertOpen();
    const settings = this.startSettings(options);
    // Rules before anything is written: a broken rules file starts no thread.
    const rules = await this.opener.loadRules(settings.cwd);
    const mcp = await this.opener.startMcp(settings.cwd);
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
    return this.opener.open(id, 0, initialState(id), settings, [meta, ...forked], options.dynamicTools, {
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
      const rules = await this.opener.loadRules(settings.cwd);
      return this.openNew(id, settings, options, await this.opener.startMcp(settings.cwd), rules);
    }
    const state = await this.store.stateAt(id, meta.headSeq);
    let settings = await this.recoverSettings(id, state);
    settings = { ...settings, ...definedOnly(initialSettings(this.config, options, settings.cwd), options) };
    const plan = await planReopen(this.log, id, state, { now: this.parts.clock.now().getTime(), fork: how.fork });
    return this.opener.open(id, meta.headSeq, state, settings, plan.firstEntries, state.sessionMeta?.dynamic_tools ?? undefined, {
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
    return this.opener.open(id, meta.headSeq, state, settings, [], state.sessionMeta?.dynamic_tools ?? undefined, { quiet: true });
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

  /** The output schema an open turn runs with, from its `turn_context` (a resumed turn keeps it). */
  private async outputSchemaOf(id: string, state: ThreadState, turnId: string): Promise<unknown> {
    const from = state.turns.at(-1)?.firstSeq ?? 1;
    for await (const entry of this.log.read(id, { from, to: state.seq })) {
      if (entry.kind === "turn_context" && entry.payload.turn_id === turnId) return entry.payload.final_output_json_schema ?? undefined;
    }
    return undefined;
  }

  /**
   * The settings a reopened thread continues with, as its log states them: the last entry that
   * states them whole (a turn's `turn_context`, or the `session_configured` of the last opening),
   * then every settings-carrying submission after it. Base instructions: the configuration's
   * override, else the thread's own (Codex's order), else the model's.
   */
  private async recoverSettings(id: string, state: ThreadState): Promise<SessionSettings> {
    let settings = initialSettings(this.config, {}, state.sessionMeta?.cwd ?? process.cwd());
    settings = { ...settings, baseInstructions: this.config.base_instructions ?? state.baseInstructions ?? undefined };
    for await (const entry of this.log.read(id, { from: Math.max(1, state.settingsSeq), to: state.seq })) {
      if (entry.kind === "turn_context") settings = settingsFromTurnContext(settings, entry.payload);
      else if (entry.kind === "submission") settings = applySubmission(settings, entry.payload, applyOptionsOf(this.config));
      else if (entry.kind === "event_msg" && entry.payload.type === "session_configured") {
        settings = settingsFromConfigured(settings, entry.payload);
        if (this.config.base_instructions !== undefined) settings.baseInstructions = this.config.base_instructions;
      }
    }
    return settings;
  }

  /** The model endpoint: explicit options, then the active provider's table, then the environment. */
  endpoint(): ResolvedEndpoint {
    return resolveEndpoint(this.config, this.parts.env, this.parts.model);
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
