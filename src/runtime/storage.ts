/**
 * Which event log a runtime opens. `storage` comes from `createRuntime({ storage })` (the CLI's
 * `--storage`), else `LOOM_STORAGE`, else `storage = "..."` in config.toml; without any, LevelDB in
 * the data dir (the embedded default).
 *
 * - `postgres://user:password@host:port/database` (or `postgresql://`): PostgreSQL, shared by every
 *   process pointed at it. Query parameters Loom reads (and does not pass to the driver): `schema`
 *   (default `loom`), `worker` (this process's name in leases), `lease_ttl_ms` (default 15000).
 * - `leveldb` or `leveldb:DIR`: LevelDB in `<data dir>/log`, or in DIR.
 */
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { openLogForWriting } from "../log/open.js";
import type { EventLog } from "../log/types.js";
import type { Clock } from "../actors/clock.js";
import { UserError } from "./errors.js";

export interface StorageChoice {
  /** The storage string, and where it came from (named in errors). */
  value: string;
  source: string;
}

/** The first storage setting given: the option, then `LOOM_STORAGE`, then config.toml. */
export function chooseStorage(
  option: string | undefined,
  env: Record<string, string | undefined>,
  config: Record<string, unknown>,
): StorageChoice | undefined {
  if (option !== undefined) return { value: option, source: "--storage" };
  if (env.LOOM_STORAGE) return { value: env.LOOM_STORAGE, source: "LOOM_STORAGE" };
  if (config.storage === undefined) return undefined;
  if (typeof config.storage !== "string") throw new UserError(`storage in config.toml must be a string, got ${JSON.stringify(config.storage)}`);
  return { value: config.storage, source: "storage in config.toml" };
}

export interface OpenStorageOptions {
  dataDir: string;
  durable: boolean;
  clock: Clock;
  /** For LevelDB: answer other processes' reads of the data dir while this process holds it. */
  serve?: { version: string };
}

export async function openStorage(choice: StorageChoice | undefined, options: OpenStorageOptions): Promise<EventLog> {
  const clock = () => options.clock.now();
  const value = choice?.value.trim() ?? "leveldb";
  if (/^postgres(ql)?:\/\//i.test(value)) return openPostgres(value, choice!.source, clock);
  if (value === "leveldb" || value.startsWith("leveldb:")) {
    const dir = value === "leveldb" ? join(options.dataDir, "log") : resolve(value.slice("leveldb:".length));
    await mkdir(options.dataDir, { recursive: true });
    return openLogForWriting(dir, { durable: options.durable, clock, ...(options.serve ? { serve: options.serve } : {}) });
  }
  throw new UserError(
    `${choice?.source ?? "storage"}: unknown storage ${JSON.stringify(redact(value))}; use postgres://user@host:port/database or leveldb[:DIR]`,
  );
}

async function openPostgres(value: string, source: string, clock: () => Date): Promise<EventLog> {
  let url: URL;
  try {
    url = new URL(value);
  } catch (error) {
    throw new UserError(`${source}: invalid PostgreSQL URL ${JSON.stringify(redact(value))}`, { cause: error });
  }
  const take = (name: string): string | undefined => {
    const found = url.searchParams.get(name) ?? undefined;
    url.searchParams.delete(name);
    return found;
  };
  const schema = take("schema");
  const owner = take("worker");
  const ttl = take("lease_ttl_ms");
  const leaseTtlMs = ttl === undefined ? undefined : Number(ttl);
  if (leaseTtlMs !== undefined && !(Number.isInteger(leaseTtlMs) && leaseTtlMs > 0)) {
    throw new UserError(`${source}: lease_ttl_ms must be a positive integer (milliseconds), got ${JSON.stringify(ttl)}`);
  }
  // The driver and its schema load only for a PostgreSQL storage.
  const { PostgresEventLog } = await import("../log/postgres/index.js");
  try {
    return await PostgresEventLog.open(url.toString(), { schema, owner, leaseTtlMs, clock });
  } catch (error) {
    if (error instanceof TypeError) throw new UserError(`${source}: ${error.message}`, { cause: error });
    throw error;
  }
}

/** A storage string with its password hidden, for messages. */
function redact(value: string): string {
  return value.replace(/^(\w+:\/\/[^:/@]*:)[^@]*@/, "$1***@");
}
