/**
 * The workspace part of `x-codex-turn-metadata` (Codex `turn_metadata.rs`): when a turn's cwd is
 * inside a git repository, the turn probes it in the background (HEAD's commit, the fetch URL of
 * each remote, whether the tree has changes) and every request sent after the probe settled carries
 * `workspaces: { <repo root>: {...} }`. Requests sent before it settled carry the base header, as
 * Codex's do: the probe never delays a request.
 *
 * Differences from Codex, on purpose: git runs with `core.fsmonitor` off, because `git status` in a
 * repository someone else wrote would otherwise run that repository's fsmonitor command outside any
 * sandbox before the model did anything; and each probe is bounded (5 s per command, as Codex, and
 * 64 KiB of output) and cancelled when its turn ends.
 */
import { spawn } from "node:child_process";
import { statSync, type Stats } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";

/** Codex's `GIT_COMMAND_TIMEOUT`. */
export const GIT_PROBE_TIMEOUT_MS = 5_000;
const MAX_OUTPUT = 64 * 1024;

/** One repository's entry under `workspaces`, with Codex's field names; absent facts are left out. */
export interface WorkspaceGitMetadata {
  associated_remote_urls?: Record<string, string>;
  latest_git_commit_hash?: string;
  has_changes?: boolean;
}

/**
 * Codex's `get_git_repo_root`: the nearest ancestor holding a `.git` directory, or a `.git` file naming
 * one. Stats are synchronous: this runs at every turn's start, and a local stat costs microseconds
 * where the promise API (with an ENOENT error per ancestor) costs ~100 us.
 */
export async function gitRepoRoot(cwd: string): Promise<string | null> {
  let dir = resolve(cwd);
  const start = statOrUndefined(dir);
  if (!start) return null;
  if (!start.isDirectory()) dir = dirname(dir);
  for (;;) {
    const dotGit = join(dir, ".git");
    const info = statOrUndefined(dotGit);
    if (info?.isDirectory()) return dir;
    // A worktree or submodule: `.git` is a file `gitdir: <path>`.
    if (info?.isFile() && /^gitdir:\s*\S/.test(await readFile(dotGit, "utf8").catch(() => ""))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** `git ARGS` in cwd: its stdout when it exits 0 within the timeout, else null. */
function git(args: string[], cwd: string, signal: AbortSignal, timeoutMs: number): Promise<string | null> {
  return new Promise((settle) => {
    if (signal.aborted) return settle(null);
    const child = spawn("git", ["-c", "core.fsmonitor=", ...args], {
      cwd,
      env: { ...process.env, GIT_OPTIONAL_LOCKS: "0", GIT_TERMINAL_PROMPT: "0" },
      stdio: ["ignore", "pipe", "ignore"],
    });
    let out = "";
    let done = false;
    const finish = (value: string | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", stop);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      settle(value);
    };
    const stop = () => finish(null);
    const timer = setTimeout(stop, timeoutMs);
    signal.addEventListener("abort", stop, { once: true });
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      out += chunk;
      if (out.length > MAX_OUTPUT) finish(null);
    });
    child.on("error", () => finish(null));
    child.on("close", (code) => finish(code === 0 ? out : null));
  });
}

/** Codex's `parse_git_remote_urls`: the fetch URL of each remote, by name. */
export function parseRemoteUrls(stdout: string): Record<string, string> | undefined {
  const remotes: Record<string, string> = {};
  for (const line of stdout.split("\n")) {
    if (!line.endsWith(" (fetch)")) continue;
    const fetchLine = line.slice(0, -" (fetch)".length);
    const cut = fetchLine.includes("\t") ? fetchLine.indexOf("\t") : fetchLine.indexOf(" ");
    if (cut < 0) continue;
    const url = fetchLine.slice(cut + 1).trimStart();
    if (url) remotes[fetchLine.slice(0, cut)] = url;
  }
  // Sorted by name, as Codex's BTreeMap serializes.
  const names = Object.keys(remotes).sort();
  return names.length === 0 ? undefined : Object.fromEntries(names.map((name) => [name, remotes[name]]));
}

/** The three facts Codex gathers, in parallel; a fact git could not give is left out. */
export async function probeWorkspaceGit(
  cwd: string,
  options: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<{ root: string; metadata: WorkspaceGitMetadata } | null> {
  const signal = options.signal ?? new AbortController().signal;
  const timeoutMs = options.timeoutMs ?? GIT_PROBE_TIMEOUT_MS;
  const root = await gitRepoRoot(cwd);
  if (root === null || signal.aborted) return null;
  const [head, remotes, status] = await Promise.all([
    git(["rev-parse", "HEAD"], cwd, signal, timeoutMs),
    git(["remote", "-v"], cwd, signal, timeoutMs),
    git(["status", "--porcelain"], cwd, signal, timeoutMs),
  ]);
  const metadata: WorkspaceGitMetadata = {};
  const urls = remotes === null ? undefined : parseRemoteUrls(remotes);
  if (urls) metadata.associated_remote_urls = urls;
  const hash = head?.trim();
  if (hash) metadata.latest_git_commit_hash = hash;
  if (status !== null) metadata.has_changes = status.length > 0;
  if (Object.keys(metadata).length === 0 || signal.aborted) return null;
  return { root, metadata };
}

/**
 * A turn's probe: started when the turn starts, read (never awaited) by each request, cancelled
 * when the turn ends.
 */
export class TurnGitProbe {
  readonly settled: Promise<void>;
  #workspaces: Record<string, WorkspaceGitMetadata> | undefined;
  readonly #controller = new AbortController();

  constructor(cwd: string, options: { timeoutMs?: number } = {}) {
    this.settled = probeWorkspaceGit(cwd, { signal: this.#controller.signal, timeoutMs: options.timeoutMs })
      .then((found) => {
        if (found) this.#workspaces = { [found.root]: found.metadata };
      })
      .catch(() => undefined);
  }

  /** The workspaces known so far (undefined until the probe found something). */
  get workspaces(): Record<string, WorkspaceGitMetadata> | undefined {
    return this.#workspaces;
  }

  cancel(): void {
    this.#controller.abort();
  }
}
