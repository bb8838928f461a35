/**
 * The read-only commands (threads, log, state, turns) and the two that change history in place
 * (fork, rollback). Read commands never create a data dir and work while another Loom process holds
 * it; THREAD_ID may be any unique prefix of an id, or --last for the thread written to last.
 */
import type { EventLog } from "../log/types.js";
import { UserError } from "../runtime/errors.js";
import { threadTree } from "../agents/tree.js";

import { noExtraArgs, nonNegativeInt, parse, positiveInt } from "./args.js";
import { withReader, withRuntime } from "./context.js";
import { describeEntry } from "./format.js";
import type { CliIO } from "./io.js";
import { describePending, describeState, stateToJson } from "./state-view.js";
import { resolveThread } from "./thread-ref.js";

/** `--last` picks the thread written to most recently; every THREAD_ID command takes it. */
const LAST = { last: { type: "boolean" } } as const;

export const USAGE = {
  threads: "loom threads [--json]",
  log: "loom log (THREAD_ID | --last) [--json] [--from N] [--to M]",
  state: "loom state (THREAD_ID | --last) [--at SEQ] [--json]",
  turns: "loom turns (THREAD_ID | --last) [--at SEQ] [--json]",
  fork: "loom fork (THREAD_ID | --last) (--at SEQ | --before-turn N)",
  rollback: "loom rollback (THREAD_ID | --last) N",
} as const;

async function thread(rt: { log: EventLog }, positionals: string[], values: { last?: boolean }, usage: string, extra = 0): Promise<string> {
  noExtraArgs(positionals, (values.last ? 0 : 1) + extra, usage);
  return resolveThread(rt.log, { id: values.last ? undefined : positionals[0], last: values.last }, usage);
}

export async function threadsCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(argv, {});
  noExtraArgs(positionals, 0, USAGE.threads);
  return withReader(values, async (rt) => {
    // Sub-agents are listed under the thread that spawned them.
    for (const { meta, link, level } of await threadTree(rt.log)) {
      const spawn = link && { ...link.source, turn_id: link.spawnedBy.turn_id, call_id: link.spawnedBy.call_id };
      if (values.json) io.out(JSON.stringify(spawn ? { ...meta, spawn } : meta));
      else {
        const parent = meta.parentId ? `  fork of ${meta.parentId}@${meta.forkSeq}` : "";
        const agent = spawn ? `  agent ${spawn.agent_nickname ?? "?"}${spawn.agent_role ? ` (${spawn.agent_role})` : ""} of ${spawn.parent_thread_id}` : "";
        const indent = level > 0 ? `${"  ".repeat(level - 1)}└ ` : "";
        io.out(`${indent}${meta.id}  ${String(meta.headSeq).padStart(6)} entries  ${meta.createdAt}${meta.name ? `  "${meta.name}"` : ""}${parent}${agent}`);
      }
    }
    return 0;
  });
}

export async function logCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(argv, { ...LAST, from: { type: "string" }, to: { type: "string" } });
  const from = values.from !== undefined ? positiveInt(values.from, "--from") : undefined;
  const to = values.to !== undefined ? positiveInt(values.to, "--to") : undefined;
  return withReader(values, async (rt) => {
    const id = await thread(rt, positionals, values, USAGE.log);
    const head = await rt.log.head(id);
    if (from !== undefined && from > head) throw new UserError(`thread ${id} has ${head} entries; --from ${from} is past its end`);
    for await (const entry of rt.log.read(id, { from, to: to === undefined ? undefined : Math.min(to, head) })) {
      if (io.outputClosed?.aborted) break;
      io.out(values.json ? JSON.stringify(entry) : describeEntry(entry));
    }
    return 0;
  });
}

export async function stateCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(argv, { ...LAST, at: { type: "string" } });
  const at = values.at !== undefined ? nonNegativeInt(values.at, "--at") : undefined;
  return withReader(values, async (rt) => {
    const id = await thread(rt, positionals, values, USAGE.state);
    const state = await rt.stateAt(id, at);
    if (values.json) io.out(JSON.stringify(stateToJson(state)));
    else for (const line of describeState(state)) io.out(line);
    return 0;
  });
}

export async function turnsCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(argv, { ...LAST, at: { type: "string" } });
  const at = values.at !== undefined ? nonNegativeInt(values.at, "--at") : undefined;
  return withReader(values, async (rt) => {
    const id = await thread(rt, positionals, values, USAGE.turns);
    const state = await rt.stateAt(id, at);
    state.turns.forEach((turn, index) => {
      // A running turn that waits on someone says so: "running" alone looks like a hang.
      const waiting = turn.status === "running" ? state.pendingApprovals.filter((p) => p.turnId === turn.id) : [];
      if (values.json) io.out(JSON.stringify({ index, ...turn, waitingOn: waiting.map((p) => ({ kind: p.kind, id: p.id, seq: p.seq })) }));
      else {
        const message = turn.userMessage ? `  ${JSON.stringify(turn.userMessage.slice(0, 60))}` : "";
        const status = waiting.length > 0 ? `${turn.status}, waiting on ${waiting.map(describePending).join("; ")}` : turn.status;
        io.out(`${String(index).padStart(3)}  ${turn.id}  seq ${turn.firstSeq}-${turn.lastSeq ?? "…"}  ${status}${message}`);
      }
    });
    return 0;
  });
}

export async function forkCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(argv, { ...LAST, at: { type: "string" }, "before-turn": { type: "string" } });
  if ((values.at === undefined) === (values["before-turn"] === undefined)) throw new UserError(`usage: ${USAGE.fork}`);
  const at = values.at !== undefined ? positiveInt(values.at, "--at") : undefined;
  const beforeTurn = values["before-turn"] !== undefined ? nonNegativeInt(values["before-turn"], "--before-turn") : undefined;
  return withRuntime(values, { access: "write" }, async (rt) => {
    const id = await thread(rt, positionals, values, USAGE.fork);
    const fork = at !== undefined ? await rt.forkThread(id, { atSeq: at }) : await rt.forkThread(id, { beforeUserTurn: beforeTurn! });
    io.out(fork.id);
    return 0;
  });
}

export async function rollbackCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(argv, LAST);
  const nArg = values.last ? positionals[0] : positionals[1];
  if (nArg === undefined) throw new UserError(`missing N; usage: ${USAGE.rollback}`);
  const n = positiveInt(nArg, "N (the number of turns to roll back)");
  return withRuntime(values, { access: "write" }, async (rt) => {
    const id = await thread(rt, positionals, values, USAGE.rollback, 1);
    // Checked before anything is written: Codex would drop every turn for a number too large.
    const state = await rt.stateAt(id);
    if (state.pendingApprovals.length > 0) {
      const what = state.pendingApprovals.map(describePending).join("; ");
      throw new UserError(`thread ${id} is waiting on ${what}; answer it first (\`loom proto --thread ${id}\`); nothing was changed`);
    }
    const turns = state.turns.filter((turn) => turn.userMessage !== null && turn.status !== "running").length;
    if (n > turns) {
      throw new UserError(`thread ${id} has ${turns} turn${turns === 1 ? "" : "s"} to roll back; cannot roll back ${n} (nothing was changed)`);
    }
    const resumed = await rt.resumeThread(id);
    await resumed.rollback(n);
    io.out(`rolled back ${n} turn${n === 1 ? "" : "s"} of ${id}`);
    return 0;
  });
}
