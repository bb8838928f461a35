/**
 * Computes, in memory, what a parsed patch does to each file, without writing anything. Hunks apply
 * in order against a virtual view of the files, so a later hunk sees an earlier one's result (add,
 * then update the same file). Locating chunks follows Codex's `compute_replacements` to the letter,
 * so a patch fits here exactly when it fits in Codex, and fails with the same message when not.
 */
import path from "node:path";
import { ApplyPatchError, describeIoError, notFoundError } from "./errors.js";
import type { Hunk, UpdateFileChunk } from "./parser.js";
import { seekSequence } from "./seek-sequence.js";
import { unifiedDiff } from "./unified-diff.js";

/** Reads a file as UTF-8 text; rejects (with a Node fs error) when it is missing or unreadable. */
export type ReadTextFile = (absPath: string) => Promise<string>;

/**
 * A proposed change to one file, as Codex's protocol `FileChange` serialises it (`type`-tagged).
 * Assignable to the `FileChange` schema type in `src/events`.
 */
export type PatchFileChange =
  | { type: "add"; content: string }
  | { type: "delete"; content: string }
  | { type: "update"; unified_diff: string; move_path: string | null };

/** The files a patch touched, spelled as in the patch, for Codex's `A`/`M`/`D` summary. */
export interface AffectedPaths {
  added: string[];
  modified: string[];
  deleted: string[];
}

/** One file's state after the whole patch: its new text, or `null` when the patch removes it. */
export interface PlannedFile {
  path: string;
  after: string | null;
}

export interface PatchPlan {
  /** Keyed by absolute path (a move is keyed by its source and names the destination). */
  changes: Record<string, PatchFileChange>;
  /** Every touched path's final state, in the order the patch first touches them. */
  files: PlannedFile[];
  affected: AffectedPaths;
}

/** `FileChange.update` diffs carry one line of context, as Codex sends them. */
const FILE_CHANGE_CONTEXT = 1;

/**
 * Plans `hunks` against the files under `cwd` (relative paths resolve against it; absolute ones are
 * taken as they are). Throws `ApplyPatchError` (stage `verification`) naming the file and hunk
 * that does not apply.
 */
export async function planPatch(hunks: readonly Hunk[], cwd: string, readFile: ReadTextFile): Promise<PatchPlan> {
  // Paths this patch already wrote (string) or removed (null); everything else is read from disk.
  const overlay = new Map<string, string | null>();
  const order: string[] = [];
  const changes: Record<string, PatchFileChange> = {};
  const affected: AffectedPaths = { added: [], modified: [], deleted: [] };

  const touch = (abs: string, after: string | null): void => {
    if (!overlay.has(abs)) order.push(abs);
    overlay.set(abs, after);
  };
  const current = async (abs: string): Promise<string> => {
    const known = overlay.get(abs);
    if (known === null) throw notFoundError(abs);
    return known !== undefined ? known : readFile(abs);
  };

  for (const [hunkIndex, hunk] of hunks.entries()) {
    const abs = path.resolve(cwd, hunk.path);
    switch (hunk.type) {
      case "add": {
        touch(abs, hunk.contents);
        changes[abs] = { type: "add", content: hunk.contents };
        affected.added.push(hunk.path);
        break;
      }
      case "delete": {
        const content = await current(abs).catch((err: unknown) => {
          throw new ApplyPatchError(`Failed to read ${abs}: ${describeIoError(err)}`, {
            stage: "verification", path: abs, hunkIndex, cause: err,
          });
        });
        touch(abs, null);
        changes[abs] = { type: "delete", content };
        affected.deleted.push(hunk.path);
        break;
      }
      case "update": {
        const before = await current(abs).catch((err: unknown) => {
          throw new ApplyPatchError(`Failed to read file to update ${abs}: ${describeIoError(err)}`, {
            stage: "verification", path: abs, hunkIndex, cause: err,
          });
        });
        const after = applyChunks(before, hunk.chunks, abs, hunkIndex);
        // Moving a file onto itself is an in-place update (Codex would write, then delete, the file).
        const dest = hunk.moveTo === null ? null : path.resolve(cwd, hunk.moveTo);
        const moveTo = dest === abs ? null : dest;
        if (moveTo !== null) {
          touch(moveTo, after);
          touch(abs, null);
        } else {
          touch(abs, after);
        }
        const earlier = changes[abs];
        // A file this patch itself created is still an addition, just with the updated text.
        changes[abs] =
          earlier?.type === "add" && moveTo === null
            ? { type: "add", content: after }
            : {
              type: "update",
              unified_diff: unifiedDiff(before, after, undefined, undefined, { context: FILE_CHANGE_CONTEXT }),
              move_path: moveTo,
            };
        affected.modified.push(hunk.moveTo ?? hunk.path);
        break;
      }
      default: {
        const never: never = hunk;
        throw new Error(`unknown hunk ${JSON.stringify(never)}`);
      }
    }
  }
  const files = order.map((p) => ({ path: p, after: overlay.get(p) ?? null }));
  return { changes, files, affected };
}

/** Codex's `derive_new_contents_from_chunks`: the file's text once every chunk is applied. */
export function applyChunks(text: string, chunks: readonly UpdateFileChunk[], absPath: string, hunkIndex?: number): string {
  const lines = text.split("\n");
  // The empty string after a final newline is not a line (as in `diff`).
  if (lines[lines.length - 1] === "") lines.pop();
  const replacements = computeReplacements(lines, chunks, absPath, hunkIndex);
  // Apply from the bottom up so earlier indices stay valid.
  for (let r = replacements.length - 1; r >= 0; r--) {
    const [start, oldLen, newLines] = replacements[r];
    lines.splice(start, oldLen, ...newLines);
  }
  if (lines[lines.length - 1] !== "") lines.push("");
  return lines.join("\n");
}

type Replacement = [start: number, oldLen: number, newLines: string[]];

function computeReplacements(
  lines: readonly string[],
  chunks: readonly UpdateFileChunk[],
  absPath: string,
  hunkIndex: number | undefined,
): Replacement[] {
  const replacements: Replacement[] = [];
  let lineIndex = 0;
  for (const chunk of chunks) {
    if (chunk.context !== null) {
      const at = seekSequence(lines, [chunk.context], lineIndex, false);
      if (at < 0) {
        throw new ApplyPatchError(`Failed to find context '${chunk.context}' in ${absPath}`, {
          stage: "verification", path: absPath, hunkIndex,
        });
      }
      lineIndex = at + 1;
    }

    if (chunk.oldLines.length === 0) {
      // A pure addition goes at the end of the file (before a trailing blank line, if any).
      const at = lines.length > 0 && lines[lines.length - 1] === "" ? lines.length - 1 : lines.length;
      replacements.push([at, 0, [...chunk.newLines]]);
      continue;
    }

    let pattern: readonly string[] = chunk.oldLines;
    let replacement: readonly string[] = chunk.newLines;
    let found = seekSequence(lines, pattern, lineIndex, chunk.endOfFile);
    if (found < 0 && pattern[pattern.length - 1] === "") {
      // A trailing empty old line usually stands for the file's final newline, which is not a line
      // here: retry without it.
      pattern = pattern.slice(0, -1);
      if (replacement[replacement.length - 1] === "") replacement = replacement.slice(0, -1);
      found = seekSequence(lines, pattern, lineIndex, chunk.endOfFile);
    }
    if (found < 0) {
      throw new ApplyPatchError(`Failed to find expected lines in ${absPath}:\n${chunk.oldLines.join("\n")}`, {
        stage: "verification", path: absPath, hunkIndex,
      });
    }
    replacements.push([found, pattern.length, [...replacement]]);
    lineIndex = found + pattern.length;
  }
  return replacements.sort((x, y) => x[0] - y[0]);
}
