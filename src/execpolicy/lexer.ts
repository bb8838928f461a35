/**
 * Tokens of the Starlark subset a `.rules` file is written in. Codex evaluates these files with a
 * full Starlark interpreter; Loom reads the part of the language a policy needs (literals, lists,
 * tuples, names, calls, `+`, assignments, comments) and names anything else it meets as an error
 * with its line and column, so a file never half-loads.
 */

export class RulesSyntaxError extends Error {
  override readonly name = "RulesSyntaxError";
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

export type Token =
  | { kind: "string"; value: string; line: number; column: number }
  | { kind: "int"; value: number; line: number; column: number }
  | { kind: "name"; value: string; line: number; column: number }
  | { kind: "op"; value: string; line: number; column: number }
  | { kind: "newline"; line: number; column: number }
  | { kind: "eof"; line: number; column: number };

// Starlark keywords Loom does not evaluate: naming them gives a clearer error than "unexpected name".
const UNSUPPORTED_KEYWORDS = new Set([
  "def", "for", "if", "elif", "else", "lambda", "load", "return", "while", "and", "or", "not", "in",
  "pass", "break", "continue",
]);
const OPERATORS = ["==", "!=", "<=", ">=", "+=", "**", "//", "(", ")", "[", "]", "{", "}", ",", "=", "+", ":", ";", ".", "-", "*", "/", "%", "<", ">", "|", "&"];

const SIMPLE_ESCAPES: Record<string, string> = {
  n: "\n", t: "\t", r: "\r", "\\": "\\", "'": "'", '"': '"', a: "\x07", b: "\b", f: "\f", v: "\v", "\n": "",
};

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  let depth = 0; // inside (), [] or {} newlines do not end a statement
  let continued = false; // the previous line ended with a backslash
  const col = () => i - lineStart + 1;
  const fail = (message: string): never => {
    throw new RulesSyntaxError(message, line, col());
  };
  const newline = () => {
    line += 1;
    lineStart = i;
  };

  while (i < text.length) {
    const ch = text[i];
    if (ch === "\n") {
      if (depth === 0 && tokens.length > 0 && tokens[tokens.length - 1].kind !== "newline") {
        tokens.push({ kind: "newline", line, column: col() });
      }
      i += 1;
      newline();
      continued = false;
      continue;
    }
    if (ch === " " || ch === "\t" || ch === "\r") {
      // A statement must start at the left margin (Starlark has no top-level indentation).
      if (depth === 0 && i === lineStart && !continued && lineHasCode(text, i)) fail("unexpected indentation");
      i += 1;
      continue;
    }
    if (ch === "#") {
      while (i < text.length && text[i] !== "\n") i += 1;
      continue;
    }
    if (ch === "\\" && text[i + 1] === "\n") {
      i += 2;
      newline();
      continued = true;
      continue;
    }
    continued = false;
    const startLine = line;
    const startCol = col();
    const stringStart = /^([rRbB]?)(['"])/.exec(text.slice(i, i + 2));
    if (stringStart || ch === "'" || ch === '"') {
      const prefix = stringStart?.[1] ?? "";
      if (prefix === "b" || prefix === "B") fail("bytes literals are not supported in rules files");
      i += prefix.length;
      const quote = text[i];
      const triple = text.startsWith(quote.repeat(3), i);
      const close = triple ? quote.repeat(3) : quote;
      i += close.length;
      let value = "";
      for (;;) {
        if (i >= text.length) {
          line = startLine;
          i = lineStart + startCol - 1;
          fail("unterminated string literal");
        }
        if (text.startsWith(close, i)) {
          i += close.length;
          break;
        }
        const c = text[i];
        if (c === "\n") {
          if (!triple) fail("unterminated string literal");
          value += c;
          i += 1;
          newline();
          continue;
        }
        if (c === "\\" && prefix === "") {
          const next = text[i + 1];
          if (next !== undefined && next in SIMPLE_ESCAPES) {
            value += SIMPLE_ESCAPES[next];
            i += 2;
            if (next === "\n") newline();
            continue;
          }
          const hex = /^x([0-9a-fA-F]{2})|^u([0-9a-fA-F]{4})|^U([0-9a-fA-F]{8})|^([0-7]{1,3})/.exec(text.slice(i + 1, i + 11));
          if (hex) {
            const code = hex[4] !== undefined ? parseInt(hex[4], 8) : parseInt(hex[1] ?? hex[2] ?? hex[3], 16);
            if (code > 0x10ffff) fail("invalid escape sequence");
            value += String.fromCodePoint(code);
            i += 1 + hex[0].length;
            continue;
          }
          fail(`invalid escape sequence \\${next ?? ""}`);
        }
        value += c;
        i += 1;
      }
      tokens.push({ kind: "string", value, line: startLine, column: startCol });
      continue;
    }
    if (/[0-9]/.test(ch)) {
      const match = /^(0[xX][0-9a-fA-F]+|0[oO][0-7]+|[0-9]+)/.exec(text.slice(i))!;
      if (/^[0-9]/.test(text.slice(i + match[0].length)) || /^[.eE]/.test(text.slice(i + match[0].length))) {
        fail("only integer literals are supported in rules files");
      }
      tokens.push({ kind: "int", value: Number(match[0].replace(/^0[oO]/, "0o")), line, column: startCol });
      i += match[0].length;
      continue;
    }
    if (/[A-Za-z_]/.test(ch)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))!;
      const word = match[0];
      if (word === "f" && (text[i + 1] === '"' || text[i + 1] === "'")) fail("f-strings are not supported in rules files");
      if (UNSUPPORTED_KEYWORDS.has(word)) fail(`\`${word}\` is not supported in rules files (only assignments and calls are)`);
      tokens.push({ kind: "name", value: word, line, column: startCol });
      i += word.length;
      continue;
    }
    const op = OPERATORS.find((candidate) => text.startsWith(candidate, i));
    if (op === undefined) fail(`unexpected character ${JSON.stringify(ch)}`);
    if (op === "(" || op === "[" || op === "{") depth += 1;
    if (op === ")" || op === "]" || op === "}") depth = Math.max(0, depth - 1);
    tokens.push({ kind: "op", value: op!, line, column: startCol });
    i += op!.length;
  }
  if (tokens.length > 0 && tokens[tokens.length - 1].kind !== "newline") tokens.push({ kind: "newline", line, column: col() });
  tokens.push({ kind: "eof", line, column: col() });
  return tokens;
}

// Whitespace at the start of a line matters only when code follows it (not a blank or comment line).
function lineHasCode(text: string, from: number): boolean {
  let j = from;
  while (j < text.length && (text[j] === " " || text[j] === "\t" || text[j] === "\r")) j += 1;
  return j < text.length && text[j] !== "\n" && text[j] !== "#";
}
