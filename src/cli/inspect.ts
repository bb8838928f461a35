/** The read-only and history commands: threads, log, state, turns, fork, rollback. */
import { UserError } from "../runtime/errors.js";
import { parse, positiveInt } from "./args.js";
import { withRuntime } from "./context.js";
import { describeEntry } from "./format.js";
import type { CliIO } from "./io.js";
import { stateToJson, describeState } from "./state-view.js";

export async function threadsCommand(argv: string[], io: CliIO): Promise<number> {
  const { values } = parse(argv, {});
  return withRuntime(values, async (rt) => {
    const threads = await rt.listThreads();
    for (const meta of threads) {
      if (values.json) io.out(JSON.stringify(meta));
      else {
        const parent = meta.parentId ? `  fork of ${meta.parentId}@${meta.forkSeq}` : "";
        io.out(`${meta.id}  ${String(meta.headSeq).padStart(6)} entries  ${meta.createdAt}${meta.name ? `  "${meta.name}"` : ""}${parent}`);
      }
    }
    return 0;
  });
}

async function requireThread(rt: { log: { getThread(id: string): Promise<unknown> } }, id: string | undefined): Promise<string> {
  if (!id) throw new UserError("missing THREAD_ID");
  if (!(await rt.log.getThread(id))) throw new UserError(`unknown thread ${JSON.stringify(id)}`);
  return id;
}

export async function logCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(argv, { from: { type: "string" }, to: { type: "string" } });
  return withRuntime(values, async (rt) => {
    const id = await requireThread(rt, positionals[0]);
    const from = values.from !== undefined ? positiveInt(values.from, "--from") : undefined;
    const to = values.to !== undefined ? positiveInt(values.to, "--to") : undefined;
    for await (const entry of rt.log.read(id, { from, to })) {
      io.out(values.json ? JSON.stringify(entry) : describeEntry(entry));
    }
    return 0;
  });
}

export async function stateCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(argv, { at: { type: "string" } });
  return withRuntime(values, async (rt) => {
    const id = await requireThread(rt, positionals[0]);
    const state = await rt.stateAt(id, values.at !== undefined ? positiveInt(values.at, "--at") : undefined);
    if (values.json) io.out(JSON.stringify(stateToJson(state)));
    else for (const line of describeState(state)) io.out(line);
    return 0;
  });
}

export async function turnsCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(argv, { at: { type: "string" } });
  return withRuntime(values, async (rt) => {
    const id = await requireThread(rt, positionals[0]);
    const state = await rt.stateAt(id, values.at !== undefined ? positiveInt(values.at, "--at") : undefined);
    state.turns.forEach((turn, index) => {
      if (values.json) io.out(JSON.stringify({ index, ...turn }));
      else {
        const message = turn.userMessage ? `  ${JSON.stringify(turn.userMessage.slice(0, 60))}` : "";
        io.out(`${String(index).padStart(3)}  ${turn.id}  seq ${turn.firstSeq}-${turn.lastSeq ?? "…"}  ${turn.status}${message}`);
      }
    });
    return 0;
  });
}

export async function forkCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(argv, { at: { type: "string" }, "before-turn": { type: "string" } });
  return withRuntime(values, async (rt) => {
    const id = await requireThread(rt, positionals[0]);
    if ((values.at === undefined) === (values["before-turn"] === undefined)) {
      throw new UserError("usage: loom fork THREAD_ID (--at SEQ | --before-turn N)");
    }
    const fork =
      values.at !== undefined
        ? await rt.forkThread(id, { atSeq: positiveInt(values.at, "--at") })
        : await rt.forkThread(id, { beforeUserTurn: positiveInt(values["before-turn"], "--before-turn") });
    io.out(fork.id);
    return 0;
  });
}

export async function rollbackCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(argv, {});
  return withRuntime(values, async (rt) => {
    const id = await requireThread(rt, positionals[0]);
    const n = positiveInt(positionals[1], "N");
    const thread = await rt.resumeThread(id);
    await thread.rollback(n);
    io.out(`rolled back ${n} turn${n === 1 ? "" : "s"} of ${id}`);
    return 0;
  });
}
