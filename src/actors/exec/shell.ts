/**
 * How a command string becomes argv (Codex `Shell::derive_exec_args`) and the environment unified
 * exec processes get: this process's environment with Codex's overrides for a non-interactive,
 * colourless, pager-free terminal.
 */
import { accessSync, constants } from "node:fs";
import { basename } from "node:path";

/** Codex's `UNIFIED_EXEC_ENV`: what every unified exec process sees whatever the user has set. */
export const UNIFIED_EXEC_ENV: Readonly<Record<string, string>> = {
  NO_COLOR: "1",
  TERM: "dumb",
  LANG: "C.UTF-8",
  LC_CTYPE: "C.UTF-8",
  LC_ALL: "C.UTF-8",
  COLORTERM: "",
  PAGER: "cat",
  GIT_PAGER: "cat",
  GH_PAGER: "cat",
  CODEX_CI: "1",
};

/** The variable naming the thread a process belongs to. */
export const LOOM_THREAD_ID_ENV_VAR = "LOOM_THREAD_ID";

export function execEnv(base: Readonly<Record<string, string | undefined>>, threadId: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) if (value !== undefined) env[key] = value;
  env[LOOM_THREAD_ID_ENV_VAR] = threadId;
  return { ...env, ...UNIFIED_EXEC_ENV };
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

let detected: string | undefined;

/** The user's shell: $SHELL when it is a shell Codex knows and can run, else bash, else sh. */
export function userShell(env: Readonly<Record<string, string | undefined>> = process.env): string {
  if (detected !== undefined) return detected;
  const candidate = env.SHELL;
  if (candidate && ["bash", "zsh", "sh"].includes(basename(candidate)) && executable(candidate)) detected = candidate;
  else detected = ["/bin/bash", "/usr/bin/bash"].find(executable) ?? "/bin/sh";
  return detected;
}

/** argv that runs `command` in `shell` (a login shell by default, as Codex). */
export function shellArgv(shell: string, command: string, login: boolean): string[] {
  const name = basename(shell).toLowerCase().replace(/\.exe$/, "");
  if (name === "pwsh" || name === "powershell") return [shell, ...(login ? [] : ["-NoProfile"]), "-Command", command];
  if (name === "cmd") return [shell, "/c", command];
  return [shell, login ? "-lc" : "-c", command];
}
