/** Output helpers: one place that writes to stdout/stderr, so commands stay testable. */
export interface CliIO {
  out(line: string): void;
  err(line: string): void;
  stdin: NodeJS.ReadableStream;
}

// A reader that stops early (`loom log ID | head`) closes the pipe: that is the end, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
}

export const processIO: CliIO = {
  out: (line) => void process.stdout.write(`${line}\n`),
  err: (line) => void process.stderr.write(`${line}\n`),
  stdin: process.stdin,
};
