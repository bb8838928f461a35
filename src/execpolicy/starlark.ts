/**
 * Evaluates the Starlark subset of a `.rules` file: top-level assignments and expression
 * statements built from string/int/bool/None literals, lists, tuples, names, `+` (concatenation
 * and addition) and calls. Calls to the policy builtins go to `onCall`; a name that is not defined
 * or a construct outside the subset is a `RulesSyntaxError` with its line and column.
 */
import { RulesSyntaxError, tokenize, type Token } from "./lexer.js";

export type StarValue =
  | string
  | number
  | boolean
  | null
  | { type: "list"; items: StarValue[] }
  | { type: "tuple"; items: StarValue[] }
  | { type: "builtin"; name: string };

export interface CallSite {
  line: number;
  column: number;
}

export type BuiltinCall = (
  name: string,
  positional: StarValue[],
  named: Array<[string, StarValue]>,
  site: CallSite,
) => void;

/** Starlark's type name of a value, as its error messages print it. */
export function typeName(value: StarValue): string {
  if (value === null) return "NoneType";
  switch (typeof value) {
    case "string":
      return "string";
    case "number":
      return "int";
    case "boolean":
      return "bool";
    default:
      return value.type === "builtin" ? "function" : value.type;
  }
}

/** Runs `text`; every builtin call reaches `onCall` in order. Throws RulesSyntaxError. */
export function evaluate(text: string, builtins: readonly string[], onCall: BuiltinCall): void {
  const tokens = tokenize(text);
  const globals = new Map<string, StarValue>([
    ["True", true],
    ["False", false],
    ["None", null],
  ]);
  for (const name of builtins) globals.set(name, { type: "builtin", name });
  let pos = 0;

  const peek = (): Token => tokens[pos];
  const next = (): Token => tokens[pos++];
  const fail = (message: string, at: Token = peek()): never => {
    throw new RulesSyntaxError(message, at.line, at.column);
  };
  const isOp = (value: string, token: Token = peek()) => token.kind === "op" && token.value === value;
  const expectOp = (value: string) => {
    const token = next();
    if (!isOp(value, token)) fail(`expected \`${value}\`, found ${describe(token)}`, token);
  };

  function statement(): void {
    const first = peek();
    if (first.kind === "name" && isOp("=", tokens[pos + 1])) {
      if (first.value === "True" || first.value === "False" || first.value === "None" || builtins.includes(first.value)) {
        fail(`cannot assign to \`${first.value}\``, first);
      }
      pos += 2;
      globals.set(first.value, expression());
    } else {
      expression();
    }
    const end = next();
    if (end.kind === "newline") return;
    if (isOp(";", end)) {
      if (peek().kind === "newline") next();
      return;
    }
    fail(`expected end of statement, found ${describe(end)}`, end);
  }

  function expression(): StarValue {
    let left = postfix();
    while (isOp("+")) {
      const op = next();
      const right = postfix();
      left = add(left, right, op);
    }
    if (peek().kind === "op" && !isOp(")") && !isOp("]") && !isOp(",") && !isOp(";") && !isOp("=")) {
      fail(`operator \`${(peek() as { value: string }).value}\` is not supported in rules files`);
    }
    return left;
  }

  function add(left: StarValue, right: StarValue, at: Token): StarValue {
    if (typeof left === "string" && typeof right === "string") return left + right;
    if (typeof left === "number" && typeof right === "number") return left + right;
    if (isSeq(left) && isSeq(right) && left.type === right.type) return { type: left.type, items: [...left.items, ...right.items] };
    return fail(`unsupported operand types for +: ${typeName(left)} and ${typeName(right)}`, at);
  }

  function postfix(): StarValue {
    const start = peek();
    let value = atom();
    for (;;) {
      if (isOp("(")) {
        next();
        value = call(value, start);
      } else if (isOp("[")) {
        const open = next();
        const index = expression();
        expectOp("]");
        value = indexInto(value, index, open);
      } else if (isOp(".")) {
        fail("attribute access is not supported in rules files");
      } else {
        return value;
      }
    }
  }

  function indexInto(value: StarValue, index: StarValue, at: Token): StarValue {
    if (typeof index !== "number") return fail(`index must be an int, got ${typeName(index)}`, at);
    const items = isSeq(value) ? value.items : typeof value === "string" ? [...value] : null;
    if (items === null) return fail(`${typeName(value)} is not indexable`, at);
    const i = index < 0 ? items.length + index : index;
    if (i < 0 || i >= items.length) return fail(`index ${index} out of range for length ${items.length}`, at);
    return items[i];
  }

  function call(callee: StarValue, open: Token): StarValue {
    const positional: StarValue[] = [];
    const named: Array<[string, StarValue]> = [];
    while (!isOp(")")) {
      const token = peek();
      if (token.kind === "name" && isOp("=", tokens[pos + 1])) {
        pos += 2;
        if (named.some(([name]) => name === token.value)) fail(`argument \`${token.value}\` given more than once`, token);
        named.push([token.value, expression()]);
      } else {
        if (named.length > 0) fail("positional argument after a keyword argument", token);
        positional.push(expression());
      }
      if (!isOp(",")) break;
      next();
    }
    expectOp(")");
    if (typeof callee !== "object" || callee === null || callee.type !== "builtin") {
      return fail(`\`${typeName(callee)}\` is not callable`, open);
    }
    onCall(callee.name, positional, named, { line: open.line, column: open.column });
    return null;
  }

  function atom(): StarValue {
    const token = next();
    switch (token.kind) {
      case "string": {
        const value = token.value;
        // Adjacent string literals are an error in Starlark (unlike Python): say so.
        if (peek().kind === "string") fail("adjacent string literals are not allowed; join them with +");
        return value;
      }
      case "int":
        return token.value;
      case "name": {
        if (!globals.has(token.value)) return fail(`variable \`${token.value}\` not found`, token);
        return globals.get(token.value)!;
      }
      case "op":
        if (token.value === "[") return { type: "list", items: sequence("]") };
        if (token.value === "(") {
          if (isOp(")")) {
            next();
            return { type: "tuple", items: [] };
          }
          const first = expression();
          if (isOp(")")) {
            next();
            return first;
          }
          expectOp(",");
          return { type: "tuple", items: [first, ...sequence(")")] };
        }
        if (token.value === "-" && peek().kind === "int") return -(next() as { value: number }).value;
        if (token.value === "{") return fail("dict literals are not supported in rules files", token);
        return fail(`unexpected ${describe(token)}`, token);
      default:
        return fail(`unexpected ${describe(token)}`, token);
    }
  }

  function sequence(close: string): StarValue[] {
    const items: StarValue[] = [];
    while (!isOp(close)) {
      items.push(expression());
      if (!isOp(",")) break;
      next();
    }
    expectOp(close);
    return items;
  }

  while (peek().kind !== "eof") {
    if (peek().kind === "newline") {
      next();
      continue;
    }
    statement();
  }
}

function isSeq(value: StarValue): value is { type: "list" | "tuple"; items: StarValue[] } {
  return typeof value === "object" && value !== null && (value.type === "list" || value.type === "tuple");
}

function describe(token: Token): string {
  switch (token.kind) {
    case "eof":
      return "end of file";
    case "newline":
      return "end of line";
    case "string":
      return `string ${JSON.stringify(token.value)}`;
    default:
      return `\`${token.value}\``;
  }
}
