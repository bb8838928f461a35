/**
 * What this host can do to confine and to outlive-proof a command, found out once per process (per
 * PATH): is `bwrap` there AND able to build the sandbox Loom asks for (user, pid and network
 * namespaces, a fresh /proc, the seccomp filter)? And how can an unconfined command be made to die
 * with Loom? Codex's `system_bwrap_warning` probe, extended with what Loom's launcher needs.
 * Every command is confined by what this process probed itself; probe-cache.ts only lets a thread
 * that opens without running anything say what it would get, without starting a process.
 */
import { spawn } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";
import type { PlatformSandbox } from "../events/index.js";
import { seccompFile, seccompSupported } from "./seccomp.js";

/** The platform sandbox and what it supports here. */
export type SandboxAvailability =
  | {
      type: "bubblewrap";
      path: string;
      /** A fresh /proc can be mounted (some containers refuse it: Codex retries without). */
      mountProc: boolean;
      /** The network seccomp filter loads (the namespace still cuts the network without it). */
      seccomp: boolean;
    }
  | { type: "none"; reason: string };

/**
 * How an unconfined command is tied to Loom's life: a pid namespace (bubblewrap's init dies with
 * Loom and takes every process of the command with it), else the kernel's parent-death signal on
 * the command itself (its own children are then reached only through its process group).
 */
export type Lifetime =
  | { type: "pid-namespace"; bwrap: string; mountProc: boolean }
  | { type: "parent-death-signal"; setpriv: string }
  | { type: "process-group" };

export interface HostSandbox {
  sandbox: SandboxAvailability;
  lifetime: Lifetime;
}

/** The probe's verdict as sessions report it. */
export function platformSandboxOf(availability: SandboxAvailability): PlatformSandbox {
  return availability.type === "bubblewrap" ? { type: "bubblewrap", path: availability.path } : availability;
}

const PROBE_TIMEOUT_MS = 10_000;
const availabilities = new Map<string, Promise<SandboxAvailability>>();
/** The verdicts this process has probed itself, once settled (see `knownSandboxAvailability`). */
const settled = new Map<string, SandboxAvailability>();
const probes = new Map<string, Promise<HostSandbox>>();
/** Bumped by `forgetHostSandbox`: whatever was derived from earlier probes is stale. */
export let probeGeneration = 0;

export interface ProbeOptions {
  /** The PATH commands are looked up on (default: this process's). */
  path?: string;
  /** Pretend to be this user id (tests of the unprivileged path); default the process's. */
  uid?: number;
}

/**
 * Can bubblewrap build Loom's sandbox here, probed once per PATH and kept. What a session announces
 * needs only this; `probeHostSandbox` adds how unconfined commands die with Loom (one more process).
 */
export function probeSandboxAvailability(options: Pick<ProbeOptions, "path"> = {}): Promise<SandboxAvailability> {
  const path = options.path ?? process.env.PATH ?? "";
  let probe = availabilities.get(path);
  if (!probe) {
    const generation = probeGeneration;
    probe = probeBubblewrap(path).then((availability) => {
      if (generation === probeGeneration) settled.set(path, availability);
      return availability;
    });
    availabilities.set(path, probe);
  }
  return probe;
}

/** The verdict this process already probed for `path`, if it has (no process is started). */
export function knownSandboxAvailability(path: string = process.env.PATH ?? ""): SandboxAvailability | undefined {
  return settled.get(path);
}

/** The host's sandbox facts, probed once per PATH and kept. */
export function probeHostSandbox(options: ProbeOptions = {}): Promise<HostSandbox> {
  const path = options.path ?? process.env.PATH ?? "";
  const uid = options.uid ?? (typeof process.getuid === "function" ? process.getuid() : -1);
  const key = `${uid}\0${path}`;
  let probe = probes.get(key);
  if (!probe) {
    probe = runProbe(path, uid);
    probes.set(key, probe);
  }
  return probe;
}

/** Forget what was probed (tests that change the host). */
export function forgetHostSandbox(): void {
  probeGeneration += 1;
  availabilities.clear();
  settled.clear();
  probes.clear();
}

async function runProbe(path: string, uid: number): Promise<HostSandbox> {
  const sandbox = await probeSandboxAvailability({ path });
  return { sandbox, lifetime: await probeLifetime(path, uid, sandbox) };
}

/** The first executable `name` on PATH. Relative entries are skipped: they would follow the cwd. */
export function findExecutable(name: string, path: string): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const candidate = join(dir, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

async function probeBubblewrap(path: string): Promise<SandboxAvailability> {
  if (process.platform !== "linux") return { type: "none", reason: `Loom has no sandbox for ${process.platform}` };
  const bwrap = findExecutable("bwrap", path);
  if (!bwrap) return { type: "none", reason: "bwrap (bubblewrap) was not found on PATH" };
  const truePath = findExecutable("true", path) ?? "/bin/true";
  const base = ["--new-session", "--die-with-parent", "--ro-bind", "/", "/", "--dev", "/dev", "--unshare-user", "--unshare-pid", "--unshare-net"];
  const seccomp = seccompSupported() ? trySeccompFile() : undefined;
  const attempt = (proc: boolean, withSeccomp: boolean) => {
    const args = [...base, ...(proc ? ["--proc", "/proc"] : []), "--", truePath];
    return withSeccomp && seccomp ? run("/bin/sh", ["-c", 'exec "$@" 3<"$0"', seccomp, bwrap, "--seccomp", "3", ...args]) : run(bwrap, args);
  };
  let proc = true;
  let result = await attempt(proc, true);
  if (!result.ok && isProcMountFailure(result.stderr)) {
    proc = false;
    result = await attempt(proc, true);
  }
  if (result.ok) return { type: "bubblewrap", path: bwrap, mountProc: proc, seccomp: seccomp !== undefined };
  const plain = await attempt(proc, false);
  if (plain.ok) return { type: "bubblewrap", path: bwrap, mountProc: proc, seccomp: false };
  return { type: "none", reason: `bwrap cannot create the sandbox here: ${firstLine(result.stderr) || `exit ${result.code}`}` };
}

async function probeLifetime(path: string, uid: number, sandbox: SandboxAvailability): Promise<Lifetime> {
  // Without root, bubblewrap needs a user namespace, which changes how the command sees file
  // owners and breaks setuid programs: an unconfined command must not pay that.
  if (sandbox.type === "bubblewrap" && uid === 0) {
    const truePath = findExecutable("true", path) ?? "/bin/true";
    const proc = sandbox.mountProc ? ["--proc", "/proc"] : [];
    const result = await run(sandbox.path, ["--dev-bind", "/", "/", "--unshare-pid", ...proc, "--die-with-parent", "--", truePath]);
    if (result.ok) return { type: "pid-namespace", bwrap: sandbox.path, mountProc: sandbox.mountProc };
  }
  const setpriv = process.platform === "linux" ? findExecutable("setpriv", path) : undefined;
  if (setpriv) {
    const truePath = findExecutable("true", path) ?? "/bin/true";
    if ((await run(setpriv, ["--pdeathsig", "KILL", "--", truePath])).ok) return { type: "parent-death-signal", setpriv };
  }
  return { type: "process-group" };
}

function trySeccompFile(): string | undefined {
  try {
    return seccompFile();
  } catch {
    return undefined;
  }
}

/** bubblewrap's message when /proc cannot be mounted (Codex `is_proc_mount_failure`). */
function isProcMountFailure(stderr: string): boolean {
  return (
    stderr.includes("Can't mount proc") &&
    stderr.includes("/newroot/proc") &&
    ["Invalid argument", "Operation not permitted", "Permission denied"].some((s) => stderr.includes(s))
  );
}

function firstLine(text: string): string {
  return text.trim().split("\n")[0]?.trim() ?? "";
}

/** Runs a probe command to its end (bounded), keeping a little of its stderr. */
function run(file: string, args: string[]): Promise<{ ok: boolean; code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    let stderr = "";
    let child;
    try {
      child = spawn(file, args, { stdio: ["ignore", "ignore", "pipe"], timeout: PROBE_TIMEOUT_MS, killSignal: "SIGKILL" });
    } catch (error) {
      resolve({ ok: false, code: null, stderr: (error as Error).message });
      return;
    }
    child.stderr.on("data", (chunk: Buffer) => {
      if (stderr.length < 4096) stderr += chunk.toString("utf8");
    });
    child.once("error", (error) => resolve({ ok: false, code: null, stderr: error.message }));
    child.once("close", (code) => resolve({ ok: code === 0, code, stderr }));
  });
}
