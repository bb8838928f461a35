/**
 * Parses apply_patch text into hunks, accepting exactly what Codex accepts. The grammar (see
 * `APPLY_PATCH_LARK_GRAMMAR`) is the contract; like Codex the parser is a little more lenient: it
 * tolerates whitespace around the markers, an update's first chunk without `@@`, blank lines between
 * chunks, and a patch wrapped in a `<<EOF ... EOF` heredoc (models send that through exec-style tools).
 * It checks syntax only; whether a patch fits the files is `planPatch`'s job.
 */
import { InvalidPatchError } from "./errors.js";
import { splitLines, trim } from "./text.js";

/** One `@@` section of an `*** Update File:` hunk. */
export interface UpdateFileChunk {
  /** The text after `@@ `: a line (usually a class or function header) that must occur before the change. */
  context: string | null;
  /** The lines to find (context and `-` lines, in order), without their one-character prefix. */
  oldLines: string[];
  /** The lines to put in their place (context and `+` lines). */
  newLines: string[];
  /** `*** End of File` followed: `oldLines` must be found at the end of the file. */
  endOfFile: boolean;
}

export type Hunk =
  | { type: "add"; path: string; contents: string }
  | { type: "delete"; path: string }
  | { type: "update"; path: string; moveTo: string | null; chunks: UpdateFileChunk[] };

export interface ParsedPatch {
  hunks: Hunk[];
  /** The patch text itself, without a heredoc wrapper, as Codex keeps it for approvals and hooks. */
  patch: string;
}

const BEGIN_PATCH = "*** Begin Patch";
const END_PATCH = "*** End Patch";
const ADD_FILE = "*** Add File: ";
const DELETE_FILE = "*** Delete File: ";
const UPDATE_FILE = "*** Update File: ";
const MOVE_TO = "*** Move to: ";
const END_OF_FILE = "*** End of File";
const CONTEXT_MARKER = "@@ ";
const EMPTY_CONTEXT_MARKER = "@@";

type Mode = "lenient" | "streaming";

/** Parses a complete patch; throws `InvalidPatchError` naming the line and what was expected. */
export function parsePatch(text: string): ParsedPatch {
  return parse(text, "lenient");
}

/**
 * Parses a patch the model is still streaming (no `*** End Patch` yet), for progress events such as
 * `patch_apply_updated`. Never apply its result: the last hunk may be cut short.
 */
export function parsePatchStreaming(text: string): ParsedPatch {
  return parse(text, "streaming");
}

function parse(text: string, mode: Mode): ParsedPatch {
  const lines = splitLines(trim(text));
  const { all, body } = mode === "streaming" ? boundariesStreaming(lines) : boundariesLenient(lines);
  const hunks: Hunk[] = [];
  let rest = body;
  // Line 1 is `*** Begin Patch`, so the first hunk starts on line 2.
  let lineNumber = 2;
  while (rest.length > 0) {
    const [hunk, used] = parseOneHunk(rest, lineNumber, mode === "streaming");
    hunks.push(hunk);
    lineNumber += used;
    rest = rest.slice(used);
  }
  return { hunks, patch: all.join("\n") };
}

interface Boundaries {
  all: string[];
  body: string[];
}

function boundariesStrict(lines: string[]): Boundaries {
  const first = lines.length > 0 ? trim(lines[0]) : undefined;
  const last = lines.length > 0 ? trim(lines[lines.length - 1]) : undefined;
  if (first === BEGIN_PATCH && last === END_PATCH && lines.length >= 2) {
    return { all: lines, body: lines.slice(1, -1) };
  }
  if (first !== undefined && first !== BEGIN_PATCH) {
    throw new InvalidPatchError("The first line of the patch must be '*** Begin Patch'");
  }
  throw new InvalidPatchError("The last line of the patch must be '*** End Patch'");
}

/** Strict, or else the same patch inside `<<EOF` / `<<'EOF'` / `<<"EOF"` ... `EOF` (gpt-4.1 sends that). */
function boundariesLenient(lines: string[]): Boundaries {
  try {
    return boundariesStrict(lines);
  } catch (strictError) {
    const first = lines[0];
    const last = lines[lines.length - 1];
    const heredoc = first === "<<EOF" || first === "<<'EOF'" || first === '<<"EOF"';
    if (lines.length >= 4 && heredoc && last.endsWith("EOF")) return boundariesStrict(lines.slice(1, -1));
    throw strictError;
  }
}

function boundariesStreaming(lines: string[]): Boundaries {
  if (lines.length > 0 && trim(lines[0]) === BEGIN_PATCH) {
    const closed = trim(lines[lines.length - 1]) === END_PATCH && lines.length >= 2;
    return { all: lines, body: closed ? lines.slice(1, -1) : lines.slice(1) };
  }
  return boundariesStrict(lines);
}

/** Parses the hunk at the start of `lines`; returns it and how many lines it used. */
function parseOneHunk(lines: string[], lineNumber: number, allowIncomplete: boolean): [Hunk, number] {
  // Markers may carry stray padding: models indent them now and then.
  const header = trim(lines[0]);

  if (header.startsWith(ADD_FILE)) {
    let contents = "";
    let used = 1;
    for (const line of lines.slice(1)) {
      if (!line.startsWith("+")) break;
      contents += `${line.slice(1)}\n`;
      used++;
    }
    return [{ type: "add", path: header.slice(ADD_FILE.length), contents }, used];
  }

  if (header.startsWith(DELETE_FILE)) {
    return [{ type: "delete", path: header.slice(DELETE_FILE.length) }, 1];
  }

  if (header.startsWith(UPDATE_FILE)) {
    const path = header.slice(UPDATE_FILE.length);
    let rest = lines.slice(1);
    let used = 1;
    let moveTo: string | null = null;
    if (rest.length > 0 && rest[0].startsWith(MOVE_TO)) {
      moveTo = rest[0].slice(MOVE_TO.length);
      rest = rest.slice(1);
      used++;
    }
    const chunks: UpdateFileChunk[] = [];
    while (rest.length > 0) {
      if (trim(rest[0]) === "") {
        // Blank lines may separate chunks.
        used++;
        rest = rest.slice(1);
        continue;
      }
      // The next `*** ...` marker ends this file section.
      if (rest[0].startsWith("*")) break;
      if (allowIncomplete && rest[0] === "@") break;
      let parsed: [UpdateFileChunk, number];
      try {
        parsed = parseChunk(rest, lineNumber + used, chunks.length === 0);
      } catch (err) {
        if (allowIncomplete && chunks.length > 0 && err instanceof InvalidPatchError) break;
        throw err;
      }
      chunks.push(parsed[0]);
      used += parsed[1];
      rest = rest.slice(parsed[1]);
    }
    if (chunks.length === 0) {
      throw new InvalidPatchError(`Update file hunk for path '${path}' is empty`, lineNumber);
    }
    return [{ type: "update", path, moveTo, chunks }, used];
  }

  throw new InvalidPatchError(
    `'${header}' is not a valid hunk header. Valid hunk headers: '*** Add File: {path}', '*** Delete File: {path}', '*** Update File: {path}'`,
    lineNumber,
  );
}

/** Parses one chunk (`@@ ...` then ` `/`-`/`+` lines, optionally `*** End of File`). */
function parseChunk(lines: string[], lineNumber: number, allowMissingContext: boolean): [UpdateFileChunk, number] {
  let context: string | null = null;
  let start = 0;
  if (lines[0] === EMPTY_CONTEXT_MARKER) {
    start = 1;
  } else if (lines[0].startsWith(CONTEXT_MARKER)) {
    context = lines[0].slice(CONTEXT_MARKER.length);
    start = 1;
  } else if (!allowMissingContext) {
    throw new InvalidPatchError(
      `Expected update hunk to start with a @@ context marker, got: '${lines[0]}'`,
      lineNumber,
    );
  }
  if (start >= lines.length) {
    throw new InvalidPatchError("Update hunk does not contain any lines", lineNumber + 1);
  }
  const chunk: UpdateFileChunk = { context, oldLines: [], newLines: [], endOfFile: false };
  let used = 0;
  for (const line of lines.slice(start)) {
    // Errors name the offending line. (Codex reports `lineNumber + 1` here even when the chunk had
    // no `@@` line, one past the culprit; we point at the culprit itself.)
    const here = lineNumber + start;
    if (line === END_OF_FILE) {
      if (used === 0) throw new InvalidPatchError("Update hunk does not contain any lines", here);
      chunk.endOfFile = true;
      used++;
      break;
    }
    const marker = line.charAt(0);
    if (line === "") {
      // An empty line is an empty context line whose leading space an editor trimmed.
      chunk.oldLines.push("");
      chunk.newLines.push("");
    } else if (marker === " ") {
      chunk.oldLines.push(line.slice(1));
      chunk.newLines.push(line.slice(1));
    } else if (marker === "+") {
      chunk.newLines.push(line.slice(1));
    } else if (marker === "-") {
      chunk.oldLines.push(line.slice(1));
    } else {
      if (used === 0) {
        throw new InvalidPatchError(
          `Unexpected line found in update hunk: '${line}'. Every line should start with ' ' (context line), '+' (added line), or '-' (removed line)`,
          here,
        );
      }
      // Anything else starts the next chunk (`@@`) or the next file section.
      break;
    }
    used++;
  }
  return [chunk, used + start];
}
