/**
 * What one simple command does, for people: reads a file, lists files, searches, or "unknown"
 * (a subset of Codex `shell-command/src/parse_command.rs::summarize_main_tokens`).
 */
import { shlexJoin } from "../../safety/index.js";

/** Codex's `ParsedCommand`, the entries of exec_command_begin.parsed_cmd. */
export type ParsedCommand =
  | { type: "read"; cmd: string; name: string; path: string }
  | { type: "list_files"; cmd: string; path: string | null }
  | { type: "search"; cmd: string; query: string | null; path: string | null }
  | { type: "unknown"; cmd: string };

const CONNECTORS = new Set(["|", "&&", "||", ";"]);

export function trimAtConnector(tokens: readonly string[]): string[] {
  const index = tokens.findIndex((t) => CONNECTORS.has(t));
  return index < 0 ? [...tokens] : tokens.slice(0, index);
}

/** The last meaningful path component: `webview/src` -> `webview`, `a/b.txt` -> `b.txt`. */
export function shortDisplayPath(p: string): string {
  const trimmed = p.replace(/\\/g, "/").replace(/\/+$/, "");
  const parts = trimmed.split("/").reverse();
  const part = parts.find((s) => s !== "" && !["build", "dist", "node_modules", "src"].includes(s));
  return part ?? trimmed;
}

// Arguments without the values of `flagsWithValues`, `--flag=value` words, and with everything
// after `--` kept as operands.
function skipFlagValues(args: readonly string[], flagsWithValues: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const a = args[i];
    if (a === "--") {
      out.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith("--") && a.includes("=")) continue;
    if (flagsWithValues.includes(a)) {
      if (i + 1 < args.length) i += 1;
      continue;
    }
    out.push(a);
  }
  return out;
}

function positionalOperands(args: readonly string[], flagsWithValues: readonly string[]): string[] {
  const out: string[] = [];
  let afterDoubleDash = false;
  for (let i = 0; i < args.length; i += 1) {
    const a = args[i];
    if (afterDoubleDash) out.push(a);
    else if (a === "--") afterDoubleDash = true;
    else if (a.startsWith("--") && a.includes("=")) continue;
    else if (flagsWithValues.includes(a)) {
      if (i + 1 < args.length) i += 1;
    } else if (!a.startsWith("-")) out.push(a);
  }
  return out;
}

const nonFlags = (args: readonly string[]) => args.filter((a) => !a.startsWith("-"));

function read(main: readonly string[], path: string): ParsedCommand {
  return { type: "read", cmd: shlexJoin(main), name: shortDisplayPath(path), path };
}

function listFiles(main: readonly string[], path: string | undefined): ParsedCommand {
  return { type: "list_files", cmd: shlexJoin(main), path: path === undefined ? null : shortDisplayPath(path) };
}

function search(main: readonly string[], query: string | undefined, path: string | undefined): ParsedCommand {
  return {
    type: "search",
    cmd: shlexJoin(main),
    query: query ?? null,
    path: path === undefined ? null : shortDisplayPath(path),
  };
}

const unknown = (main: readonly string[]): ParsedCommand => ({ type: "unknown", cmd: shlexJoin(main) });

const LS_FLAGS_WITH_VALUES = ["-I", "-w", "--block-size", "--format", "--time-style", "--color", "--quoting-style"];
const RG_FLAGS_WITH_VALUES = [
  "-g", "--glob", "--iglob", "-t", "--type", "--type-add", "--type-not", "-m", "--max-count",
  "-A", "-B", "-C", "--context", "--max-depth",
];

export function summarizeMainTokens(main: readonly string[]): ParsedCommand {
  const [head, ...tail] = main;
  switch (head) {
    case "ls":
      return listFiles(main, positionalOperands(tail, LS_FLAGS_WITH_VALUES)[0]);
    case "eza":
    case "exa":
      return listFiles(main, positionalOperands(tail, ["-I", "--ignore-glob", "--color", "--sort", "--time-style", "--time"])[0]);
    case "du":
      return listFiles(main, positionalOperands(tail, ["-d", "--max-depth", "-B", "--block-size", "--exclude", "--time-style"])[0]);
    case "tree":
      return listFiles(main, positionalOperands(tail, ["-L", "-P", "-I", "--charset", "--filelimit", "--sort"])[0]);
    case "rg":
    case "rga":
    case "ripgrep-all": {
      const args = trimAtConnector(tail);
      const operands = nonFlags(skipFlagValues(args, RG_FLAGS_WITH_VALUES));
      if (args.includes("--files")) return listFiles(main, operands[0]);
      return search(main, operands[0], operands[1]);
    }
    case "grep":
    case "egrep":
    case "fgrep":
      return parseGrepLike(main, tail);
    case "git":
      if (tail[0] === "grep") return parseGrepLike(main, tail.slice(1));
      if (tail[0] === "ls-files") {
        return listFiles(main, positionalOperands(tail.slice(1), ["--exclude", "--exclude-from", "--pathspec-from-file"])[0]);
      }
      return unknown(main);
    case "find": {
      const args = trimAtConnector(tail);
      const root = args.find((a) => !a.startsWith("-") && a !== "!" && a !== "(" && a !== ")");
      const nameFlag = args.findIndex((a) => ["-name", "-iname", "-path", "-regex"].includes(a));
      const query = nameFlag >= 0 ? args[nameFlag + 1] : undefined;
      return query !== undefined ? search(main, query, root) : listFiles(main, root);
    }
    case "cat":
    case "more": {
      const operands = positionalOperands(tail, []);
      return operands.length === 1 ? read(main, operands[0]) : unknown(main);
    }
    case "head":
    case "tail":
      return summarizeHeadTail(main, head === "tail");
    case "nl": {
      const path = skipFlagValues(tail, ["-s", "-w", "-v", "-i", "-b"]).find((p) => !p.startsWith("-"));
      return path !== undefined ? read(main, path) : unknown(main);
    }
    case "sed": {
      const path = sedReadPath(tail);
      return path !== null ? read(main, path) : unknown(main);
    }
    default:
      return unknown(main);
  }
}

function parseGrepLike(main: readonly string[], args: readonly string[]): ParsedCommand {
  const words = trimAtConnector(args);
  const operands: string[] = [];
  let pattern: string | undefined;
  let afterDoubleDash = false;
  for (let i = 0; i < words.length; i += 1) {
    const a = words[i];
    if (afterDoubleDash) {
      operands.push(a);
      continue;
    }
    if (a === "--") {
      afterDoubleDash = true;
      continue;
    }
    if (["-e", "--regexp", "-f", "--file"].includes(a)) {
      if (i + 1 < words.length && pattern === undefined) pattern = words[i + 1];
      i += 1;
      continue;
    }
    if (["-m", "--max-count", "-C", "--context", "-A", "--after-context", "-B", "--before-context"].includes(a)) {
      i += 1;
      continue;
    }
    if (!a.startsWith("-")) operands.push(a);
  }
  // Patterns are kept verbatim (they may contain slashes); only the path is shortened.
  const query = pattern ?? operands[0];
  return search(main, query, operands[pattern !== undefined ? 0 : 1]);
}

// `head -n 50 file`, `tail -n +10 file`, `head file`.
function summarizeHeadTail(main: readonly string[], isTail: boolean): ParsedCommand {
  const args = main.slice(1);
  // Codex's digit checks: head takes any all-digit value (even empty), tail an optional `+`.
  const isCount = (n: string) => (isTail ? /^\+?\d+$/ : /^\d*$/).test(n);
  const first = args[0];
  const separateCount = first === "-n" && args[1] !== undefined && isCount(args[1]);
  const gluedCount = first !== undefined && first !== "-n" && first.startsWith("-n") && isCount(first.slice(2));
  if (separateCount || gluedCount) {
    const path = (separateCount ? args.slice(2) : args).find((p) => !p.startsWith("-"));
    if (path !== undefined) return read(main, path);
  }
  if (args.length === 1 && !args[0].startsWith("-")) return read(main, args[0]);
  return unknown(main);
}

/** The file `sed -n <range>p FILE` prints, or null when sed does anything else. */
export function sedReadPath(args: readonly string[]): string | null {
  const words = trimAtConnector(args);
  if (!words.includes("-n")) return null;
  const isRange = (a: string | undefined) => a !== undefined && /^(\d+,)?\d+p$/.test(a);
  let hasRange = false;
  for (let i = 0; i < words.length; i += 1) {
    if (words[i] === "-e" || words[i] === "--expression") {
      if (isRange(words[i + 1])) hasRange = true;
      i += 1;
    } else if (words[i] === "-f" || words[i] === "--file") {
      i += 1;
    }
  }
  if (!hasRange) hasRange = words.some((a) => !a.startsWith("-") && isRange(a));
  if (!hasRange) return null;
  const operands = nonFlags(skipFlagValues(words, ["-e", "-f", "--expression", "--file"]));
  if (operands.length === 0) return null;
  return isRange(operands[0]) ? (operands[1] ?? null) : operands[0];
}
