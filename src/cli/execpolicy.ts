/**
 * `loom execpolicy check [--rules FILE]... [--pretty] [--resolve-host-executables] -- CMD ARGS...`:
 * the rules that match a command and the strictest decision, printed as `codex execpolicy check`
 * prints them (`{"matchedRules":[...],"decision":"..."}`; no decision when nothing matched). With
 * no --rules, the files a thread would read: the system folder, the data dir's `rules/`, and a
 * trusted project's `.codex/rules` for the current directory.
 */
import { resolve } from "node:path";
import { loadConfig, projectTrusted } from "../config/index.js";
import {
  ExecPolicyParseError,
  ExecPolicyReadError,
  formatMatchesJson,
  loadExecPolicy,
  loadPolicyFiles,
  type Policy,
} from "../execpolicy/index.js";
import { defaultDataDir } from "../runtime/runtime.js";
import { UserError } from "../runtime/errors.js";
import { parse } from "./args.js";
import type { CliIO } from "./io.js";

const OPTIONS = {
  rules: { type: "string", short: "r", multiple: true },
  pretty: { type: "boolean" },
  "resolve-host-executables": { type: "boolean" },
} as const;

const USAGE = "usage: loom execpolicy check [--rules FILE]... [--pretty] [--resolve-host-executables] -- CMD ARGS...";

export async function execpolicyCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(argv, OPTIONS);
  const [sub, ...command] = positionals;
  if (sub !== "check") throw new UserError(sub === undefined ? USAGE : `unknown execpolicy command ${JSON.stringify(sub)}; ${USAGE}`);
  if (command.length === 0) throw new UserError(`missing the command to check; ${USAGE}`);
  let policy: Policy;
  try {
    if (values.rules && values.rules.length > 0) {
      policy = await loadPolicyFiles(values.rules.map((file) => resolve(file)));
    } else {
      const dataDir = values["data-dir"] ?? defaultDataDir();
      const config = await loadConfig(dataDir, values.config ?? []);
      policy = await loadExecPolicy({ dataDir, cwd: process.cwd(), trustedProject: (dir) => projectTrusted(config, dir) });
    }
  } catch (error) {
    if (error instanceof ExecPolicyParseError || error instanceof ExecPolicyReadError) {
      throw new UserError(`error loading rules: ${error.message}`, { cause: error });
    }
    throw error;
  }
  const matches = policy.matchesFor(command, undefined, { resolveHostExecutables: values["resolve-host-executables"] ?? false });
  io.out(formatMatchesJson(matches, values.pretty ?? false));
  return 0;
}
