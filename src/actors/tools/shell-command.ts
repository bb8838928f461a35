/**
 * `shell_command`: one command string run by the user's shell (`bash -lc "..."`), the shell tool
 * of Codex's catalog models when unified exec is off. Same exec events and approvals as `shell`;
 * the output reads as text (`Exit code: 0\nWall time: ...\nOutput:\n...`), Codex's freeform form.
 */
import { z } from "zod";
import { shellArgv, userShell } from "../exec/index.js";
import { parseArgs } from "../exec/index.js";
import { JUSTIFICATION_DESCRIPTION, PREFIX_RULE_DESCRIPTION, SANDBOX_PERMISSIONS_DESCRIPTION } from "../shell/index.js";
import type { ApprovalContext, ApprovalNeed, ToolHandler } from "./registry.js";
import { outputFor } from "./registry.js";
import { EXEC_REJECTED_BY_USER, commandApproval, declinedCommandEvents, runCommandCall } from "./shell.js";

/** Keys in the order Codex serializes them. */
export const SHELL_COMMAND_SPEC = {
  type: "function",
  name: "shell_command",
  description:
    "Runs a shell command and returns its output.\n- Always set the `workdir` param when using the shell_command function. Do not use `cd` unless absolutely necessary.",
  strict: false,
  parameters: {
    type: "object",
    properties: {
      command: { type: "string", description: "The shell script to execute in the user's default shell" },
      justification: { type: "string", description: JUSTIFICATION_DESCRIPTION },
      login: { type: "boolean", description: "Whether to run the shell with login shell semantics. Defaults to true." },
      prefix_rule: { type: "array", description: PREFIX_RULE_DESCRIPTION, items: { type: "string" } },
      sandbox_permissions: { type: "string", description: SANDBOX_PERMISSIONS_DESCRIPTION },
      timeout_ms: { type: "number", description: "The timeout for the command in milliseconds" },
      workdir: { type: "string", description: "The working directory to execute the command in" },
    },
    required: ["command"],
    additionalProperties: false,
  },
} as const;

/** Codex's `ShellCommandToolCallParams` (`timeout` is accepted for `timeout_ms`). */
export const ShellCommandParams = z.preprocess(
  (raw) => {
    if (typeof raw !== "object" || raw === null || !("timeout" in raw) || "timeout_ms" in raw) return raw;
    const { timeout, ...rest } = raw as Record<string, unknown>;
    return { ...rest, timeout_ms: timeout };
  },
  z.object({
    command: z.string(),
    workdir: z.string().nullish(),
    login: z.boolean().nullish(),
    timeout_ms: z.number().int().nonnegative().nullish(),
    sandbox_permissions: z.enum(["use_default", "require_escalated", "with_additional_permissions"]).nullish(),
    prefix_rule: z.array(z.string()).nullish(),
    additional_permissions: z.unknown().optional(),
    justification: z.string().nullish(),
  }),
);
export type ShellCommandParams = z.infer<typeof ShellCommandParams>;

export function argvOf(params: ShellCommandParams): string[] {
  return shellArgv(userShell(), params.command, params.login ?? true);
}

export const shellCommandTool: ToolHandler = {
  name: "shell_command",
  spec: (config) => (config.shellType === "shell_command" ? SHELL_COMMAND_SPEC : undefined),
  approval(context: ApprovalContext): ApprovalNeed {
    const parsed = parseArgs(ShellCommandParams, context.call.input);
    if (!parsed.ok) return { type: "run" };
    return commandApproval(context, argvOf(parsed.value), parsed.value);
  },
  deniedOutput: () => EXEC_REJECTED_BY_USER,
  declinedEvents(context, message) {
    const parsed = parseArgs(ShellCommandParams, context.call.input);
    return parsed.ok ? declinedCommandEvents(context, argvOf(parsed.value), parsed.value.workdir, message) : [];
  },
  async execute(context) {
    const parsed = parseArgs(ShellCommandParams, context.call.input);
    if (!parsed.ok) return outputFor(context.call, parsed.message);
    const params = parsed.value;
    return runCommandCall(context, {
      command: argvOf(params),
      workdir: params.workdir,
      timeoutMs: params.timeout_ms,
      sandboxPermissions: params.sandbox_permissions,
      style: "text",
    });
  },
};
