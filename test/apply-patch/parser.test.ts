// The parser must accept and reject exactly what Codex's does, with the same messages and line
// numbers: the model reads those messages and repairs its patch from them.
import { describe, expect, it } from "vitest";
import { InvalidPatchError, parsePatch, parsePatchStreaming, type Hunk } from "../../src/actors/apply-patch/index.js";

const wrap = (body: string): string => `*** Begin Patch\n${body}\n*** End Patch`;

function parseError(text: string): InvalidPatchError {
  try {
    parsePatch(text);
  } catch (err) {
    if (err instanceof InvalidPatchError) return err;
    throw err;
  }
  throw new Error("expected the patch to be rejected");
}

describe("parsePatch: envelope", () => {
  it("requires *** Begin Patch first and *** End Patch last", () => {
    expect(parseError("bad").message).toBe("invalid patch: The first line of the patch must be '*** Begin Patch'");
    expect(parseError("*** Begin Patch\nbad").message).toBe(
      "invalid patch: The last line of the patch must be '*** End Patch'",
    );
    expect(parseError("").message).toBe("invalid patch: The last line of the patch must be '*** End Patch'");
    expect(parseError("bad").lineNumber).toBeUndefined();
  });

  it("tolerates whitespace around the markers and around the whole text", () => {
    const hunks = parsePatch("\n  *** Begin Patch \n*** Add File: foo\n+hi\n *** End Patch\n\n").hunks;
    expect(hunks).toEqual([{ type: "add", path: "foo", contents: "hi\n" }]);
  });

  it("accepts an empty patch (applying it is what fails)", () => {
    expect(parsePatch("*** Begin Patch\n*** End Patch").hunks).toEqual([]);
  });

  it("unwraps a heredoc in any quoting, keeping the bare patch text", () => {
    const patch = "*** Begin Patch\n*** Update File: file2.py\n import foo\n+bar\n*** End Patch";
    const expected: Hunk[] = [{
      type: "update", path: "file2.py", moveTo: null,
      chunks: [{ context: null, oldLines: ["import foo"], newLines: ["import foo", "bar"], endOfFile: false }],
    }];
    for (const open of ["<<EOF", "<<'EOF'", '<<"EOF"']) {
      const parsed = parsePatch(`${open}\n${patch}\nEOF\n`);
      expect(parsed.hunks).toEqual(expected);
      expect(parsed.patch).toBe(patch);
    }
  });

  it("rejects a heredoc with mismatched quotes, or one around an unterminated patch", () => {
    const patch = "*** Begin Patch\n*** Update File: file2.py\n import foo\n+bar\n*** End Patch";
    expect(parseError(`<<"EOF'\n${patch}\nEOF\n`).reason).toBe("The first line of the patch must be '*** Begin Patch'");
    expect(parseError("<<EOF\n*** Begin Patch\n*** Update File: file2.py\nEOF\n").reason).toBe(
      "The last line of the patch must be '*** End Patch'",
    );
  });

  it("accepts CRLF line endings", () => {
    const hunks = parsePatch("*** Begin Patch\r\n*** Add File: a.txt\r\n+x\r\n*** End Patch\r\n").hunks;
    expect(hunks).toEqual([{ type: "add", path: "a.txt", contents: "x\n" }]);
  });
});

describe("parsePatch: hunks", () => {
  it("parses add, delete, and update with a move and an @@ context", () => {
    const text = wrap([
      "*** Add File: path/add.py", "+abc", "+def",
      "*** Delete File: path/delete.py",
      "*** Update File: path/update.py", "*** Move to: path/update2.py", "@@ def f():", "-    pass", "+    return 123",
    ].join("\n"));
    expect(parsePatch(text).hunks).toEqual([
      { type: "add", path: "path/add.py", contents: "abc\ndef\n" },
      { type: "delete", path: "path/delete.py" },
      {
        type: "update", path: "path/update.py", moveTo: "path/update2.py",
        chunks: [{ context: "def f():", oldLines: ["    pass"], newLines: ["    return 123"], endOfFile: false }],
      },
    ]);
  });

  it("ends an update section at the next file header", () => {
    const text = wrap("*** Update File: file.py\n@@\n+line\n*** Add File: other.py\n+content");
    expect(parsePatch(text).hunks).toEqual([
      {
        type: "update", path: "file.py", moveTo: null,
        chunks: [{ context: null, oldLines: [], newLines: ["line"], endOfFile: false }],
      },
      { type: "add", path: "other.py", contents: "content\n" },
    ]);
  });

  it("reads empty lines as empty context, several chunks, and *** End of File", () => {
    const text = wrap("*** Update File: a.txt\n@@ change_context\n\n context\n-remove\n+add\n context2\n\n@@\n+line\n*** End of File");
    const [hunk] = parsePatch(text).hunks;
    expect(hunk).toEqual({
      type: "update", path: "a.txt", moveTo: null,
      chunks: [
        {
          context: "change_context",
          oldLines: ["", "context", "remove", "context2", ""],
          newLines: ["", "context", "add", "context2", ""],
          endOfFile: false,
        },
        { context: null, oldLines: [], newLines: ["line"], endOfFile: true },
      ],
    });
  });

  it("keeps absolute paths as written", () => {
    const text = wrap("*** Delete File: /tmp/abs.txt\n*** Update File: /tmp/u.txt\n@@\n-old\n+new");
    expect(parsePatch(text).hunks.map((h) => h.path)).toEqual(["/tmp/abs.txt", "/tmp/u.txt"]);
  });

  it("accepts an add with no lines as an empty file", () => {
    expect(parsePatch(wrap("*** Add File: empty.txt")).hunks).toEqual([{ type: "add", path: "empty.txt", contents: "" }]);
  });
});

describe("parsePatch: errors name the line and what was expected", () => {
  it("an unknown file header", () => {
    const err = parseError(wrap("*** Frobnicate File: foo"));
    expect(err.lineNumber).toBe(2);
    expect(err.message).toBe(
      "invalid hunk at line 2, '*** Frobnicate File: foo' is not a valid hunk header. Valid hunk headers: '*** Add File: {path}', '*** Delete File: {path}', '*** Update File: {path}'",
    );
    expect(err.stderr).toMatch(/^Invalid patch hunk on line 2: '\*\*\* Frobnicate File: foo' is not a valid hunk header/);
  });

  it("an update with no chunks", () => {
    const err = parseError(wrap("*** Update File: test.py"));
    expect(err.message).toBe("invalid hunk at line 2, Update file hunk for path 'test.py' is empty");
  });

  it("a header after earlier hunks is numbered from the top of the patch", () => {
    const err = parseError(wrap("*** Add File: a\n+1\n+2\n*** Delete File: b\nnonsense"));
    expect(err.lineNumber).toBe(6);
  });

  it("a second chunk without @@", () => {
    const err = parseError(wrap("*** Update File: a.txt\n@@\n-x\n+y\n\nbad line"));
    // `bad line` ends the first chunk, then cannot start a second one.
    expect(err.lineNumber).toBe(7);
    expect(err.reason).toBe("Expected update hunk to start with a @@ context marker, got: 'bad line'");
  });

  it("a chunk line without a prefix", () => {
    const err = parseError(wrap("*** Update File: a.txt\n@@\nbad"));
    expect(err.lineNumber).toBe(4);
    expect(err.reason).toBe(
      "Unexpected line found in update hunk: 'bad'. Every line should start with ' ' (context line), '+' (added line), or '-' (removed line)",
    );
  });

  it("a first chunk without @@ whose first line has no prefix points at that line", () => {
    expect(parseError(wrap("*** Update File: a.txt\nbad")).lineNumber).toBe(3);
  });

  it("an @@ with nothing under it", () => {
    expect(parseError(wrap("*** Update File: a.txt\n@@\n*** End of File")).reason).toBe(
      "Update hunk does not contain any lines",
    );
    expect(parseError(wrap("*** Update File: a.txt\n@@\n*** End of File")).lineNumber).toBe(4);
  });
});

describe("parsePatchStreaming", () => {
  it("parses a patch still being written", () => {
    expect(parsePatchStreaming("*** Begin Patch\n*** Add File: src/hello.txt\n+hello\n+wor").hunks).toEqual([
      { type: "add", path: "src/hello.txt", contents: "hello\nwor\n" },
    ]);
    expect(parsePatchStreaming("*** Begin Patch\n*** Update File: src/old.rs\n*** Move to: src/new.rs\n@@\n-old\n+new").hunks)
      .toEqual([{
        type: "update", path: "src/old.rs", moveTo: "src/new.rs",
        chunks: [{ context: null, oldLines: ["old"], newLines: ["new"], endOfFile: false }],
      }]);
  });

  it("never loses a hunk as more text arrives", () => {
    const patch = wrap([
      "*** Add File: a.txt", "+a",
      "*** Update File: b.txt", "@@", "-b", "+B",
      "*** Delete File: c.txt",
      "*** Update File: d.txt", "*** Move to: e.txt", "@@", "-d", "+e",
    ].join("\n"));
    let max = 0;
    const seen: number[] = [];
    for (let i = 1; i <= patch.length; i++) {
      let count: number;
      try {
        count = parsePatchStreaming(patch.slice(0, i)).hunks.length;
      } catch {
        continue;
      }
      expect(count).toBeGreaterThanOrEqual(max);
      if (count > max) seen.push(count);
      max = Math.max(max, count);
    }
    expect(seen).toEqual([1, 2, 3, 4]);
  });
});
