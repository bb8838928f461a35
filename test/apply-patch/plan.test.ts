// Planning is pure given a file reader: these tests feed it an in-memory map of files and check
// where chunks land, the fuzzy matching passes, and the errors naming the file and the lines.
import { describe, expect, it } from "vitest";
import {
  ApplyPatchError,
  applyChunks,
  parsePatch,
  planPatch,
  seekSequence,
} from "../../src/actors/apply-patch/index.js";

const cwd = "/work/repo";

function reader(files: Record<string, string>) {
  return async (abs: string): Promise<string> => {
    const text = files[abs];
    if (text === undefined) {
      throw Object.assign(new Error(`ENOENT: no such file or directory, open '${abs}'`), { code: "ENOENT", errno: -2 });
    }
    return text;
  };
}

async function plan(patchBody: string, files: Record<string, string>) {
  return planPatch(parsePatch(`*** Begin Patch\n${patchBody}\n*** End Patch`).hunks, cwd, reader(files));
}

async function planError(patchBody: string, files: Record<string, string>): Promise<ApplyPatchError> {
  const err = await plan(patchBody, files).then(() => undefined, (e: unknown) => e);
  if (!(err instanceof ApplyPatchError)) throw new Error(`expected ApplyPatchError, got ${String(err)}`);
  return err;
}

function update(text: string, body: string): string {
  const [hunk] = parsePatch(`*** Begin Patch\n*** Update File: f\n${body}\n*** End Patch`).hunks;
  if (hunk.type !== "update") throw new Error("not an update");
  return applyChunks(text, hunk.chunks, "/f");
}

describe("seekSequence", () => {
  it("matches exactly, then ignoring trailing, then surrounding whitespace", () => {
    expect(seekSequence(["foo", "bar", "baz"], ["bar", "baz"], 0, false)).toBe(1);
    expect(seekSequence(["foo   ", "bar\t\t"], ["foo", "bar"], 0, false)).toBe(0);
    expect(seekSequence(["    foo   ", "   bar\t"], ["foo", "bar"], 0, false)).toBe(0);
  });

  it("prefers an exact match later over a loose match earlier", () => {
    expect(seekSequence(["x ", "x"], ["x"], 0, false)).toBe(1);
  });

  it("normalises typographic punctuation last", () => {
    expect(seekSequence(["say \u201Chi\u201D \u2014 it\u2019s fine"], ['say "hi" - it\'s fine'], 0, false)).toBe(0);
  });

  it("with eof, only the end of the file counts", () => {
    expect(seekSequence(["a", "b", "a"], ["a"], 0, true)).toBe(2);
    expect(seekSequence(["a", "b", "c"], ["a"], 0, true)).toBe(-1);
  });

  it("handles empty and over-long patterns", () => {
    expect(seekSequence(["a"], [], 0, false)).toBe(0);
    expect(seekSequence(["just one line"], ["too", "many", "lines"], 0, false)).toBe(-1);
  });
});

describe("applyChunks", () => {
  it("replaces lines found after the previous chunk", () => {
    expect(update("foo\nbar\nbaz\nqux\n", "@@\n foo\n-bar\n+BAR\n@@\n baz\n-qux\n+QUX")).toBe("foo\nBAR\nbaz\nQUX\n");
  });

  it("uses the @@ context line to pick among repeated blocks", () => {
    const text = "class A:\n  def f():\n    pass\nclass B:\n  def f():\n    pass\n";
    expect(update(text, "@@ class B:\n   def f():\n-    pass\n+    return 1")).toBe(
      "class A:\n  def f():\n    pass\nclass B:\n  def f():\n    return 1\n",
    );
  });

  it("appends a pure addition at the end of the file", () => {
    expect(update("line1\nline2\n", "@@\n+added")).toBe("line1\nline2\nadded\n");
    expect(update("line1\nline2\nline3\n", "@@\n+after-context\n+second-line\n@@\n line1\n-line2\n-line3\n+line2-replacement"))
      .toBe("line1\nline2-replacement\nafter-context\nsecond-line\n");
  });

  it("anchors *** End of File chunks at the end", () => {
    expect(update("x\ny\nx\n", "@@\n-x\n+z\n*** End of File")).toBe("x\ny\nz\n");
  });

  it("matches context whose whitespace differs, and lines with typographic dashes", () => {
    expect(update("def f():\n    return 1   \n", "@@\n def f():\n-  return 1\n+    return 2")).toBe("def f():\n    return 2\n");
    expect(update("import asyncio  # local import \u2013 avoids top\u2011level dep\n",
      "@@\n-import asyncio  # local import - avoids top-level dep\n+import asyncio  # HELLO")).toBe("import asyncio  # HELLO\n");
  });

  it("always ends the file with a newline", () => {
    expect(update("no newline at end", "@@\n-no newline at end\n+first line\n+second line")).toBe("first line\nsecond line\n");
  });

  it("tolerates a trailing empty old line standing for the final newline", () => {
    expect(update("a\nb\n", "@@\n a\n-b\n+c\n ")).toBe("a\nc\n");
  });
});

describe("planPatch", () => {
  it("resolves relative paths against cwd and keeps absolute ones", async () => {
    const p = await plan("*** Add File: rel.txt\n+r\n*** Add File: /elsewhere/abs.txt\n+a", {});
    expect(Object.keys(p.changes)).toEqual(["/work/repo/rel.txt", "/elsewhere/abs.txt"]);
    expect(p.affected.added).toEqual(["rel.txt", "/elsewhere/abs.txt"]);
  });

  it("produces Codex's FileChange values", async () => {
    const p = await plan(
      "*** Delete File: gone.txt\n*** Update File: old.txt\n*** Move to: new/place.txt\n@@\n-a\n+b",
      { "/work/repo/gone.txt": "bye\n", "/work/repo/old.txt": "a\n" },
    );
    expect(p.changes).toEqual({
      "/work/repo/gone.txt": { type: "delete", content: "bye\n" },
      "/work/repo/old.txt": { type: "update", unified_diff: "@@ -1 +1 @@\n-a\n+b\n", move_path: "/work/repo/new/place.txt" },
    });
    expect(p.files).toEqual([
      { path: "/work/repo/gone.txt", after: null },
      { path: "/work/repo/new/place.txt", after: "b\n" },
      { path: "/work/repo/old.txt", after: null },
    ]);
    expect(p.affected).toEqual({ added: [], modified: ["new/place.txt"], deleted: ["gone.txt"] });
  });

  it("applies hunks in order: a file added earlier in the patch can be updated", async () => {
    const p = await plan("*** Add File: n.txt\n+one\n*** Update File: n.txt\n@@\n-one\n+two", {});
    expect(p.changes).toEqual({ "/work/repo/n.txt": { type: "add", content: "two\n" } });
    expect(p.files).toEqual([{ path: "/work/repo/n.txt", after: "two\n" }]);
  });

  it("names the file and the lines it could not find", async () => {
    const err = await planError("*** Update File: a.txt\n@@\n-missing\n-lines\n+x", { "/work/repo/a.txt": "a\n" });
    expect(err.message).toBe("Failed to find expected lines in /work/repo/a.txt:\nmissing\nlines");
    expect(err.modelMessage).toBe("apply_patch verification failed: Failed to find expected lines in /work/repo/a.txt:\nmissing\nlines");
    expect(err).toMatchObject({ stage: "verification", path: "/work/repo/a.txt", hunkIndex: 0 });
  });

  it("names a missing @@ context", async () => {
    const err = await planError("*** Add File: x\n+x\n*** Update File: a.txt\n@@ def nowhere():\n-a\n+b", { "/work/repo/a.txt": "a\n" });
    expect(err.message).toBe("Failed to find context 'def nowhere():' in /work/repo/a.txt");
    expect(err.hunkIndex).toBe(1);
  });

  it("reports missing files as Codex does", async () => {
    expect((await planError("*** Update File: missing.txt\n@@\n-a\n+b", {})).message).toBe(
      "Failed to read file to update /work/repo/missing.txt: No such file or directory (os error 2)",
    );
    expect((await planError("*** Delete File: missing.txt", {})).message).toBe(
      "Failed to read /work/repo/missing.txt: No such file or directory (os error 2)",
    );
  });

  it("a file deleted earlier in the patch is gone for later hunks", async () => {
    const err = await planError("*** Delete File: a.txt\n*** Update File: a.txt\n@@\n-a\n+b", { "/work/repo/a.txt": "a\n" });
    expect(err.message).toBe("Failed to read file to update /work/repo/a.txt: No such file or directory (os error 2)");
  });
});
