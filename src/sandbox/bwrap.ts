/**
 * bubblewrap's arguments for a policy (Codex `linux-sandbox/src/bwrap.rs`, `create_bwrap_flags`):
 * the filesystem read-only (or only the readable roots, for a restricted read policy), a minimal
 * `/dev`, each writable root bound read-write, the protected subpaths of each root (`.git` and its
 * gitdir, `.agents`, `.codex`) bound read-only again on top, then fresh user and pid namespaces, no
 * network unless the policy allows it, and a fresh `/proc`. The mount order is what makes the
 * protected paths win, so it follows Codex's exactly.
 *
 * It reads the filesystem (which paths exist, which are symlinks) with synchronous calls: a few
 * `lstat`s per launch, and the answers must describe the moment bwrap starts.
 */
import { existsSync, lstatSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import type { WritableRoot } from "../context/index.js";

/** Codex's `LINUX_PLATFORM_DEFAULT_READ_ROOTS`: system binaries and libraries, never user data. */
export const PLATFORM_DEFAULT_READ_ROOTS = ["/bin", "/sbin", "/usr", "/etc", "/lib", "/lib64", "/nix/store", "/run/current-system/sw"];

/** A protected path cannot be enforced (it crosses a symlink the command could rewrite). */
export class SandboxSetupError extends Error {
  override readonly name = "SandboxSetupError";
}

export interface BwrapInput {
  command: readonly string[];
  commandCwd: string;
  /** Writable roots (absolute) with their read-only subpaths; empty for read-only. */
  writableRoots: readonly WritableRoot[];
  /** Undefined: the whole filesystem is readable. Else only these roots (restricted read access). */
  readableRoots?: readonly string[];
  /** The policy allows the network: keep the host's network namespace. */
  network: boolean;
  mountProc: boolean;
  /** Directories of Loom's own that no command may change (the seccomp filter's). */
  protectedDirs?: readonly string[];
}

export interface BwrapArgs {
  /** Everything after `bwrap`, ending with `--` and the command. */
  args: string[];
  /**
   * Paths bwrap creates on the host as mount points for protected paths that did not exist (an
   * empty file each, e.g. `<cwd>/.codex`); the launcher removes them when the command is done.
   */
  placeholders: string[];
}

export function bwrapArgs(input: BwrapInput): BwrapArgs {
  const roots = input.writableRoots.filter((root) => existsSync(root.root));
  const placeholders: string[] = [];
  const args: string[] = ["--new-session", "--die-with-parent"];

  const allowedWritePaths: string[] = [];
  for (const root of roots) {
    allowedWritePaths.push(root.root);
    const target = canonicalTargetIfSymlinked(root.root);
    if (target) allowedWritePaths.push(target);
  }

  if (input.readableRoots === undefined || input.readableRoots.includes("/")) {
    args.push("--ro-bind", "/", "/", "--dev", "/dev");
  } else {
    args.push("--tmpfs", "/", "--dev", "/dev");
    for (const root of [...new Set(input.readableRoots)].sort()) {
      if (!existsSync(root)) continue;
      // Writable roots are bound by their real target below; their read bootstrap must match.
      const underWritable = roots.some((w) => isWithin(root, w.root));
      const mount = underWritable ? (canonicalTargetIfSymlinked(root) ?? root) : root;
      args.push("--ro-bind", mount, mount);
    }
  }

  for (const root of [...roots].sort((a, b) => depth(a.root) - depth(b.root))) {
    const target = canonicalTargetIfSymlinked(root.root);
    const mount = target ?? root.root;
    args.push("--bind", mount, mount);
    let subpaths = [...root.readOnlySubpaths];
    if (target) subpaths = subpaths.map((sub) => (isWithin(sub, root.root) ? path.join(target, path.relative(root.root, sub)) : sub));
    for (const sub of subpaths.sort((a, b) => depth(a) - depth(b))) {
      readOnlySubpathArgs(args, placeholders, sub, allowedWritePaths);
    }
  }

  // Loom's own files stay read-only even where a writable root (e.g. /tmp) contains them.
  for (const dir of input.protectedDirs ?? []) {
    if (existsSync(dir) && isWithinAny(dir, allowedWritePaths)) args.push("--ro-bind", dir, dir);
  }

  // Ask for a user namespace explicitly: bubblewrap skips it on its own when run as root. And when
  // Loom runs as root, the command would keep root's capabilities inside it: drop them all.
  args.push("--unshare-user", "--unshare-pid", "--cap-drop", "ALL");
  if (!input.network) args.push("--unshare-net");
  if (input.mountProc) args.push("--proc", "/proc");
  const canonicalCwd = realpathOr(input.commandCwd);
  // bwrap would otherwise start in a cwd that may be a symlink alias the sandbox does not mount.
  if (canonicalCwd !== input.commandCwd) args.push("--chdir", canonicalCwd);
  args.push("--", ...input.command);
  return { args, placeholders };
}

function readOnlySubpathArgs(args: string[], placeholders: string[], subpath: string, allowed: readonly string[]): void {
  const symlink = firstWritableSymlinkComponent(subpath, allowed);
  if (symlink) {
    // Binding the symlink's current target would protect a snapshot: the command could point the
    // writable symlink elsewhere before it writes through it.
    throw new SandboxSetupError(`cannot enforce sandbox read-only path ${subpath} because it crosses writable symlink ${symlink}`);
  }
  if (!existsSync(subpath)) {
    const missing = firstMissingComponent(subpath);
    // Mounting /dev/null there keeps the command from creating the protected path.
    if (missing && isWithinAny(missing, allowed)) {
      args.push("--ro-bind", "/dev/null", missing);
      placeholders.push(missing);
    }
    return;
  }
  if (isWithinAny(subpath, allowed)) args.push("--ro-bind", subpath, subpath);
}

/** Rust's `Path::starts_with`: component-wise, so `/a/bc` is not within `/a/b`. */
export function isWithin(candidate: string, root: string): boolean {
  if (root === "/") return candidate.startsWith("/");
  return candidate === root || candidate.startsWith(root.endsWith("/") ? root : `${root}/`);
}

function isWithinAny(candidate: string, roots: readonly string[]): boolean {
  return roots.some((root) => isWithin(candidate, root));
}

function depth(p: string): number {
  return p.split("/").filter((part) => part !== "").length;
}

/** Walks `p` component by component, calling `visit` with each prefix (`..` steps back). */
function prefixes(p: string): string[] {
  const out: string[] = [];
  let current = "/";
  for (const part of p.split("/")) {
    if (part === "" || part === ".") continue;
    current = part === ".." ? path.dirname(current) : path.join(current, part);
    out.push(current);
  }
  return out;
}

/** The fully resolved path when some component of `p` is a symlink, else undefined. */
export function canonicalTargetIfSymlinked(p: string): string | undefined {
  for (const prefix of prefixes(p)) {
    let info;
    try {
      info = lstatSync(prefix);
    } catch {
      return undefined;
    }
    if (info.isSymbolicLink()) {
      const target = realpathOr(p);
      return target === p ? undefined : target;
    }
  }
  return undefined;
}

function firstWritableSymlinkComponent(p: string, allowed: readonly string[]): string | undefined {
  for (const prefix of prefixes(p)) {
    let info;
    try {
      info = lstatSync(prefix);
    } catch {
      return undefined;
    }
    if (info.isSymbolicLink() && isWithinAny(prefix, allowed)) return prefix;
  }
  return undefined;
}

function firstMissingComponent(p: string): string | undefined {
  for (const prefix of prefixes(p)) {
    try {
      statSync(prefix);
    } catch {
      return prefix;
    }
  }
  return undefined;
}

function realpathOr(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}
