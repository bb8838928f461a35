// applyPatch on real temporary directories: what lands on disk, Codex's summary, and that a patch
// that fails (while planning or while writing) leaves every file exactly as it was.
import { mkdtemp, mkdir, readdir, readFile, rm, stat, writeFile, chmod } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FileChange } from "../../src/events/index.js";
import { ApplyPatchError, applyPatch, changesForApproval } from "../../src/actors/apply-patch/index.js";

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "loom-apply-patch-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const wrap = (body: string): string => `*** Begin Patch\n${body}\n*** End Patch`;
const at = (p: string): string => path.join(dir, p);
const read = (p: string): Promise<string> => readFile(at(p), "utf8");
const exists = (p: string): Promise<boolean> => stat(at(p)).then(() => true, () => false);

async function put(files: Record<string, string>): Promise<void> {
  for (const [p, text] of Object.entries(files)) {
    await mkdir(path.dirname(at(p)), { recursive: true });
    await writeFile(at(p), text);
  }
}

/** Every file under the temp dir with its text: the whole observable state. */
async function tree(root = dir, prefix = ""): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(root, { withFileTypes: true })) {
    const rel = prefix + entry.name;
    if (entry.isDirectory()) Object.assign(out, { [`${rel}/`]: "" }, await tree(path.join(root, entry.name), `${rel}/`));
    else out[rel] = await readFile(path.join(root, entry.name), "utf8");
  }
  return out;
}

async function failure(text: string): Promise<ApplyPatchError> {
  const err = await applyPatch(text, { cwd: dir }).then(() => undefined, (e: unknown) => e);
  if (!(err instanceof ApplyPatchError)) throw new Error(`expected ApplyPatchError, got ${String(err)}`);
  return err;
}

describe("applyPatch", () => {
  it("adds a file, creating its directories, and prints Codex's summary", async () => {
    const result = await applyPatch(wrap("*** Add File: deep/er/add.txt\n+ab\n+cd"), { cwd: dir });
    expect(await read("deep/er/add.txt")).toBe("ab\ncd\n");
    expect(result.stdout).toBe("Success. Updated the following files:\nA deep/er/add.txt\n");
    expect(result.changes).toEqual({ [at("deep/er/add.txt")]: { type: "add", content: "ab\ncd\n" } });
  });

  it("updates, deletes and moves, listing each in the summary", async () => {
    await put({ "modify.txt": "line1\nline2\n", "delete.txt": "obsolete\n", "old/name.txt": "old content\n" });
    const result = await applyPatch(wrap([
      "*** Add File: nested/new.txt", "+created",
      "*** Delete File: delete.txt",
      "*** Update File: modify.txt", "@@", "-line2", "+changed",
      "*** Update File: old/name.txt", "*** Move to: renamed/dir/name.txt", "@@", "-old content", "+new content",
    ].join("\n")), { cwd: dir });
    expect(await tree()).toEqual({
      "modify.txt": "line1\nchanged\n",
      "nested/": "", "nested/new.txt": "created\n",
      "old/": "",
      "renamed/": "", "renamed/dir/": "", "renamed/dir/name.txt": "new content\n",
    });
    expect(result.stdout).toBe(
      "Success. Updated the following files:\nA nested/new.txt\nM modify.txt\nM renamed/dir/name.txt\nD delete.txt\n",
    );
    expect(result.affected).toEqual({ added: ["nested/new.txt"], modified: ["modify.txt", "renamed/dir/name.txt"], deleted: ["delete.txt"] });
    expect(result.changes[at("old/name.txt")]).toEqual({
      type: "update", unified_diff: "@@ -1 +1 @@\n-old content\n+new content\n", move_path: at("renamed/dir/name.txt"),
    });
    // The values are the protocol's FileChange, as patch_apply_begin carries them.
    for (const change of Object.values(result.changes)) expect(FileChange.safeParse(change).success).toBe(true);
  });

  it("applies several chunks to one file and several files in one patch", async () => {
    await put({ "a.txt": "a\nb\nc\nd\ne\nf\n", "b.txt": "one\ntwo\n" });
    await applyPatch(wrap([
      "*** Update File: a.txt", "@@", " a", "-b", "+B", "@@", " c", " d", "-e", "+E", "@@", " f", "+g", "*** End of File",
      "*** Update File: b.txt", "@@", "-two", "+2",
    ].join("\n")), { cwd: dir });
    expect(await read("a.txt")).toBe("a\nB\nc\nd\nE\nf\ng\n");
    expect(await read("b.txt")).toBe("one\n2\n");
  });

  it("accepts absolute paths", async () => {
    await put({ "abs.txt": "before\n" });
    const result = await applyPatch(wrap(`*** Update File: ${at("abs.txt")}\n@@\n-before\n+after`), { cwd: "/" });
    expect(await read("abs.txt")).toBe("after\n");
    expect(result.stdout).toBe(`Success. Updated the following files:\nM ${at("abs.txt")}\n`);
  });

  it("matches context that differs only in whitespace (and, like Codex, writes the patch's version of it)", async () => {
    await put({ "ws.py": "def f():\n    x = 1   \n\treturn x\n" });
    await applyPatch(wrap("*** Update File: ws.py\n@@\n def f():\n-    x = 1\n+    x = 2\n return x"), { cwd: dir });
    expect(await read("ws.py")).toBe("def f():\n    x = 2\nreturn x\n");
  });

  it("keeps a file's mode and byte-order mark", async () => {
    await put({ "run.sh": "\uFEFF#!/bin/sh\necho hi\n" });
    await chmod(at("run.sh"), 0o755);
    await applyPatch(wrap("*** Update File: run.sh\n@@\n-echo hi\n+echo bye"), { cwd: dir });
    expect(await read("run.sh")).toBe("\uFEFF#!/bin/sh\necho bye\n");
    expect((await stat(at("run.sh"))).mode & 0o777).toBe(0o755);
  });
});

describe("applyPatch: all or nothing", () => {
  it("a hunk that does not fit in the second file leaves the first file untouched", async () => {
    await put({ "first.txt": "one\n", "second.txt": "two\n" });
    const before = await tree();
    const err = await failure(wrap([
      "*** Update File: first.txt", "@@", "-one", "+ONE",
      "*** Add File: created.txt", "+new",
      "*** Update File: second.txt", "@@", "-not there", "+x",
    ].join("\n")));
    expect(err.stage).toBe("verification");
    expect(err.modelMessage).toBe(`apply_patch verification failed: Failed to find expected lines in ${at("second.txt")}:\nnot there`);
    expect(err.hunkIndex).toBe(2);
    expect(await tree()).toEqual(before);
  });

  it("a write that fails midway restores the files already written and removes created directories", async () => {
    await put({ "a.txt": "keep me\n", "gone.txt": "back\n", blocker: "a file, not a directory\n" });
    const before = await tree();
    const err = await failure(wrap([
      "*** Update File: a.txt", "@@", "-keep me", "+changed",
      "*** Delete File: gone.txt",
      "*** Add File: fresh/dir/new.txt", "+new",
      "*** Add File: blocker/inside.txt", "+cannot be written",
    ].join("\n")));
    expect(err.stage).toBe("apply");
    expect(err.message).toBe(`Failed to write file ${at("blocker/inside.txt")}`);
    expect(err.modelMessage).toBe(err.message);
    expect(await tree()).toEqual(before);
  });

  it("an empty patch modifies nothing and says so", async () => {
    await put({ "foo.txt": "stable\n" });
    const err = await failure("*** Begin Patch\n*** End Patch");
    expect(err.message).toBe("No files were modified.");
    expect(err.stderr).toBe("No files were modified.\n");
    expect(await read("foo.txt")).toBe("stable\n");
  });

  it("a syntax error is reported with its line and changes nothing", async () => {
    const err = await failure(wrap("*** Add File: a.txt\n+a\n*** Update File: b.txt\n@@\noops"));
    expect(err.modelMessage).toBe(
      "apply_patch verification failed: invalid hunk at line 6, Unexpected line found in update hunk: 'oops'. Every line should start with ' ' (context line), '+' (added line), or '-' (removed line)",
    );
    expect(err.stderr).toMatch(/^Invalid patch hunk on line 6: /);
    expect(await exists("a.txt")).toBe(false);
  });

  it("refuses to delete a directory", async () => {
    await put({ "dir/foo.txt": "stable\n" });
    const err = await failure(wrap("*** Delete File: dir"));
    expect(err.message).toBe(`Failed to read ${at("dir")}: Is a directory (os error 21)`);
    expect(await read("dir/foo.txt")).toBe("stable\n");
  });

  it("refuses to patch a file that is not UTF-8", async () => {
    await writeFile(at("bin.dat"), Buffer.from([0xff, 0xfe, 0x00, 0x41]));
    const err = await failure(wrap("*** Update File: bin.dat\n@@\n-A\n+B"));
    expect(err.message).toBe(`Failed to read file to update ${at("bin.dat")}: stream did not contain valid UTF-8`);
  });

  it("does nothing when already aborted", async () => {
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await expect(applyPatch(wrap("*** Add File: a.txt\n+a"), { cwd: dir, signal: controller.signal })).rejects.toThrow("stop");
    expect(await exists("a.txt")).toBe(false);
  });
});

describe("changesForApproval", () => {
  it("computes the changes without writing", async () => {
    await put({ "a.txt": "foo\nbar\n" });
    const changes = await changesForApproval(wrap("*** Update File: a.txt\n@@\n foo\n-bar\n+baz\n*** Add File: b.txt\n+b"), dir);
    expect(changes).toEqual({
      [at("a.txt")]: { type: "update", unified_diff: "@@ -1,2 +1,2 @@\n foo\n-bar\n+baz\n", move_path: null },
      [at("b.txt")]: { type: "add", content: "b\n" },
    });
    expect(await read("a.txt")).toBe("foo\nbar\n");
    expect(await exists("b.txt")).toBe(false);
  });

  it("rejects a patch that would not apply", async () => {
    await expect(changesForApproval(wrap("*** Delete File: nope.txt"), dir)).rejects.toBeInstanceOf(ApplyPatchError);
  });
});
