/**
 * `loom sandbox [-s MODE] [--cwd D] [-c key=value]... -- CMD ARGS...`: one command under a sandbox
 * policy, with this terminal's stdio, exiting with the command's status (Codex's `codex sandbox
 * linux`). The way to see what a policy allows, by hand or from a test. It never falls back to
 * running unconfined: without a sandbox it says why and runs nothing.
 */
import { spawn } from "node:child_process";
import { statSync } from "node:fs";
import { constants } from "node:os";
import { resolve } from "node:path";
import { loadConfig } from "../config/index.js";
import { lookupProgram } from "../actors/shell/index.js";
import { defaultDataDir } from "../runtime/runtime.js";
import { sandboxPolicyFromMode } from "../runtime/settings.js";
import { UserError } from "../runtime/errors.js";
import { policyNeedsSandbox, probeHostSandbox, wrapCommand } from "../sandbox/index.js";
import { parse } from "./args.js";
import type { CliIO } from "./io.js";

const OPTIONS = {
  sandbox: { type: "string", short: "s" },
  cwd: { type: "string" },
} as const;

const USAGE = "usage: loom sandbox [-s read-only|workspace-write|danger-full-access] [--cwd D] [-c key=value] -- CMD ARGS...";

export async function sandboxCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(argv, OPTIONS);
  if (positionals.length === 0) throw new UserError(USAGE);
  const config = await loadConfig(values["data-dir"] ?? defaultDataDir(), values.config ?? []);
  const policy = sandboxPolicyFromMode(values.sandbox ?? config.sandbox_mode ?? "workspace-write", config.sandbox_workspace_write);
  const cwd = resolve(values.cwd ?? process.cwd());
  if (!isDirectory(cwd)) throw new UserError(`--cwd must be an existing directory, got ${JSON.stringify(values.cwd)}`);

  const host = await probeHostSandbox();
  const confine = policyNeedsSandbox(policy);
  if (confine && host.sandbox.type === "none") {
    io.err(`loom sandbox: cannot confine the command under ${policy.type}: ${host.sandbox.reason}`);
    return 1;
  }
  const program = lookupProgram(positionals[0]!, cwd, process.env.PATH);
  if (!program.ok) {
    io.err(`loom sandbox: ${positionals[0]}: ${program.code === "ENOENT" ? "command not found" : "permission denied"}`);
    return program.code === "ENOENT" ? 127 : 126;
  }
  const launch = await wrapCommand({ command: positionals, cwd, policy, policyCwd: cwd, confine, host });
  // The terminal's Ctrl-C reaches the command (or bubblewrap, which takes the command with it);
  // Loom waits to report how it ended.
  const ignore = () => {};
  process.on("SIGINT", ignore);
  process.on("SIGTERM", ignore);
  try {
    return await new Promise<number>((done) => {
      const child = spawn(launch.argv[0]!, launch.argv.slice(1), { cwd: launch.cwd, env: launch.env, stdio: "inherit" });
      child.once("error", (error) => {
        io.err(`loom sandbox: ${error.message}`);
        done(127);
      });
      child.once("exit", (code, signal) => done(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0)));
    });
  } finally {
    process.off("SIGINT", ignore);
    process.off("SIGTERM", ignore);
    launch.release();
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
