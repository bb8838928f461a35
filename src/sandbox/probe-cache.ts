/**
 * The sandbox verdict a thread announces when it opens (`session_configured.sandbox`), kept in the
 * data dir so that a process which only opens or resumes a thread starts no process to find it out.
 *
 * The verdict is kept next to a fingerprint of everything it depends on: the bwrap binary found on
 * PATH (and `true`, `sh`) by inode, size and times; the kernel (boot id, release), the namespaces
 * this process runs in, and the sysctls that allow or forbid user namespaces; the user, platform
 * and architecture. Any change, a reboot included, makes the kept verdict stale and it is probed
 * again. Without a fingerprint (no /proc) nothing is kept.
 *
 * Only the announcement comes from here. Every command is still confined by what its own process
 * probed (`probeHostSandbox` in the shell and exec actors, and each turn's settings): a kept verdict
 * that were wrong could not run a command unconfined, and a verdict this process probed itself
 * replaces the kept one.
 */
import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { release } from "node:os";
import { dirname } from "node:path";
import { findExecutable, knownSandboxAvailability, probeGeneration, probeSandboxAvailability, type SandboxAvailability } from "./probe.js";

/** Bumped when the probe itself changes what it checks: older files are then stale. */
const FORMAT = 1;

/** Files whose contents decide whether an unprivileged process may build the namespaces bwrap needs. */
const SYSCTLS = [
  "/proc/sys/kernel/random/boot_id",
  "/proc/sys/kernel/unprivileged_userns_clone",
  "/proc/sys/kernel/apparmor_restrict_unprivileged_userns",
  "/proc/sys/user/max_user_namespaces",
  "/proc/sys/user/max_pid_namespaces",
  "/proc/sys/user/max_net_namespaces",
  "/proc/sys/kernel/seccomp/actions_avail",
];
const NAMESPACES = ["user", "mnt", "pid", "net"];

interface KeptVerdict {
  format: number;
  fingerprint: string;
  availability: SandboxAvailability;
}

function readOr(file: string, fallback: string): string {
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    return fallback;
  }
}

function fileId(path: string | undefined): string {
  if (path === undefined) return "-";
  try {
    const s = statSync(path);
    return `${path}:${s.dev}:${s.ino}:${s.size}:${s.mode}:${s.uid}:${s.mtimeMs}:${s.ctimeMs}`;
  } catch {
    return `${path}:gone`;
  }
}

/**
 * What the probe's answer depends on, hashed; undefined where it cannot be told (not Linux, no
 * /proc): then nothing is kept.
 */
export function hostFingerprint(path: string): string | undefined {
  if (process.platform !== "linux") return undefined;
  const bootId = readOr("/proc/sys/kernel/random/boot_id", "");
  if (!bootId) return undefined;
  const parts = [
    `format ${FORMAT}`,
    `${process.platform} ${process.arch} ${release()}`,
    `uid ${typeof process.getuid === "function" ? process.getuid() : -1} gid ${typeof process.getgid === "function" ? process.getgid() : -1}`,
    ...SYSCTLS.map((file) => `${file}=${readOr(file, "-")}`),
    ...NAMESPACES.map((ns) => {
      try {
        return `ns ${readlinkSync(`/proc/self/ns/${ns}`)}`;
      } catch {
        return `ns ${ns} -`;
      }
    }),
    `bwrap ${fileId(findExecutable("bwrap", path))}`,
    `true ${fileId(findExecutable("true", path) ?? "/bin/true")}`,
    `sh ${fileId("/bin/sh")}`,
  ];
  return createHash("sha256").update(parts.join("\n")).digest("hex");
}

function isAvailability(value: unknown, bwrap: string | undefined): value is SandboxAvailability {
  const v = value as Record<string, unknown> | null;
  if (typeof v !== "object" || v === null) return false;
  if (v.type === "none") return typeof v.reason === "string" && v.reason !== "";
  // A kept path must be the bwrap on PATH now (its identity is in the fingerprint).
  return v.type === "bubblewrap" && v.path === bwrap && typeof v.mountProc === "boolean" && typeof v.seccomp === "boolean";
}

/** The kept verdict, if the file is ours, well formed and made for this very host. */
function readKept(file: string, fingerprint: string, path: string): SandboxAvailability | undefined {
  try {
    const info = lstatSync(file);
    const uid = typeof process.getuid === "function" ? process.getuid() : info.uid;
    // A file someone else put there (or a link to one) is not taken for ours.
    if (!info.isFile() || info.uid !== uid || info.size > 4096) return undefined;
    const kept = JSON.parse(readFileSync(file, "utf8")) as Partial<KeptVerdict>;
    if (kept.format !== FORMAT || kept.fingerprint !== fingerprint) return undefined;
    return isAvailability(kept.availability, findExecutable("bwrap", path)) ? kept.availability : undefined;
  } catch {
    return undefined;
  }
}

/** Keeps a verdict; best effort (a read-only data dir simply probes each time). */
function keep(file: string, fingerprint: string, availability: SandboxAvailability): void {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const kept: KeptVerdict = { format: FORMAT, fingerprint, availability };
    writeFileSync(temp, `${JSON.stringify(kept)}\n`, { mode: 0o600 });
    renameSync(temp, file);
  } catch {
    try {
      rmSync(temp, { force: true });
    } catch {
      // Not even the directory is there (or writable): nothing was left.
    }
  }
}

const verdicts = new Map<string, Promise<SandboxAvailability>>();

export interface KeptAvailabilityOptions {
  /** Where the verdict is kept (`<data dir>/cache/sandbox.json`); without one, it is probed. */
  file?: string;
  /** The PATH bwrap is looked up on (default: this process's). */
  path?: string;
}

/**
 * Can bubblewrap build Loom's sandbox here: what this process probed, else the kept verdict when
 * it was made for this host, else a probe (whose verdict is then kept). Once per process per file
 * and PATH.
 */
export function keptSandboxAvailability(options: KeptAvailabilityOptions = {}): Promise<SandboxAvailability> {
  const path = options.path ?? process.env.PATH ?? "";
  const key = `${probeGeneration}\0${options.file ?? ""}\0${path}`;
  let verdict = verdicts.get(key);
  if (!verdict) {
    verdict = decide(options.file, path);
    verdicts.set(key, verdict);
    // A rejected decision (none is expected) is not kept for the next caller.
    verdict.catch(() => verdicts.delete(key));
  }
  return verdict;
}

async function decide(file: string | undefined, path: string): Promise<SandboxAvailability> {
  const fingerprint = file === undefined ? undefined : hostFingerprint(path);
  const live = knownSandboxAvailability(path);
  if (live) {
    if (file !== undefined && fingerprint !== undefined && !sameVerdict(readKept(file, fingerprint, path), live)) keep(file, fingerprint, live);
    return live;
  }
  if (file !== undefined && fingerprint !== undefined) {
    const kept = readKept(file, fingerprint, path);
    if (kept) return kept;
  }
  const probed = await probeSandboxAvailability({ path });
  if (file !== undefined && fingerprint !== undefined) keep(file, fingerprint, probed);
  return probed;
}

function sameVerdict(a: SandboxAvailability | undefined, b: SandboxAvailability): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}
