/**
 * IO: AGENTS.md discovery as Codex does it (`core/src/agents_md.rs`). The project root is the nearest
 * ancestor of the cwd holding a marker (`.git` by default); every directory from that root down to
 * the cwd contributes its first `AGENTS.override.md` / `AGENTS.md` / fallback file, joined by a blank
 * line, within a 32 KiB budget. A global `$CODEX_HOME/AGENTS(.override).md` comes first.
 */
import { closeSync, openSync, readSync, realpathSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";

export const AGENTS_MD_FILENAME = "AGENTS.md";
export const AGENTS_OVERRIDE_FILENAME = "AGENTS.override.md";
/** Codex's `project_doc_max_bytes` default. */
export const AGENTS_MD_MAX_BYTES = 32 * 1024;
const PROJECT_DOC_SEPARATOR = "\n\n--- project-doc ---\n\n";

export interface LoadAgentsMdOptions {
  signal?: AbortSignal;
  /** Directory of the global instructions (Codex's `$CODEX_HOME`); none when absent. */
  globalDir?: string;
  /** `project_doc_max_bytes`; 0 disables project docs. */
  maxBytes?: number;
  /** `project_doc_fallback_filenames`, tried after the two standard names. */
  fallbackFilenames?: string[];
  /** `project_root_markers`; an empty list stops the walk at the cwd. */
  projectRootMarkers?: string[];
}

const isMissing = (error: unknown) =>
  (error as NodeJS.ErrnoException | undefined)?.code === "ENOENT" ||
  (error as NodeJS.ErrnoException | undefined)?.code === "ENOTDIR";

// Stats are synchronous: discovery runs at every turn's start and walks every ancestor, and a
// local stat costs microseconds where the promise API (and an ENOENT error per miss) costs ~100 us.
function exists(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false }) !== undefined;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

/** Up to `limit` bytes from the start of the file at `path` (at most 32 KiB: read synchronously). */
function readPrefix(path: string, limit: number): Buffer {
  const fd = openSync(path, "r");
  try {
    const buffer = Buffer.allocUnsafe(limit);
    let filled = 0;
    while (filled < limit) {
      const n = readSync(fd, buffer, filled, limit - filled, null);
      if (n === 0) break;
      filled += n;
    }
    return buffer.subarray(0, filled);
  } finally {
    closeSync(fd);
  }
}

function realpathOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

async function loadGlobal(dir: string, signal?: AbortSignal): Promise<string | undefined> {
  for (const name of [AGENTS_OVERRIDE_FILENAME, AGENTS_MD_FILENAME]) {
    try {
      const trimmed = (await readFile(join(dir, name), { encoding: "utf8", signal })).trim();
      if (trimmed !== "") return trimmed;
    } catch {
      signal?.throwIfAborted();
    }
  }
  return undefined;
}

/** The AGENTS.md files that apply to `cwd`, from the project root down. */
export async function agentsMdPaths(cwd: string, options: LoadAgentsMdOptions = {}): Promise<string[]> {
  const { signal } = options;
  if ((options.maxBytes ?? AGENTS_MD_MAX_BYTES) === 0) return [];
  const dir = realpathOr(cwd);
  const markers = options.projectRootMarkers ?? [".git"];
  const ancestors: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    ancestors.push(d);
    if (dirname(d) === d) break;
  }
  let rootIndex = 0; // without a marker only the cwd is searched
  search: for (const [index, ancestor] of ancestors.entries()) {
    for (const marker of markers) {
      signal?.throwIfAborted();
      if (exists(join(ancestor, marker))) {
        rootIndex = index;
        break search;
      }
    }
  }
  const names = [AGENTS_OVERRIDE_FILENAME, AGENTS_MD_FILENAME];
  for (const name of options.fallbackFilenames ?? []) if (name !== "" && !names.includes(name)) names.push(name);
  const found: string[] = [];
  for (const d of ancestors.slice(0, rootIndex + 1).reverse()) {
    for (const name of names) {
      signal?.throwIfAborted();
      if (isFile(join(d, name))) {
        found.push(join(d, name));
        break;
      }
    }
  }
  return found;
}

async function readProjectDocs(cwd: string, options: LoadAgentsMdOptions): Promise<string | undefined> {
  let remaining = options.maxBytes ?? AGENTS_MD_MAX_BYTES;
  const parts: string[] = [];
  for (const path of await agentsMdPaths(cwd, options)) {
    if (remaining <= 0) break;
    options.signal?.throwIfAborted();
    let data: Buffer;
    try {
      // A file over budget is cut at the byte limit, like Codex (a split character decodes as
      // U+FFFD): only that much is read, however large the file.
      data = readPrefix(path, remaining);
    } catch (error) {
      if (isMissing(error)) continue;
      throw error;
    }
    const text = new TextDecoder("utf-8").decode(data);
    if (text.trim() !== "") {
      parts.push(text);
      remaining -= data.length;
    }
  }
  return parts.length === 0 ? undefined : parts.join("\n\n");
}

/**
 * The user instructions Codex would give a thread in `cwd` (`TurnSettings.userInstructions`), or
 * undefined when there are none. As in Codex, a failing project-doc lookup leaves only the global text.
 */
export async function loadAgentsMd(cwd: string, options: LoadAgentsMdOptions = {}): Promise<string | undefined> {
  const { signal } = options;
  signal?.throwIfAborted();
  let output = options.globalDir === undefined ? "" : ((await loadGlobal(options.globalDir, signal)) ?? "");
  let docs: string | undefined;
  try {
    docs = await readProjectDocs(cwd, options);
  } catch {
    signal?.throwIfAborted();
    docs = undefined; // Codex logs "error trying to find AGENTS.md docs" and goes on without them
  }
  if (docs !== undefined) output = output === "" ? docs : `${output}${PROJECT_DOC_SEPARATOR}${docs}`;
  return output === "" ? undefined : output;
}
