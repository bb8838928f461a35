/**
 * `exec_command` and `write_stdin` as Codex 0.125 advertises them (`create_exec_command_tool`,
 * `create_write_stdin_tool`, Linux wording, login shells allowed), and the arguments the model
 * sends back, with Codex's defaults (10 s first yield, 250 ms write yield, no TTY).
 */
import { z } from "zod";
import { formatIssues } from "../../events/index.js";
import { JUSTIFICATION_DESCRIPTION, PREFIX_RULE_DESCRIPTION, SANDBOX_PERMISSIONS_DESCRIPTION } from "../shell/index.js";

const MAX_OUTPUT_TOKENS = {
  type: "number",
  description: "Maximum number of tokens to return. Excess output will be truncated.",
} as const;
const YIELD_TIME_MS = { type: "number", description: "How long to wait (in milliseconds) for output before yielding." } as const;

/** Keys in the order Codex serializes them (its JSON schema maps are sorted). */
export const EXEC_COMMAND_SPEC = {
  type: "function",
  name: "exec_command",
  description: "Runs a command in a PTY, returning output or a session ID for ongoing interaction.",
  strict: false,
  parameters: {
    type: "object",
    properties: {
      cmd: { type: "string", description: "Shell command to execute." },
      justification: { type: "string", description: JUSTIFICATION_DESCRIPTION },
      login: { type: "boolean", description: "Whether to run the shell with -l/-i semantics. Defaults to true." },
      max_output_tokens: MAX_OUTPUT_TOKENS,
      prefix_rule: { type: "array", description: PREFIX_RULE_DESCRIPTION, items: { type: "string" } },
      sandbox_permissions: { type: "string", description: SANDBOX_PERMISSIONS_DESCRIPTION },
      shell: { type: "string", description: "Shell binary to launch. Defaults to the user's default shell." },
      tty: {
        type: "boolean",
        description:
          "Whether to allocate a TTY for the command. Defaults to false (plain pipes); set to true to open a PTY and access TTY process.",
      },
      workdir: { type: "string", description: "Optional working directory to run the command in; defaults to the turn cwd." },
      yield_time_ms: YIELD_TIME_MS,
    },
    required: ["cmd"],
    additionalProperties: false,
  },
} as const;

export const WRITE_STDIN_SPEC = {
  type: "function",
  name: "write_stdin",
  description: "Writes characters to an existing unified exec session and returns recent output.",
  strict: false,
  parameters: {
    type: "object",
    properties: {
      chars: { type: "string", description: "Bytes to write to stdin (may be empty to poll)." },
      max_output_tokens: MAX_OUTPUT_TOKENS,
      session_id: { type: "number", description: "Identifier of the running unified exec session." },
      yield_time_ms: YIELD_TIME_MS,
    },
    required: ["session_id"],
    additionalProperties: false,
  },
} as const;

const count = z.number().int().nonnegative();

/** `ExecCommandArgs`; unknown keys are ignored as serde does. */
export const ExecCommandArgs = z.object({
  cmd: z.string(),
  workdir: z.string().nullish(),
  shell: z.string().nullish(),
  login: z.boolean().nullish(),
  tty: z.boolean().default(false),
  yield_time_ms: count.default(10_000),
  max_output_tokens: count.nullish(),
  sandbox_permissions: z.enum(["use_default", "require_escalated", "with_additional_permissions"]).nullish(),
  additional_permissions: z.unknown().optional(),
  justification: z.string().nullish(),
  prefix_rule: z.array(z.string()).nullish(),
});
export type ExecCommandArgs = z.infer<typeof ExecCommandArgs>;

/** `WriteStdinArgs`: the model knows the process id as `session_id`. */
export const WriteStdinArgs = z.object({
  session_id: z.number().int(),
  chars: z.string().default(""),
  yield_time_ms: count.default(250),
  max_output_tokens: count.nullish(),
});
export type WriteStdinArgs = z.infer<typeof WriteStdinArgs>;

/** The arguments as `schema` reads them, or Codex's "failed to parse function arguments" text. */
export function parseArgs<T>(schema: z.ZodType<T>, json: string): { ok: true; value: T } | { ok: false; message: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    return { ok: false, message: `failed to parse function arguments: ${(error as Error).message}` };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { ok: false, message: `failed to parse function arguments: ${formatIssues(parsed.error)}` };
  return { ok: true, value: parsed.data };
}
