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
import { noExtraArgs, parse } from "./args.js";
import { resolveThread } from "./thread-ref.js";
import { withReader, withRuntime } from "./context.js";
import type { CliIO } from "./io.js";

const IMPORT_OPTIONS = {
  /** The new thread's id instead of the rollout's `session_meta.id`. */
  thread: { type: "string" },
} as const;

const EXPORT_OPTIONS = {
  /** Also keep the events Codex writes only with extended history (tool ends, errors). */
  extended: { type: "boolean" },
  last: { type: "boolean" },
} as const;

export const IMPORT_USAGE = "loom import-codex [--thread ID] (ROLLOUT.jsonl | -)";
export const EXPORT_USAGE = "loom export-codex [--extended] (THREAD_ID | --last)";

export async function importCodexCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(argv, IMPORT_OPTIONS);
  if (positionals.length !== 1) throw new UserError(`usage: ${IMPORT_USAGE}`);
  const source = await readSource(positionals[0], io);
  return withRuntime(values, { access: "create" }, async (rt) => {
    try {
      // Importing the same rollout twice would make a second thread with the same history under a
      // fresh id, silently. Without --thread, an import whose id is taken is refused instead.
      const result = await importRollout(rt.log, source, { threadId: values.thread, ifIdTaken: values.thread === undefined ? "fail" : undefined });
      for (const { lineNumber, message } of result.skipped) io.err(`line ${lineNumber}: ${message}`);
      io.out(result.threadId);
      return 0;
    } catch (error) {
      if (error instanceof EmptyRolloutError) {
        for (const { lineNumber, message } of error.skipped) io.err(`line ${lineNumber}: ${message}`);
        throw new UserError(error.message, { cause: error });
      }
      if (error instanceof ThreadExistsError && values.thread === undefined) {
        throw new UserError(
          `this rollout was imported before: thread ${error.threadId} already exists (\`loom import-codex --thread NEW_ID ...\` imports a copy)`,
          { cause: error },
        );
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
  noExtraArgs(positionals, values.last ? 0 : 1, EXPORT_USAGE);
  return withReader(values, async (rt) => {
    const id = await resolveThread(rt.log, { id: positionals[0], last: values.last }, EXPORT_USAGE);
    const lines = exportRolloutLines(rt.log, id, {
      persistence: values.extended ? "extended" : "limited",
      cliVersion: VERSION,
    });
    for await (const line of lines) {
      if (io.outputClosed?.aborted) break;
      io.out(line);
    }
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
