/** The `[agents]` table (Codex's `agents.max_threads` and `agents.max_depth`), checked as Codex checks it. */
import { DEFAULT_MAX_DEPTH, DEFAULT_MAX_THREADS, type AgentLimits } from "./control.js";

/** The limits `[agents]` sets; throws a TypeError naming the bad key. */
export function agentLimitsFrom(table: unknown): AgentLimits {
  if (table === undefined) return { maxDepth: DEFAULT_MAX_DEPTH, maxThreads: DEFAULT_MAX_THREADS };
  if (typeof table !== "object" || table === null || Array.isArray(table)) throw new TypeError(`agents must be a table, got ${JSON.stringify(table)}`);
  const { max_threads: threads, max_depth: depth } = table as Record<string, unknown>;
  const integer = (key: string, value: unknown) => {
    if (typeof value !== "number" || !Number.isInteger(value)) throw new TypeError(`agents.${key} must be an integer, got ${JSON.stringify(value)}`);
    if (value < 1) throw new TypeError(`agents.${key} must be at least 1`);
    return value;
  };
  return {
    maxThreads: threads === undefined ? DEFAULT_MAX_THREADS : integer("max_threads", threads),
    maxDepth: depth === undefined ? DEFAULT_MAX_DEPTH : integer("max_depth", depth),
  };
}
