/** One entry point for callers that choose the backend by configuration. */
import { LevelEventLog } from "./level.js";
import type { LevelEventLogOptions } from "./level.js";
import { MemoryEventLog } from "./memory.js";
import type { EventLog } from "./types.js";

export interface OpenEventLogOptions extends LevelEventLogOptions {
  /** The LevelDB directory; without one the log lives in memory. */
  dir?: string;
}

export async function openEventLog(options: OpenEventLogOptions = {}): Promise<EventLog> {
  const { dir, ...rest } = options;
  return dir === undefined ? new MemoryEventLog(rest) : LevelEventLog.open(dir, rest);
}
