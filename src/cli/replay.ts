/** `loom replay` (re-execute a thread or fixture against its recording) and `loom diff` (time travel). */
import { existsSync } from "node:fs";
import { UserError } from "../runtime/errors.js";
import { formatDivergence, replayThread, type ReplayReport } from "../replay/reexecute/index.js";
import { loadFixture } from "../testing/index.js";
import { replayEntries } from "../replay/reexecute/index.js";
import { parse, positiveInt } from "./args.js";
import { withRuntime } from "./context.js";
import type { CliIO } from "./io.js";
import { diffStates } from "./state-view.js";

export async function replayCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(argv, { from: { type: "string" } });
  const target = positionals[0];
  if (!target) throw new UserError("usage: loom replay THREAD_ID|FIXTURE.jsonl [--from SEQ]");
  const fromSeq = values.from !== undefined ? positiveInt(values.from, "--from") : undefined;
  const started = performance.now();
  const report: ReplayReport = await withRuntime(values, async (rt) => {
    if (existsSync(target) && !(await rt.log.getThread(target))) {
      return replayEntries(await loadFixture(target), { fromSeq, config: rt.config });
    }
    if (!(await rt.log.getThread(target))) throw new UserError(`unknown thread ${JSON.stringify(target)}`);
    return replayThread(rt.log, target, { fromSeq, config: rt.config });
  });
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

export async function diffCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(argv, {});
  const [id, a, b] = positionals;
  if (!id || a === undefined || b === undefined) throw new UserError("usage: loom diff THREAD_ID SEQ1 SEQ2");
  return withRuntime(values, async (rt) => {
    const before = await rt.stateAt(id, positiveInt(a, "SEQ1"));
    const after = await rt.stateAt(id, positiveInt(b, "SEQ2"));
    const lines = diffStates(before, after);
    if (values.json) io.out(JSON.stringify(lines));
    else for (const line of lines.length ? lines : ["no change"]) io.out(line);
    return 0;
  });
}
