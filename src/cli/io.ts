/** Output helpers: one place that writes to stdout/stderr, so commands stay testable. */
export interface CliIO {
  out(line: string): void;
  err(line: string): void;
  stdin: NodeJS.ReadableStream;
  /** The environment commands read (OPENAI_API_KEY, OPENAI_BASE_URL, ...); default process.env. */
  env?: Record<string, string | undefined>;
  /** Whether stdin is a terminal (then a prompt is never read from it). */
  stdinIsTTY?: boolean;
  /** Whether stderr is a terminal (then `loom exec` colours what it prints there). */
  stderrIsTTY?: boolean;
  /** Aborts when the reader of our output went away (`loom exec --json ... | head -1`). */
  outputClosed?: AbortSignal;
  /**
   * Called by a command that stops cleanly when its output closes (it interrupts its turn so the log
   * records how it ended); any other command simply exits when that happens.
   */
  stopsOnOutputClosed?(): void;
}

const closed = new AbortController();
const broken = new Set<NodeJS.WriteStream>();
let graceful = false;

// A reader that stops early (`loom log ID | head`) closes the pipe: that is the end, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    broken.add(stream);
    closed.abort();
    if (!graceful) process.exit(0);
  });
}

const write = (stream: NodeJS.WriteStream, line: string): void => {
  if (broken.has(stream) || stream.destroyed) return;
  stream.write(`${line}\n`);
};

export const processIO: CliIO = {
  out: (line) => write(process.stdout, line),
  err: (line) => write(process.stderr, line),
  stdin: process.stdin,
  stdinIsTTY: process.stdin.isTTY === true,
  stderrIsTTY: process.stderr.isTTY === true,
  outputClosed: closed.signal,
  stopsOnOutputClosed: () => {
    graceful = true;
  },
};
