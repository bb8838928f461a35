/**
 * Lines of a byte stream with a bound on each: readline would hold a line of any length in memory,
 * so a client that never sends a newline could exhaust it. A line over the bound is dropped as it
 * arrives (only its length is kept) and reported in its place.
 */

export type BoundedLine = { text: string } | { tooLong: number };

export async function* boundedLines(input: NodeJS.ReadableStream, maxBytes: number): AsyncGenerator<BoundedLine> {
  let parts: Buffer[] = [];
  let size = 0;
  /** Bytes of the current line once it went over the bound (it is being skipped). */
  let skipped = -1;
  const finish = (): BoundedLine => {
    const line: BoundedLine = skipped >= 0 ? { tooLong: skipped } : { text: stripCR(Buffer.concat(parts, size).toString("utf8")) };
    parts = [];
    size = 0;
    skipped = -1;
    return line;
  };
  for await (const raw of input) {
    let chunk = typeof raw === "string" ? Buffer.from(raw) : (raw as Buffer);
    for (let newline = chunk.indexOf(10); ; newline = chunk.indexOf(10)) {
      const piece = newline < 0 ? chunk : chunk.subarray(0, newline);
      if (skipped >= 0) skipped += piece.length;
      else if (size + piece.length > maxBytes) skipped = size + piece.length;
      else {
        parts.push(piece);
        size += piece.length;
      }
      if (skipped >= 0 && parts.length > 0) {
        parts = [];
        size = 0;
      }
      if (newline < 0) break;
      yield finish();
      chunk = chunk.subarray(newline + 1);
    }
  }
  if (size > 0 || skipped >= 0) yield finish();
}

function stripCR(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}
