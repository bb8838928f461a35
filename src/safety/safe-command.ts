/**
 * Commands that only read, so they may run without approval even under `untrusted`
 * (Codex `command_safety/is_safe_command.rs`, the Linux list).
 *
 * Loom is stricter than Codex 0.125 where Codex's list lets a command write or run code: `uniq`
 * with an OUTPUT operand writes a file; `git diff` runs a repository's `diff.external` unless told
 * `--no-ext-diff`; `git -C DIR` reads DIR's config (its `core.fsmonitor` hook runs on `status`);
 * and a `bash -lc` word with an unquoted glob may expand into any option (`--output=FILE`).
 */
import { bashLcScriptHasGlob, parseBashLcPlainCommands } from "./bash.js";
import { executableName, findGitSubcommand, gitGlobalOptionRequiresPrompt } from "./dangerous-command.js";

const ALWAYS_SAFE = new Set([
  "cat", "cd", "cut", "echo", "expr", "false", "grep", "head", "id", "ls", "nl", "paste", "pwd",
  "rev", "seq", "stat", "tail", "tr", "true", "uname", "wc", "which", "whoami",
  // GNU coreutils present on Linux only.
  "numfmt", "tac",
]);

// find options that execute commands, delete files or write to files.
const UNSAFE_FIND_OPTIONS = new Set([
  "-exec", "-execdir", "-ok", "-okdir", "-delete", "-fls", "-fprint", "-fprint0", "-fprintf",
]);

// rg options that run another program (per match, for the hostname) or decompressors.
const UNSAFE_RG_OPTIONS_WITH_VALUE = ["--pre", "--hostname-bin"];
const UNSAFE_RG_OPTIONS = new Set(["--search-zip", "-z"]);

// git flags that write files or run external tools.
const UNSAFE_GIT_FLAGS = new Set(["--output", "--ext-diff", "--textconv", "--exec", "--paginate"]);

const GIT_BRANCH_READ_ONLY_FLAGS = new Set([
  "--list", "-l", "--show-current", "-a", "--all", "-r", "--remotes", "-v", "-vv", "--verbose",
]);

/**
 * True when argv is on the read-only allow list, directly or as a plain `bash -lc` script whose
 * every command is. (Codex maps a literal `zsh` word to `bash` first, so `zsh -lc` counts too.)
 */
export function isKnownSafeCommand(argv: readonly string[]): boolean {
  const command = argv.map((word) => (word === "zsh" ? "bash" : word));
  if (isSafeToCallWithExec(command)) return true;
  const commands = parseBashLcPlainCommands(command);
  if (commands === null || commands.length === 0 || bashLcScriptHasGlob(command)) return false;
  return commands.every(isSafeToCallWithExec);
}

// uniq's options that take their value as the next word.
const UNIQ_OPTIONS_WITH_VALUE = new Set(["-f", "-s", "-w", "--skip-fields", "--skip-chars", "--check-chars"]);

/** `uniq [OPTION]... [INPUT [OUTPUT]]` only reads when it has at most the INPUT operand. */
function uniqOnlyReads(args: readonly string[]): boolean {
  let operands = 0;
  let optionsDone = false;
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    if (!optionsDone && arg === "--") optionsDone = true;
    else if (!optionsDone && UNIQ_OPTIONS_WITH_VALUE.has(arg)) i += 1;
    else if (!optionsDone && arg.startsWith("-") && arg !== "-") continue;
    else operands += 1;
  }
  return operands <= 1;
}

function isSafeToCallWithExec(command: readonly string[]): boolean {
  if (command.length === 0) return false;
  const name = executableName(command[0]);
  if (name === null) return false;
  if (ALWAYS_SAFE.has(name)) return true;
  const args = command.slice(1);
  switch (name) {
    case "uniq":
      return uniqOnlyReads(args);
    case "base64":
      return !args.some(
        (a) => a === "-o" || a === "--output" || a.startsWith("--output=") || (a.startsWith("-o") && a !== "-o"),
      );
    case "find":
      return !command.some((a) => UNSAFE_FIND_OPTIONS.has(a));
    case "rg":
      return !command.some(
        (a) =>
          UNSAFE_RG_OPTIONS.has(a) || UNSAFE_RG_OPTIONS_WITH_VALUE.some((opt) => a === opt || a.startsWith(`${opt}=`)),
      );
    case "git":
      return isSafeGit(command);
    case "sed":
      // Only `sed -n {N|M,N}p [file]`.
      return command.length <= 4 && command[1] === "-n" && isSedPrintRange(command[2]);
    default:
      return false;
  }
}

function isSafeGit(command: readonly string[]): boolean {
  if (command.slice(1).some(gitGlobalOptionRequiresPrompt)) return false;
  const sub = findGitSubcommand(command, ["status", "log", "diff", "show", "branch"]);
  if (sub === null) return false;
  const subArgs = command.slice(sub.index + 1);
  if (!gitArgsAreReadOnly(subArgs)) return false;
  // diff.external from the repository's config runs unless the call turns it off.
  if (sub.name === "diff" && !subArgs.includes("--no-ext-diff")) return false;
  return sub.name !== "branch" || gitBranchIsReadOnly(subArgs);
}

function gitArgsAreReadOnly(args: readonly string[]): boolean {
  return !args.some((a) => UNSAFE_GIT_FLAGS.has(a) || a.startsWith("--output=") || a.startsWith("--exec="));
}

// `git branch` lists with no arguments or only listing flags; anything else may create, rename
// or delete a branch.
function gitBranchIsReadOnly(args: readonly string[]): boolean {
  if (args.length === 0) return true;
  return args.every((a) => GIT_BRANCH_READ_ONLY_FLAGS.has(a) || a.startsWith("--format="));
}

/** `N p` or `M,N p` with decimal numbers, e.g. `10p`, `1,5p`. */
export function isSedPrintRange(arg: string | undefined): boolean {
  return arg !== undefined && /^(\d+,)?\d+p$/.test(arg);
}
