/** One entry point for callers that choose the backend by configuration, and for readers of a held log. */
import { lstat } from "node:fs/promises";
import { resolve } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { LogLockedError } from "./errors.js";
import { LevelEventLog } from "./level.js";
import type { LevelEventLogOptions } from "./level.js";
import { MemoryEventLog } from "./memory.js";
import { endpointPath } from "./remote/path.js";
import type { RemoteEventLog } from "./remote/client.js";
import type { EventLog } from "./types.js";

export interface OpenEventLogOptions extends LevelEventLogOptions {
  /** The LevelDB directory; without one the log lives in memory. */
  dir?: string;
}

export async function openEventLog(options: OpenEventLogOptions = {}): Promise<EventLog> {
  const { dir, ...rest } = options;
  return dir === undefined ? new MemoryEventLog(rest) : LevelEventLog.open(dir, rest);
}

/**
 * The read endpoint of the process holding `dir`, checked: the socket must belong to this user (a
 * socket in a shared temp dir could be anyone's) and the process must say it holds this directory.
 */
async function connectToHolder(dir: string): Promise<RemoteEventLog> {
  const { socket } = endpointPath(dir);
  const owner = (await lstat(socket)).uid;
  if (owner !== process.getuid?.()) throw new Error(`${socket} belongs to another user`);
  // Loaded only when another process holds the directory: a plain read does not pay for the protocol.
  const { RemoteEventLog } = await import("./remote/client.js");
  const remote = await RemoteEventLog.connect(socket);
  if (resolve(remote.holder.dir) !== resolve(dir)) {
    await remote.close();
    throw new Error(`${socket} is served for ${remote.holder.dir}, not ${dir}`);
  }
  return remote;
}

export interface ReadLogOptions {
  clock?: () => Date;
  /**
   * How long to keep trying while the directory is locked by a process that does not answer on
   * its endpoint (another reader, which holds the lock for a moment, or a holder starting up).
   */
  waitMs?: number;
}

/**
 * A log to read from that is never created: the LevelDB directory itself when no other process
 * holds it (held only while the caller reads, and not served), else a read-only `RemoteEventLog`
 * through the holder's endpoint. A socket left by a holder that was killed answers nothing, and the
 * kernel released its lock with it: the next attempt opens the directory. Fails with
 * `LogMissingError`, `LogOpenError`, or `LogLockedError` when the holder never answers.
 */
export async function openLogForReading(dir: string, options: ReadLogOptions = {}): Promise<EventLog> {
  const deadline = Date.now() + (options.waitMs ?? 3000);
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await LevelEventLog.open(dir, { create: false, clock: options.clock });
    } catch (error) {
      if (!(error instanceof LogLockedError)) throw error;
      try {
        return await connectToHolder(dir);
      } catch (connectError) {
        if (Date.now() >= deadline) {
          throw new LogLockedError(dir, {
            cause: new Error(`the process holding it does not answer on ${endpointPath(dir).socket}: ${(connectError as Error).message}`),
          });
        }
      }
    }
    await delay(Math.min(25 * 2 ** attempt, 250));
  }
}

export interface WriteLogOptions extends LevelEventLogOptions {
  /** How long to wait for a lock held by a process that does not answer (a reader holds it for a moment). */
  waitMs?: number;
}

/**
 * The LevelDB log at `dir` for this process to hold (and serve, with `serve`). A lock held by another
 * Loom process that answers on its endpoint fails at once, naming that process; a lock held by one
 * that does not answer (a read command, holding it for a moment) is waited out, up to `waitMs`.
 */
export async function openLogForWriting(dir: string, options: WriteLogOptions = {}): Promise<LevelEventLog> {
  const { waitMs = 3000, ...rest } = options;
  const deadline = Date.now() + waitMs;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await LevelEventLog.open(dir, rest);
    } catch (error) {
      if (!(error instanceof LogLockedError)) throw error;
      const holder = await connectToHolder(dir).then(
        async (remote) => {
          await remote.close();
          return remote.holder;
        },
        () => undefined,
      );
      if (holder) throw new LogLockedError(dir, { holder, cause: error });
      if (Date.now() >= deadline) throw error;
    }
    await delay(Math.min(25 * 2 ** attempt, 250));
  }
}
