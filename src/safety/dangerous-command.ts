/**
 * Commands that deserve a prompt even where the sandbox would otherwise be trusted
 * (Codex `command_safety/is_dangerous_command.rs`), and the git option parsing shared with the
 * safe-command list.
 */
import { parseBashLcPlainCommands } from "./bash.js";

/** `rm -f`/`rm -rf` (also under `sudo`), directly or inside a plain `bash -lc` script. */
export function isDangerousCommand(argv: readonly string[]): boolean {
  if (isDangerousToCallWithExec(argv)) return true;
  const commands = parseBashLcPlainCommands(argv);
  return commands !== null && commands.some(isDangerousToCallWithExec);
}

function isDangerousToCallWithExec(argv: readonly string[]): boolean {
  const [cmd0, arg1] = argv;
  if (cmd0 === "rm") return arg1 === "-f" || arg1 === "-rf";
  if (cmd0 === "sudo") return isDangerousToCallWithExec(argv.slice(1));
  return false;
}

/** The program's file name, as Codex keys its allow lists (`/usr/bin/git` -> `git`). */
export function executableName(raw: string): string | null {
  const trimmed = raw.replace(/\/+$/, "");
  const base = trimmed.slice(trimmed.lastIndexOf("/") + 1);
  if (base === "" || base === "." || base === "..") return null;
  return base;
}

const GIT_OPTIONS_WITH_VALUE = new Set([
  "-C", "-c", "--config-env", "--exec-path", "--git-dir", "--namespace", "--super-prefix", "--work-tree",
]);
const GIT_INLINE_VALUE_PREFIXES = [
  "--config-env=", "--exec-path=", "--git-dir=", "--namespace=", "--super-prefix=", "--work-tree=",
];

function isGitOptionWithInlineValue(arg: string): boolean {
  if (GIT_INLINE_VALUE_PREFIXES.some((p) => arg.startsWith(p))) return true;
  return (arg.startsWith("-C") || arg.startsWith("-c")) && arg.length > 2;
}

/**
 * Git global options that redirect config, repository or helper lookup (`-C` too): with them even a
 * read-only subcommand can run attacker-controlled code, so they are never "known safe".
 */
export function gitGlobalOptionRequiresPrompt(arg: string): boolean {
  // Loom adds `-C DIR` (Codex exempts it): DIR's own config, hooks included, applies.
  if (GIT_OPTIONS_WITH_VALUE.has(arg)) return true;
  if ((arg.startsWith("-c") || arg.startsWith("-C")) && arg.length > 2) return true;
  return GIT_INLINE_VALUE_PREFIXES.some((p) => arg.startsWith(p));
}

/**
 * The index and name of git's subcommand when it is one of `wanted`, skipping global options.
 * Git's first non-option word is the subcommand: any other word stops the search, so a branch
 * named `status` in `git checkout status` is not mistaken for `git status`.
 */
export function findGitSubcommand(
  argv: readonly string[],
  wanted: readonly string[],
): { index: number; name: string } | null {
  if (argv.length === 0 || executableName(argv[0]) !== "git") return null;
  let skipNext = false;
  for (let index = 1; index < argv.length; index += 1) {
    if (skipNext) {
      skipNext = false;
      continue;
    }
    const arg = argv[index];
    if (isGitOptionWithInlineValue(arg)) continue;
    if (GIT_OPTIONS_WITH_VALUE.has(arg)) {
      skipNext = true;
      continue;
    }
    if (arg === "--" || arg.startsWith("-")) continue;
    return wanted.includes(arg) ? { index, name: arg } : null;
  }
  return null;
}
