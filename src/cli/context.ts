/**
 * Opening the data dir a command works on, in the way the command needs it:
 * - `read` (threads, log, state, turns, diff, replay, export-codex) never creates anything; when
 *   another Loom process holds the data dir it reads through that process (src/log/remote);
 * - `write` (fork, rollback) needs an existing data dir and holds it;
 * - `create` (exec, proto, import-codex) may start a new data dir, and says so.
 * A mistyped `--data-dir` therefore fails with a message instead of leaving an empty store behind.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadConfig } from "../config/index.js";
import { openLogForReading } from "../log/index.js";
import { createRuntime, defaultDataDir, type Runtime, type RuntimeOptions } from "../runtime/runtime.js";
import { UserError } from "../runtime/errors.js";
import type { CliIO } from "./io.js";

export interface GlobalValues {
  "data-dir"?: string;
  config?: string[];
}

export type Access = "read" | "write" | "create";

export interface OpenOptions extends Partial<RuntimeOptions> {
  access: Access;
  /** Where `create` reports a new data dir (stderr); nothing is printed without it. */
  report?: CliIO;
}

export function dataDirOf(values: GlobalValues): string {
  return resolve(values["data-dir"] ?? defaultDataDir());
}

/** The data dir's configuration (config.toml and -c), read without opening or creating anything. */
export function configOf(values: GlobalValues) {
  const dataDir = dataDirOf(values);
  return loadConfig(dataDir, values.config ?? []);
}

export async function openRuntime(values: GlobalValues, options: OpenOptions): Promise<Runtime> {
  const { access, report, ...extra } = options;
  const dataDir = dataDirOf(values);
  const logDir = join(dataDir, "log");
  if (access !== "create" && !existsSync(logDir)) {
    const why = existsSync(dataDir) ? "it has no event log" : "no such directory";
    throw new UserError(`no Loom data dir at ${dataDir} (${why}); check --data-dir or $LOOM_HOME`);
  }
  // Configuration first: a bad value is reported before anything is opened or created.
  const config = await loadConfig(dataDir, values.config ?? []);
  if (access === "read") {
    const log = await openLogForReading(logDir);
    return createRuntime({ ...extra, log, config, closeLog: true });
  }
  const isNew = !existsSync(logDir);
  const rt = await createRuntime({ ...extra, dataDir, config });
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
