/**
 * IO: the filesystem facts Codex reads when it describes a workspace-write sandbox (`/tmp`, `$TMPDIR`,
 * the protected `.git` / `.agents` / `.codex` of each writable root). Gathered once per turn and passed
 * to the pure builders as `TurnSettings.host`, so the resulting `turn_context` is a recorded fact.
 */
import { statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { SandboxPolicy } from "../events/index.js";
import type { SandboxHost } from "./settings.js";

type Kind = "file" | "dir" | "other" | "missing";

/**
 * Synchronous on purpose: this runs at every turn's start, and a stat of a local path costs a few
 * microseconds where the promise API's round trip through the thread pool (and an ENOENT error
 * object per missing path) cost ~100 us each, a tenth of a turn's own time.
 */
function kindOf(path: string): Kind {
  try {
    const info = statSync(path, { throwIfNoEntry: false });
    if (!info) return "missing";
    return info.isFile() ? "file" : info.isDirectory() ? "dir" : "other";
  } catch {
    return "missing";
  }
}

/** A worktree's `.git` file says `gitdir: <path>`; Codex protects the directory it points to. */
async function gitdirOf(dotGit: string, signal?: AbortSignal): Promise<string | undefined> {
  let contents: string;
  try {
    contents = await readFile(dotGit, { encoding: "utf8", signal });
  } catch {
    signal?.throwIfAborted();
    return undefined;
  }
  const colon = contents.trim().indexOf(":");
  if (colon < 0) return undefined;
  const raw = contents.trim().slice(colon + 1).trim();
  if (raw === "") return undefined;
  const gitdir = resolve(dirname(dotGit), raw);
  return (kindOf(gitdir)) === "missing" ? undefined : gitdir;
}

/** `default_read_only_subpaths_for_writable_root`. */
export async function readOnlySubpaths(
  root: string,
  protectMissingDotCodex: boolean,
  signal?: AbortSignal,
): Promise<string[]> {
  const subpaths: string[] = [];
  const dotGit = join(root, ".git");
  const gitKind = kindOf(dotGit);
  if (gitKind === "file") {
    const gitdir = await gitdirOf(dotGit, signal);
    if (gitdir !== undefined) subpaths.push(gitdir);
  }
  if (gitKind === "file" || gitKind === "dir") subpaths.push(dotGit);
  if ((kindOf(join(root, ".agents"))) === "dir") subpaths.push(join(root, ".agents"));
  const dotCodex = join(root, ".codex");
  if (protectMissingDotCodex || (kindOf(dotCodex)) === "dir") subpaths.push(dotCodex);
  return [...new Set(subpaths)];
}

export interface ProbeOptions {
  signal?: AbortSignal;
  /** Defaults to `process.env` (only `TMPDIR` is read). */
  env?: Record<string, string | undefined>;
}

/** Reads what `TurnSettings.host` needs for `sandboxPolicy` in `cwd`. */
export async function probeSandboxHost(cwd: string, sandboxPolicy: SandboxPolicy, options: ProbeOptions = {}): Promise<SandboxHost> {
  const { signal } = options;
  const tmpdir = (options.env ?? process.env).TMPDIR;
  const host: SandboxHost = {
    slashTmpIsDir: (kindOf("/tmp")) === "dir",
    ...(tmpdir ? { tmpdir } : {}),
    readOnlySubpaths: {},
  };
  if (sandboxPolicy.type !== "workspace-write") return host;
  const roots = [...(sandboxPolicy.writable_roots ?? []), cwd];
  if (!sandboxPolicy.exclude_slash_tmp && host.slashTmpIsDir) roots.push("/tmp");
  if (!sandboxPolicy.exclude_tmpdir_env_var && host.tmpdir) roots.push(host.tmpdir);
  for (const root of roots) {
    signal?.throwIfAborted();
    host.readOnlySubpaths[root] = await readOnlySubpaths(root, root === cwd, signal);
  }
  return host;
}
