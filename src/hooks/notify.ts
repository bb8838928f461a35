/**
 * Codex's legacy `notify = ["program", "arg", ...]`: at the end of each turn the program is started
 * with the `agent-turn-complete` JSON appended as its last argument, and not waited for (stdio
 * closed, fire and forget, as Codex does). A program that cannot start changes nothing.
 */
import { spawn } from "node:child_process";

export interface TurnCompleteNotification {
  threadId: string;
  turnId: string;
  cwd: string;
  client?: string;
  inputMessages: string[];
  lastAssistantMessage: string | null;
}

/** The JSON Codex appends (`UserNotification::AgentTurnComplete`, kebab-case keys). */
export function notificationJson(n: TurnCompleteNotification): string {
  return JSON.stringify({
    type: "agent-turn-complete",
    "thread-id": n.threadId,
    "turn-id": n.turnId,
    cwd: n.cwd,
    ...(n.client !== undefined ? { client: n.client } : {}),
    "input-messages": n.inputMessages,
    "last-assistant-message": n.lastAssistantMessage,
  });
}

/** A valid `notify` value: a non-empty array of strings whose first one is not empty. */
export function notifyArgv(value: unknown): string[] | null {
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === "string") || value[0] === "") return null;
  return value as string[];
}

/** Starts the notify program; resolves once it started (or failed to), never waits for it to end. */
export function runNotify(argv: readonly string[], notification: TurnCompleteNotification): Promise<void> {
  return new Promise((resolve) => {
    try {
      const child = spawn(argv[0]!, [...argv.slice(1), notificationJson(notification)], { stdio: "ignore", detached: true });
      child.once("error", () => resolve());
      child.once("spawn", () => {
        child.unref();
        resolve();
      });
    } catch {
      resolve();
    }
  });
}
