/**
 * Server-sent events off a response body, decoded here rather than by the SDK: the SDK throws away
 * the whole attempt on one event whose data is not JSON (and prints it to the console), where Codex
 * skips that event and reads on (codex-api `process_sse`). The decoder follows the SSE spec's line
 * rules (LF, CRLF or CR; `data:` lines joined with "\n"; comments and unknown fields ignored) and
 * bounds what it buffers, so a server cannot make it hold an unbounded event.
 */

/** One dispatched event: its `event:` name (or null) and its joined `data:` lines. */
export interface SseMessage {
  event: string | null;
  data: string;
}

/** Larger than any Responses event (an output item with a long answer is a few MB at most). */
export const MAX_SSE_EVENT_CHARS = 32 * 1024 * 1024;

/** The server sent something no SSE reader should hold: the attempt fails as a broken stream. */
export class SseTooLargeError extends Error {
  override readonly name = "SseTooLargeError";
}

/** Splits a stream of text chunks into SSE messages, in order. */
export class SseDecoder {
  private buffer = "";
  private data: string[] = [];
  private dataChars = 0;
  private event: string | null = null;
  /** A chunk ended with CR: a following LF belongs to the same line break. */
  private pendingCR = false;

  constructor(private readonly maxEventChars = MAX_SSE_EVENT_CHARS) {}

  push(chunk: string): SseMessage[] {
    const out: SseMessage[] = [];
    let text = chunk;
    if (this.pendingCR && text.startsWith("\n")) text = text.slice(1);
    this.pendingCR = false;
    this.buffer += text;
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.line(this.buffer.slice(start, i), out);
      if (c === 13) {
        if (i + 1 < this.buffer.length) {
          if (this.buffer.charCodeAt(i + 1) === 10) i++;
        } else this.pendingCR = true;
      }
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
    if (this.buffer.length + this.dataChars > this.maxEventChars) {
      throw new SseTooLargeError(`an SSE event is larger than ${this.maxEventChars} characters`);
    }
    return out;
  }

  /** The stream ended: an event without its blank line is dropped, as the spec says. */
  end(): SseMessage[] {
    return [];
  }

  private line(line: string, out: SseMessage[]): void {
    if (line === "") {
      if (this.data.length > 0) out.push({ event: this.event, data: this.data.join("\n") });
      this.data = [];
      this.dataChars = 0;
      this.event = null;
      return;
    }
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") {
      this.data.push(value);
      this.dataChars += value.length + 1;
      if (this.dataChars > this.maxEventChars) throw new SseTooLargeError(`an SSE event is larger than ${this.maxEventChars} characters`);
    } else if (field === "event") this.event = value;
  }
}

/** The body's SSE messages as they arrive. Cancelling the iteration cancels the body. */
export async function* sseMessages(body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage> {
  const decoder = new SseDecoder();
  const text = new TextDecoder();
  const reader = body.getReader();
  let done = false;
  try {
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) {
        done = true;
        yield* decoder.push(text.decode());
        yield* decoder.end();
        return;
      }
      yield* decoder.push(text.decode(chunk.value, { stream: true }));
    }
  } finally {
    if (!done) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
