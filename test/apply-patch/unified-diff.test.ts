// unifiedDiff must print what `git diff` prints for the same two texts: these tests run the real
// git (`git diff --no-index`, a child process) and compare the hunks byte for byte, for chosen
// cases and for a seeded batch of random ones full of repeated, indented and blank lines, where
// many edit scripts are equally short and only git's exact choices match.
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unifiedDiff } from "../../src/actors/apply-patch/index.js";

const run = promisify(execFile);
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "loom-diff-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** git's hunks for old -> new, without the file headers and without the function-name hints after `@@`. */
async function gitHunks(oldText: string, newText: string, flags: string[] = []): Promise<string> {
  await writeFile(path.join(dir, "old"), oldText);
  await writeFile(path.join(dir, "new"), newText);
  // Exit status 1 means "the files differ".
  const out = await run("git", ["diff", "--no-index", "--no-color", "--no-ext-diff", ...flags, "old", "new"], {
    cwd: dir, maxBuffer: 64 << 20,
  }).then((r) => r.stdout, (err: { code?: number; stdout?: string }) => {
    if (err.code === 1 && err.stdout !== undefined) return err.stdout;
    throw err;
  });
  const start = out.indexOf("\n@@");
  return start < 0 ? "" : out.slice(start + 1).replace(/^(@@ [^@]+ @@).*$/gm, "$1");
}

describe("unifiedDiff", () => {
  it("prints Codex's expected FileChange diffs (one line of context)", () => {
    const one = (a: string, b: string): string => unifiedDiff(a, b, undefined, undefined, { context: 1 });
    expect(one("foo\nbar\nbaz\nqux\n", "foo\nBAR\nbaz\nQUX\n")).toBe("@@ -1,4 +1,4 @@\n foo\n-bar\n+BAR\n baz\n-qux\n+QUX\n");
    expect(one("foo\nbar\nbaz\n", "FOO\nbar\nbaz\n")).toBe("@@ -1,2 +1,2 @@\n-foo\n+FOO\n bar\n");
    expect(one("foo\nbar\nbaz\n", "foo\nbar\nBAZ\n")).toBe("@@ -2,2 +2,2 @@\n bar\n-baz\n+BAZ\n");
    expect(one("foo\nbar\nbaz\n", "foo\nbar\nbaz\nquux\n")).toBe("@@ -3 +3,2 @@\n baz\n+quux\n");
    expect(one("a\nb\nc\nd\ne\nf\n", "a\nB\nc\nd\nE\nf\ng\n")).toBe(
      "@@ -1,6 +1,7 @@\n a\n-b\n+B\n c\n d\n-e\n+E\n f\n+g\n",
    );
  });

  it("is empty for equal texts and prints the given headers otherwise", () => {
    expect(unifiedDiff("same\n", "same\n", "a/x", "b/x")).toBe("");
    expect(unifiedDiff("", "foo\n", "/dev/null", "b/x")).toBe("--- /dev/null\n+++ b/x\n@@ -0,0 +1 @@\n+foo\n");
    expect(unifiedDiff("x\n", "", "a/x", "/dev/null")).toBe("--- a/x\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n");
  });

  const cases: [string, string, string][] = [
    ["a changed line in the middle of a long file",
      Array.from({ length: 30 }, (_, i) => `line ${i}\n`).join(""),
      Array.from({ length: 30 }, (_, i) => (i === 15 ? "changed\n" : `line ${i}\n`)).join("")],
    ["two changes far apart make two hunks",
      Array.from({ length: 40 }, (_, i) => `l${i}\n`).join(""),
      Array.from({ length: 40 }, (_, i) => (i === 3 || i === 33 ? `L${i}\n` : `l${i}\n`)).join("")],
    ["changes seven lines apart share a hunk",
      Array.from({ length: 20 }, (_, i) => `l${i}\n`).join(""),
      Array.from({ length: 20 }, (_, i) => (i === 5 || i === 11 ? `L${i}\n` : `l${i}\n`)).join("")],
    ["a missing final newline on either side", "a\nb\nc", "a\nB\nc"],
    ["adding the final newline", "a\nb\nc", "a\nb\nc\n"],
    ["a new function between two others (the indent heuristic places it)",
      "function a() {\n  return 1;\n}\n\nfunction c() {\n  return 3;\n}\n",
      "function a() {\n  return 1;\n}\n\nfunction b() {\n  return 2;\n}\n\nfunction c() {\n  return 3;\n}\n"],
    ["a duplicated line", "x\ny\nz\n", "x\ny\ny\nz\n"],
    ["everything replaced", "one\ntwo\nthree\n", "uno\ndos\n"],
    ["CRLF lines", "a\r\nb\r\n", "a\r\nc\r\n"],
  ];
  it.each(cases)("matches git: %s", async (_name, a, b) => {
    expect(unifiedDiff(a, b)).toBe(await gitHunks(a, b));
  });

  it("matches git without the indent heuristic too", async () => {
    const [, a, b] = cases[5];
    expect(unifiedDiff(a, b, undefined, undefined, { indentHeuristic: false }))
      .toBe(await gitHunks(a, b, ["--no-indent-heuristic"]));
  });

  it("matches git on a seeded batch of ambiguous random edits", async () => {
    let seed = 20240601;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const pool = ["", "}", "  }", "  return x;", "\tif (a) {", "function f() {", "    x++;", "x", "y", "  "];
    const pick = (n: number): string[] => Array.from({ length: n }, () => pool[Math.floor(rnd() * pool.length)]);
    for (let t = 0; t < 60; t++) {
      const a = pick(Math.floor(rnd() * 25));
      const b = [...a];
      for (let e = Math.floor(rnd() * 6) + 1; e > 0; e--) {
        b.splice(Math.floor(rnd() * (b.length + 1)), Math.floor(rnd() * 3), ...pick(Math.floor(rnd() * 4)));
      }
      const oldText = a.join("\n") + (rnd() < 0.8 ? "\n" : "");
      const newText = b.join("\n") + (rnd() < 0.8 ? "\n" : "");
      expect(unifiedDiff(oldText, newText), JSON.stringify({ oldText, newText })).toBe(await gitHunks(oldText, newText));
    }
  });

  it("matches git on large dissimilar files, where git stops searching for the minimal script", async () => {
    let seed = 7;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const file = (): string => Array.from({ length: 3000 }, () => `line ${Math.floor(rnd() * 40)}\n`).join("");
    const a = file();
    const b = file();
    expect(unifiedDiff(a, b)).toBe(await gitHunks(a, b));
  });
});
