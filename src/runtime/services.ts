/**
 * What a thread's IO actors share: its bus, its folded state, its settings and the outside world
 * (model client, tools, clock, ids). Built by the runtime; machines never see it.
 */
import type { Clock, IdSource } from "../actors/clock.js";
import type { ThreadBus } from "../bus/index.js";
import type { ResponseItem } from "../events/index.js";
import type { ThreadState } from "../state/index.js";
import type { TurnSettings } from "../context/index.js";
import type { ModelInfo } from "../context/index.js";
import type { ModelClient, RequestSource, RetryOptions, SampleResult, TurnGitProbe } from "../actors/model/index.js";
import type { SessionSettings } from "./settings.js";
import type { ToolRegistry, ToolsConfig, Features, WebSearchMode } from "../actors/tools/index.js";
import type { ProcessManager } from "../actors/exec/index.js";
import type { SkillSummary } from "../context/index.js";
import type { RunShellOptions, ShellResult } from "../actors/shell/index.js";
import type { ExecPolicyHandle } from "../execpolicy/index.js";
import type { HookPort } from "../hooks/index.js";
import type { SkillCatalog } from "./thread-skills.js";
import type { HookTranscript } from "./hook-transcript.js";

/** A thread's hooks: the port that answers them, and the session start still to report. */
export interface ThreadHooks {
  /** Null when no hook is configured (a turn then records its start in one append, as before). */
  port: HookPort | null;
  /** Codex runs SessionStart hooks once, at the first turn after the thread started or resumed. */
  pendingSessionStart: "startup" | "resume" | null;
  /** Legacy `notify` argv, called at the end of each turn (never in replay). */
  notify: string[] | null;
  /** The rollout file hooks are told of (`transcript_path`); absent: none (no data dir, or replay). */
  transcript?: HookTranscript;
}

/** A running turn's frozen settings: what it samples and runs tools with. */
export interface ActiveTurn {
  turnId: string;
  settings: TurnSettings;
  model: ModelInfo;
  /** What this turn offers (shell family, web search, mode), and the specs that come of it. */
  toolsConfig: ToolsConfig;
  /** Tool specs offered to the model for this turn. */
  tools: unknown[];
  /** The JSON schema the final answer must follow (`final_output_json_schema`), if any. */
  outputSchema?: unknown;
  startedAt: number;
  /** Usage summed over this turn's model requests (for `thread.run`). */
  items: ResponseItem[];
  /** The trace id of the submission's W3C `trace`, written into `turn_context.trace_id` (Codex). */
  traceId?: string;
  /** Compactions this turn ran between its sampling rounds (bounded: see MAX_MID_TURN_COMPACTIONS). */
  midTurnCompactions?: number;
  /** The cwd's git facts for the turn metadata header, filled in the background. */
  git?: TurnGitProbe;
}

/** A turn's outside facts given instead of read: each one present replaces the host's. */
export interface TurnFacts {
  currentDate?: string;
  timezone?: string;
  /** AGENTS.md and configured instructions (`null`: none), instead of reading the working directory. */
  userInstructions?: string | null;
  /** `$TMPDIR` as the sandbox description lists it (`null`: unset), instead of this process's. */
  tmpdir?: string | null;
}

/** One model call with Codex's retries: the real sampler, or replay's recorded answers. */
export type Sampler = (request: RequestSource, options: RetryOptions & { purpose?: "turn" | "compaction" }) => Promise<SampleResult>;

export interface ThreadServices {
  threadId: string;
  bus: ThreadBus;
  clock: Clock;
  ids: IdSource;
  state(): ThreadState;
  settings(): SessionSettings;
  model: ModelClient;
  sample: Sampler;
  /** Runs a command for the user (`run_user_shell_command`); replay answers from the log. */
  exec: (options: RunShellOptions) => Promise<ShellResult>;
  tools: ToolRegistry;
  /** The thread's exec policy (`.rules` read when it opened, plus approved prefixes); none: heuristics only. */
  rules?: ExecPolicyHandle;
  turns: Map<string, ActiveTurn>;
  modelContextWindow?: number;
  /** `model_auto_compact_token_limit`: compact from here (never above 90% of the window). */
  autoCompactTokenLimit?: number;
  /** `compact_prompt`: replaces Codex's summarization prompt. */
  compactPrompt?: string;
  /** Skills listed in the developer context (`<skills_instructions>`), when the embedder gives some. */
  skills?: SkillSummary[];
  /** Where skills come from (listing, mentions, bodies); absent: only `skills` as given. */
  skillCatalog?: SkillCatalog;
  /** Lifecycle hooks and legacy notify (absent: none). */
  hooks?: ThreadHooks;
  /** The thread's unified exec processes (killed at interrupt, clean and shutdown). */
  processes: ProcessManager;
  /** `[features]` switches and the `web_search` setting (configuration). */
  features: Features;
  webSearch?: WebSearchMode;
  /** `originator` header and `client_metadata` installation id of every request; a sub-agent's parent. */
  identity: { originator: string; installationId: string; parentThreadId?: string };
  /** The `<subagents>` lines of the initial environment context (the thread's open sub-agents). */
  subagents?: () => string;
  /** How many times this thread's history was compacted (Codex's window generation). */
  windowGeneration: number;
  /** Tool outputs whose images the API refused: sent with "Invalid image" instead (not logged, as in Codex). */
  invalidImages: Set<string>;
  /** Op data of user turns by submission id (their output schema), until the turn starts. */
  turnOptions: Map<string, { outputSchema?: unknown; traceId?: string }>;
  /** Stream retry policy (tests shorten the backoff). */
  retry: { maxStreamRetries?: number; backoff?: (attempt: number) => number };
  /** Starts a turn's background git probe for `x-codex-turn-metadata` (absent: no probe, as in replay). */
  gitProbe?: (cwd: string) => TurnGitProbe;
  /** A turn's date, time zone and AGENTS.md given instead of read from the host (replay of a rollout). */
  turnFacts?: () => TurnFacts;
  /** Aborted when the thread closes: long waits (AGENTS.md reads, backoff) end with it. */
  signal: AbortSignal;
  abort(): void;
}
