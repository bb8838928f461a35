/**
 * Where a write really lands, for the writes Loom makes itself (apply_patch): a path inside the
 * workspace that goes through a symlink to the outside IS outside. And reading a file a tool was
 * pointed at without trusting it: only regular files (a FIFO would block, `/dev/zero` never ends),
 * never more than a limit.
 */
import { constants } from "node:fs";
import { lstat, open, readlink, stat } from "node:fs/promises";
import path from "node:path";

/** The largest file Loom reads whole for a tool (a patch target): 16 MiB. */
export const MAX_READ_BYTES = 16 * 1024 * 1024;
/** Linux's limit on symlinks followed while resolving one path (ELOOP beyond). */
const MAX_SYMLINKS = 40;

export class NotARegularFileError extends Error {
  override readonly name = "NotARegularFileError";
  constructor(
    readonly path: string,
    readonly kind: string,
  ) {
    super(`${path} is not a regular file (it is ${kind})`);
  }
}

export class FileTooLargeError extends Error {
  override readonly name = "FileTooLargeError";
  constructor(
    readonly path: string,
    readonly limit: number,
  ) {
    super(`${path} is larger than ${limit} bytes, the most Loom reads whole`);
  }
}

export interface WriteTarget {
  /** The path as written (absolute). */
  path: string;
  /** Where the kernel would write: every symlink followed, `..` applied after it. */
  real: string;
  /** What is there now. */
  kind: "file" | "directory" | "missing" | "other";
  /** For `other`: what it is (a FIFO, a socket, a device). */
  otherKind?: string;
  /** A regular file with more than one name: writing it in place changes the other names too. */
  hardLinked: boolean;
}

/**
 * Resolves an absolute path the way the kernel does when it opens it for writing. `followFinal`
 * false resolves only the parent (an unlink removes the link, not its target).
 */
export async function resolveWriteTarget(absPath: string, options: { followFinal?: boolean } = {}): Promise<WriteTarget> {
  const followFinal = options.followFinal ?? true;
  const real = await resolveReal(path.resolve(absPath), followFinal);
  let info;
  try {
    info = followFinal ? await stat(real) : await lstat(real);
  } catch {
    return { path: absPath, real, kind: "missing", hardLinked: false };
  }
  if (info.isFile()) return { path: absPath, real, kind: "file", hardLinked: info.nlink > 1 };
  if (info.isDirectory()) return { path: absPath, real, kind: "directory", hardLinked: false };
  return { path: absPath, real, kind: "other", otherKind: kindOf(info), hardLinked: false };
}

async function resolveReal(absPath: string, followFinal: boolean): Promise<string> {
  const pending = absPath.split("/").filter((part) => part !== "");
  let current = "/";
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === ".") continue;
    if (part === "..") {
      current = path.dirname(current);
      continue;
    }
    const next = path.join(current, part);
    if (pending.length === 0 && !followFinal) return next;
    let info;
    try {
      info = await lstat(next);
    } catch {
      // Nothing there yet: the rest is created as spelled.
      return path.resolve(next, ...pending);
    }
    if (!info.isSymbolicLink()) {
      current = next;
      continue;
    }
    if (++links > MAX_SYMLINKS) {
      throw Object.assign(new Error(`ELOOP: too many symbolic links encountered, resolving '${absPath}'`), { code: "ELOOP", errno: -40, path: absPath });
    }
    const target = await readlink(next);
    if (path.isAbsolute(target)) current = "/";
    pending.unshift(...target.split("/").filter((p) => p !== ""));
  }
  return current;
}

/**
 * A regular file's bytes, at most `maxBytes` of them. Opened without blocking (a FIFO would wait
 * for a writer) and checked on the open descriptor, so what is read is what was checked.
 */
export async function readRegularFile(absPath: string, maxBytes: number = MAX_READ_BYTES): Promise<Buffer> {
  const handle = await open(absPath, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  try {
    const info = await handle.stat();
    if (info.isDirectory()) {
      throw Object.assign(new Error(`EISDIR: illegal operation on a directory, read '${absPath}'`), { code: "EISDIR", errno: -21, path: absPath });
    }
    if (!info.isFile()) throw new NotARegularFileError(absPath, kindOf(info));
    if (info.size > maxBytes) throw new FileTooLargeError(absPath, maxBytes);
    // The size is a hint (procfs files say 0, a file may grow): read to the limit and one byte more.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const want = Math.min(64 * 1024, maxBytes + 1 - total);
      const buffer = Buffer.allocUnsafe(want);
      const { bytesRead } = await handle.read(buffer, 0, want, null);
      if (bytesRead === 0) break;
      chunks.push(buffer.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) throw new FileTooLargeError(absPath, maxBytes);
    }
    return Buffer.concat(chunks, total);
  } finally {
    await handle.close();
  }
}

function kindOf(info: { isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSymbolicLink(): boolean }): string {
  if (info.isFIFO()) return "a FIFO";
  if (info.isSocket()) return "a socket";
  if (info.isCharacterDevice()) return "a character device";
  if (info.isBlockDevice()) return "a block device";
  if (info.isSymbolicLink()) return "a symbolic link";
  return "not a file";
}
