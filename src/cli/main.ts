/**
 * `loom`: the command-line entry. Each command lives in its own module, loaded when it runs (so
 * `--help` and the read commands do not pay for the rest); this file holds the table of commands
 * with their usage, the help built from it, and the one place errors become exit codes:
 * 2 for bad usage or input, 1 when the work failed, always one line (LOOM_BACKTRACE=1 adds the stack).
 */
import { processIO, type CliIO } from "./io.js";
import { VERSION } from "../runtime/version.js";

export type Command = (argv: string[], io: CliIO) => Promise<number>;

export interface CommandSpec {
  /** Usage lines, shown by `loom --help` and `loom NAME --help`. */
  usage: string[];
  /** What `loom NAME --help` adds: the command's options and notes, one line each. */
  details: string[];
  load: () => Promise<Command>;
}

const COMMANDS: Record<string, CommandSpec> = {
  exec: {
    usage: [
      "loom exec [--json] [--cwd D] [--model M] [--approval-policy P] [--sandbox S] [--output-schema FILE] [PROMPT | -]",
      "loom exec resume (THREAD_ID | --last [--all]) [--json] [--cwd D] [--model M] [PROMPT | -]",
    ],
    details: [
      "Runs one turn, like codex exec: what happens on stderr, the final answer on stdout.",
      "  --json               Event JSON lines on stdout instead",
      "  --cwd D              the thread's working directory (default: the current one)",
      "  --model M            the model (default: config.toml's model, else gpt-5.5)",
      "  --approval-policy P  untrusted | on-failure | on-request | never (exec's default: never;",
      "                       a request exec cannot ask about is refused and the model is told)",
      "  --sandbox S          read-only | workspace-write | danger-full-access",
      "  --output-schema FILE a JSON Schema the final answer must follow (structured output)",
      "  --last [--all]       resume the thread written to last (started in this directory, unless --all)",
      "PROMPT: without it (or with -) the prompt is read from stdin; with both, stdin is added as a",
      "<stdin> block. A thread waiting on an approval is not resumed: exec says what it waits on.",
      "Ctrl-C, or the reader of the output going away, interrupts the turn (the log records it).",
    ],
    load: async () => (await import("./exec.js")).execCommand,
  },
  proto: {
    usage: ["loom proto [--thread ID] [--cwd D] [--model M] [--approval-policy P] [--sandbox S]"],
    details: [
      "Codex's queue pair as a process: one Submission JSON line in, one Event JSON line out;",
      "the first event is session_configured. A bad line gets an error event (also logged).",
      "  --thread ID          resume that thread (a request it waits on is asked again)",
      "  --cwd, --model, --approval-policy, --sandbox   as for exec (proto's policy default: on-request)",
      "At the end of stdin the running turn finishes and the session ends with shutdown_complete; if",
      "the turn waits on an approval, it stays pending (a warning says so) for the next --thread.",
    ],
    load: async () => (await import("./proto.js")).protoCommand,
  },
  threads: {
    usage: ["loom threads [--json]"],
    details: ["Every thread in the data dir: id, entries, created, name, fork parent."],
    load: async () => (await import("./inspect.js")).threadsCommand,
  },
  log: {
    usage: ["loom log (THREAD_ID | --last) [--json] [--from N] [--to M]"],
    details: ["A thread's log entries, one a line (--json: as stored), seqs N to M inclusive."],
    load: async () => (await import("./inspect.js")).logCommand,
  },
  state: {
    usage: ["loom state (THREAD_ID | --last) [--at SEQ] [--json]"],
    details: ["The folded state at the head or at SEQ: turns, what it waits on, history, tokens."],
    load: async () => (await import("./inspect.js")).stateCommand,
  },
  turns: {
    usage: ["loom turns (THREAD_ID | --last) [--at SEQ] [--json]"],
    details: ["One line per turn: index, id, seq range, status (and what a running one waits on)."],
    load: async () => (await import("./inspect.js")).turnsCommand,
  },
  diff: {
    usage: ["loom diff THREAD_ID SEQ1 SEQ2 [--json]"],
    details: ["What changed in the state between two seqs: history, turns, tokens, pending requests."],
    load: async () => (await import("./replay.js")).diffCommand,
  },
  fork: {
    usage: ["loom fork (THREAD_ID | --last) (--at SEQ | --before-turn N)"],
    details: ["A new thread sharing the log up to SEQ (or up to turn N, 0-based); prints its id."],
    load: async () => (await import("./inspect.js")).forkCommand,
  },
  rollback: {
    usage: ["loom rollback (THREAD_ID | --last) N"],
    details: ["Drops the last N turns from the model's view (Codex's thread_rollback); N >= 1."],
    load: async () => (await import("./inspect.js")).rollbackCommand,
  },
  replay: {
    usage: ["loom replay (THREAD_ID | --last | FIXTURE.jsonl) [--from SEQ]", "loom replay ROLLOUT.jsonl [--live] [--cwd D]"],
    details: [
      "Re-executes a recorded thread against its log, or a Codex rollout with the model and tools",
      "answered from it (--live: shell calls run again and are compared); exit 1 on a divergence.",
    ],
    load: async () => (await import("./replay.js")).replayCommand,
  },
  "import-codex": {
    usage: ["loom import-codex [--thread ID] (ROLLOUT.jsonl | -)"],
    details: [
      "A Codex rollout (or stdin, with -) becomes a thread; prints its id. The rollout's own id is",
      "kept; importing it again is refused unless --thread gives the copy a new id.",
    ],
    load: async () => (await import("./codex-rollout.js")).importCodexCommand,
  },
  "export-codex": {
    usage: ["loom export-codex [--extended] (THREAD_ID | --last)"],
    details: ["The thread as a Codex rollout on stdout; --extended keeps what Codex's extended history keeps."],
    load: async () => (await import("./codex-rollout.js")).exportCodexCommand,
  },
  sandbox: {
    usage: ["loom sandbox [-s read-only|workspace-write|danger-full-access] [--cwd D] -- CMD ARGS..."],
    details: [
      "Runs one command under a sandbox policy with this terminal's stdio; exits with its status.",
      "  -s, --sandbox MODE   the policy (default: config.toml's sandbox_mode, else workspace-write)",
      "  --cwd D              where it runs, and the workspace the policy makes writable",
      "Without a working sandbox it runs nothing and says why (never unconfined by surprise).",
    ],
    load: async () => (await import("./sandbox.js")).sandboxCommand,
  },
  execpolicy: {
    usage: ["loom execpolicy check [--rules FILE]... [--pretty] -- CMD ARGS..."],
    details: [
      "The exec-policy rules matching a command, and the strictest decision, as JSON (codex execpolicy check).",
      "  --rules FILE         a .rules file, repeatable (default: what a thread reads, <data dir>/rules/ ...)",
      "  --pretty             indented JSON",
      "  --resolve-host-executables   let /usr/bin/git match rules for git",
    ],
    load: async () => (await import("./execpolicy.js")).execpolicyCommand,
  },
  serve: {
    usage: ["loom serve [--host 127.0.0.1] [--port P]"],
    details: [
      "The HTTP API and the time-travel inspector over the data dir (or --storage), until Ctrl-C.",
      "  --host H             where to listen (default 127.0.0.1; anything else is warned about)",
      "  --port P             the port (default 7878; 0 picks a free one)",
      "Requests need the bearer token it prints (or LOOM_SERVE_TOKEN from the environment).",
    ],
    load: async () => (await import("./serve.js")).serveCommand,
  },
};

export const HELP = `loom ${VERSION}: an embeddable, event-sourced runtime for coding agents

Usage:
${Object.values(COMMANDS)
  .flatMap((spec) => spec.usage)
  .map((line) => `  ${line}`)
  .join("\n")}
  loom --version
  loom COMMAND --help

Every command takes:
  --data-dir D    the data dir (default $LOOM_HOME, else ~/.loom); exec, proto and
                  import-codex start one if it is missing, the others need it to exist
  --storage URL   postgres://user@host:port/db, a database shared by many workers (default
                  $LOOM_STORAGE, else storage in config.toml, else LevelDB in the data dir)
  -c key=value    a config.toml key, overridden (the value is TOML, else a string),
                  repeatable: model, approval_policy, sandbox_mode, model_provider,
                  model_providers.NAME.stream_idle_timeout_ms, mcp_servers.NAME.command, ...
  -h, --help      this help; loom COMMAND --help for one command's options

THREAD_ID is a thread id or any unique prefix of one; --last is the thread written to last.
Read commands (threads, log, state, turns, diff, replay, export-codex) work while another Loom
process holds the data dir: they read through it.
The model endpoint comes from OPENAI_API_KEY and OPENAI_BASE_URL, or [model_providers] in config.toml.
Exit status: 0 done, 1 the work failed (a failed or interrupted turn, a divergence), 2 bad usage or input.`;

/** Adds a command (another module's, e.g. `loom sandbox`) to the table and the help. */
export function registerCommand(name: string, command: Command, usage: string[] = [`loom ${name}`], details: string[] = []): void {
  COMMANDS[name] = { usage, details, load: async () => command };
}

export function commandHelp(name: string): string | undefined {
  const spec = COMMANDS[name];
  if (!spec) return undefined;
  return [
    "Usage:",
    ...spec.usage.map((line) => `  ${line}`),
    "",
    ...spec.details,
    "",
    "Also: --data-dir D, -c key=value (see loom --help).",
  ].join("\n");
}

/** Errors that are the work failing (not a bug): the message is all a person needs. */
const EXPECTED = new Set([
  "OpRejectedError",
  "TurnFailedError",
  "TurnAbortedError",
  "LogLockedError",
  "LogOpenError",
  "LogMissingError",
  "LogClosedError",
  "ReplayError",
  "McpStartupError",
  "ThreadNotFoundError",
  "ThreadExistsError",
  "InvalidThreadIdError",
  "SeqOutOfRangeError",
  "CorruptEntryError",
  "CorruptThreadError",
  "EmptyRolloutError",
  "RolloutImportError",
  "RemoteLogError",
  "ReadOnlyLogError",
  "ModelConfigError",
  "ThreadBusyError",
  "LeaseLostError",
  "LogUnavailableError",
  "SchemaVersionError",
]);
const USAGE_ERRORS = new Set(["UserError", "ConfigError", "InputLimitError"]);
const SYSTEM_CODES = new Set(["EEXIST", "ENOTDIR", "EISDIR", "EACCES", "EPERM", "EROFS", "ENOSPC", "ENOENT", "EMFILE", "ELOOP", "ENAMETOOLONG"]);

/** `--help` among a command's own arguments (not after `--`, where it belongs to a prompt). */
function wantsHelp(argv: string[]): boolean {
  const end = argv.indexOf("--");
  return (end < 0 ? argv : argv.slice(0, end)).some((arg) => arg === "--help" || arg === "-h");
}

export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const env = io.env ?? process.env;
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    io.out(name === "help" && rest[0] ? (commandHelp(rest[0]) ?? HELP) : HELP);
    return 0;
  }
  if (name === "--version" || name === "-V") {
    io.out(`loom ${VERSION}`);
    return 0;
  }
  const spec = COMMANDS[name];
  if (!spec) {
    io.err(`loom: unknown command ${JSON.stringify(name)}; see loom --help`);
    return 2;
  }
  if (wantsHelp(rest)) {
    io.out(commandHelp(name)!);
    return 0;
  }
  try {
    const command = await spec.load();
    return await command(rest, io);
  } catch (error) {
    const err = error as Error & { code?: unknown };
    // One line, whatever the error's own formatting.
    const message = String(err?.message ?? error).replace(/\s*\n\s*/g, "; ");
    if (USAGE_ERRORS.has(err?.name)) {
      io.err(`loom ${name}: ${message}`);
      return 2;
    }
    if (EXPECTED.has(err?.name) || SYSTEM_CODES.has(String(err?.code))) {
      io.err(`loom ${name}: ${message}`);
      if (env.LOOM_BACKTRACE === "1" && err?.stack) io.err(err.stack);
      return 1;
    }
    // A bug: still one line, with the way to see more.
    io.err(`loom ${name}: internal error: ${message} (LOOM_BACKTRACE=1 shows where)`);
    if (env.LOOM_BACKTRACE === "1" && err?.stack) io.err(err.stack);
    return 1;
  }
}
