/**
 * Command-line parsing shared by every `loom` command: the global options plus the command's own,
 * strict (an unknown option is an error), with one-line errors a person can act on. A command adds
 * an option by adding it to the object it passes to `parse`; the global ones come with it.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UserError } from "../runtime/errors.js";

export const GLOBAL_OPTIONS = {
  "data-dir": { type: "string" },
  storage: { type: "string" },
  config: { type: "string", short: "c", multiple: true },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies ParseArgsConfig["options"];

type OptionSpec = { type: "string" | "boolean"; short?: string; multiple?: boolean };
type AllOptions<O> = O & typeof GLOBAL_OPTIONS;
export type Values<O> = {
  [K in keyof AllOptions<O>]?: AllOptions<O>[K] extends { type: "boolean" }
    ? boolean
    : AllOptions<O>[K] extends { multiple: true }
      ? string[]
      : string;
};

export function parse<O extends Record<string, OptionSpec>>(argv: string[], options: O): { values: Values<O>; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...GLOBAL_OPTIONS, ...options } as NonNullable<ParseArgsConfig["options"]>,
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UserError(oneLine((error as Error).message));
  }
  const values = parsed.values as Values<O>;
  const dataDir = (values as { "data-dir"?: string })["data-dir"];
  if (dataDir !== undefined && dataDir.trim() === "") {
    throw new UserError("--data-dir must not be empty (leave it out for $LOOM_HOME, else ~/.loom)");
  }
  return { values, positionals: parsed.positionals };
}

/** node's parser explains itself over several lines; a terminal error is one. */
function oneLine(message: string): string {
  const ambiguous = /^Option '(--[\w-]+)[^']*' argument is ambiguous/.exec(message);
  if (ambiguous) return `${ambiguous[1]} needs a value, and a value starting with "-" is taken for an option (write ${ambiguous[1]}=VALUE)`;
  return message.replace(/\s*\n\s*/g, " ").trim();
}

const DECIMAL = /^(0|[1-9][0-9]*)$/;

/** A non-negative integer written in plain decimal: "0x10", "1e1", "-1", "1.0" and " 7" are refused. */
export function nonNegativeInt(value: string | undefined, what: string): number {
  if (value === undefined) throw new UserError(`missing ${what}`);
  const n = Number(value);
  if (!DECIMAL.test(value) || !Number.isSafeInteger(n)) {
    throw new UserError(`${what} must be a non-negative integer in decimal, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** Like `nonNegativeInt`, and at least 1. */
export function positiveInt(value: string | undefined, what: string): number {
  const n = nonNegativeInt(value, what);
  if (n < 1) throw new UserError(`${what} must be at least 1, got ${JSON.stringify(value)}`);
  return n;
}

/** Refuses positionals a command does not take (a typo would otherwise be ignored). */
export function noExtraArgs(positionals: string[], expected: number, usage: string): void {
  if (positionals.length > expected) {
    throw new UserError(`unexpected argument ${JSON.stringify(positionals[expected])}; usage: ${usage}`);
  }
}
