/**
 * The sandbox port: "this argv, in this cwd, under this policy" becomes the argv to actually exec.
 * Confined, it is bubblewrap around the command (plus the seccomp network filter, fed to bwrap on
 * fd 3 by a `sh -c exec` so the result is still one plain argv any spawner, pipe or PTY, can run);
 * unconfined, it is the lifetime launcher that makes the command die with Loom. Nothing here spawns
 * the command: `runShell`, unified exec and hooks all launch through `wrapCommand`.
 */
import { lstatSync, unlinkSync } from "node:fs";
import path from "node:path";
import type { SandboxPolicy } from "../events/index.js";
import { hasFullNetworkAccess, probeSandboxHost, writableRoots, type WritableRoot } from "../context/index.js";
import { bwrapArgs, PLATFORM_DEFAULT_READ_ROOTS } from "./bwrap.js";
import type { HostSandbox, Lifetime } from "./probe.js";
import { seccompDir, seccompFile } from "./seccomp.js";

/** Codex tells commands that their network is cut (`CODEX_SANDBOX_NETWORK_DISABLED=1`). */
export const NETWORK_DISABLED_ENV_VAR = "CODEX_SANDBOX_NETWORK_DISABLED";

/** The policy asks for confinement but this host has no sandbox: Loom never runs it unconfined instead. */
export class SandboxUnavailableError extends Error {
  override readonly name = "SandboxUnavailableError";
}

export interface WrapOptions {
  command: readonly string[];
  cwd: string;
  /** The command's environment (default: this process's). */
  env?: Readonly<Record<string, string | undefined>>;
  /** The turn's policy: it decides the network variable even for an unconfined run. */
  policy: SandboxPolicy;
  /** The cwd the policy's writable roots are relative to (the turn's cwd). */
  policyCwd?: string;
  /** Confine with the platform sandbox (else: unconfined, under the lifetime launcher). */
  confine: boolean;
  host: HostSandbox;
}

/** What to exec. `release()` undoes what the launch left on the host; call it once the command ended. */
export interface Launch {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  sandbox: "bubblewrap" | "none";
  /** The policy cuts the network (and, confined, the sandbox enforces it). */
  networkRestricted: boolean;
  release(): void;
}

/** Policies that only a platform sandbox can enforce (Codex `should_require_platform_sandbox`). */
export function policyNeedsSandbox(policy: SandboxPolicy): boolean {
  return policy.type === "read-only" || policy.type === "workspace-write";
}

// Mount points bwrap made for missing protected paths, by path, with the launches still using them.
const livePlaceholders = new Map<string, number>();

export async function wrapCommand(options: WrapOptions): Promise<Launch> {
  const { policy, host } = options;
  const networkRestricted = !hasFullNetworkAccess(policy);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.env ?? process.env)) if (value !== undefined) env[key] = value;
  if (networkRestricted) env[NETWORK_DISABLED_ENV_VAR] = "1";

  if (!options.confine) {
    return { argv: lifetimeArgv(host.lifetime, options.command), cwd: options.cwd, env, sandbox: "none", networkRestricted, release: () => {} };
  }
  const sandbox = host.sandbox;
  if (sandbox.type !== "bubblewrap") throw new SandboxUnavailableError(`no sandbox to confine the command: ${sandbox.reason}`);
  if (!policyNeedsSandbox(policy)) throw new SandboxUnavailableError(`the ${policy.type} policy has nothing to confine`);

  const policyCwd = options.policyCwd ?? options.cwd;
  const roots = await currentWritableRoots(policy, policyCwd, env);
  const filter = networkRestricted && sandbox.seccomp ? seccompFile() : undefined;
  const { args, placeholders } = bwrapArgs({
    command: options.command,
    commandCwd: options.cwd,
    writableRoots: roots,
    readableRoots: readableRoots(policy, policyCwd),
    network: !networkRestricted,
    mountProc: sandbox.mountProc,
    // Always, not only when this launch uses the filter: a sandbox with the network on must not
    // be able to swap the file for the next one without.
    protectedDirs: sandbox.seccomp ? [seccompDir()] : [],
  });
  // A protected path that exists only as another launch's placeholder is that launch's too.
  for (const root of roots) for (const sub of root.readOnlySubpaths) if (livePlaceholders.has(sub) && !placeholders.includes(sub)) placeholders.push(sub);
  for (const p of placeholders) livePlaceholders.set(p, (livePlaceholders.get(p) ?? 0) + 1);
  let released = false;
  const argv = filter
    ? ["/bin/sh", "-c", 'exec "$@" 3<"$0"', filter, sandbox.path, "--seccomp", "3", ...args]
    : [sandbox.path, ...args];
  return {
    argv,
    cwd: options.cwd,
    env,
    sandbox: "bubblewrap",
    networkRestricted,
    release() {
      if (released) return;
      released = true;
      for (const p of placeholders) releasePlaceholder(p);
    },
  };
}

const PDEATH_SHELL = 'trap "kill -KILL 0" TERM; exec 3<&0; "$@" <&3 3<&- & wait $! 2>/dev/null';

/** The unconfined command under the host's lifetime launcher. */
export function lifetimeArgv(lifetime: Lifetime, command: readonly string[]): string[] {
  switch (lifetime.type) {
    case "pid-namespace":
      // bwrap's own init is pid 1, so the command keeps normal signal handling; when bwrap goes
      // (Loom died, or the group was killed) the kernel ends every process of the namespace.
      return [lifetime.bwrap, "--dev-bind", "/", "/", "--unshare-pid", ...(lifetime.mountProc ? ["--proc", "/proc"] : []), "--die-with-parent", "--", ...command];
    case "parent-death-signal":
      // The kernel signals only the direct child when Loom dies: a shell in between turns that
      // signal into a kill of the whole process group, so backgrounded children go too (all but
      // those that left the group). stdin is handed on explicitly (`&` would replace it), and the
      // shell's own "Killed" report is silenced.
      return [lifetime.setpriv, "--pdeathsig", "TERM", "--", "/bin/sh", "-c", PDEATH_SHELL, "sh", ...command];
    case "process-group":
      return [...command];
  }
}

/** The writable roots as they are now (a `.git` made since the turn began is protected too). */
async function currentWritableRoots(policy: SandboxPolicy, cwd: string, env: Record<string, string>): Promise<WritableRoot[]> {
  const absolute: SandboxPolicy =
    policy.type === "workspace-write" ? { ...policy, writable_roots: (policy.writable_roots ?? []).map((root) => path.resolve(cwd, root)) } : policy;
  const host = await probeSandboxHost(cwd, absolute, { env });
  return writableRoots(absolute, cwd, host);
}

/** The readable roots of a restricted-read policy, or undefined when everything is readable. */
function readableRoots(policy: SandboxPolicy, cwd: string): string[] | undefined {
  const access = (policy.type === "read-only" ? policy.access : policy.type === "workspace-write" ? policy.read_only_access : undefined) as
    | { type?: string; include_platform_defaults?: boolean; readable_roots?: string[] }
    | undefined;
  if (access?.type !== "restricted") return undefined;
  const roots = (access.readable_roots ?? []).map((root) => path.resolve(cwd, root));
  if (policy.type === "read-only") roots.push(cwd);
  if (access.include_platform_defaults ?? true) roots.push(...PLATFORM_DEFAULT_READ_ROOTS);
  return roots;
}

function releasePlaceholder(p: string): void {
  const left = (livePlaceholders.get(p) ?? 1) - 1;
  if (left > 0) {
    livePlaceholders.set(p, left);
    return;
  }
  livePlaceholders.delete(p);
  try {
    const info = lstatSync(p);
    // Only what bwrap made: an empty file. Anything else is somebody's and stays.
    if (info.isFile() && info.size === 0) unlinkSync(p);
  } catch {
    // Already gone.
  }
}
