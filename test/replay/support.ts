// The shared Codex 0.125 fixtures (test/fixtures/codex, see scripts/codex-fixtures/README.md), read
// for the rollout tests, and small helpers over an EventLog.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { LogEntry } from "../../src/events/index.js";
import type { EventLog } from "../../src/log/index.js";

export const FIXTURES = new URL("../fixtures/codex/", import.meta.url);

export const SCENARIOS: string[] = existsSync(FIXTURES)
  ? readdirSync(FIXTURES).filter((name) => existsSync(new URL(`${name}/rollout.jsonl`, FIXTURES))).sort()
  : [];

export function fixturePath(scenario: string, file: string): string {
  return fileURLToPath(new URL(`${scenario}/${file}`, FIXTURES));
}

export function fixtureText(scenario: string, file: string): string {
  return readFileSync(fixturePath(scenario, file), "utf8");
}

export function fixtureJson<T = any>(scenario: string, file: string): T {
  return JSON.parse(fixtureText(scenario, file)) as T;
}

/** The full rollout as Codex left it after the final turn. */
export function fullRollout(scenario: string): string {
  return fixtureText(scenario, "rollout.jsonl") + fixtureText(scenario, "rollout-final-turn.jsonl");
}

export async function readAll(log: EventLog, threadId: string): Promise<LogEntry[]> {
  const entries: LogEntry[] = [];
  for await (const entry of log.read(threadId)) entries.push(entry);
  return entries;
}

/** What a round trip must preserve: kind, payload and ts, in order (seq and threadId are the log's). */
export function essence(entries: readonly LogEntry[]) {
  return entries.map(({ kind, payload, ts }) => ({ kind, payload, ts }));
}

export function rolloutLine(type: string, payload: unknown, timestamp = "2026-01-02T03:04:05.678Z"): string {
  return JSON.stringify({ timestamp, type, payload });
}

export const SESSION_META = {
  id: "11111111-2222-4333-8444-555555555555",
  timestamp: "2026-01-02T03:04:05.000Z",
  cwd: "/work",
  originator: "codex_exec",
  cli_version: "0.125.0",
  source: "exec",
  model_provider: "openai",
};

export const userMessage = (text: string) => ({ type: "message", role: "user", content: [{ type: "input_text", text }] });
export const assistantMessage = (text: string) => ({ type: "message", role: "assistant", content: [{ type: "output_text", text }] });
