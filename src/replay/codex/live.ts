/**
 * `--live`: the shell calls of a rollout run again for real and their new output is compared with
 * the recorded one. What differs between any two runs of the same command is not a divergence: the
 * chunk id, wall times and durations, and the id of a process that still runs (the model's later
 * `write_stdin` names Codex's id, so it is mapped to the id Loom's process got).
 */
import type { ResponseItem } from "../../events/index.js";

/** The tools `--live` runs for real; every other call is answered from the rollout. */
export const LIVE_TOOLS = new Set(["exec_command", "write_stdin", "shell", "shell_command", "local_shell", "container.exec", "apply_patch"]);

const RUNNING = /Process running with session ID (\d+)/;

/** Codex's process ids to Loom's, learned from the outputs of the same calls. */
export class SessionIds {
  private readonly map = new Map<string, string>();

  learn(recorded: ResponseItem, live: ResponseItem): void {
    const a = RUNNING.exec(textOf(recorded))?.[1];
    const b = RUNNING.exec(textOf(live))?.[1];
    if (a && b) this.map.set(a, b);
  }

  /** A `write_stdin` call's arguments with Codex's session id replaced by Loom's. */
  arguments(name: string, input: string): string {
    if (name !== "write_stdin") return input;
    try {
      const args = JSON.parse(input) as { session_id?: unknown };
      const live = this.map.get(String(args.session_id));
      return live === undefined ? input : JSON.stringify({ ...args, session_id: Number(live) });
    } catch {
      return input;
    }
  }
}

function textOf(item: ResponseItem): string {
  const output = (item as { output?: unknown }).output;
  if (typeof output === "string") return output;
  if (Array.isArray(output)) return output.map((part: { text?: string }) => part.text ?? "").join("");
  return "";
}

/** An output with what varies from run to run replaced by placeholders. */
export function comparableOutput(item: ResponseItem): unknown {
  const normalize = (text: string) =>
    text
      .replace(/Chunk ID: [0-9a-f]+/g, "Chunk ID: <CHUNK>")
      .replace(/Wall time: \d+(\.\d+)? seconds/g, "Wall time: <WALL> seconds")
      .replace(/aborted by user after \d+(\.\d+)?s/g, "aborted by user after <SECS>s")
      .replace(/"duration_seconds":\s*\d+(\.\d+)?(e[+-]?\d+)?/g, '"duration_seconds":<SECS>')
      .replace(RUNNING, "Process running with session ID <SESSION>");
  const walk = (value: unknown): unknown => {
    if (typeof value === "string") return normalize(value);
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, walk(inner)]));
    return value;
  };
  return walk(item);
}
