/** Command-line parsing shared by every `loom` command: global options plus the command's own. */
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
  try {
    const parsed = parseArgs({
      args: argv,
      options: { ...GLOBAL_OPTIONS, ...options } as NonNullable<ParseArgsConfig["options"]>,
      allowPositionals: true,
      strict: true,
    });
    return { values: parsed.values as Values<O>, positionals: parsed.positionals };
  } catch (error) {
    throw new UserError((error as Error).message);
  }
}

export function positiveInt(value: string | undefined, what: string): number {
  if (value === undefined) throw new UserError(`missing ${what}`);
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UserError(`${what} must be a non-negative integer, got ${JSON.stringify(value)}`);
  return n;
}
