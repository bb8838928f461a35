/**
 * Where `loom exec`'s prompt comes from, as `codex exec` decides it (exec/src/lib.rs
 * `resolve_root_prompt`): the PROMPT argument; stdin when there is none (it must be piped) or when
 * it is `-`; and, when both a PROMPT and piped stdin are given, the prompt followed by stdin as a
 * `<stdin>` block. The bytes are decoded as Codex does (UTF-8, a BOM stripped, UTF-16 with its BOM),
 * and reading is bounded: a prompt longer than one user message may be is refused.
 */
import { MAX_USER_INPUT_TEXT_CHARS } from "../events/index.js";
import { UserError } from "../runtime/errors.js";
import type { CliIO } from "./io.js";

/** UTF-16 needs two bytes a character, UTF-8 up to four: stop reading past what could still fit. */
const MAX_PROMPT_BYTES = MAX_USER_INPUT_TEXT_CHARS * 4 + 4;
/** After this long without the end of stdin, say what we are waiting for. */
const SLOW_STDIN_MS = 1000;

export type StdinUse = "required" | "forced" | "append";

export async function resolvePrompt(arg: string | undefined, io: CliIO, options: { append: boolean }): Promise<string> {
  if (arg !== undefined && arg !== "-") {
    if (!options.append || io.stdinIsTTY) return arg;
    const extra = await readStdinPrompt(io, "append");
    return extra === undefined ? arg : `${arg}\n\n<stdin>\n${extra}${extra.endsWith("\n") ? "" : "\n"}</stdin>`;
  }
  return (await readStdinPrompt(io, arg === "-" ? "forced" : "required"))!;
}

async function readStdinPrompt(io: CliIO, use: StdinUse): Promise<string | undefined> {
  if (use === "required" && io.stdinIsTTY) {
    throw new UserError("No prompt provided. Either specify one as an argument or pipe the prompt into stdin.");
  }
  const slow = setTimeout(() => io.err("loom exec: reading the prompt from stdin (end it with Ctrl-D, or pass </dev/null)..."), SLOW_STDIN_MS);
  let bytes: Buffer;
  try {
    bytes = await readAll(io.stdin, MAX_PROMPT_BYTES);
  } finally {
    clearTimeout(slow);
  }
  const text = decodePrompt(bytes);
  if (text.length > MAX_USER_INPUT_TEXT_CHARS) {
    throw new UserError(`the prompt on stdin exceeds the maximum length of ${MAX_USER_INPUT_TEXT_CHARS} characters (${text.length} provided)`);
  }
  if (text.trim() === "") {
    if (use === "append") return undefined;
    throw new UserError("No prompt provided via stdin.");
  }
  return text;
}

async function readAll(stream: NodeJS.ReadableStream, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size > max) throw new UserError(`the prompt on stdin is longer than ${max} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks, size);
}

/** Codex's `decode_prompt_bytes`. */
export function decodePrompt(input: Buffer): string {
  let bytes = input;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  if (bytes[0] === 0xff && bytes[1] === 0xfe && bytes[2] === 0 && bytes[3] === 0) throw promptError("UTF-32LE is not supported");
  if (bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 0xfe && bytes[3] === 0xff) throw promptError("UTF-32BE is not supported");
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return decodeUtf16(bytes.subarray(2), "utf-16le");
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return decodeUtf16(bytes.subarray(2), "utf-16be");
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw promptError("input is not valid UTF-8");
  }
}

function decodeUtf16(bytes: Buffer, encoding: "utf-16le" | "utf-16be"): string {
  if (bytes.length % 2 !== 0) throw promptError(`input is not valid ${encoding.toUpperCase()}`);
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    throw promptError(`input is not valid ${encoding.toUpperCase()}`);
  }
}

function promptError(reason: string): UserError {
  return new UserError(`Failed to read prompt from stdin: ${reason}`);
}
