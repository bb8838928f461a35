/**
 * `parsed_cmd` for exec_command_begin/end and exec_approval_request: a best-effort summary of
 * what a command does, so a UI can say "Read foo.rs" instead of printing argv (Codex
 * `shell-command/src/parse_command.rs::parse_command`). Anything not understood collapses to a
 * single `{ type: "unknown", cmd }` holding the script or the shell-quoted argv.
 */
import { extractBashCommand, parsePlainScript, shlexJoin, shlexSplit } from "../../safety/index.js";
import { sedReadPath, summarizeMainTokens, trimAtConnector, type ParsedCommand } from "./summarize-command.js";

export type { ParsedCommand } from "./summarize-command.js";

export function parseCommandForDisplay(argv: readonly string[]): ParsedCommand[] {
  const deduped: ParsedCommand[] = [];
  for (const parsed of parseCommandImpl(argv)) {
    const previous = deduped[deduped.length - 1];
    if (previous && JSON.stringify(previous) === JSON.stringify(parsed)) continue;
    deduped.push(parsed);
  }
  if (deduped.some((p) => p.type === "unknown")) {
    const shell = extractBashCommand(argv);
    return [{ type: "unknown", cmd: shell ? shell.script : shlexJoin(argv) }];
  }
  return deduped;
}

function parseCommandImpl(argv: readonly string[]): ParsedCommand[] {
  const fromShell = parseShellLcCommands(argv);
  if (fromShell) return fromShell;
  const normalized = normalizeTokens(argv);
  const parts = normalized.some((t) => CONNECTORS.has(t)) ? splitOnConnectors(normalized) : [normalized];
  let commands = summarizeWithCd(parts);
  for (let next = simplifyOnce(commands); next; next = simplifyOnce(commands)) commands = next;
  return commands;
}

function parseShellLcCommands(argv: readonly string[]): ParsedCommand[] | null {
  const shell = extractBashCommand(argv);
  if (!shell) return null;
  const { script } = shell;
  const all = parsePlainScript(script);
  if (all === null || all.length === 0) return [{ type: "unknown", cmd: script }];

  const scriptTokens = shlexSplit(script) ?? [script];
  // Bias toward the primary command of a pipeline: drop helpers like `wc -l` or `head -n 40`.
  const filtered = all.filter((tokens) => !isSmallFormattingCommand(tokens));
  if (filtered.length === 0) return [{ type: "unknown", cmd: script }];
  let commands = summarizeWithCd(filtered);
  if (commands.length > 1) {
    commands = commands.filter((c) => !(c.type === "unknown" && c.cmd === "true"));
    for (let next = simplifyOnce(commands); next; next = simplifyOnce(commands)) commands = next;
  }
  if (commands.length !== 1) return commands;

  // One command left: credit it with the whole script when the script had no connectors.
  const hadConnectors = all.length > 1 || scriptTokens.some((t) => CONNECTORS.has(t));
  const only = commands[0];
  if (only.type === "unknown") return commands;
  if (!hadConnectors) return [{ ...only, cmd: shlexJoin(scriptTokens) }];
  if (only.type === "read") {
    const hasPipe = scriptTokens.includes("|");
    const hasSedN = scriptTokens.some((t, i) => t === "sed" && scriptTokens[i + 1] === "-n");
    if (hasPipe && hasSedN) return [{ ...only, cmd: script }];
  }
  return commands;
}

const CONNECTORS = new Set(["|", "&&", "||", ";"]);

// Summaries in order, following `cd` so that relative read paths stay meaningful.
function summarizeWithCd(parts: readonly string[][]): ParsedCommand[] {
  const commands: ParsedCommand[] = [];
  let cwd: string | null = null;
  for (const tokens of parts) {
    if (tokens[0] === "cd") {
      const dir = cdTarget(tokens.slice(1));
      if (dir !== null) cwd = cwd === null ? dir : joinPaths(cwd, dir);
      continue;
    }
    const parsed = summarizeMainTokens(tokens);
    commands.push(parsed.type === "read" && cwd !== null ? { ...parsed, path: joinPaths(cwd, parsed.path) } : parsed);
  }
  return commands;
}

function normalizeTokens(argv: readonly string[]): string[] {
  const [first, second] = argv;
  // `yes | cmd` and `no | cmd` only feed answers to cmd.
  if (second === "|" && ["yes", "y", "no", "n"].includes(first)) return argv.slice(2);
  return [...argv];
}

function splitOnConnectors(tokens: readonly string[]): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  for (const t of tokens) {
    if (CONNECTORS.has(t)) {
      if (current.length > 0) out.push(current);
      current = [];
    } else {
      current.push(t);
    }
  }
  if (current.length > 0) out.push(current);
  return out;
}

function firstWordOf(cmd: string): string | undefined {
  return shlexSplit(cmd)?.[0];
}

// Drop summaries that add nothing next to their neighbours (Codex `simplify_once`).
function simplifyOnce(commands: readonly ParsedCommand[]): ParsedCommand[] | null {
  if (commands.length <= 1) return null;
  const without = (i: number) => [...commands.slice(0, i), ...commands.slice(i + 1)];
  const first = commands[0];
  if (first.type === "unknown" && firstWordOf(first.cmd) === "echo") return commands.slice(1);
  const cd = commands.findIndex((c) => c.type === "unknown" && firstWordOf(c.cmd) === "cd");
  if (cd >= 0 && commands.length > cd + 1) return without(cd);
  const trueIndex = commands.findIndex((c) => c.type === "unknown" && c.cmd === "true");
  if (trueIndex >= 0) return without(trueIndex);
  const nl = commands.findIndex((c) => {
    if (c.type !== "unknown") return false;
    const tokens = shlexSplit(c.cmd);
    return tokens !== null && tokens[0] === "nl" && tokens.slice(1).every((t) => t.startsWith("-"));
  });
  return nl >= 0 ? without(nl) : null;
}

function isSmallFormattingCommand(tokens: readonly string[]): boolean {
  const [cmd, ...args] = tokens;
  switch (cmd) {
    case "wc": case "tr": case "cut": case "sort": case "uniq": case "tee": case "column": case "yes": case "printf":
      return true;
    case "xargs":
      return !isMutatingXargs(tokens);
    case "awk":
      return awkDataFileOperand(args) === null;
    case "head":
      return args.length === 0 || (args.length === 1 && args[0].startsWith("-")) ||
        (args.length === 2 && (args[0] === "-n" || args[0] === "-c") && /^\d*$/.test(args[1]));
    case "tail":
      return args.length === 0 || (args.length === 1 && args[0].startsWith("-")) ||
        (args.length === 2 && (args[0] === "-n" || args[0] === "-c") && /^(\d*|\+\d*)$/.test(args[1]));
    case "sed":
      return sedReadPath(args) === null;
    default:
      return false;
  }
}

// `xargs sed -i`, `xargs perl -pi`, `xargs rg --replace` change files: keep them visible.
function isMutatingXargs(tokens: readonly string[]): boolean {
  let i = 1;
  let sub: readonly string[] | null = null;
  while (i < tokens.length) {
    const t = tokens[i];
    if (t === "--") {
      sub = tokens.slice(i + 1);
      break;
    }
    if (!t.startsWith("-")) {
      sub = tokens.slice(i);
      break;
    }
    i += ["-E", "-e", "-I", "-L", "-n", "-P", "-s"].includes(t) ? 2 : 1;
  }
  if (!sub || sub.length === 0) return false;
  const [head, ...rest] = sub;
  const inPlace = rest.some((t) => t.startsWith("-i") || t.startsWith("-pi"));
  if (head === "perl" || head === "ruby") return inPlace;
  if (head === "sed") return inPlace || rest.includes("--in-place");
  if (head === "rg") return rest.includes("--replace");
  return false;
}

function awkDataFileOperand(args: readonly string[]): string | null {
  if (args.length === 0) return null;
  const words = trimAtConnector(args);
  const hasScriptFile = words.includes("-f") || words.includes("--file");
  const operands: string[] = [];
  for (let i = 0; i < words.length; i += 1) {
    const a = words[i];
    if (a === "--") {
      operands.push(...words.slice(i + 1));
      break;
    }
    if (a.startsWith("--") && a.includes("=")) continue;
    if (["-F", "-v", "-f", "--field-separator", "--assign", "--file"].includes(a)) {
      i += 1;
      continue;
    }
    if (!a.startsWith("-")) operands.push(a);
  }
  if (hasScriptFile) return operands[0] ?? null;
  return operands.length >= 2 ? operands[1] : null;
}

function cdTarget(args: readonly string[]): string | null {
  let target: string | null = null;
  for (let i = 0; i < args.length; i += 1) {
    if (args[i] === "--") return args[i + 1] ?? null;
    if (!args[i].startsWith("-")) target = args[i];
  }
  return target;
}

function joinPaths(base: string, rel: string): string {
  if (rel.startsWith("/") || base === "") return rel;
  return base.endsWith("/") ? base + rel : `${base}/${rel}`;
}
