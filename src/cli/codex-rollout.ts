/**
 * `loom import-codex FILE` and `loom export-codex THREAD_ID`: Codex rollout files in and out.
 * Import prints the new thread's id on stdout and one `line N: reason` on stderr per line it skipped;
 * export prints the rollout's JSONL on stdout.
 */
import { stat } from "node:fs/promises";
import { ThreadExistsError, InvalidThreadIdError } from "../log/index.js";
import { EmptyRolloutError, exportRolloutLines, importRollout, type RolloutSource } from "../replay/index.js";
import { UserError } from "../runtime/errors.js";
import { VERSION } from "../runtime/version.js";
import { parse } from "./args.js";
import { withRuntime } from "./context.js";
import type { CliIO } from "./io.js";

const IMPORT_OPTIONS = {
  /** The new thread's id instead of the rollout's `session_meta.id`. */
  thread: { type: "string" },
} as const;

const EXPORT_OPTIONS = {
  /** Also keep the events Codex writes only with extended history (tool ends, errors). */
  extended: { type: "boolean" },
} as const;

export async function importCodexCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(argv, IMPORT_OPTIONS);
  if (positionals.length !== 1) throw new UserError("usage: loom import-codex [--thread ID] ROLLOUT.jsonl (or - for stdin)");
  const source = await readSource(positionals[0], io);
  return withRuntime(values, async (rt) => {
    try {
      const result = await importRollout(rt.log, source, { threadId: values.thread });
      for (const { lineNumber, message } of result.skipped) io.err(`line ${lineNumber}: ${message}`);
      io.out(result.threadId);
      return 0;
    } catch (error) {
      if (error instanceof EmptyRolloutError) {
        for (const { lineNumber, message } of error.skipped) io.err(`line ${lineNumber}: ${message}`);
        throw new UserError(error.message, { cause: error });
      }
      if (error instanceof ThreadExistsError || error instanceof InvalidThreadIdError) {
        throw new UserError(error.message, { cause: error });
      }
      throw error;
    }
  });
}

export async function exportCodexCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(argv, EXPORT_OPTIONS);
  const id = positionals[0];
  if (positionals.length !== 1) throw new UserError("usage: loom export-codex [--extended] THREAD_ID");
  return withRuntime(values, async (rt) => {
    if (!(await rt.log.getThread(id))) throw new UserError(`unknown thread ${JSON.stringify(id)}`);
    const lines = exportRolloutLines(rt.log, id, {
      persistence: values.extended ? "extended" : "limited",
      cliVersion: VERSION,
    });
    for await (const line of lines) io.out(line);
    return 0;
  });
}

/** A file is streamed by the importer; `-` is stdin, read whole. */
async function readSource(file: string, io: CliIO): Promise<RolloutSource> {
  if (file === "-") {
    let text = "";
    io.stdin.setEncoding("utf8");
    for await (const chunk of io.stdin) text += chunk;
    return { text };
  }
  try {
    if (!(await stat(file)).isFile()) throw new UserError(`${file} is not a file`);
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  return { path: file };
}
