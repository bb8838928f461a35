// The model for sub-agent scenarios, scripted per thread from what each request holds (a parent's
// prompt asks for agents, a child's for a command), like the model of the Codex captures:
//   "spawn agents to run `A` and `B`"  -> spawn_agent per command, then wait_agent on all of them,
//                                          again on those not finished, then a summary of their answers
//   "... and wait N ms"                 -> the waits ask for timeout_ms N
//   "... with my history"               -> the spawns fork the parent's history (fork_context)
//   "Please run `cmd`."                 -> exec_command, then "ran: <last output line>"
//   "Please hang."                      -> a stream that never ends (the agent never finishes)
//   "Please fail."                      -> HTTP 500 on every request (the model server is down)
//   "Please fail the stream."           -> response.failed (the turn ends with an error)
//                                          (both held back while `holdFailures` is unsettled)
//   "... in a terminal"                 -> the agents' exec_command gets a PTY (tty: true)
import {
  evCompleted,
  evCreated,
  evFunctionCall,
  hanging,
  httpError,
  inputItems,
  sseFailed,
  textTurn,
  type RecordedRequest,
  type Reply,
  type SseEvent,
} from "../support/fake-responses.js";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLoom, type LoomHarness } from "../support/loom.js";
import type { RuntimeOptions } from "../../src/runtime/runtime.js";
import type { LogEntry } from "../../src/events/index.js";

/** A thread's log entries, oldest first. */
export async function entriesOf(h: LoomHarness, id: string): Promise<LogEntry[]> {
  const out: LogEntry[] = [];
  for await (const entry of h.rt.log.read(id)) out.push(entry);
  return out;
}

/** The payloads of the `event_msg` entries of one type. */
export const events = (entries: LogEntry[], type: string) =>
  entries.filter((e) => e.kind === "event_msg" && e.payload.type === type).map((e) => e.payload as Record<string, any>);

/**
 * A harness whose commands start from an empty home: agents run login shells at once, and this
 * machine's profile (pyenv's rehash lock) must not be part of the test.
 */
export function startAgentsLoom(options: Partial<RuntimeOptions> = {}): Promise<LoomHarness> {
  const home = mkdtempSync(join(tmpdir(), "loom-agents-home-"));
  return startLoom({ commandEnv: { PATH: process.env.PATH, HOME: home, SHELL: "/bin/bash", LANG: "C.UTF-8", TERM: "dumb" }, ...options });
}

const text = (item: any): string =>
  item?.type === "message" && Array.isArray(item.content) ? item.content.map((part: { text?: string }) => part.text ?? "").join("") : "";

const NOTIFICATION = "<subagent_notification>";

/** The thread a request is for (Codex's `session_id` header). */
export const threadOf = (request: RecordedRequest): string => String(request.headers.session_id);

export class AgentModel {
  private n = 0;
  /** When set, the failures ("Please fail.") are held until it settles (e.g. the parent's wait has begun). */
  holdFailures: Promise<unknown> | undefined;

  readonly reply = (request: RecordedRequest): Reply => {
    this.n += 1;
    const n = this.n;
    const items = inputItems(request);
    const meaningful = items.filter((item) => !(item.role === "user" && text(item).startsWith(NOTIFICATION)));
    const last = meaningful.at(-1);
    const calls = (name: string, args: unknown[]): SseEvent[] => [
      evCreated(`resp_${n}`),
      ...args.map((arg, i) => evFunctionCall(`call_${n}_${i}`, name, JSON.stringify(arg))),
      evCompleted(`resp_${n}`),
    ];
    const prompt = text([...meaningful].reverse().find((item) => item.type === "message" && item.role === "user" && !text(item).startsWith("<")));
    const timeout = Number(/wait (\d+) ms/.exec(prompt)?.[1] ?? 30_000);
    if (last?.type === "function_call_output") {
      const call = items.find((item) => item.type === "function_call" && item.call_id === last.call_id);
      if (call?.name === "spawn_agent") {
        const spawned = items
          .filter((item) => item.type === "function_call_output" && items.some((c) => c.call_id === item.call_id && c.name === "spawn_agent"))
          .map((item) => JSON.parse(item.output).agent_id as string);
        return calls("wait_agent", [{ targets: spawned, timeout_ms: timeout }]);
      }
      if (call?.name === "wait_agent") {
        const waits = items.filter((item) => item.type === "function_call_output" && items.some((c) => c.call_id === item.call_id && c.name === "wait_agent"));
        const results = Object.assign({}, ...waits.map((item) => JSON.parse(item.output).status as Record<string, unknown>));
        const output = JSON.parse(last.output);
        if (output.timed_out) return textTurn("The wait timed out.");
        const targets: string[] = JSON.parse(call.arguments).targets;
        const remaining = targets.filter((id) => !(id in results));
        if (remaining.length > 0) return calls("wait_agent", [{ targets: remaining, timeout_ms: timeout }]);
        const answers = Object.values(results).map((status: any) => status.completed ?? JSON.stringify(status));
        return textTurn(`Agents answered: ${answers.sort().join(" | ")}`);
      }
      const lines = String(last.output).trim().split("\n");
      return textTurn(`ran: ${lines.at(-1)}`);
    }
    const delegated = /spawn agents to run (.*)/.exec(prompt)?.[1];
    if (delegated) {
      const commands = [...delegated.matchAll(/`([^`]+)`/g)].map((match) => match[1]!);
      const fork = prompt.includes("with my history") ? { fork_context: true } : {};
      const terminal = prompt.includes("in a terminal") ? " in a terminal" : "";
      return calls("spawn_agent", commands.map((command) => ({ message: `Please run \`${command}\`${terminal}.`, ...fork })));
    }
    if (prompt.includes("Please hang.")) return hanging([evCreated(`resp_${n}`)]).reply;
    const failure = prompt.includes("Please fail the stream.")
      ? [evCreated(`resp_${n}`), sseFailed(`resp_${n}`, "server_error", "the model broke down")]
      : prompt.includes("Please fail.")
        ? httpError(500, { message: "the model server is down" })
        : undefined;
    if (failure) {
      const hold = this.holdFailures;
      return hold ? () => hold.then(() => failure) : failure;
    }
    const command = /run `([^`]+)`/.exec(prompt)?.[1];
    if (command) return calls("exec_command", [{ cmd: command, yield_time_ms: 30_000, ...(prompt.includes("in a terminal") ? { tty: true } : {}) }]);
    return textTurn(`Reply ${n}.`);
  };
}
