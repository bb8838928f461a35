/**
 * Recognising `bash -lc "<script>"` (and zsh/sh, `-c`) scripts that are only plain commands.
 *
 * Codex parses scripts with tree-sitter-bash and accepts a script only when every node is a
 * command made of literal words, joined by `&&`, `||`, `;`, `|` or newlines
 * (`codex-rs/shell-command/src/bash.rs`). We have no tree-sitter here, so this is a small scanner
 * for exactly that subset. Anything outside it makes the functions return null, which callers
 * treat as "not provably plain": redirections, substitutions, expansions, subshells, groups,
 * control flow, comments, background `&`, variable assignments and heredocs.
 *
 * Deliberate narrowings against tree-sitter (each only makes more scripts "not plain"):
 * backslashes outside single quotes, `[`/`]`, `{`/`}` and `\r` are rejected.
 */

/** Argv words of each plain command, in source order. */
export type PlainCommands = string[][];

// Words tree-sitter parses as something other than a plain command name.
const NOT_A_COMMAND_NAME = new Set([
  "if", "then", "else", "elif", "fi", "case", "esac", "for", "select", "while", "until", "do",
  "done", "in", "function", "time", "coproc", "!",
  "declare", "typeset", "export", "readonly", "local", "unset", "unsetenv",
]);

// Characters that end or change an unquoted word in bash.
const SPECIAL = new Set(["'", '"', "<", ">", "{", "}", "[", "]", "(", ")", "`", "$", "|", "&", ";", "\\", "\r"]);
const BLANK = new Set([" ", "\t"]);

/** The shell and script of `[shell, -lc|-c, script]` when the shell is bash, zsh or sh. */
export function extractBashCommand(argv: readonly string[]): { shell: string; script: string } | null {
  if (argv.length !== 3) return null;
  const [shell, flag, script] = argv;
  if (flag !== "-lc" && flag !== "-c") return null;
  if (!isPosixShell(shell)) return null;
  return { shell, script };
}

// Codex's detect_shell_type: the name itself, else the file stem of a path (`/bin/bash`, `bash.exe`).
function isPosixShell(shell: string): boolean {
  if (shell === "bash" || shell === "zsh" || shell === "sh") return true;
  const base = shell.slice(shell.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  const stem = dot > 0 ? base.slice(0, dot) : base;
  return stem !== shell && (stem === "bash" || stem === "zsh" || stem === "sh");
}

/**
 * The plain commands of a `bash -lc` script, or null when argv is not such an invocation or the
 * script uses anything beyond literal words and `&& || ; |`. An empty script gives `[]`.
 */
export function parseBashLcPlainCommands(argv: readonly string[]): PlainCommands | null {
  const extracted = extractBashCommand(argv);
  if (!extracted) return null;
  return parsePlainScript(extracted.script);
}

type Token = { op: "&&" | "||" | "|" | ";" | "\n" } | { word: string; quoted: boolean; glob: boolean };

/**
 * Whether a plain `bash -lc` script has a word the shell would expand as a glob (an unquoted `*`
 * or `?`): its commands' words are then not what will run (`git diff *` may become
 * `git diff --output=FILE`), so they prove nothing about safety.
 */
export function bashLcScriptHasGlob(argv: readonly string[]): boolean {
  const extracted = extractBashCommand(argv);
  const tokens = extracted ? tokenize(extracted.script) : null;
  return tokens !== null && tokens.some((t) => "word" in t && t.glob);
}

/** Parse a script body as plain commands (exported for tests of the scanner itself). */
export function parsePlainScript(script: string): PlainCommands | null {
  const tokens = tokenize(script);
  if (!tokens) return null;
  const commands: PlainCommands = [];
  let current: string[] | null = null;
  // After a binary operator a command must follow (newlines may come between).
  let needCommand = false;
  for (const token of tokens) {
    if ("word" in token) {
      if (current === null) {
        if (token.quoted || token.word.includes("=") || NOT_A_COMMAND_NAME.has(token.word)) return null;
        current = [];
        commands.push(current);
      }
      current.push(token.word);
      needCommand = false;
      continue;
    }
    if (token.op === "\n") {
      current = null;
      continue;
    }
    // `;`, `&&`, `||`, `|` need a command on their left, on the same logical line.
    if (current === null || needCommand) return null;
    current = null;
    needCommand = token.op !== ";";
  }
  if (needCommand) return null;
  return commands;
}

function tokenize(script: string): Token[] | null {
  const tokens: Token[] = [];
  const n = script.length;
  let i = 0;
  while (i < n) {
    const c = script[i];
    if (BLANK.has(c)) {
      i += 1;
      continue;
    }
    if (c === "\n") {
      tokens.push({ op: "\n" });
      i += 1;
      continue;
    }
    const two = script.slice(i, i + 2);
    if (two === "&&" || two === "||") {
      tokens.push({ op: two });
      i += 2;
      continue;
    }
    if (c === "|") {
      if (script[i + 1] === "&") return null; // `|&` also pipes stderr: a redirection.
      tokens.push({ op: "|" });
      i += 1;
      continue;
    }
    if (c === ";") {
      if (script[i + 1] === ";" || script[i + 1] === "&") return null; // case terminators
      tokens.push({ op: ";" });
      i += 1;
      continue;
    }
    if (c === "#") return null; // a comment: tree-sitter gives it its own node
    const word = readWord(script, i);
    if (!word) return null;
    tokens.push(word.token);
    i = word.end;
  }
  return tokens;
}

// One word: adjacent unquoted, '…' and "…" parts concatenated (`-g"*.py"` is one word).
function readWord(script: string, start: number): { token: Token; end: number } | null {
  const n = script.length;
  let i = start;
  let text = "";
  let parts = 0;
  let quoted = false;
  let glob = false;
  while (i < n) {
    const c = script[i];
    if (BLANK.has(c) || c === "\n") break;
    if (c === "'") {
      const end = script.indexOf("'", i + 1);
      if (end < 0) return null;
      text += script.slice(i + 1, end);
      i = end + 1;
      parts += 1;
      quoted = true;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (j < n && script[j] !== '"') {
        const d = script[j];
        if (d === "$" || d === "`" || d === "\\") return null; // expansions and escapes
        j += 1;
      }
      if (j >= n) return null;
      text += script.slice(i + 1, j);
      i = j + 1;
      parts += 1;
      quoted = true;
      continue;
    }
    if (c === "&" || c === "|" || c === ";") break;
    if (SPECIAL.has(c)) return null;
    let j = i;
    while (j < n && !SPECIAL.has(script[j]) && !BLANK.has(script[j]) && script[j] !== "\n") j += 1;
    if (/[*?]/.test(script.slice(i, j))) glob = true;
    text += script.slice(i, j);
    i = j;
    parts += 1;
  }
  // tree-sitter rejects a concatenation that adds up to nothing (`''""`).
  if (parts > 1 && text === "") return null;
  if (parts === 0) return null;
  return { token: { word: text, quoted, glob }, end: i };
}

/**
 * For a script that is one command fed by a heredoc (`python3 <<'PY' … PY`), the literal words
 * before `<<`. Codex evaluates such scripts by this prefix but treats them as "complex", so they
 * are never auto-approved as known-safe. Null for anything else.
 */
export function parseBashLcHeredocPrefix(argv: readonly string[]): string[] | null {
  const extracted = extractBashCommand(argv);
  if (!extracted) return null;
  const lines = extracted.script.split("\n");
  const head = lines[0];
  const match = /^(.*?)<<(-?)\s*(?:'([A-Za-z0-9_]+)'|"([A-Za-z0-9_]+)"|([A-Za-z0-9_]+))(.*)$/.exec(head);
  if (!match) return null;
  const [, before, dash, single, double, bare, after] = match;
  const delimiter = single ?? double ?? bare;
  // Only plain file redirections may follow the heredoc operator on its line.
  if (!/^(\s*(\d?>>?|&>)\s*[^\s<>|&;()$`'"]+)*\s*$/.test(after)) return null;
  const words: string[] = [];
  for (const word of before.trim().split(/[ \t]+/).filter((w) => w !== "")) {
    if (!/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return null;
    // Leading `NAME=value` assignments do not change which program runs.
    if (words.length === 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) continue;
    if (word.includes("=") && words.length === 0) return null;
    words.push(word);
  }
  if (words.length === 0 || NOT_A_COMMAND_NAME.has(words[0])) return null;
  const body = lines.slice(1);
  const close = body.findIndex((line) => (dash ? line.replace(/^\t+/, "") : line) === delimiter);
  if (close < 0) return null;
  // A second command after the heredoc means more than one command node.
  if (body.slice(close + 1).some((line) => line.trim() !== "")) return null;
  // An unquoted delimiter lets the body expand `$(…)`, which would hide another command.
  if (bare !== undefined && body.slice(0, close).some((line) => /\$\(|`/.test(line))) return null;
  return words;
}
