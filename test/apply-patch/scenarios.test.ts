// Codex's end-to-end apply_patch scenarios (codex-rs/apply-patch/tests/fixtures/scenarios), each
// restated here as input files, a patch and the exact final tree: the whole directory is compared,
// so a stray file or directory fails the case. One scenario differs on purpose: Codex's standalone
// command keeps the hunks it wrote before a failing one, while we (like Codex's tool path, which
// verifies first) change nothing.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ApplyPatchError, applyPatch } from "../../src/actors/apply-patch/index.js";

interface Scenario {
  name: string;
  input: Record<string, string>;
  patch: string[];
  /** The final tree; directories end in `/`. */
  expected: Record<string, string>;
  fails?: boolean;
  /** The `*** Begin Patch` / `*** End Patch` lines, when the scenario pads them. */
  envelope?: [string, string];
}

const SCENARIOS: Scenario[] = [
  {
    name: "001 add file",
    input: {},
    patch: ["*** Add File: bar.md", "+This is a new file"],
    expected: { "bar.md": "This is a new file\n" },
  },
  {
    name: "002 multiple operations",
    input: { "delete.txt": "obsolete\n", "modify.txt": "line1\nline2\n" },
    patch: ["*** Add File: nested/new.txt", "+created", "*** Delete File: delete.txt", "*** Update File: modify.txt", "@@", "-line2", "+changed"],
    expected: { "modify.txt": "line1\nchanged\n", "nested/": "", "nested/new.txt": "created\n" },
  },
  {
    name: "003 multiple chunks",
    input: { "multi.txt": "line1\nline2\nline3\nline4\n" },
    patch: ["*** Update File: multi.txt", "@@", "-line2", "+changed2", "@@", "-line4", "+changed4"],
    expected: { "multi.txt": "line1\nchanged2\nline3\nchanged4\n" },
  },
  {
    name: "004 move to a new directory",
    input: { "old/name.txt": "old content\n", "old/other.txt": "unrelated file\n" },
    patch: ["*** Update File: old/name.txt", "*** Move to: renamed/dir/name.txt", "@@", "-old content", "+new content"],
    expected: {
      "old/": "", "old/other.txt": "unrelated file\n",
      "renamed/": "", "renamed/dir/": "", "renamed/dir/name.txt": "new content\n",
    },
  },
  {
    name: "005 rejects an empty patch",
    input: { "foo.txt": "stable\n" },
    patch: [],
    expected: { "foo.txt": "stable\n" },
    fails: true,
  },
  {
    name: "006 rejects missing context",
    input: { "modify.txt": "line1\nline2\n" },
    patch: ["*** Update File: modify.txt", "@@", "-missing", "+changed"],
    expected: { "modify.txt": "line1\nline2\n" },
    fails: true,
  },
  {
    name: "007 rejects deleting a missing file",
    input: { "foo.txt": "stable\n" },
    patch: ["*** Delete File: missing.txt"],
    expected: { "foo.txt": "stable\n" },
    fails: true,
  },
  {
    name: "008 rejects an empty update hunk",
    input: { "foo.txt": "stable\n" },
    patch: ["*** Update File: foo.txt"],
    expected: { "foo.txt": "stable\n" },
    fails: true,
  },
  {
    name: "009 requires an existing file for update",
    input: { "foo.txt": "stable\n" },
    patch: ["*** Update File: missing.txt", "@@", "-old", "+new"],
    expected: { "foo.txt": "stable\n" },
    fails: true,
  },
  {
    name: "010 move overwrites an existing destination",
    input: { "old/name.txt": "from\n", "old/other.txt": "unrelated file\n", "renamed/dir/name.txt": "existing\n" },
    patch: ["*** Update File: old/name.txt", "*** Move to: renamed/dir/name.txt", "@@", "-from", "+new"],
    expected: { "old/": "", "old/other.txt": "unrelated file\n", "renamed/": "", "renamed/dir/": "", "renamed/dir/name.txt": "new\n" },
  },
  {
    name: "011 add overwrites an existing file",
    input: { "duplicate.txt": "old content\n" },
    patch: ["*** Add File: duplicate.txt", "+new content"],
    expected: { "duplicate.txt": "new content\n" },
  },
  {
    name: "012 deleting a directory fails",
    input: { "dir/foo.txt": "stable\n" },
    patch: ["*** Delete File: dir"],
    expected: { "dir/": "", "dir/foo.txt": "stable\n" },
    fails: true,
  },
  {
    name: "013 rejects an invalid hunk header",
    input: { "foo.txt": "stable\n" },
    patch: ["*** Frobnicate File: foo"],
    expected: { "foo.txt": "stable\n" },
    fails: true,
  },
  {
    name: "014 update appends the missing trailing newline",
    input: { "no_newline.txt": "no newline at end" },
    patch: ["*** Update File: no_newline.txt", "@@", "-no newline at end", "+first line", "+second line"],
    expected: { "no_newline.txt": "first line\nsecond line\n" },
  },
  {
    name: "015 a failure after a hunk that would succeed changes nothing",
    input: {},
    patch: ["*** Add File: created.txt", "+hello", "*** Update File: missing.txt", "@@", "-old", "+new"],
    expected: {},
    fails: true,
  },
  {
    name: "016 pure addition chunk",
    input: { "input.txt": "line1\nline2\n" },
    patch: ["*** Update File: input.txt", "@@", "+added line 1", "+added line 2"],
    expected: { "input.txt": "line1\nline2\nadded line 1\nadded line 2\n" },
  },
  {
    name: "017 whitespace-padded hunk header",
    input: { "foo.txt": "old\n" },
    patch: ["  *** Update File: foo.txt", "@@", "-old", "+new"],
    expected: { "foo.txt": "new\n" },
  },
  {
    name: "018 whitespace-padded patch markers",
    input: { "file.txt": "one\n" },
    patch: ["*** Update File: file.txt", "@@", "-one", "+two"],
    expected: { "file.txt": "two\n" },
    envelope: [" *** Begin Patch", "*** End Patch "],
  },
  {
    name: "019 unicode",
    input: { "foo.txt": "line1\nna\u00EFve caf\u00E9\nline3\n" },
    patch: ["*** Update File: foo.txt", "@@", " line1", "-na\u00EFve caf\u00E9", "+na\u00EFve caf\u00E9 \u2705"],
    expected: { "foo.txt": "line1\nna\u00EFve caf\u00E9 \u2705\nline3\n" },
  },
  {
    name: "020 delete a file",
    input: { "keep.txt": "keep\n", "obsolete.txt": "obsolete\n" },
    patch: ["*** Delete File: obsolete.txt"],
    expected: { "keep.txt": "keep\n" },
  },
  {
    name: "020 whitespace-padded patch marker lines",
    input: { "file.txt": "one\n" },
    patch: ["*** Update File: file.txt", "@@", "-one", "+two"],
    expected: { "file.txt": "two\n" },
    envelope: ["*** Begin Patch ", " *** End Patch"],
  },
  {
    name: "021 deletion-only update",
    input: { "lines.txt": "line1\nline2\nline3\n" },
    patch: ["*** Update File: lines.txt", "@@", " line1", "-line2", " line3"],
    expected: { "lines.txt": "line1\nline3\n" },
  },
  {
    name: "022 end of file marker",
    input: { "tail.txt": "first\nsecond\n" },
    patch: ["*** Update File: tail.txt", "@@", " first", "-second", "+second updated", "*** End of File"],
    expected: { "tail.txt": "first\nsecond updated\n" },
  },
];

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "loom-apply-scenario-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function tree(root: string, prefix = ""): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(root, { withFileTypes: true })) {
    const rel = prefix + entry.name;
    if (entry.isDirectory()) Object.assign(out, { [`${rel}/`]: "" }, await tree(path.join(root, entry.name), `${rel}/`));
    else out[rel] = await readFile(path.join(root, entry.name), "utf8");
  }
  return out;
}

describe("Codex apply_patch scenarios", () => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))("%s", async (_name, scenario) => {
    for (const [p, text] of Object.entries(scenario.input)) {
      await mkdir(path.dirname(path.join(dir, p)), { recursive: true });
      await writeFile(path.join(dir, p), text);
    }
    const [begin, end] = scenario.envelope ?? ["*** Begin Patch", "*** End Patch"];
    const patch = [begin, ...scenario.patch, end, ""].join("\n");
    const outcome = await applyPatch(patch, { cwd: dir }).then(() => "applied", (err: unknown) => err);
    if (scenario.fails) expect(outcome).toBeInstanceOf(ApplyPatchError);
    else expect(outcome).toBe("applied");
    expect(await tree(dir)).toEqual(scenario.expected);
  });
});
