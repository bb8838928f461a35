/** `loom`: the command-line entry. Each command lives in its own module; this only dispatches. */
import { execCommand } from "./exec.js";
import { protoCommand } from "./proto.js";
import { forkCommand, logCommand, rollbackCommand, stateCommand, threadsCommand, turnsCommand } from "./inspect.js";
import { processIO, type CliIO } from "./io.js";
import { exportCodexCommand, importCodexCommand } from "./codex-rollout.js";
import { diffCommand, replayCommand } from "./replay.js";
import { sandboxCommand } from "./sandbox.js";
import { OpRejectedError, TurnAbortedError, TurnFailedError, UserError } from "../runtime/errors.js";
import { ConfigError } from "../config/index.js";
import { VERSION } from "../runtime/version.js";

type Command = (argv: string[], io: CliIO) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  exec: execCommand,
  proto: protoCommand,
  threads: threadsCommand,
  log: logCommand,
  state: stateCommand,
  turns: turnsCommand,
  fork: forkCommand,
  rollback: rollbackCommand,
  "import-codex": importCodexCommand,
  "export-codex": exportCodexCommand,
  replay: replayCommand,
  diff: diffCommand,
  sandbox: sandboxCommand,
};

export const HELP = `loom ${VERSION}: an embeddable, event-sourced runtime for coding agents

Usage:
  loom exec [--json] [--cwd D] [--model M] [--approval-policy P] [--sandbox S] [--output-schema FILE] PROMPT
  loom exec resume THREAD_ID PROMPT
  loom proto [--thread ID]             Submission JSON lines in, Event JSON lines out
  loom threads [--json]
  loom log THREAD_ID [--json] [--from N] [--to M]
  loom state THREAD_ID [--at SEQ] [--json]
  loom turns THREAD_ID
  loom fork THREAD_ID (--at SEQ | --before-turn N)
  loom rollback THREAD_ID N
  loom diff THREAD_ID SEQ1 SEQ2          what changed in the state between two points
  loom replay THREAD_ID|FIXTURE [--from SEQ]
  loom import-codex ROLLOUT.jsonl
  loom export-codex THREAD_ID
  loom sandbox [-s read-only|workspace-write|danger-full-access] [--cwd D] -- CMD ARGS...
                                       run one command under a sandbox policy; exits with its status

Every command takes --data-dir D (default $LOOM_HOME, else ~/.loom), --storage URL
(postgres://user@host:port/db, shared by many workers; default $LOOM_STORAGE, else storage in
config.toml, else LevelDB in the data dir) and repeatable -c key=value overrides of config.toml
keys (model, approval_policy, sandbox_mode, ...).
The model endpoint comes from OPENAI_BASE_URL and OPENAI_API_KEY.`;

export function registerCommand(name: string, command: Command): void {
  COMMANDS[name] = command;
}

export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    io.out(HELP);
    return 0;
  }
  if (name === "--version" || name === "-V") {
    io.out(VERSION);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`loom: unknown command ${JSON.stringify(name)}; see loom --help`);
    return 2;
  }
  // After `--` the words are a command's own (`loom sandbox -- ls -h`).
  const own = rest.includes("--") ? rest.slice(0, rest.indexOf("--")) : rest;
  if (own.includes("--help") || own.includes("-h")) {
    io.out(HELP);
    return 0;
  }
  try {
    return await command(rest, io);
  } catch (error) {
    if (error instanceof UserError || error instanceof ConfigError) {
      io.err(`loom ${name}: ${error.message}`);
      return 2;
    }
    // The thread refused or ended the work, or the data dir is in use: the message says why.
    const expected = ["LogLockedError", "ReplayError", "McpStartupError", "ThreadNotFoundError", "EmptyRolloutError"];
    expected.push("ThreadBusyError", "LeaseLostError", "LogUnavailableError", "SchemaVersionError");
    if (
      error instanceof OpRejectedError ||
      error instanceof TurnFailedError ||
      error instanceof TurnAbortedError ||
      expected.includes((error as Error)?.name) ||
      ["EEXIST", "ENOTDIR", "EACCES"].includes((error as NodeJS.ErrnoException)?.code ?? "")
    ) {
      io.err(`loom ${name}: ${(error as Error).message}`);
      return 1;
    }
    io.err(`loom ${name}: ${(error as Error)?.stack ?? String(error)}`);
    return 1;
  }
}
