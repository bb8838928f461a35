/**
 * Applies a patch to the filesystem all or nothing: parse, plan every hunk in memory, and only when
 * the whole patch fits write the files. If a write fails (or the call is aborted) midway, the files
 * already written are put back from copies held in memory, so a failed patch leaves no trace.
 * (Codex's tool path also verifies before writing, but does not undo a write that fails halfway.)
 */
import { chmod, lstat, mkdir, rmdir, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { readRegularFile } from "../../sandbox/index.js";
import { ApplyPatchError, InvalidPatchError } from "./errors.js";
import { type Hunk, parsePatch } from "./parser.js";
import { type AffectedPaths, type PatchFileChange, type PatchPlan, planPatch } from "./plan.js";

export interface ApplyPatchOptions {
  /** Directory that relative paths in the patch resolve against. */
  cwd: string;
  /** Aborting before the writes finish undoes those already made and rejects with the reason. */
  signal?: AbortSignal;
}

export interface ApplyPatchResult {
  /** What changed, keyed by absolute path, as `patch_apply_begin` / `patch_apply_end` carry it. */
  changes: Record<string, PatchFileChange>;
  /** Codex's summary: `Success. Updated the following files:` then `A`/`M`/`D` lines. */
  stdout: string;
  affected: AffectedPaths;
}

/**
 * Reads a file as strict UTF-8, as Codex does: a file that is not text is not patched. Only a
 * regular file, and at most 16 MiB of it (Codex reads whatever it is given: `/dev/zero` for ever).
 */
export async function readTextFile(absPath: string): Promise<string> {
  const bytes = await readRegularFile(absPath);
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (err) {
    throw new Error("stream did not contain valid UTF-8", { cause: err });
  }
}

/** Parses `text` and plans it against `cwd` without writing; both steps' errors are `ApplyPatchError`. */
export async function planPatchText(text: string, cwd: string): Promise<{ hunks: Hunk[]; plan: PatchPlan }> {
  let hunks: Hunk[];
  try {
    hunks = parsePatch(text).hunks;
  } catch (err) {
    if (err instanceof InvalidPatchError) {
      throw new ApplyPatchError(err.message, { stage: "verification", cause: err });
    }
    throw err;
  }
  return { hunks, plan: await planPatch(hunks, cwd, readTextFile) };
}

/**
 * The `changes` map for `apply_patch_approval_request` and `patch_apply_begin`, computed without
 * writing. Throws `ApplyPatchError` when the patch would not apply.
 */
export async function changesForApproval(text: string, cwd: string): Promise<Record<string, PatchFileChange>> {
  return (await planPatchText(text, cwd)).plan.changes;
}

export async function applyPatch(text: string, options: ApplyPatchOptions): Promise<ApplyPatchResult> {
  options.signal?.throwIfAborted();
  const { hunks, plan } = await planPatchText(text, options.cwd);
  if (hunks.length === 0) throw new ApplyPatchError("No files were modified.", { stage: "apply" });
  options.signal?.throwIfAborted();
  await writeAll(plan, options.signal);
  return { changes: plan.changes, stdout: summary(plan.affected), affected: plan.affected };
}

/** Codex's `print_summary`. */
export function summary(affected: AffectedPaths): string {
  let out = "Success. Updated the following files:\n";
  for (const p of affected.added) out += `A ${p}\n`;
  for (const p of affected.modified) out += `M ${p}\n`;
  for (const p of affected.deleted) out += `D ${p}\n`;
  return out;
}

/** A file's bytes and mode before the write, or `null` when it did not exist. */
interface Backup {
  path: string;
  before: { bytes: Buffer; mode: number } | null;
  /** The topmost directory this apply created for the file, to remove again on rollback. */
  createdDir?: string;
}

async function snapshot(absPath: string): Promise<Backup> {
  try {
    const stat = await lstat(absPath);
    if (!stat.isFile()) return { path: absPath, before: null };
    return { path: absPath, before: { bytes: await readRegularFile(absPath), mode: stat.mode & 0o7777 } };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return { path: absPath, before: null };
    throw err;
  }
}

async function writeAll(plan: PatchPlan, signal: AbortSignal | undefined): Promise<void> {
  // Copy every original first: nothing is written until the undo information is complete.
  const backups: Backup[] = [];
  for (const file of plan.files) {
    backups.push(await snapshot(file.path).catch((err: unknown) => {
      throw new ApplyPatchError(`Failed to read ${file.path}`, { stage: "apply", path: file.path, cause: err });
    }));
  }

  const done: Backup[] = [];
  try {
    for (const [i, file] of plan.files.entries()) {
      signal?.throwIfAborted();
      const backup = backups[i];
      done.push(backup);
      if (file.after !== null) {
        await writeWithParents(file.path, file.after, backup);
      } else if (backup.before !== null) {
        await unlink(file.path).catch((err: unknown) => {
          throw new ApplyPatchError(`Failed to delete file ${file.path}`, { stage: "apply", path: file.path, cause: err });
        });
      }
    }
  } catch (err) {
    const failures = await rollback(done);
    if (signal?.aborted && !(err instanceof ApplyPatchError)) throw signal.reason;
    const base = err instanceof ApplyPatchError
      ? err
      : new ApplyPatchError(`Failed to write files: ${String(err)}`, { stage: "apply", cause: err });
    if (failures.length === 0) throw base;
    throw new ApplyPatchError(`${base.message}\n(could not restore ${failures.join(", ")})`, {
      stage: "apply", path: base.path, cause: base,
    });
  }
}

async function writeWithParents(absPath: string, text: string, backup: Backup): Promise<void> {
  try {
    await writeFile(absPath, text);
    return;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new ApplyPatchError(`Failed to write file ${absPath}`, { stage: "apply", path: absPath, cause: err });
    }
  }
  try {
    backup.createdDir = await mkdir(path.dirname(absPath), { recursive: true });
  } catch (err) {
    throw new ApplyPatchError(`Failed to create parent directories for ${absPath}`, {
      stage: "apply", path: absPath, cause: err,
    });
  }
  await writeFile(absPath, text).catch((err: unknown) => {
    throw new ApplyPatchError(`Failed to write file ${absPath}`, { stage: "apply", path: absPath, cause: err });
  });
}

/** Puts back every file in `done` (latest first); returns the paths that could not be restored. */
async function rollback(done: Backup[]): Promise<string[]> {
  const failures: string[] = [];
  for (const backup of [...done].reverse()) {
    try {
      if (backup.before === null) {
        // The failed write may never have created it (a missing or non-directory parent).
        await unlink(backup.path).catch((err: unknown) => {
          const code = (err as NodeJS.ErrnoException).code;
          if (code !== "ENOENT" && code !== "ENOTDIR") throw err;
        });
      } else {
        await writeFile(backup.path, backup.before.bytes);
        await chmod(backup.path, backup.before.mode);
      }
      if (backup.createdDir !== undefined) await removeEmptyDirs(path.dirname(backup.path), backup.createdDir);
    } catch {
      failures.push(backup.path);
    }
  }
  return failures;
}

/** Removes `dir` and its parents up to and including `top`, stopping at the first that is not empty. */
async function removeEmptyDirs(dir: string, top: string): Promise<void> {
  for (let d = dir; ; d = path.dirname(d)) {
    try {
      await rmdir(d);
    } catch {
      return;
    }
    if (d === top || path.dirname(d) === d) return;
  }
}
