/**
 * Opening the data dir a command works on, in the way the command needs it:
 * - `openReader` (threads, log, state, turns, diff, replay, export-codex) never creates anything;
 *   when another Loom process holds the data dir it reads through that process (src/log/remote).
 *   It loads no runtime: a read command starts in a fraction of the time.
 * - `openRuntime` with `write` (fork, rollback) needs an existing data dir and holds it;
 *   with `create` (exec, proto, import-codex) it may start a new data dir, and says so.
 * A mistyped `--data-dir` therefore fails with a message instead of leaving an empty store behind.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { defaultDataDir, loadConfig, type LoomConfig } from "../config/index.js";
import { openLogForReading } from "../log/open.js";
import type { EventLog } from "../log/types.js";
import type { ThreadStateStore } from "../runtime/state-store.js";
import { chooseStorage, openStorage, type StorageChoice } from "../runtime/storage.js";
import { systemClock } from "../actors/clock.js";
import { UserError } from "../runtime/errors.js";
import type { ThreadState } from "../state/index.js";
import type { Runtime, RuntimeOptions } from "../runtime/runtime.js";
import type { CliIO } from "./io.js";
import type { Logger } from "../observe/index.js";

export interface GlobalValues {
  "data-dir"?: string;
  storage?: string;
  config?: string[];
}

export function dataDirOf(values: GlobalValues): string {
  return resolve(values["data-dir"] ?? defaultDataDir());
}

/** The data dir's configuration (config.toml and -c), read without opening or creating anything. */
export function configOf(values: GlobalValues): Promise<LoomConfig> {
  return loadConfig(dataDirOf(values), values.config ?? []);
}

function requireDataDir(dataDir: string): void {
  if (existsSync(join(dataDir, "log"))) return;
  const why = existsSync(dataDir) ? "it has no event log" : "no such directory";
  throw new UserError(`no Loom data dir at ${dataDir} (${why}); check --data-dir or $LOOM_HOME`);
}

/** What read commands need: the log, the configuration and the folded state at any seq. */
export interface Reader {
  readonly log: EventLog;
  readonly config: LoomConfig;
  stateAt(threadId: string, seq?: number): Promise<ThreadState>;
}

/**
 * A storage other than the data dir's own LevelDB (`--storage`, `LOOM_STORAGE`, `storage` in
 * config.toml), or undefined. A shared database needs no data dir and no holder to read through.
 */
function sharedStorage(values: GlobalValues, config: LoomConfig): StorageChoice | undefined {
  const choice = chooseStorage(values.storage, process.env, config as Record<string, unknown>);
  return choice && choice.value.trim() !== "leveldb" ? choice : undefined;
}

export async function withReader<T>(values: GlobalValues, body: (reader: Reader) => Promise<T>): Promise<T> {
  const dataDir = dataDirOf(values);
  // Configuration first: a bad value is reported before anything is opened.
  const config = await loadConfig(dataDir, values.config ?? []);
  const shared = sharedStorage(values, config);
  if (!shared) requireDataDir(dataDir);
  const log = shared
    ? await openStorage(shared, { dataDir, durable: true, clock: systemClock })
    : await openLogForReading(join(dataDir, "log"));
  // The folds load only for a command that asks for a state (threads and log never do).
  let store: ThreadStateStore | undefined;
  try {
    return await body({
      log,
      config,
      async stateAt(threadId, seq) {
        const head = await log.head(threadId);
        if (seq !== undefined && seq > head) throw new UserError(`thread ${threadId} has ${head} entries; no state at seq ${seq}`);
        store ??= new (await import("../runtime/state-store.js")).ThreadStateStore(log);
        return store.stateAt(threadId, seq);
      },
    });
  } finally {
    await log.close();
  }
}

export interface OpenOptions extends Partial<RuntimeOptions> {
  access: "write" | "create";
  /** Where `create` reports a new data dir (stderr); nothing is printed without it. */
  report?: CliIO;
}

/**
 * The process's logger: JSON lines in `<data dir>/logs/loom.log` (rotated), or readable lines on
 * stderr with LOOM_LOG_FORMAT=pretty; never stdout (proto and exec --json speak there). A bad
 * level or format is left for createRuntime to report with the rest of the configuration.
 */
async function cliLoggerFor(dataDir: string, config: LoomConfig, env: Record<string, string | undefined>): Promise<Logger | undefined> {
  const { cliLogger, observeSettingsOf } = await import("../observe/index.js");
  let settings: ReturnType<typeof observeSettingsOf>;
  try {
    settings = observeSettingsOf(config, env);
  } catch {
    return undefined;
  }
  if (settings.logLevel === "silent") return undefined;
  try {
    return cliLogger(dataDir, settings.logLevel, settings.logFormat).logger;
  } catch {
    // A data dir we cannot write logs into still runs (read-only media, a full disk).
    return undefined;
  }
}

export async function openRuntime(values: GlobalValues, options: OpenOptions): Promise<Runtime> {
  const { access, report, ...extra } = options;
  const dataDir = dataDirOf(values);
  const config = await loadConfig(dataDir, values.config ?? []);
  const shared = sharedStorage(values, config);
  if (access === "write" && !shared) requireDataDir(dataDir);
  const isNew = !shared && !existsSync(join(dataDir, "log"));
  const { createRuntime } = await import("../runtime/runtime.js");
  const rt = await createRuntime({ logger: await cliLoggerFor(dataDir, config, extra.env ?? process.env), ...extra, dataDir, config, storage: values.storage });
  if (isNew) report?.err(`loom: started a new data dir at ${dataDir}`);
  return rt;
}

/** Runs `body` with a runtime and always closes it. */
export async function withRuntime<T>(values: GlobalValues, options: OpenOptions, body: (rt: Runtime) => Promise<T>): Promise<T> {
  const rt = await openRuntime(values, options);
  try {
    return await body(rt);
  } finally {
    await rt.close();
  }
}
