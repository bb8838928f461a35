/** `loom replay` (re-execute a thread or fixture against its recording) and `loom diff` (time travel). */
import { existsSync, statSync } from "node:fs";
import { UserError } from "../runtime/errors.js";
import { formatDivergence, replayTree, type ReplayReport } from "../replay/reexecute/index.js";
import { loadFixture } from "../testing/index.js";
import { replayEntries } from "../replay/reexecute/index.js";
import {
  firstLineOf,
  formatRolloutDivergence,
  looksLikeRollout,
  replayRollout,
  UnreplayableRolloutError,
  type RolloutReplayOptions,
  type RolloutReplayReport,
} from "../replay/codex/index.js";
import type { LogEntry } from "../events/index.js";
import { noExtraArgs, nonNegativeInt, parse, positiveInt } from "./args.js";
import { configOf, withReader } from "./context.js";
import type { CliIO } from "./io.js";
import { diffStates } from "./state-view.js";
import { resolveThread } from "./thread-ref.js";

export const REPLAY_USAGE = "loom replay (THREAD_ID | --last | FIXTURE.jsonl) [--from SEQ] | loom replay ROLLOUT.jsonl [--live] [--cwd D]";
export const DIFF_USAGE = "loom diff THREAD_ID SEQ1 SEQ2 [--json]";

export async function replayCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(argv, {
    from: { type: "string" },
    last: { type: "boolean" },
    live: { type: "boolean" },
    cwd: { type: "string" },
  });
  noExtraArgs(positionals, values.last ? 0 : 1, REPLAY_USAGE);
  const target = positionals[0];
  if (!target && !values.last) throw new UserError(`usage: ${REPLAY_USAGE}`);
  if (target !== undefined && isFile(target) && looksLikeRollout(await firstLineOf(target))) {
    if (values.from !== undefined) throw new UserError("--from replays part of a Loom thread; a Codex rollout is replayed whole");
    return replayRolloutCommand(target, { live: values.live, cwd: values.cwd, config: await configOf(values) }, io);
  }
  if (values.live || values.cwd !== undefined) throw new UserError("--live and --cwd are for a Codex rollout (ROLLOUT.jsonl)");
  const fromSeq = values.from !== undefined ? positiveInt(values.from, "--from") : undefined;
  const started = performance.now();
  let report: ReplayReport;
  if (target !== undefined && isFile(target)) {
    // A fixture needs no data dir: only its configuration, if there is one.
    report = await replayEntries(await fixture(target), { fromSeq, config: await configOf(values) });
  } else {
    report = await withReader(values, async (rt) => {
      const id = await resolveThread(rt.log, { id: target, last: values.last }, REPLAY_USAGE);
      // The thread and every sub-agent it spawned, each against its own recording.
      return replayTree(rt.log, id, { fromSeq, config: rt.config });
    });
  }
  const ms = (performance.now() - started).toFixed(0);
  const from = report.fromSeq > 1 ? ` from seq ${report.fromSeq}` : "";
  if (report.divergence) {
    io.out(formatDivergence(report.divergence));
    io.out(`replayed ${report.replayed} entries${from} before the divergence (${ms} ms)`);
    return 1;
  }
  io.out(`replayed ${report.replayed} entries${from}, no divergence (${ms} ms)`);
  return 0;
}

async function replayRolloutCommand(path: string, options: RolloutReplayOptions, io: CliIO): Promise<number> {
  if (options.cwd !== undefined && !(existsSync(options.cwd) && statSync(options.cwd).isDirectory())) {
    throw new UserError(`--cwd ${options.cwd}: not a directory`);
  }
  const started = performance.now();
  let report: RolloutReplayReport;
  try {
    report = await replayRollout({ path }, options);
  } catch (error) {
    if (error instanceof UnreplayableRolloutError) throw new UserError(error.message, { cause: error });
    throw error;
  }
  const ms = (performance.now() - started).toFixed(0);
  const live = options.live ? `, ${report.liveCalls} run live` : "";
  const counts = `${report.turns} turns, ${report.replayed} history items, ${report.requests} requests, ${report.toolCalls} tool calls${live}`;
  if (report.divergence) {
    io.out(formatRolloutDivergence(report));
    io.out(`replayed ${counts} before the divergence (${ms} ms)`);
    return 1;
  }
  io.out(`replayed ${counts}, no divergence (${ms} ms)`);
  return 0;
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

/** A fixture's entries; a file that is not one (a Codex rollout, anything else) is named with its line. */
async function fixture(path: string): Promise<LogEntry[]> {
  try {
    return await loadFixture(path);
  } catch (error) {
    const message = (error as Error).message;
    const hint = /session_meta|schema version undefined/.test(message) ? " (a Codex rollout? `loom import-codex` it, then inspect it with `loom state`)" : "";
    throw new UserError(`${message}${hint}`, { cause: error });
  }
}

export async function diffCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(argv, {});
  const [id, a, b] = positionals;
  if (!id || a === undefined || b === undefined) throw new UserError(`usage: ${DIFF_USAGE}`);
  noExtraArgs(positionals, 3, DIFF_USAGE);
  const seqA = nonNegativeInt(a, "SEQ1");
  const seqB = nonNegativeInt(b, "SEQ2");
  return withReader(values, async (rt) => {
    const thread = await resolveThread(rt.log, { id }, DIFF_USAGE);
    const before = await rt.stateAt(thread, seqA);
    const after = await rt.stateAt(thread, seqB);
    const lines = diffStates(before, after);
    if (values.json) io.out(JSON.stringify(lines));
    else for (const line of lines.length ? lines : ["no change"]) io.out(line);
    return 0;
  });
}
