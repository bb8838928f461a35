/**
 * Errors of the apply_patch actor. Their `message` is the text Codex shows for the same failure, so
 * the model reads the words it was trained on; `modelMessage` is what the tool call answers with.
 */

/**
 * The patch text does not follow the apply_patch grammar. `lineNumber` (1-based, counted in the patch
 * text after any heredoc wrapper is removed) is set when one hunk is at fault; without it the
 * envelope (`*** Begin Patch` / `*** End Patch`) is.
 */
export class InvalidPatchError extends Error {
  override readonly name = "InvalidPatchError";
  constructor(
    /** What was expected, without the location prefix (Codex's `ParseError` payload). */
    readonly reason: string,
    readonly lineNumber?: number,
  ) {
    super(lineNumber === undefined ? `invalid patch: ${reason}` : `invalid hunk at line ${lineNumber}, ${reason}`);
  }

  /** The line Codex's `apply_patch` command prints on stderr for this error. */
  get stderr(): string {
    return this.lineNumber === undefined
      ? `Invalid patch: ${this.reason}\n`
      : `Invalid patch hunk on line ${this.lineNumber}: ${this.reason}\n`;
  }
}

/**
 * Where a failure happened decides how Codex reports it. `verification`: the patch was parsed and
 * planned against the files without touching any (parse errors, missing files, context not found);
 * Codex answers `apply_patch verification failed: <message>`. `apply`: planning succeeded but writing
 * failed (or the patch was empty); Codex answers with the command's stderr and exit code 1.
 */
export type ApplyPatchStage = "verification" | "apply";

/** A patch that could not be applied. No file was left changed by it (see `applyPatch`). */
export class ApplyPatchError extends Error {
  override readonly name = "ApplyPatchError";
  readonly stage: ApplyPatchStage;
  /** Absolute path of the file the failure is about, when there is one. */
  readonly path?: string;
  /** 0-based index of the hunk (file section) in the patch that failed, when known. */
  readonly hunkIndex?: number;

  constructor(
    message: string,
    opts: { stage: ApplyPatchStage; path?: string; hunkIndex?: number; cause?: unknown },
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.stage = opts.stage;
    if (opts.path !== undefined) this.path = opts.path;
    if (opts.hunkIndex !== undefined) this.hunkIndex = opts.hunkIndex;
  }

  /** What Codex's standalone `apply_patch` writes to stderr for this failure. */
  get stderr(): string {
    return this.cause instanceof InvalidPatchError ? this.cause.stderr : `${this.message}\n`;
  }

  /** The text the tool call answers the model with (Codex's `FunctionCallError::RespondToModel`). */
  get modelMessage(): string {
    return this.stage === "verification" ? `apply_patch verification failed: ${this.message}` : this.message;
  }
}

/** Describes an fs error the way Rust's `io::Error` prints it, which is what Codex's messages embed. */
export function describeIoError(err: unknown): string {
  const e = err as NodeJS.ErrnoException | undefined;
  const code = e?.code;
  const text = code === undefined ? undefined : OS_ERROR_TEXT[code];
  if (text !== undefined && typeof e?.errno === "number") return `${text} (os error ${Math.abs(e.errno)})`;
  if (err instanceof Error) return err.message;
  return String(err);
}

// strerror(3) texts on Linux and macOS for the errors file edits actually meet.
const OS_ERROR_TEXT: Record<string, string> = {
  ENOENT: "No such file or directory",
  EISDIR: "Is a directory",
  ENOTDIR: "Not a directory",
  EACCES: "Permission denied",
  EPERM: "Operation not permitted",
  EEXIST: "File exists",
  EROFS: "Read-only file system",
  ENOSPC: "No space left on device",
  ENOTEMPTY: "Directory not empty",
  EMFILE: "Too many open files",
  ELOOP: "Too many levels of symbolic links",
  ENAMETOOLONG: "File name too long",
};

/** A synthetic "file not found" for a path an earlier hunk of the same patch deleted. */
export function notFoundError(path: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`ENOENT: no such file or directory, open '${path}'`);
  err.code = "ENOENT";
  err.errno = -2;
  err.path = path;
  return err;
}
