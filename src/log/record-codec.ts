/**
 * How an entry is stored by the LevelDB and PostgreSQL backends: a compact record that reads back as
 * exactly the entry that was appended. A turn repeats itself many times over: its content (the
 * user's text in the submission, the history item, `item_started`, `item_completed`, `user_message`;
 * a tool's output in the answer, the response event, the raw item and the history item; the answer
 * in its deltas, the item, `agent_message` and `task_complete`), and its shapes (each turn's
 * `turn_context`, `token_count`, `model_request`, ... differ from the last turn's in a few fields).
 * Codex's vocabulary keeps all of them, and so does the log; the records do not.
 *
 * Record (version 3), a JSON array `[seq, ts, kind, payload, ops?, sub?]`:
 * - `kind` is the index of the entry's kind in `EntryKind` (a number: that is how a reader tells a
 *   version 3 record from a version 2 one, whose kind is a string);
 * - `payload` is the payload written out, or the seq of an earlier record whose payload this one
 *   starts from; then `ops` (./record-ops.ts) change it: set a literal, delete a key, or copy a
 *   value (a long string, most often) from an earlier record;
 * - `sub` is the submission id, or the seq of an earlier record with the same one;
 * - `ts` is the ISO time as epoch milliseconds (relative to the `sub` record's when `sub` is a seq),
 *   or the string itself when it does not read back from milliseconds.
 * The thread id is the key's, and `v` is `LOG_SCHEMA_VERSION`.
 *
 * A record only refers to records within `WINDOW` seqs before it, and only to ones whose own
 * references (and theirs, transitively) stay within `WINDOW` seqs before it (the encoder tracks each
 * record's reach), so a reader that starts at seq N decodes everything from the `WINDOW` records
 * before N (`prime`).
 *
 * A record may refer to records appended before it that are not durable yet: a failed write fails
 * every later write of the same thread (their seqs assumed it; see store-event-log.ts and
 * postgres/writers.ts), and a crash leaves a prefix of each thread's records.
 *
 * Version 2 records (`[seq, ts, kind, payload, v, refs?, sub?]`, long strings as refs to records
 * written out in full) and version 1 records (the entry's JSON object) still read as they are.
 */
import { EntryKind, LOG_SCHEMA_VERSION, parseLogEntry, type LogEntry } from "../events/index.js";
import { CorruptEntryError } from "./errors.js";
import { MIN_SHARED, RecordFormatError, applyOp, clone, diff, share, writtenStrings, type Op, type Path, type SetOp } from "./record-ops.js";

export { MIN_SHARED, RecordFormatError };
/** How far back (in seqs of the same thread) a record may depend on; readers load this many records before a range. */
export const WINDOW = 256;
/** Threads whose recent records are kept to refer to (the least recently written are dropped). */
const MAX_THREADS = 256;

const KINDS = EntryKind.options;
const KIND_INDEX = new Map<string, number>(KINDS.map((kind, i) => [kind, i]));

/** What the encoder remembers of one record it wrote. */
interface Held {
  kind: string;
  payload: unknown;
  ts: string;
  /** Epoch ms when `ts` reads back from it exactly. */
  ms: number | undefined;
  sub: string | undefined;
  /** The lowest seq this record depends on, itself included. */
  reach: number;
  /** Strings it writes out (targets of later copies). */
  strings: string[];
}

/** One thread's recent records, what they wrote out, and the latest record of each shape. */
class ThreadWindow {
  readonly records = new Map<number, Held>();
  /** Each long string by the record that wrote it out most recently, and its number there. */
  readonly strings = new Map<string, { seq: number; index: number }>();
  readonly subs = new Map<string, number>();
  readonly latest = new Map<string, number>();

  /** The record at `seq`, if a record at `at` may depend on it. */
  usable(seq: number | undefined, at: number): Held | undefined {
    if (seq === undefined) return undefined;
    const held = this.records.get(seq);
    return held && held.reach > at - WINDOW ? held : undefined;
  }

  /** Forgets records too old for one at `seq` to depend on. */
  trim(seq: number): void {
    for (const [at, held] of this.records) {
      if (at > seq - WINDOW) break;
      this.records.delete(at);
      for (const text of held.strings) if (this.strings.get(text)?.seq === at) this.strings.delete(text);
      if (held.sub !== undefined && this.subs.get(held.sub) === at) this.subs.delete(held.sub);
    }
  }
}

/** The shape a record's payload is compared by: kind, type, and item or op type. */
function shapeOf(kind: string, payload: unknown): string {
  const p = payload as { type?: unknown; role?: unknown; item?: { type?: unknown }; op?: { type?: unknown } };
  return `${kind}:${String(p.type ?? p.op?.type ?? "")}:${String(p.item?.type ?? p.role ?? "")}`;
}

function epochMs(ts: string): number | undefined {
  const ms = Date.parse(ts);
  return Number.isFinite(ms) && new Date(ms).toISOString() === ts ? ms : undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

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

  /** The records of one append, in order (later entries may refer to earlier ones). */
  encode(entries: readonly LogEntry[]): string[] {
    if (entries.length === 0) return [];
    const threadId = entries[0].threadId;
    const window = this.#window(threadId);
    try {
      return entries.map((entry) => this.#encodeOne(window, entry));
    } catch (err) {
      // Nothing of this append is written: forget what it taught the window.
      this.#windows.delete(threadId);
      throw err;
    }
  }

  /** A write of the thread failed: its records from the failed one on were never written. */
  failed(threadId: string): void {
    this.#windows.delete(threadId);
  }

  #encodeOne(window: ThreadWindow, entry: LogEntry): string {
    const seq = entry.seq;
    if (entry.v !== LOG_SCHEMA_VERSION || !KIND_INDEX.has(entry.kind)) throw new RecordFormatError(`cannot store an entry of version ${entry.v}, kind ${entry.kind}`);
    window.trim(seq);
    let reach = seq;
    // The submission id: a seq when a record in reach wrote it out.
    let sub: string | number | undefined = entry.sub;
    const subHeld = entry.sub === undefined ? undefined : window.usable(window.subs.get(entry.sub), seq);
    if (subHeld) {
      sub = window.subs.get(entry.sub!)!;
      reach = Math.min(reach, subHeld.reach);
    }
    const ms = epochMs(entry.ts);
    // Relative to the sub record's time when `sub` is a seq (so only when that time reads back from ms).
    const ts: string | number = ms === undefined || (subHeld && subHeld.ms === undefined) ? entry.ts : ms - (subHeld?.ms ?? 0);

    // The payload: written out, or from the latest record of the same shape, or from the record before.
    const shape = shapeOf(entry.kind, entry.payload);
    let best = this.#literal(window, entry.payload, seq);
    for (const candidate of new Set([window.latest.get(shape), seq - 1])) {
      const base = window.usable(candidate, seq);
      if (!base || base.kind !== entry.kind || !isObject(base.payload) || !isObject(entry.payload)) continue;
      const option = this.#fromBase(window, base, candidate!, entry.payload, seq);
      if (option && option.size < best.size) best = option;
    }
    reach = Math.min(reach, best.reach);

    // A submission's id is its sub: the record names itself rather than writing the id twice.
    if (typeof sub === "string" && entry.kind === "submission" && (entry.payload as { id?: unknown }).id === sub) sub = seq;
    window.records.set(seq, { kind: entry.kind, payload: entry.payload, ts: entry.ts, ms, sub: entry.sub, reach, strings: best.written });
    best.written.forEach((text, index) => window.strings.set(text, { seq, index }));
    if (entry.sub !== undefined && (sub === seq || typeof sub === "string")) window.subs.set(entry.sub, seq);
    window.latest.set(shape, seq);

    const record: unknown[] = [seq, ts, KIND_INDEX.get(entry.kind), best.body];
    if (best.ops.length > 0 || sub !== undefined) record.push(best.ops.length > 0 ? best.ops : 0);
    if (sub !== undefined) record.push(sub);
    return JSON.stringify(record);
  }

  /** The payload written out, its long strings copied from records in reach. */
  #literal(window: ThreadWindow, payload: unknown, seq: number): Option {
    const option: Option = { body: undefined, ops: [], written: [], reach: seq, size: 0 };
    option.body = this.#shared(window, payload, [], seq, option);
    option.size = JSON.stringify(option.body).length + JSON.stringify(option.ops).length;
    return option;
  }

  /** The payload as `base`'s changed by ops. */
  #fromBase(window: ThreadWindow, base: Held, baseSeq: number, payload: unknown, seq: number): Option | undefined {
    const sets: SetOp[] = [];
    diff(base.payload, payload, [], sets);
    if (sets.length > 0 && sets[0][0].length === 0) return undefined;
    const option: Option = { body: baseSeq, ops: [], written: [], reach: Math.min(seq, base.reach), size: 0 };
    for (const op of sets) {
      if (op.length === 1) {
        option.ops.push(op);
        continue;
      }
      const at = option.ops.length;
      option.ops.push(op);
      // Copies of the value's long strings go after the set that makes their place.
      const value = this.#shared(window, op[1], op[0].slice(), seq, option);
      // A set whose whole value is a string copy is just the copy.
      if (typeof op[1] === "string" && value === "" && option.ops.length === at + 2) option.ops.splice(at, 1);
      else option.ops[at] = [op[0], value];
    }
    option.size = String(baseSeq).length + JSON.stringify(option.ops).length;
    return option;
  }

  /** `value` with the strings a record in reach wrote out replaced by copy ops (appended to `option.ops`). */
  #shared(window: ThreadWindow, value: unknown, path: Path, seq: number, option: Option): unknown {
    return share(value, path, (text, at) => {
      if (text.length < MIN_SHARED) return false;
      const target = window.strings.get(text);
      const held = target && target.seq < seq ? window.usable(target.seq, seq) : undefined;
      if (target && held) {
        const op: Op = [at.slice(), target.seq, target.index];
        // Worth it only when the copy is shorter than the string it stands for.
        if (JSON.stringify(op).length + 1 < text.length) {
          option.ops.push(op);
          option.reach = Math.min(option.reach, held.reach);
          return true;
        }
      }
      option.written.push(text);
      return false;
    });
  }
}

interface Option {
  body: unknown;
  ops: Op[];
  /** The strings of `MIN_SHARED` chars or more it writes out, in the order a reader meets them. */
  written: string[];
  reach: number;
  size: number;
}

/** A record this reader could not decode from what it was given: anything that needs it is out of reach. */
const UNREADABLE = Symbol("unreadable");

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
 * Decodes one thread's records in seq order, resolving what they refer to from the records it has
 * seen. Give it the `WINDOW` records before a range first (`prime`), then the range's (`decode`).
 */
export class RecordDecoder {
  readonly #seen = new Map<number, Seen | typeof UNREADABLE>();

  constructor(private readonly threadId: string) {}

  /**
   * A record before the range, kept only as a possible target. The first of them may refer to
   * records before what was primed: those are kept as unreadable (no record of the range needs them).
   */
  prime(json: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      return;
    }
    const seq = Array.isArray(parsed) ? parsed[0] : (parsed as RawEntry | null)?.seq;
    if (typeof seq !== "number") return;
    // Version 2 targets are strings written out in full: the record is kept as stored.
    if (Array.isArray(parsed) && typeof parsed[2] === "string") {
      return this.#keep(seq, { entry: { v: parsed[4], threadId: this.threadId, seq, ts: parsed[1], kind: parsed[2], payload: parsed[3] }, strings: [] });
    }
    try {
      this.decode(json);
    } catch {
      this.#keep(seq, UNREADABLE);
    }
  }

  /** The entry a record holds (not yet validated), with everything it refers to resolved. */
  decode(json: string): RawEntry {
    const parsed: unknown = JSON.parse(json);
    if (!Array.isArray(parsed)) {
      const entry = parsed as RawEntry;
      if (typeof entry === "object" && entry !== null && typeof entry.seq === "number") this.#keep(entry.seq, { entry, strings: [] });
      return entry;
    }
    const [seq, , kind] = parsed as unknown[];
    if (typeof seq !== "number") throw new RecordFormatError("the record has no seq");
    const seen = typeof kind === "number" ? this.#version3(seq, parsed) : this.#version2(seq, parsed);
    this.#keep(seq, seen);
    return seen.entry;
  }

  #version2(seq: number, [, ts, kind, payload, v, refs, sub]: unknown[]): Seen {
    if (refs !== undefined && refs !== 0) {
      if (!Array.isArray(refs)) throw new RecordFormatError("its refs are not a list");
      for (const ref of refs) applyOp(payload, ref, (at) => this.#target(at, seq).entry, true);
    }
    const entry: RawEntry = { v, threadId: this.threadId, seq, ts, kind, payload };
    if (sub !== undefined) entry.sub = sub;
    return { entry, strings: [] };
  }

  #version3(seq: number, [, ts, kind, body, ops, sub]: unknown[]): Seen {
    const kindName = KINDS[kind as number];
    if (kindName === undefined) throw new RecordFormatError(`unknown kind ${JSON.stringify(kind)}`);
    let subText: unknown = sub;
    let baseMs = 0;
    if (typeof sub === "number" && sub !== seq) {
      const origin = this.#target(sub, seq).entry;
      if (typeof origin.sub !== "string") throw new RecordFormatError(`its sub refers to seq ${sub}, which has none`);
      subText = origin.sub;
      baseMs = Date.parse(origin.ts as string);
    }
    let time: unknown = ts;
    if (typeof ts === "number") {
      const ms = baseMs + ts;
      if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) throw new RecordFormatError(`its time ${ts} is out of range`);
      time = new Date(ms).toISOString();
    }
    // The strings it writes out, numbered in the order the writer met them: the body's, then each set's.
    const strings: string[] = [];
    const payload = typeof body === "number" ? clone(this.#target(body, seq).entry.payload) : body;
    if (typeof body !== "number") writtenStrings(body, strings);
    if (ops !== undefined && ops !== 0) {
      if (!Array.isArray(ops)) throw new RecordFormatError("its ops are not a list");
      for (const op of ops) {
        if (Array.isArray(op) && op.length === 2) writtenStrings(op[1], strings);
        applyOp(payload, op, (at) => {
          const { entry, strings: written } = this.#target(at, seq);
          return { payload: entry.payload, strings: written };
        }, false);
      }
    }
    if (sub === seq) {
      // A submission names itself: its sub is its id.
      subText = (payload as { id?: unknown } | null)?.id;
      if (typeof subText !== "string") throw new RecordFormatError("its sub is its id, which it does not have");
    }
    const entry: RawEntry = { v: LOG_SCHEMA_VERSION, threadId: this.threadId, seq, ts: time, kind: kindName, payload };
    if (subText !== undefined) entry.sub = subText;
    return { entry, strings };
  }

  /** The decoded record `at`, which record `seq` refers to. */
  #target(at: number, seq: number): Seen {
    if (!Number.isInteger(at) || at >= seq || at <= seq - WINDOW) throw new RecordFormatError(`it refers to seq ${at}, outside the ${WINDOW} seqs before it`);
    const found = this.#seen.get(at);
    if (found === undefined || found === UNREADABLE) throw new OutOfReachError(at);
    return found;
  }

  #keep(seq: number, seen: Seen | typeof UNREADABLE): void {
    this.#seen.set(seq, seen);
    this.#seen.delete(seq - WINDOW);
  }
}

/** A record the decoder has read: its entry, and the long strings it wrote out (copies name them by number). */
interface Seen {
  entry: RawEntry;
  strings: string[];
}

/** The seq a stored record says it holds (any version), or undefined. */
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
