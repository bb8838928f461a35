/**
 * A log file that never grows past a bound: past `maxBytes` it becomes `loom.log.1` (the older ones
 * move up, the oldest beyond `keep` is dropped) and a new file starts. Writes are synchronous, so a
 * CLI process that exits (or is killed right after a line) has that line on disk; a write that
 * fails (disk full, file removed) is dropped rather than breaking the turn it describes.
 */
import { closeSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { dirname } from "node:path";

export interface RotatingFileOptions {
  /** Rotate when the file reaches this many bytes (default 10 MiB). */
  maxBytes?: number;
  /** Rotated files kept beside the current one (default 3). */
  keep?: number;
}

export class RotatingFile {
  private fd: number;
  private size: number;
  private readonly maxBytes: number;
  private readonly keep: number;
  /** Lines that could not be written (kept for tests and for a last warning). */
  dropped = 0;

  constructor(
    readonly path: string,
    options: RotatingFileOptions = {},
  ) {
    this.maxBytes = Math.max(1024, options.maxBytes ?? 10 * 1024 * 1024);
    this.keep = Math.max(1, options.keep ?? 3);
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, "a", 0o600);
    this.size = fstatSync(this.fd).size;
  }

  write(chunk: string): boolean {
    try {
      if (this.fd < 0) this.reopen();
      const bytes = Buffer.from(chunk);
      writeSync(this.fd, bytes);
      this.size += bytes.length;
      if (this.size >= this.maxBytes) this.rotate();
    } catch {
      this.dropped += 1;
    }
    return true;
  }

  private rotate(): void {
    closeSync(this.fd);
    this.fd = -1;
    rmSync(`${this.path}.${this.keep}`, { force: true });
    for (let n = this.keep - 1; n >= 1; n--) {
      try {
        renameSync(`${this.path}.${n}`, `${this.path}.${n + 1}`);
      } catch {
        // Not there yet: fewer rotations so far than `keep`.
      }
    }
    renameSync(this.path, `${this.path}.1`);
    this.reopen();
  }

  private reopen(): void {
    this.fd = openSync(this.path, "a", 0o600);
    this.size = fstatSync(this.fd).size;
  }

  close(): void {
    if (this.fd < 0) return;
    try {
      closeSync(this.fd);
    } finally {
      this.fd = -1;
    }
  }
}
