/** The options of the embedding API: the runtime's, a new thread's, a fork's. */
import type { DynamicToolSpec } from "../events/index.js";
import type { EventLog } from "../log/index.js";
import type { LoomConfig } from "../config/index.js";
import type { Clock, IdSource } from "../actors/clock.js";
import type { ToolHandler } from "../actors/tools/index.js";
import type { SkillSummary } from "../context/index.js";
import type { ApprovalPolicyHooks } from "./approvals.js";
import type { Sampler, ThreadServices, TurnFacts } from "./services.js";
import type { ThreadSettingsOptions } from "./settings.js";
import type { Task } from "./wiring.js";
import type { HookFunctions, HookPort } from "../hooks/index.js";
import type { SkillCatalog } from "./thread-skills.js";
import type { MeterProvider, TracerProvider } from "@opentelemetry/api";
import type { Logger } from "../observe/index.js";

export interface ModelOptions {
  apiKey?: string;
  baseURL?: string;
  model?: string;
}

export interface RuntimeOptions {
  /** LevelDB data directory (default `$LOOM_HOME`, else `~/.loom`). Ignored when `log` is given. */
  dataDir?: string;
  /**
   * Where the log lives: `postgres://user@host:port/database` (shared by many processes, a lease per
   * written thread) or `leveldb[:DIR]`. Default `LOOM_STORAGE`, else `storage` in config.toml, else
   * LevelDB in the data dir. Ignored when `log` is given.
   */
  storage?: string;
  /** Inject a log backend (e.g. `new MemoryEventLog()`). */
  log?: EventLog;
  /** fsync every group commit (default true). */
  durable?: boolean;
  model?: ModelOptions;
  /** Configuration; by default read from `<dataDir>/config.toml` plus `configOverrides`. */
  config?: LoomConfig;
  configOverrides?: string[];
  clock?: Clock;
  ids?: IdSource;
  /** Entries between state snapshots. */
  snapshotEvery?: number;
  /** Environment for OPENAI_API_KEY / OPENAI_BASE_URL (default process.env). */
  env?: Record<string, string | undefined>;
  /** Extra tools offered in every thread, beside the built-in ones. */
  tools?: ToolHandler[];
  /** The approval policy engine (default: the Codex rules of src/safety). */
  approvals?: ApprovalPolicyHooks;
  /** Stream retries: how many, and the first backoff delay (default Codex's: 5, 200 ms doubling). */
  retry?: { maxStreamRetries?: number; baseDelayMs?: number };
  /** Replacements of the outside world (replay answers the model and tools from a recorded log). */
  io?: RuntimeIo;
  /** Non-turn tasks by op type (compact, run_user_shell_command); built-ins are registered by default. */
  tasks?: Map<string, Task>;
  /** The `originator` header of model requests (default "loom"). */
  originator?: string;
  /** `client_metadata`'s installation id (default: kept in `<dataDir>/installation_id`). */
  installationId?: string;
  /** The environment exec_command processes start from (default process.env). */
  commandEnv?: Record<string, string | undefined>;
  /** Skills listed to the model in `<skills_instructions>` (default none). */
  skills?: SkillSummary[];
  /** Exec-policy folders besides `<dataDir>/rules`: `systemDir` replaces `/etc/loom` (null: none). */
  rules?: { systemDir?: string | null };
  /** A pino logger: lines per thread and turn (`threadId`, `turnId`, `seq`). Default: none written. */
  logger?: Logger;
  /**
   * OpenTelemetry providers for Loom's spans and metrics. Default: the exporters `[otel]` names,
   * else the global API's providers (a no-op unless the application registered an SDK).
   */
  telemetry?: { tracerProvider?: TracerProvider; meterProvider?: MeterProvider };
}

/** Seams for re-execution: what stands in for the model and the tools. */
export interface RuntimeIo {
  sampler?: (services: ThreadServices) => Sampler;
  exec?: (services: ThreadServices) => ThreadServices["exec"];
  wrapTool?: (handler: ToolHandler, services: ThreadServices) => ToolHandler;
  /** The thread's skills instead of discovering them (replay: the recording's). */
  skills?: (services: ThreadServices) => SkillCatalog;
  /** What answers the thread's hooks instead of running them (replay: the recording). No notify then. */
  hooks?: (services: ThreadServices) => HookPort | null;
  /** Called once a thread's services exist, before anything is recorded. */
  onThread?: (services: ThreadServices) => void;
  /** What a new turn would read from the host (date, time zone, AGENTS.md), as a recording had it. */
  turnFacts?: (services: ThreadServices) => () => TurnFacts;
}


export interface StartThreadOptions extends ThreadSettingsOptions {
  /** Host tools the model may call; calls arrive as `dynamic_tool_call_request` events. */
  dynamicTools?: DynamicToolSpec[];
  name?: string;
  /** Function hooks, run with the configured command hooks (`{ preToolUse(input) { ... } }`). */
  hooks?: HookFunctions;
}

/** `resumeThread` options: settings to change, and the function hooks (they do not outlive a process). */
export interface ResumeThreadOptions extends ThreadSettingsOptions {
  hooks?: HookFunctions;
}

export type ForkOptions = { atSeq: number } | { beforeUserTurn: number };

