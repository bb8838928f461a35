/**
 * The `shell` function tool as Codex advertises it to the model (`codex-rs/tools/src/
 * local_tool.rs::create_shell_tool`, Linux wording, without the exec-permission feature), and the
 * validation of the arguments the model sends back.
 */
import path from "node:path";
import { z } from "zod";
import { formatIssues } from "../../events/index.js";

// Codex writes these two descriptions as Rust raw strings, so the backslashes before quotes and
// the source indentation are part of the text the model reads.
export const JUSTIFICATION_DESCRIPTION = [
  'Only set if sandbox_permissions is \\"require_escalated\\".',
  `${" ".repeat(20)}Request approval from the user to run this command outside the sandbox.`,
  `${" ".repeat(20)}Phrased as a simple question that summarizes the purpose of the`,
  `${" ".repeat(20)}command as it relates to the task at hand - e.g. 'Do you want to`,
  `${" ".repeat(20)}fetch and pull the latest version of this git branch?'`,
].join("\n");

export const PREFIX_RULE_DESCRIPTION = [
  "Only specify when sandbox_permissions is `require_escalated`.",
  `${" ".repeat(24)}Suggest a prefix command pattern that will allow you to fulfill similar requests from the user in the future.`,
  `${" ".repeat(24)}Should be a short but reasonable prefix, e.g. [\\"git\\", \\"pull\\"] or [\\"uv\\", \\"run\\"] or [\\"pytest\\"].`,
].join("\n");

export const SANDBOX_PERMISSIONS_DESCRIPTION =
  'Sandbox permissions for the command. Set to "require_escalated" to request running without sandbox restrictions; defaults to "use_default".';

/** The Responses API tool entry, keys in the order Codex serializes them. */
export const SHELL_TOOL_SPEC = {
  type: "function",
  name: "shell",
  description: [
    "Runs a shell command and returns its output.",
    '- The arguments to `shell` will be passed to execvp(). Most terminal commands should be prefixed with ["bash", "-lc"].',
    "- Always set the `workdir` param when using the shell function. Do not use `cd` unless absolutely necessary.",
  ].join("\n"),
  strict: false,
  parameters: {
    type: "object",
    properties: {
      command: { type: "array", description: "The command to execute", items: { type: "string" } },
      justification: { type: "string", description: JUSTIFICATION_DESCRIPTION },
      prefix_rule: { type: "array", description: PREFIX_RULE_DESCRIPTION, items: { type: "string" } },
      sandbox_permissions: { type: "string", description: SANDBOX_PERMISSIONS_DESCRIPTION },
      timeout_ms: { type: "number", description: "The timeout for the command in milliseconds" },
      workdir: { type: "string", description: "The working directory to execute the command in" },
    },
    required: ["command"],
    additionalProperties: false,
  },
} as const;

/** The arguments of a `shell` call (Codex `ShellToolCallParams`); unknown keys are ignored as serde does. */
export const ShellToolCallParams = z.object({
  command: z.array(z.string()),
  workdir: z.string().nullish(),
  /** Codex also accepts the older name `timeout` (folded in by parseShellArguments). */
  timeout_ms: z.number().int().nonnegative().nullish(),
  sandbox_permissions: z.enum(["use_default", "require_escalated", "with_additional_permissions"]).nullish(),
  prefix_rule: z.array(z.string()).nullish(),
  additional_permissions: z.unknown().optional(),
  justification: z.string().nullish(),
});
export type ShellToolCallParams = z.infer<typeof ShellToolCallParams>;

/** The model sent arguments that are not a valid `shell` call; the message goes back to it. */
export class ShellArgumentsError extends Error {
  override readonly name = "ShellArgumentsError";
  constructor(detail: string, options?: { cause?: unknown }) {
    // Codex's wording for every tool whose arguments fail to deserialize.
    super(`failed to parse function arguments: ${detail}`, options);
  }
}

export type ParsedShellArguments = { ok: true; params: ShellToolCallParams } | { ok: false; error: ShellArgumentsError };

/** Parse a `shell` call's JSON arguments; a failure is a value, for a failed function_call_output. */
export function parseShellArguments(json: string): ParsedShellArguments {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (cause) {
    return { ok: false, error: new ShellArgumentsError((cause as Error).message, { cause }) };
  }
  if (typeof raw === "object" && raw !== null && !Array.isArray(raw)) {
    const record = raw as Record<string, unknown>;
    if ("timeout" in record) {
      if ("timeout_ms" in record) return { ok: false, error: new ShellArgumentsError("duplicate field `timeout_ms`") };
      const { timeout, ...rest } = record;
      raw = { ...rest, timeout_ms: timeout };
    }
  }
  const parsed = ShellToolCallParams.safeParse(raw);
  if (!parsed.success) return { ok: false, error: new ShellArgumentsError(formatIssues(parsed.error)) };
  return { ok: true, params: parsed.data };
}

/** The directory a call runs in: `workdir` resolved against the turn's cwd, if given and non-empty. */
export function resolveWorkdir(turnCwd: string, workdir: string | null | undefined): string {
  return workdir ? path.resolve(turnCwd, workdir) : turnCwd;
}
