/**
 * Keys under which an `approved_for_session` decision is remembered (Codex `ApprovalStore`, which
 * stores serde_json serializations of each runtime's approval key). A later call with an equal key
 * runs without asking again.
 */
import { extractBashCommand, parseBashLcPlainCommands } from "./bash.js";
import type { SandboxPermissions } from "./policy.js";

/**
 * argv as approvals compare it: a plain single-command `bash -lc` script becomes its inner argv,
 * so `/bin/bash -lc "cargo   test"` and `bash -lc "cargo test"` share one approval; any other
 * shell script is keyed by its exact text (Codex `canonicalize_command_for_approval`).
 */
export function canonicalizeCommandForApproval(argv: readonly string[]): string[] {
  const plain = parseBashLcPlainCommands(argv);
  if (plain !== null && plain.length === 1) return [...plain[0]];
  const shell = extractBashCommand(argv);
  if (shell) return ["__codex_shell_script__", argv[1], shell.script];
  return [...argv];
}

export interface CommandApprovalKeyOptions {
  /** The directory the command runs in; Codex approves a command per cwd. */
  cwd?: string | null;
  sandboxPermissions?: SandboxPermissions;
}

/** Session approval key of a shell command (Codex shell runtime `ApprovalKey`, serialized). */
export function approvalKeyForCommand(argv: readonly string[], options: CommandApprovalKeyOptions = {}): string {
  return JSON.stringify({
    command: canonicalizeCommandForApproval(argv),
    cwd: options.cwd ?? null,
    sandbox_permissions: options.sandboxPermissions ?? "use_default",
    additional_permissions: null,
  });
}

/** Session approval key of one file an apply_patch writes: its absolute path, serialized. */
export function approvalKeyForPatch(absolutePath: string): string {
  return JSON.stringify(absolutePath);
}

/**
 * The session approval keys of what a thread remembers (`{command, cwd, sandbox_permissions}` JSON
 * per approved command). Entries of another shape (older logs kept the bare argv) give no key:
 * those commands are asked again rather than approved in every folder.
 */
export function sessionApprovalKeys(entries: readonly string[]): Set<string> {
  const keys = new Set<string>();
  for (const entry of entries) {
    let value: unknown;
    try {
      value = JSON.parse(entry);
    } catch {
      continue;
    }
    const { command, cwd, sandbox_permissions } = (value ?? {}) as Record<string, unknown>;
    if (!Array.isArray(command) || !command.every((w) => typeof w === "string") || typeof cwd !== "string") continue;
    const permissions = typeof sandbox_permissions === "string" ? (sandbox_permissions as SandboxPermissions) : "use_default";
    keys.add(approvalKeyForCommand(command as string[], { cwd, sandboxPermissions: permissions }));
  }
  return keys;
}
