/**
 * What Loom keeps of a command's output (Codex `exec.rs`): the first 1 MiB of each stream, and a
 * bounded number of live chunks. A runaway command (100 MB of `yes`) costs bounded memory, and the
 * log it writes (live chunks are logged) stays a few MB.
 */
import type { Readable } from "node:stream";
import type { ShellOutputChunk } from "./types.js";

/** Bytes kept per stream (Codex `EXEC_OUTPUT_MAX_BYTES`, 1 MiB): a runaway command cannot exhaust memory. */
export const EXEC_OUTPUT_MAX_BYTES = 1024 * 1024;
/** Live output chunks reported per stream (Codex's cap); the captured output is unaffected. */
export const MAX_EXEC_OUTPUT_DELTAS_PER_CALL = 10_000;
/**
 * Live output bytes reported per call, both streams together. Codex does not persist its deltas;
 * Loom logs them, so they get a byte budget too: what the model reads is in `exec_command_end`.
 */
export const MAX_EXEC_OUTPUT_DELTA_BYTES = EXEC_OUTPUT_MAX_BYTES;

export class CappedBuffer {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly cap: number) {}

  push(chunk: Buffer): void {
    if (this.size >= this.cap) return;
    const take = Math.min(this.cap - this.size, chunk.length);
    // A copy of a slice, so the pipe's larger buffer is not kept alive by it.
    this.chunks.push(take === chunk.length ? chunk : Buffer.from(chunk.subarray(0, take)));
    this.size += take;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks, this.size);
  }
}

/** The live-output allowance of one call, shared by its two streams. */
export class DeltaBudget {
  private bytes = 0;
  private readonly counts = { stdout: 0, stderr: 0 };
  constructor(private readonly maxBytes: number = MAX_EXEC_OUTPUT_DELTA_BYTES) {}

  /** The part of `chunk` that may still be reported live (empty once the budget is spent). */
  take(stream: "stdout" | "stderr", chunk: Buffer): Buffer {
    if (this.counts[stream] >= MAX_EXEC_OUTPUT_DELTAS_PER_CALL || this.bytes >= this.maxBytes) return Buffer.alloc(0);
    this.counts[stream] += 1;
    const part = chunk.length <= this.maxBytes - this.bytes ? chunk : chunk.subarray(0, this.maxBytes - this.bytes);
    this.bytes += part.length;
    return part;
  }
}

/** Reads a stream to its end, keeping at most the sink's cap and reporting chunks within the budget. */
export function collect(
  stream: Readable,
  sink: CappedBuffer,
  name: "stdout" | "stderr",
  budget: DeltaBudget,
  onOutput: ((chunk: ShellOutputChunk) => void) | undefined,
): Promise<void> {
  return new Promise<void>((resolve) => {
    stream.on("data", (chunk: Buffer) => {
      if (onOutput) {
        const live = budget.take(name, chunk);
        if (live.length > 0) {
          try {
            onOutput({ stream: name, chunk: live });
          } catch {
            // A listener's bug must not leave the child running unobserved.
          }
        }
      }
      sink.push(chunk);
    });
    stream.once("close", () => resolve());
    stream.once("error", () => resolve());
  });
}

/**
 * stdout followed by stderr within `cap` bytes. Under contention stdout gets a third and stderr
 * the rest, and stderr's unused share goes back to stdout (Codex `aggregate_output`): errors are
 * usually what the model needs to see.
 */
export function aggregateOutput(stdout: Buffer, stderr: Buffer, cap: number): Buffer {
  if (stdout.length + stderr.length <= cap) return Buffer.concat([stdout, stderr]);
  const wantStdout = Math.min(stdout.length, Math.floor(cap / 3));
  const stderrTake = Math.min(stderr.length, cap - wantStdout);
  const remaining = cap - wantStdout - stderrTake;
  const stdoutTake = wantStdout + Math.min(remaining, stdout.length - wantStdout);
  return Buffer.concat([stdout.subarray(0, stdoutTake), stderr.subarray(0, stderrTake)]);
}
