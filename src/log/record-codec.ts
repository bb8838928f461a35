/**
 * How an entry is stored by the LevelDB and PostgreSQL backends: a compact record that reads back as
 * exactly the entry that was appended. A turn repeats its content many times over (the user's text
 * in the submission, the history item, `item_started`, `item_completed`, `user_message`; a tool's
 * output in the answer, the response event, the raw item and the history item; the answer in its
 * deltas, the item, `agent_message` and `task_complete`), and Codex's vocabulary keeps all of them.
 * A record stores each long string once: a later copy within `WINDOW` seqs of the same thread is a
 * reference to where the string is written out.
 *
 * Record (version 2), a JSON array: `[seq, ts, kind, payload, v, refs?, sub?]` where the thread id is
 * the key's (not repeated), and `refs` lists `[path, seq, path]`: the string at the first path of
 * this payload (stored as "") is the string at the second path of record `seq`'s payload. A ref
 * always points at a string written out in full, never at another ref, so a reader resolves it
 * from the `WINDOW` records before it without chains. Version 1 records (the entry's JSON object)
 * are still read as they are: data dirs written before keep opening.
 *
 * A string only becomes a target once the record holding it is durable (`committed`), plus within
 * the same append: a failed write can never leave a ref to a record that was not written.
 */
import { parseLogEntry, type LogEntry } from "../events/index.js";
import { CorruptEntryError } from "./errors.js";

/** Strings shorter than this are written out wherever they occur (a ref costs ~30 bytes). */
export const MIN_SHARED = 96;
/** How far back (in seqs of the same thread) a ref may point; readers load this many records before a range. */
export const WINDOW = 64;
/** Threads whose recent strings are kept for reference (the least recently written are dropped). */
const MAX_THREADS = 512;

type Path = Array<string | number>;
/** `[path in this payload, seq of the target record, path in its payload]`. */
type Ref = [Path, number, Path];

interface Target {
  seq: number;
  path: Path;
}

/** The long strings one thread wrote out recently, by content. */
class ThreadWindow {
  readonly targets = new Map<string, Target>();
  /** In seq order, to drop what falls out of the window. */
  readonly order: Array<{ text: string; seq: number }> = [];
  /** Strings of records built but not yet durable, by seq. */
  readonly pending = new Map<number, Array<{ text: string; path: Path }>>();

  add(seq: number, text: string, path: Path): void {
    this.targets.set(text, { seq, path });
    this.order.push({ text, seq });
  }

  /** Drops targets too old for a record at `seq` to point at. */
  trim(seq: number): void {
    let drop = 0;
    while (drop < this.order.length && this.order[drop].seq <= seq - WINDOW) {
      const { text, seq: at } = this.order[drop];
      if (this.targets.get(text)?.seq === at) this.targets.delete(text);
      drop++;
    }
    if (drop > 0) this.order.splice(0, drop);
  }
}

/** Encodes the entries of every thread of one log (one writer per thread). */
export class RecordEncoder {
  readonly #windows = new Map<string, ThreadWindow>();

  #window(threadId: string): ThreadWindow {
    let window = this.#windows.get(threadId);
    if (window) {
      // Most recently written last: the first one is the one to drop.
      this.#windows.delete(threadId);
    } else {
      window = new ThreadWindow();
      if (this.#windows.size >= MAX_THREADS) this.#windows.delete(this.#windows.keys().next().value!);
    }
    this.#windows.set(threadId, window);
    return window;
  }

  /**
   * The records of one append, in order. Later entries of the same append may point at earlier
   * ones (they are written together or not at all).
   */
  encode(entries: readonly LogEntry[]): string[] {
    if (entries.length === 0) return [];
    const window = this.#window(entries[0].threadId);
    window.trim(entries[0].seq);
    const local = new Map<string, Target>();
    return entries.map((entry) => {
      const refs: Ref[] = [];
      const written: Array<{ text: string; path: Path }> = [];
      const payload = share(entry.payload, [], (text, path) => {
        const target = local.get(text) ?? window.targets.get(text);
        // Never the record itself (a reader resolves a record's refs before it keeps it).
        if (target && target.seq < entry.seq && target.seq > entry.seq - WINDOW) {
          refs.push([path.slice(), target.seq, target.path]);
          return true;
        }
        const at = path.slice();
        written.push({ text, path: at });
        local.set(text, { seq: entry.seq, path: at });
        return false;
      });
      window.pending.set(entry.seq, written);
      const record: unknown[] = [entry.seq, entry.ts, entry.kind, payload, entry.v];
      if (refs.length > 0 || entry.sub !== undefined) record.push(refs.length > 0 ? refs : 0);
      if (entry.sub !== undefined) record.push(entry.sub);
      return JSON.stringify(record);
    });
  }

  /** The thread's records up to `seq` are durable: their strings may be pointed at. */
  committed(threadId: string, seq: number): void {
    const window = this.#windows.get(threadId);
    if (!window) return;
    for (const [at, written] of [...window.pending].sort((a, b) => a[0] - b[0])) {
      if (at > seq) break;
      for (const { text, path } of written) window.add(at, text, path);
      window.pending.delete(at);
    }
  }

  /** A write of the thread failed: nothing built and not yet durable may be pointed at. */
  failed(threadId: string): void {
    this.#windows.get(threadId)?.pending.clear();
  }
}

/**
 * A copy of `value` in which every long string `replace` takes is "" (copied only along the
 * paths that change; `value` itself is never modified). `path` is reused while walking.
 */
function share(value: unknown, path: Path, replace: (text: string, path: Path) => boolean): unknown {
  if (typeof value === "string") return value.length >= MIN_SHARED && replace(value, path) ? "" : value;
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      const next = share(value[i], path, replace);
      path.pop();
      if (next !== value[i]) (copy ??= value.slice())[i] = next;
    }
    return copy ?? value;
  }
  {
    let copy: Record<string, unknown> | undefined;
    const object = value as Record<string, unknown>;
    for (const key of Object.keys(object)) {
      // A key JSON.parse makes an own property but an assignment would not: never a ref's path.
      if (key === "__proto__") continue;
      path.push(key);
      const next = share(object[key], path, replace);
      path.pop();
      if (next !== object[key]) (copy ??= { ...object })[key] = next;
    }
    return copy ?? value;
  }
}

/** Why a record could not be decoded (the caller names the thread and seq). */
export class RecordFormatError extends Error {}

/**
 * A record refers to a seq this decoder has not seen: a read that started after it must `prime`
 * the decoder with the records before its start, then decode this one again.
 */
export class OutOfReachError extends RecordFormatError {
  constructor(readonly seq: number) {
    super(`it refers to seq ${seq}, which is not in reach`);
  }
}

/** What a record holds, before validation. */
export interface RawEntry {
  v: unknown;
  threadId: unknown;
  seq: unknown;
  ts: unknown;
  kind: unknown;
  payload: unknown;
  sub?: unknown;
}

/**
 * Decodes one thread's records in seq order, resolving refs from the records it has seen. Give it
 * the `WINDOW` records before a range first (`prime`), then the range's (`decode`).
 */
export class RecordDecoder {
  readonly #payloads = new Map<number, unknown>();

  constructor(private readonly threadId: string) {}

  /** A record before the range, kept only as a possible target. */
  prime(json: string): void {
    const parsed: unknown = JSON.parse(json);
    if (Array.isArray(parsed)) this.#keep(parsed[0] as number, parsed[3]);
    else if (typeof parsed === "object" && parsed !== null) this.#keep((parsed as RawEntry).seq as number, (parsed as RawEntry).payload);
  }

  /** The entry a record holds (not yet validated), with its refs resolved. */
  decode(json: string): RawEntry {
    const parsed: unknown = JSON.parse(json);
    if (!Array.isArray(parsed)) {
      const entry = parsed as RawEntry;
      if (typeof entry === "object" && entry !== null) this.#keep(entry.seq as number, entry.payload);
      return entry;
    }
    const [seq, ts, kind, payload, v, refs, sub] = parsed as [unknown, unknown, unknown, unknown, unknown, unknown, unknown];
    if (typeof seq !== "number") throw new RecordFormatError("the record has no seq");
    if (refs !== undefined && refs !== 0) {
      if (!Array.isArray(refs)) throw new RecordFormatError("its refs are not a list");
      for (const ref of refs as unknown[]) this.#resolve(payload, ref);
    }
    this.#keep(seq, payload);
    const entry: RawEntry = { v, threadId: this.threadId, seq, ts, kind, payload };
    if (sub !== undefined) entry.sub = sub;
    return entry;
  }

  #keep(seq: number, payload: unknown): void {
    if (typeof seq !== "number") return;
    this.#payloads.set(seq, payload);
    this.#payloads.delete(seq - WINDOW);
  }

  #resolve(payload: unknown, ref: unknown): void {
    if (!Array.isArray(ref) || ref.length !== 3 || !Array.isArray(ref[0]) || ref[0].length === 0 || typeof ref[1] !== "number" || !Array.isArray(ref[2])) {
      throw new RecordFormatError(`malformed ref ${JSON.stringify(ref)}`);
    }
    const [path, seq, targetPath] = ref as Ref;
    if (!this.#payloads.has(seq)) throw new OutOfReachError(seq);
    const text = walk(this.#payloads.get(seq), targetPath);
    if (typeof text !== "string") throw new RecordFormatError(`its ref to seq ${seq} does not lead to a string`);
    const holder = walk(payload, path.slice(0, -1));
    const key = path[path.length - 1];
    if (typeof holder !== "object" || holder === null || key === "__proto__" || !Object.hasOwn(holder, key)) {
      throw new RecordFormatError(`its ref path ${JSON.stringify(path)} leads nowhere`);
    }
    (holder as Record<string | number, unknown>)[key] = text;
  }
}

function walk(value: unknown, path: readonly unknown[]): unknown {
  let at = value;
  for (const key of path) {
    if (typeof at !== "object" || at === null || (typeof key !== "string" && typeof key !== "number") || !Object.hasOwn(at, key)) return undefined;
    at = (at as Record<string | number, unknown>)[key];
  }
  return at;
}

/** The seq a stored record says it holds (either version), or undefined. */
export function recordSeq(json: string): number | undefined {
  try {
    const parsed: unknown = JSON.parse(json);
    const seq = Array.isArray(parsed) ? parsed[0] : (parsed as { seq?: unknown } | null)?.seq;
    return typeof seq === "number" ? seq : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The validated entry record `seq` of `threadId` holds. Throws `OutOfReachError` when it refers
 * to a record before what the decoder has seen, `CorruptEntryError` for anything else wrong.
 */
export function decodeRecord(decoder: RecordDecoder, threadId: string, seq: number, json: string): LogEntry {
  let entry: LogEntry;
  try {
    entry = parseLogEntry(decoder.decode(json));
  } catch (err) {
    if (err instanceof OutOfReachError) throw err;
    throw new CorruptEntryError(threadId, seq, (err as Error).message, { cause: err });
  }
  if (entry.seq !== seq || entry.threadId !== threadId) {
    // A record out of place means the one that belongs here is missing.
    throw new CorruptEntryError(threadId, seq, `found thread ${entry.threadId} seq ${entry.seq} where this record belongs`);
  }
  return entry;
}

/** `decodeRecord` for one chunk of a range read starting at `from`, priming the decoder once when a record reaches before it. */
export async function decodeChunk(
  decoder: RecordDecoder,
  threadId: string,
  firstSeq: number,
  from: number,
  chunk: readonly string[],
  prime: () => Promise<void>,
  primed: { done: boolean },
): Promise<LogEntry[]> {
  const decoded = new Array<LogEntry>(chunk.length);
  for (let i = 0; i < chunk.length; i++) {
    try {
      decoded[i] = decodeRecord(decoder, threadId, firstSeq + i, chunk[i]);
    } catch (err) {
      if (!(err instanceof OutOfReachError) || primed.done || err.seq >= from) {
        if (err instanceof OutOfReachError) throw new CorruptEntryError(threadId, firstSeq + i, err.message, { cause: err });
        throw err;
      }
      primed.done = true;
      await prime();
      i--;
    }
  }
  return decoded;
}
