/**
 * Finding skills where Codex looks (`codex-core-skills` loader): the repo's `.codex/skills` and
 * `.agents/skills` folders from the project root down to the cwd, the user's `<data dir>/skills`
 * (Codex's `$CODEX_HOME/skills`) and `$HOME/.agents/skills`, and system skills in
 * `<data dir>/skills/.system`. Every `SKILL.md` is read for its YAML front matter; a file that
 * does not validate is an error naming it (reported as a warning), never a failure.
 */
import { readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

import { parseYaml } from "./yaml.js";
import { isForCodex, loadSkillMetadata, type SkillExtraMetadata } from "./metadata.js";

export type SkillScope = "repo" | "user" | "system" | "admin";

/** A skill: its SKILL.md front matter, and what its `agents/openai.yaml` adds (interface, dependencies, policy). */
export interface SkillMetadata extends SkillExtraMetadata {
  name: string;
  description: string;
  shortDescription?: string;
  /** Absolute (resolved) path of the SKILL.md. */
  path: string;
  scope: SkillScope;
}

export interface SkillError {
  path: string;
  message: string;
}

export interface SkillLoadOutcome {
  skills: SkillMetadata[];
  errors: SkillError[];
  /** What an `agents/openai.yaml` had that was ignored (Codex only logs these). */
  metadataWarnings: string[];
}

export interface SkillRoot {
  path: string;
  scope: SkillScope;
}

const SKILL_FILE = "SKILL.md";
const MAX_NAME_LEN = 64;
const MAX_DESCRIPTION_LEN = 1024;
const MAX_SCAN_DEPTH = 6;
const MAX_DIRS_PER_ROOT = 2000;
/** SKILL.md files larger than this are refused (front matter is a few lines). */
const MAX_SKILL_FILE_BYTES = 1024 * 1024;

export interface SkillPlaces {
  /** Loom's data dir (Codex's `$CODEX_HOME`). */
  dataDir?: string;
  /** The user's home (for `~/.agents/skills`). */
  home?: string;
  cwd: string;
}

/** The roots, highest precedence first (a SKILL.md reachable from two roots keeps the first). */
export function skillRoots(places: SkillPlaces): SkillRoot[] {
  const roots: SkillRoot[] = [];
  const dirs = dirsFromProjectRoot(places.cwd);
  for (const dir of [...dirs].reverse()) roots.push({ path: join(dir, ".codex", "skills"), scope: "repo" });
  if (places.dataDir) roots.push({ path: join(places.dataDir, "skills"), scope: "user" });
  if (places.home) roots.push({ path: join(places.home, ".agents", "skills"), scope: "user" });
  if (places.dataDir) roots.push({ path: join(places.dataDir, "skills", ".system"), scope: "system" });
  for (const dir of dirs) roots.push({ path: join(dir, ".agents", "skills"), scope: "repo" });
  const seen = new Set<string>();
  return roots.filter((root) => !seen.has(root.path) && seen.add(root.path));
}

/** The directories from the project root (nearest ancestor with `.git`, else the cwd) down to the cwd. */
function dirsFromProjectRoot(cwd: string): string[] {
  const start = resolve(cwd);
  const chain: string[] = [];
  for (let dir = start; ; dir = dirname(dir)) {
    chain.push(dir);
    if (exists(join(dir, ".git"))) return chain.reverse();
    if (dirname(dir) === dir) return [start];
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

const SCOPE_RANK: Record<SkillScope, number> = { repo: 0, user: 1, system: 2, admin: 3 };

export function loadSkills(roots: readonly SkillRoot[]): SkillLoadOutcome {
  const outcome: SkillLoadOutcome = { skills: [], errors: [], metadataWarnings: [] };
  for (const root of roots) scanRoot(root, outcome);
  const seen = new Set<string>();
  outcome.skills = outcome.skills.filter((skill) => !seen.has(skill.path) && seen.add(skill.path));
  outcome.skills.sort(
    (a, b) => SCOPE_RANK[a.scope] - SCOPE_RANK[b.scope] || compare(a.name, b.name) || compare(a.path, b.path),
  );
  return outcome;
}

// Rust's `String::cmp`: byte order, not locale order.
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function realpath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function scanRoot(root: SkillRoot, outcome: SkillLoadOutcome): void {
  const start = realpath(root.path);
  if (!isDir(start)) return;
  // Codex follows symlinked folders except in system skills (which it writes itself).
  const followLinks = root.scope !== "system";
  const visited = new Set([start]);
  const queue: [string, number][] = [[start, 0]];
  while (queue.length > 0) {
    const [dir, depth] = queue.shift()!;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names.sort()) {
      if (name.startsWith(".")) continue;
      const path = join(dir, name);
      let stat;
      try {
        stat = statSync(path, { throwIfNoEntry: false });
      } catch {
        continue;
      }
      if (!stat) continue;
      if (stat.isDirectory()) {
        let linked = false;
        try {
          linked = readdirSync(dir, { withFileTypes: true }).find((entry) => entry.name === name)?.isSymbolicLink() ?? false;
        } catch {
          linked = false;
        }
        if (linked && !followLinks) continue;
        const resolved = realpath(path);
        if (depth + 1 > MAX_SCAN_DEPTH || visited.size >= MAX_DIRS_PER_ROOT || visited.has(resolved)) continue;
        visited.add(resolved);
        queue.push([resolved, depth + 1]);
        continue;
      }
      if (stat.isFile() && name === SKILL_FILE) {
        const parsed = parseSkillFile(path, root.scope);
        if ("message" in parsed) {
          // Codex does not report its own (system) skills' errors.
          if (root.scope !== "system") outcome.errors.push(parsed);
          continue;
        }
        const extra = loadSkillMetadata(path);
        outcome.metadataWarnings.push(...extra.warnings);
        const skill = { ...parsed, ...extra.metadata };
        // A skill made for other products only (policy.products) does not exist in a Codex session.
        if (isForCodex(skill)) outcome.skills.push(skill);
      }
    }
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Codex's `extract_frontmatter`: the lines between a first `---` line and the next. */
export function extractFrontmatter(contents: string): string | null {
  const lines = contents.split(/\r?\n/);
  if (lines[0]?.trim() !== "---") return null;
  const body: string[] = [];
  for (const line of lines.slice(1)) {
    if (line.trim() === "---") return body.length > 0 ? body.join("\n") : null;
    body.push(line);
  }
  return null;
}

/** Codex's `sanitize_single_line`: whitespace runs become one space. */
const singleLine = (text: string) => text.split(/\s+/).filter(Boolean).join(" ");

export function parseSkillFile(path: string, scope: SkillScope): SkillMetadata | SkillError {
  const fail = (message: string): SkillError => ({ path, message });
  let contents: string;
  try {
    if (statSync(path).size > MAX_SKILL_FILE_BYTES) return fail(`failed to read file: larger than ${MAX_SKILL_FILE_BYTES} bytes`);
    contents = readFileSync(path, "utf8");
  } catch (error) {
    return fail(`failed to read file: ${(error as Error).message}`);
  }
  const frontmatter = extractFrontmatter(contents);
  if (frontmatter === null) return fail("missing YAML frontmatter delimited by ---");
  let value: unknown;
  try {
    value = parseYaml(frontmatter);
  } catch (error) {
    return fail(`invalid YAML: ${(error as Error).message.split("\n")[0]!.replace(/:$/, "")}`);
  }
  const data = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  const text = (field: string, v: unknown): string | undefined | SkillError => {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "string") return fail(`invalid YAML: ${field}: expected a string`);
    return v;
  };
  const rawName = text("name", data.name);
  if (typeof rawName === "object") return rawName;
  const rawDescription = text("description", data.description);
  if (typeof rawDescription === "object") return rawDescription;
  const metadata = (typeof data.metadata === "object" && data.metadata !== null ? data.metadata : {}) as Record<string, unknown>;
  const rawShort = text("metadata.short-description", metadata["short-description"]);
  if (typeof rawShort === "object") return rawShort;
  const name = singleLine(rawName ?? "") || singleLine(dirname(path).split("/").pop() ?? "") || "skill";
  const description = singleLine(rawDescription ?? "");
  const shortDescription = rawShort === undefined ? undefined : singleLine(rawShort) || undefined;
  const invalid = checkLength(name, MAX_NAME_LEN, "name") ?? checkLength(description, MAX_DESCRIPTION_LEN, "description") ??
    (shortDescription !== undefined ? checkLength(shortDescription, MAX_DESCRIPTION_LEN, "metadata.short-description") : undefined);
  if (invalid) return fail(invalid);
  return { name, description, ...(shortDescription ? { shortDescription } : {}), path: realpath(path), scope };
}

function checkLength(value: string, max: number, field: string): string | undefined {
  if (value === "") return `missing field \`${field}\``;
  if ([...value].length > max) return `invalid ${field}: exceeds maximum length of ${max} characters`;
  return undefined;
}
