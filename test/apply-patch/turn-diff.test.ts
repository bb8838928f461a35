// The turn diff on real files: Codex's TurnDiffTracker cases (add, delete, move, binary, names
// with spaces, baselines kept across patches), then a whole turn of patches applied with
// applyPatch inside a real git repository, checked against `git diff` run as a child process.
import { execFile } from "node:child_process";
import { chmod, mkdir, mkdtemp, rename, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TurnDiffTracker, applyPatch, blobOid, changesForApproval } from "../../src/actors/apply-patch/index.js";

const run = promisify(execFile);
const ZERO = "0".repeat(40);
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "loom-turn-diff-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const at = (p: string): string => path.join(dir, p);
const oid = (text: string | Buffer): string => blobOid(typeof text === "string" ? Buffer.from(text) : text);
/** Outside a git work tree paths show absolute, so `a/` + `/tmp/...`; name the temp dir <TMP>. */
const norm = (diff: string | null): string | null => (diff === null ? null : diff.split(dir).join("<TMP>"));

describe("TurnDiffTracker (Codex's cases)", () => {
  it("shows an added file, then its later update, as one addition", async () => {
    const t = new TurnDiffTracker();
    await t.onPatchBegin({ [at("a.txt")]: { type: "add", content: "foo\n" } });
    await writeFile(at("a.txt"), "foo\n");
    expect(norm(await t.unifiedDiff())).toBe(
      `diff --git a/<TMP>/a.txt b/<TMP>/a.txt\nnew file mode 100644\nindex ${ZERO}..${oid("foo\n")}\n--- /dev/null\n+++ b/<TMP>/a.txt\n@@ -0,0 +1 @@\n+foo\n`,
    );
    await t.onPatchBegin({ [at("a.txt")]: { type: "update", unified_diff: "", move_path: null } });
    await writeFile(at("a.txt"), "foo\nbar\n");
    expect(norm(await t.unifiedDiff())).toBe(
      `diff --git a/<TMP>/a.txt b/<TMP>/a.txt\nnew file mode 100644\nindex ${ZERO}..${oid("foo\nbar\n")}\n--- /dev/null\n+++ b/<TMP>/a.txt\n@@ -0,0 +1,2 @@\n+foo\n+bar\n`,
    );
  });

  it("shows a deletion", async () => {
    await writeFile(at("b.txt"), "x\n");
    const t = new TurnDiffTracker();
    await t.onPatchBegin({ [at("b.txt")]: { type: "delete", content: "x\n" } });
    await unlink(at("b.txt"));
    expect(norm(await t.unifiedDiff())).toBe(
      `diff --git a/<TMP>/b.txt b/<TMP>/b.txt\ndeleted file mode 100644\nindex ${oid("x\n")}..${ZERO}\n--- a/<TMP>/b.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n`,
    );
  });

  it("follows a move with an edit", async () => {
    await writeFile(at("src.txt"), "line\n");
    const t = new TurnDiffTracker();
    await t.onPatchBegin({ [at("src.txt")]: { type: "update", unified_diff: "", move_path: at("dst.txt") } });
    await rename(at("src.txt"), at("dst.txt"));
    await writeFile(at("dst.txt"), "line2\n");
    expect(norm(await t.unifiedDiff())).toBe(
      `diff --git a/<TMP>/src.txt b/<TMP>/dst.txt\nindex ${oid("line\n")}..${oid("line2\n")}\n--- a/<TMP>/src.txt\n+++ b/<TMP>/dst.txt\n@@ -1 +1 @@\n-line\n+line2\n`,
    );
  });

  it("shows nothing for a pure move", async () => {
    await writeFile(at("moved.txt"), "same\n");
    const t = new TurnDiffTracker();
    await t.onPatchBegin({ [at("moved.txt")]: { type: "update", unified_diff: "", move_path: at("renamed.txt") } });
    await rename(at("moved.txt"), at("renamed.txt"));
    expect(await t.unifiedDiff()).toBeNull();
  });

  it("treats a declared move whose source never existed as an addition", async () => {
    const t = new TurnDiffTracker();
    await t.onPatchBegin({ [at("src.txt")]: { type: "update", unified_diff: "", move_path: at("dest.txt") } });
    await writeFile(at("dest.txt"), "hello\n");
    expect(norm(await t.unifiedDiff())).toBe(
      `diff --git a/<TMP>/src.txt b/<TMP>/dest.txt\nnew file mode 100644\nindex ${ZERO}..${oid("hello\n")}\n--- /dev/null\n+++ b/<TMP>/dest.txt\n@@ -0,0 +1 @@\n+hello\n`,
    );
  });

  it("keeps earlier baselines when later patches bring new files, sorted by path", async () => {
    await writeFile(at("a.txt"), "foo\n");
    await writeFile(at("b.txt"), "z\n");
    const t = new TurnDiffTracker();
    await t.onPatchBegin({ [at("b.txt")]: { update: { unified_diff: "", move_path: null } } }); // the older encoding
    await t.onPatchBegin({ [at("a.txt")]: { type: "update", unified_diff: "", move_path: null } });
    await writeFile(at("a.txt"), "foo\nbar\n");
    await unlink(at("b.txt"));
    expect(norm(await t.unifiedDiff())).toBe(
      `diff --git a/<TMP>/a.txt b/<TMP>/a.txt\nindex ${oid("foo\n")}..${oid("foo\nbar\n")}\n--- a/<TMP>/a.txt\n+++ b/<TMP>/a.txt\n@@ -1 +1,2 @@\n foo\n+bar\n`
      + `diff --git a/<TMP>/b.txt b/<TMP>/b.txt\ndeleted file mode 100644\nindex ${oid("z\n")}..${ZERO}\n--- a/<TMP>/b.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-z\n`,
    );
  });

  it("says 'Binary files differ' for non-UTF-8 content", async () => {
    const left = Buffer.from([0xff, 0xfe, 0xfd, 0x00]);
    const right = Buffer.from([0x01, 0x02, 0x03, 0x00]);
    await writeFile(at("bin.dat"), left);
    const t = new TurnDiffTracker();
    await t.onPatchBegin({ [at("bin.dat")]: { type: "update", unified_diff: "", move_path: null } });
    await writeFile(at("bin.dat"), right);
    expect(norm(await t.unifiedDiff())).toBe(
      `diff --git a/<TMP>/bin.dat b/<TMP>/bin.dat\nindex ${oid(left)}..${oid(right)}\n--- a/<TMP>/bin.dat\n+++ b/<TMP>/bin.dat\nBinary files differ\n`,
    );
  });

  it("handles names with spaces and reports mode changes", async () => {
    const name = at("name with spaces.sh");
    await writeFile(name, "echo\n");
    const t = new TurnDiffTracker();
    await t.onPatchBegin({ [name]: { type: "update", unified_diff: "", move_path: null } });
    await writeFile(name, "echo hi\n");
    await chmod(name, 0o755);
    expect(norm(await t.unifiedDiff())).toBe(
      `diff --git a/<TMP>/name with spaces.sh b/<TMP>/name with spaces.sh\nold mode 100644\nnew mode 100755\nindex ${oid("echo\n")}..${oid("echo hi\n")}\n--- a/<TMP>/name with spaces.sh\n+++ b/<TMP>/name with spaces.sh\n@@ -1 +1 @@\n-echo\n+echo hi\n`,
    );
  });
});

describe("TurnDiffTracker in a git repository", () => {
  async function git(...args: string[]): Promise<string> {
    return (await run("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd: dir })).stdout;
  }

  it("renders a turn of patches as `git diff` does, with paths relative to the work tree", async () => {
    await git("init", "-q");
    await mkdir(at("src"), { recursive: true });
    const app = [
      "export function a() {", "  return 1;", "}", "",
      "export function c() {", "  return 3;", "}", "",
      ...Array.from({ length: 20 }, (_, i) => `// filler ${i}`),
      "export const last = true;", "",
    ].join("\n");
    await writeFile(at("src/app.ts"), app);
    await writeFile(at("old.txt"), "obsolete\n");
    await git("add", "-A");
    await git("commit", "-q", "-m", "base");

    const t = new TurnDiffTracker();
    const turn = [
      "*** Update File: src/app.ts\n@@\n export function a() {\n   return 1;\n }\n+\n+export function b() {\n+  return 2;\n+}\n@@\n // filler 19\n-export const last = true;\n+export const last = false;",
      "*** Add File: docs/new.md\n+# New\n+\n+text",
      "*** Delete File: old.txt",
      "*** Update File: docs/new.md\n@@\n-text\n+more text",
    ];
    for (const body of turn) {
      const patch = `*** Begin Patch\n${body}\n*** End Patch`;
      await t.onPatchBegin(await changesForApproval(patch, dir));
      await applyPatch(patch, { cwd: dir });
    }

    // Make git see the new file without staging anything else.
    await git("add", "--intent-to-add", "docs/new.md");
    const expected = await git("diff", "--no-color", "--no-ext-diff", "--full-index");
    const ours = await t.unifiedDiff();
    // Codex's format differs from git's in two details: no mode on the index line of a plain
    // modification (`index x..y 100644`), and no function name after a hunk's `@@ ... @@`.
    expect(ours).toBe(expected
      .replace(/^(index [0-9a-f]+\.\.[0-9a-f]+) 100644$/gm, "$1")
      .replace(/^(@@ [^@]+ @@).*$/gm, "$1"));
    expect(ours).toContain("diff --git a/src/app.ts b/src/app.ts\n");
  });
});
