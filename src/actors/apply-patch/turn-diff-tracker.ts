/**
 * The aggregated diff of a turn (`turn_diff`), like Codex's `TurnDiffTracker`: before each
 * `patch_apply_begin` it remembers every file's bytes as they were when the turn first touched
 * them, and renders a `git diff`-style patch from those baselines to what is on disk now. Each file
 * keeps one stable identity across moves, so a move shows as `diff --git a/old b/new`; a file the
 * turn created diffs from /dev/null, one it deleted to /dev/null.
 */
import { createHash } from "node:crypto";
import { lstat, readlink, stat } from "node:fs/promises";
import { readRegularFile } from "../../sandbox/index.js";
import path from "node:path";
import type { FileChange } from "../../events/index.js";
import { unifiedDiff } from "./unified-diff.js";

const ZERO_OID = "0000000000000000000000000000000000000000";
const DEV_NULL = "/dev/null";

type FileMode = "100644" | "100755" | "120000";

interface Baseline {
  path: string;
  /** The bytes when first seen; `null` when the file did not exist yet (the diff is then an add). */
  content: Buffer | null;
  mode: FileMode;
}

export class TurnDiffTracker {
  private nextId = 0;
  /** Current external path -> stable internal id. */
  private readonly idOfPath = new Map<string, number>();
  private readonly baselines = new Map<number, Baseline>();
  /** Internal id -> where the file is now (after moves). */
  private readonly currentPath = new Map<number, string>();
  private readonly gitRoots: string[] = [];

  /**
   * Call before a patch is applied, with its `changes` (absolute paths): snapshots the files this
   * turn has not touched yet, and follows moves. Accepts both `FileChange` encodings.
   */
  async onPatchBegin(changes: Record<string, FileChange>): Promise<void> {
    for (const [file, change] of Object.entries(changes)) {
      let id = this.idOfPath.get(file);
      if (id === undefined) {
        id = this.nextId++;
        this.idOfPath.set(file, id);
        this.currentPath.set(id, file);
        const now = await readBlob(file);
        this.baselines.set(id, { path: file, content: now?.bytes ?? null, mode: now?.mode ?? "100644" });
      }
      const dest = movePathOf(change);
      if (dest !== null) {
        this.currentPath.set(id, dest);
        this.idOfPath.delete(file);
        this.idOfPath.set(dest, id);
      }
    }
  }

  /** The turn's diff so far, files sorted by path; `null` when nothing differs from the baselines. */
  async unifiedDiff(): Promise<string | null> {
    const entries: { id: number; display: string }[] = [];
    for (const id of this.baselines.keys()) {
      entries.push({ id, display: await this.displayPath(this.currentPath.get(id) ?? this.baselines.get(id)!.path) });
    }
    entries.sort((x, y) => (x.display < y.display ? -1 : x.display > y.display ? 1 : 0));
    let out = "";
    for (const { id } of entries) {
      out += await this.fileDiff(id);
      if (!out.endsWith("\n")) out += "\n";
    }
    return out.trim() === "" ? null : out;
  }

  private async fileDiff(id: number): Promise<string> {
    const base = this.baselines.get(id)!;
    const currentPath = this.currentPath.get(id) ?? base.path;
    const now = await readBlob(currentPath);
    const left = base.content;
    const right = now?.bytes ?? null;
    if (left === null ? right === null : right !== null && left.equals(right)) return "";

    const leftDisplay = await this.displayPath(base.path);
    const rightDisplay = await this.displayPath(currentPath);
    const isAdd = left === null && right !== null;
    const isDelete = left !== null && right === null;
    const currentMode = now?.mode ?? "100644";
    let out = `diff --git a/${leftDisplay} b/${rightDisplay}\n`;
    if (isAdd) out += `new file mode ${currentMode}\n`;
    else if (isDelete) out += `deleted file mode ${base.mode}\n`;
    else if (base.mode !== currentMode) out += `old mode ${base.mode}\nnew mode ${currentMode}\n`;

    out += `index ${left === null ? ZERO_OID : blobOid(left)}..${right === null ? ZERO_OID : blobOid(right)}\n`;
    const oldHeader = left === null ? DEV_NULL : `a/${leftDisplay}`;
    const newHeader = right === null ? DEV_NULL : `b/${rightDisplay}`;
    const leftText = left === null ? null : decodeUtf8(left);
    const rightText = right === null ? null : decodeUtf8(right);
    const textual = (leftText !== null && rightText !== null)
      || (isAdd && rightText !== null)
      || (isDelete && leftText !== null);
    if (textual) return out + unifiedDiff(leftText ?? "", rightText ?? "", oldHeader, newHeader, { context: 3 });
    return `${out}--- ${oldHeader}\n+++ ${newHeader}\nBinary files differ\n`;
  }

  /** The path relative to its git work tree when it has one (as git prints it), else absolute. */
  private async displayPath(file: string): Promise<string> {
    const root = await this.gitRoot(file);
    const shown = root === null ? file : path.relative(root, file);
    return shown.split(path.sep).join("/");
  }

  private async gitRoot(file: string): Promise<string | null> {
    const isDir = await stat(file).then((s) => s.isDirectory(), () => false);
    const dir = isDir ? file : path.dirname(file);
    const cached = this.gitRoots.find((r) => dir === r || dir.startsWith(r.endsWith(path.sep) ? r : r + path.sep));
    if (cached !== undefined) return cached;
    for (let cur = dir; ; cur = path.dirname(cur)) {
      if (await lstat(path.join(cur, ".git")).then(() => true, () => false)) {
        this.gitRoots.push(cur);
        return cur;
      }
      if (path.dirname(cur) === cur) return null;
    }
  }
}

/** git's blob id: SHA-1 of `blob <len>\0<bytes>` (what `git hash-object` prints without filters). */
export function blobOid(bytes: Uint8Array): string {
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

/** The file's bytes and git mode; a symlink's blob is its target. `null` when absent. */
async function readBlob(file: string): Promise<{ bytes: Buffer; mode: FileMode } | null> {
  try {
    const st = await lstat(file);
    if (st.isSymbolicLink()) return { bytes: Buffer.from(await readlink(file)), mode: "120000" };
    if (!st.isFile()) return null;
    return { bytes: await readRegularFile(file), mode: (st.mode & 0o111) !== 0 ? "100755" : "100644" };
  } catch {
    return null;
  }
}

function decodeUtf8(bytes: Buffer): string | null {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

function movePathOf(change: FileChange): string | null {
  const c = change as Record<string, unknown>;
  const update = (c.type === "update" ? c : c.update) as Record<string, unknown> | undefined;
  return typeof update?.move_path === "string" ? update.move_path : null;
}
