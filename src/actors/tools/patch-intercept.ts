/**
 * An `apply_patch` asked for through a command tool (Codex `intercept_apply_patch`): models trained
 * on Codex often send `apply_patch <<'EOF' ... EOF` to `shell`, `shell_command` or `exec_command`.
 * Codex never runs that as a command: it applies the patch as the apply_patch tool would (its patch
 * approval, its `patch_apply_*` events, the turn's diff), warns the model to use the tool, and answers
 * the call with the patch's output. This module recognises such a command and wraps a command
 * tool's handler so that it does the same.
 *
 * Recognised, as Codex's `maybe_parse_apply_patch` (its tree-sitter query, here a strict pattern):
 * `["apply_patch" | "applypatch", PATCH]`, and a shell script (`bash|zsh|sh -c|-lc SCRIPT`) whose
 * only statement is `apply_patch <<'EOF'\n...\nEOF`, optionally after `cd PATH &&` (one plain word,
 * a double-quoted string without expansions, or a single-quoted one). A bare patch given as the
 * command is refused as Codex refuses it ("patch detected without explicit call to apply_patch").
 */
import { basename, resolve } from "node:path";
import type { ToolCallRequest } from "../../machines/types.js";
import type { TurnSettings } from "../../context/index.js";
import { parsePatch } from "../apply-patch/index.js";
import { ExecCommandArgs, execOutputText, parseArgs } from "../exec/index.js";
import { parseShellArguments, resolveWorkdir } from "../shell/index.js";
import { ShellCommandParams, argvOf } from "./shell-command.js";
import { commandOf } from "./unified-exec.js";
import { PATCH_REJECTED_BY_USER, declinedPatchEvents, patchApproval, type PatchRunner } from "./apply-patch.js";
import { EXEC_REJECTED_BY_USER } from "./shell-attempts.js";
import type { ApprovalContext, ApprovalNeed, DeclineContext, ToolContext, ToolHandler } from "./registry.js";
import type { EventMsg } from "../../events/index.js";
import { outputFor } from "./registry.js";

const APPLY_PATCH_COMMANDS = new Set(["apply_patch", "applypatch"]);
const IMPLICIT_INVOCATION =
  'apply_patch verification failed: patch detected without explicit call to apply_patch. Rerun as ["apply_patch", "<patch>"]';

export type PatchInvocation =
  /** Apply `text`, its relative paths against `workdir` (relative to the call's cwd) when a `cd` came first. */
  | { type: "patch"; text: string; workdir?: string }
  /** A patch body given as the command itself: refused with Codex's message. */
  | { type: "implicit"; message: string };

function parses(text: string): boolean {
  try {
    parsePatch(text);
    return true;
  } catch {
    return false;
  }
}

/** The script of `shell -c|-lc SCRIPT` for the shells Codex recognises, else null. */
function shellScript(argv: readonly string[]): string | null {
  if (argv.length !== 3) return null;
  const name = basename(argv[0]).replace(/\.[^.]*$/, "").toLowerCase();
  return ["bash", "zsh", "sh"].includes(name) && (argv[1] === "-c" || argv[1] === "-lc") ? argv[2] : null;
}

// `cd` takes one argument: a plain word, "a string without expansions", or 'a raw string'.
const CD = String.raw`cd[ \t]+(?:([^\s;&|<>()'"\x60$\\]+)|"([^"$\x60\\]*)"|'([^']*)')[ \t]*&&[ \t]*`;
// The whole script: nothing may come before the `cd` or after the closing delimiter's line.
const HEREDOC = new RegExp(
  String.raw`^\s*(?:${CD})?(apply_patch|applypatch)[ \t]*<<[ \t]*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\5[ \t]*\n([\s\S]*?)\n\6\s*$`,
);

/** The heredoc body and `cd` path of a script that is only an apply_patch heredoc, else null. */
function heredocOf(script: string): { body: string; workdir?: string } | null {
  const match = HEREDOC.exec(script);
  if (!match) return null;
  const [, word, quoted, raw] = match;
  const workdir = word ?? quoted ?? raw;
  const body = match[7].replace(/\n+$/, "");
  return workdir === undefined ? { body } : { body, workdir };
}

/** What `argv` asks for, when it is an apply_patch invocation (Codex `maybe_parse_apply_patch_verified`). */
export function patchInvocation(argv: readonly string[]): PatchInvocation | null {
  if (argv.length === 1 && parses(argv[0])) return { type: "implicit", message: IMPLICIT_INVOCATION };
  const script = shellScript(argv);
  if (script !== null && parses(script)) return { type: "implicit", message: IMPLICIT_INVOCATION };
  if (argv.length === 2 && APPLY_PATCH_COMMANDS.has(argv[0])) return { type: "patch", text: argv[1] };
  if (script === null) return null;
  const heredoc = heredocOf(script);
  if (!heredoc) return null;
  return heredoc.workdir === undefined ? { type: "patch", text: heredoc.body } : { type: "patch", text: heredoc.body, workdir: heredoc.workdir };
}

/** How a command tool names what its call runs: the argv and the directory it runs in. */
export type CommandOf = (call: ToolCallRequest, settings: TurnSettings) => { argv: string[]; cwd: string } | null;

/** Codex's warning, recorded for the model (it names exec_command whichever tool was used). */
export function interceptWarning(toolName: string): string {
  return `apply_patch was requested via ${toolName}. Use the apply_patch tool instead of exec_command.`;
}

/**
 * `handler` with apply_patch interception: a call whose command is an apply_patch invocation is
 * decided, refused and run as a patch; any other call goes to `handler` unchanged. `exec` output
 * reads as exec_command's (wall time, then the patch's output).
 */
export function interceptingApplyPatch(handler: ToolHandler, commandOf: CommandOf, runner: PatchRunner, output: "plain" | "exec" = "plain"): ToolHandler {
  const intercepted = (call: ToolCallRequest, settings: TurnSettings) => {
    const command = commandOf(call, settings);
    const invocation = command && patchInvocation(command.argv);
    if (!command || !invocation) return null;
    return invocation.type === "implicit" ? invocation : { ...invocation, cwd: resolve(command.cwd, invocation.workdir ?? ".") };
  };
  return {
    ...handler,
    async approval(context: ApprovalContext): Promise<ApprovalNeed> {
      const patch = intercepted(context.call, context.settings);
      if (!patch) return handler.approval ? handler.approval(context) : { type: "run" };
      if (patch.type === "implicit") return { type: "reject", output: patch.message };
      return patchApproval(context, patch.text, patch.cwd);
    },
    async declinedEvents(context: DeclineContext, message: string | null): Promise<EventMsg[]> {
      const patch = intercepted(context.call, context.settings);
      if (!patch) return handler.declinedEvents ? handler.declinedEvents(context, message) : [];
      return patch.type === "patch" ? declinedPatchEvents(context, patch.text, patch.cwd, message) : [];
    },
    interceptedPatch(call: ToolCallRequest, settings: TurnSettings): string | null {
      const patch = intercepted(call, settings);
      return patch?.type === "patch" ? patch.text : null;
    },
    deniedOutput(call: ToolCallRequest): string {
      // The settings do not change what a denial says: any cwd tells a patch from a command.
      return intercepted(call, { cwd: "/" } as TurnSettings) ? PATCH_REJECTED_BY_USER : (handler.deniedOutput?.(call) ?? EXEC_REJECTED_BY_USER);
    },
    async execute(context: ToolContext) {
      const patch = intercepted(context.call, context.settings);
      if (!patch) return handler.execute(context);
      if (patch.type === "implicit") return outputFor(context.call, patch.message);
      await context.record([
        { kind: "response_item", payload: { type: "message", role: "user", content: [{ type: "input_text", text: `Warning: ${interceptWarning(context.call.name)}` }] } },
      ]);
      const text = await runner.run(context, patch.text, patch.cwd, "json");
      if (output === "plain") return outputFor(context.call, text);
      const raw = Buffer.from(text);
      return outputFor(context.call, execOutputText({ chunkId: "", wallTimeMs: 0, raw, maxOutputTokens: Number.MAX_SAFE_INTEGER, sessionId: null, exitCode: null, originalTokenCount: null }));
    },
  };
}

/** `shell` and `local_shell`: the argv as given, in its workdir. */
export const shellCommandOf: CommandOf = (call, settings) => {
  const parsed = parseShellArguments(call.input);
  return parsed.ok ? { argv: parsed.params.command, cwd: resolveWorkdir(settings.cwd, parsed.params.workdir) } : null;
};

/** `shell_command`: the script in the user's shell. */
export const shellScriptCommandOf: CommandOf = (call, settings) => {
  const parsed = parseArgs(ShellCommandParams, call.input);
  return parsed.ok ? { argv: argvOf(parsed.value), cwd: resolveWorkdir(settings.cwd, parsed.value.workdir) } : null;
};

/** `exec_command`: `cmd` in the requested (or user's) shell. */
export const execCommandOf: CommandOf = (call, settings) => {
  const parsed = parseArgs(ExecCommandArgs, call.input);
  return parsed.ok ? { argv: commandOf(parsed.value), cwd: resolveWorkdir(settings.cwd, parsed.value.workdir) } : null;
};
