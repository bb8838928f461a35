/**
 * Where `.rules` files are read from, and reading them all into one Policy (Codex
 * `exec_policy.rs::load_exec_policy`). Folders in increasing precedence: the system folder
 * (`/etc/loom/rules`), the data dir's `rules/` (Codex's `$CODEX_HOME/rules`), then the `.codex/rules`
 * folders of a trusted project, from its root down to the cwd. In each folder, every regular file
 * named `*.rules`, sorted by path. Any file that cannot be read or parsed fails the whole load: no
 * command is ever decided on a half-read policy.
 */
import { readdir, readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { existsSync } from "node:fs";
import { ExecPolicyParseError, PolicyParser } from "./parser.js";
import type { Policy } from "./policy.js";

export const RULES_DIR_NAME = "rules";
export const DEFAULT_POLICY_FILE = "default.rules";
/** The system folder Loom reads like Codex's `/etc/codex` (its `rules/` subfolder). */
export const SYSTEM_CONFIG_DIR = "/etc/loom";

/** A rules folder or file that exists but cannot be read. */
export class ExecPolicyReadError extends Error {
  override readonly name = "ExecPolicyReadError";
}

export interface RulesLocations {
  /** The data dir (`<data dir>/rules`). */
  dataDir?: string;
  /** Replaces `/etc/loom` (tests; `null` reads no system folder). */
  systemDir?: string | null;
  /** The thread's cwd, for project folders (read only when `trustedProject` says so). */
  cwd?: string;
  /** Whether a project folder may contribute rules (Codex reads them only for trusted projects). */
  trustedProject?: (projectRoot: string) => boolean;
}

/** The `rules/` folders of `locations`, lowest precedence first. */
export function rulesFolders(locations: RulesLocations): string[] {
  const folders: string[] = [];
  const system = locations.systemDir === undefined ? SYSTEM_CONFIG_DIR : locations.systemDir;
  if (system !== null) folders.push(join(system, RULES_DIR_NAME));
  if (locations.dataDir) folders.push(join(resolve(locations.dataDir), RULES_DIR_NAME));
  if (locations.cwd && locations.trustedProject) {
    const cwd = resolve(locations.cwd);
    const root = projectRoot(cwd);
    if (locations.trustedProject(root) || locations.trustedProject(cwd)) {
      const chain: string[] = [];
      for (let dir = cwd; ; dir = dirname(dir)) {
        chain.unshift(join(dir, ".codex", RULES_DIR_NAME));
        if (dir === root || dirname(dir) === dir) break;
      }
      folders.push(...chain.filter((f) => !folders.includes(f)));
    }
  }
  return folders;
}

/** The nearest ancestor of `cwd` holding `.git` (Codex's default project root marker), else cwd. */
export function projectRoot(cwd: string): string {
  for (let dir = cwd; ; dir = dirname(dir)) {
    if (existsSync(join(dir, ".git"))) return dir;
    if (dirname(dir) === dir) return cwd;
  }
}

/** The `*.rules` files of one folder, sorted; a missing folder has none. */
export async function policyFiles(folder: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return [];
    throw new ExecPolicyReadError(`failed to read rules files from ${folder}: ${(error as Error).message}`, { cause: error });
  }
  return entries
    .filter((e) => e.isFile() && e.name.endsWith(".rules") && e.name.length > ".rules".length)
    .map((e) => join(folder, e.name))
    .sort();
}

/** Reads and parses these files in order into one policy. */
export async function loadPolicyFiles(paths: readonly string[]): Promise<Policy> {
  const parser = new PolicyParser();
  for (const path of paths) {
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (error) {
      throw new ExecPolicyReadError(`failed to read rules file ${path}: ${(error as Error).message}`, { cause: error });
    }
    parser.parse(path, text);
  }
  return parser.build();
}

/** Every rules file Loom reads for these locations, as one policy. */
export async function loadExecPolicy(locations: RulesLocations): Promise<Policy> {
  const files: string[] = [];
  for (const folder of rulesFolders(locations)) files.push(...(await policyFiles(folder)));
  return loadPolicyFiles(files);
}

export { ExecPolicyParseError };
