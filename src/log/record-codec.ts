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
 * before N (`prime`). The encoder also starts afresh at every `KEYFRAME` (./record-ops.ts), where
 * snapshots are: a fold forward from one reads nothing before it.
 *
 * A record may refer to records appended before it that are not durable yet: a failed write fails
 * every later write of the same thread (their seqs assumed it; see store-event-log.ts and
 * postgres/writers.ts), and a crash leaves a prefix of each thread's records.
 *
 * Version 2 records (`[seq, ts, kind, payload, v, refs?, sub?]`, long strings as refs to records
 * written out in full) and version 1 records (the entry's JSON object) still read as they are.
 */
import { LOG_SCHEMA_VERSION, parseLogEntry, type LogEntry } from "../events/index.js";
import { CorruptEntryError } from "./errors.js";
import { KEYFRAME, KINDS, MIN_SHARED, RecordFormatError, WINDOW, applyOp, writtenStrings } from "./record-ops.js";

export { KEYFRAME, MIN_SHARED, RecordFormatError, WINDOW };
export { RecordEncoder } from "./record-encoder.js";

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
  #lastMs = Number.NaN;
  #lastIso = "";
  /** While priming, a record out of reach is expected (the first primed ones): no error object is built for it. */
  #priming = false;
  /** Records before the range not decoded yet (`primeLazily`), by position from `first`. */
  #pending: { first: number; jsons: ReadonlyArray<string | undefined> } | undefined;

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
    this.#primeParsed(seq, parsed);
  }

  /**
   * The records before a range that starts at `from`, as stored and in seq order (up to `WINDOW` of
   * them, ending at `from - 1`), decoded only when a record of the range refers to them (directly or
   * through another): many never are. A fork's own records start after its fork point, so there
   * may be fewer; the last one says where they sit, and when it does not (a record is missing),
   * each one's own seq does.
   */
  primeLazily(from: number, jsons: readonly string[]): void {
    const n = jsons.length;
    if (n === 0) return;
    if (recordSeq(jsons[n - 1]) === from - 1) {
      this.#pending = { first: from - n, jsons };
      return;
    }
    const first = Math.max(1, from - WINDOW);
    const placed = new Array<string | undefined>(from - first);
    for (const json of jsons) {
      const seq = recordSeq(json);
      if (seq !== undefined && seq >= first && seq < from) placed[seq - first] = json;
    }
    this.#pending = { first, jsons: placed };
  }

  #primeParsed(seq: number, parsed: unknown): void {
    // Version 2 targets are strings written out in full: the record is kept as stored.
    if (Array.isArray(parsed) && typeof parsed[2] === "string") {
      return this.#keep(seq, { entry: { v: parsed[4], threadId: this.threadId, seq, ts: parsed[1], kind: parsed[2], payload: parsed[3] }, strings: [] });
    }
    const priming = this.#priming;
    this.#priming = true;
    try {
      this.#decodeParsed(parsed);
    } catch {
      this.#keep(seq, UNREADABLE);
    } finally {
      this.#priming = priming;
    }
  }

  /** Decodes the lazily primed record `at`, if there is one, so that `#seen` holds it (or UNREADABLE). */
  #primePending(at: number): void {
    const pending = this.#pending;
    const index = pending ? at - pending.first : -1;
    if (!pending || index < 0 || index >= pending.jsons.length) return;
    const json = pending.jsons[index];
    if (json === undefined) return this.#keep(at, UNREADABLE);
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      return this.#keep(at, UNREADABLE);
    }
    // Primed by position: a record that says it holds another seq (one is missing) is no target.
    const seq = Array.isArray(parsed) ? parsed[0] : (parsed as RawEntry | null)?.seq;
    if (seq !== at) return this.#keep(at, UNREADABLE);
    this.#primeParsed(at, parsed);
  }

  /** The entry a record holds (not yet validated), with everything it refers to resolved. */
  decode(json: string): RawEntry {
    return this.#decodeParsed(JSON.parse(json));
  }

  #decodeParsed(parsed: unknown): RawEntry {
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
      baseMs = this.#msOf(origin.ts);
    }
    let time: unknown = ts;
    if (typeof ts === "number") {
      const ms = baseMs + ts;
      if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) throw new RecordFormatError(`its time ${ts} is out of range`);
      // Records of one append share a time: format it once.
      if (ms !== this.#lastMs) {
        this.#lastIso = new Date(ms).toISOString();
        this.#lastMs = ms;
      }
      time = this.#lastIso;
    }
    // The strings it writes out, numbered in the order the writer met them: the body's, then each set's.
    const strings: string[] = [];
    // From an earlier payload: its nodes are shared, and copied only where an op changes them.
    let payload = body;
    let owned: Set<object> | undefined;
    if (typeof body === "number") {
      const base = this.#target(body, seq).entry.payload;
      if (typeof base !== "object" || base === null || Array.isArray(base)) throw new RecordFormatError(`it starts from seq ${body}, whose payload is not an object`);
      payload = { ...base };
      owned = new Set([payload as object]);
    } else {
      writtenStrings(body, strings);
    }
    if (ops !== undefined && ops !== 0) {
      if (!Array.isArray(ops)) throw new RecordFormatError("its ops are not a list");
      for (const op of ops) {
        if (Array.isArray(op) && op.length === 2) writtenStrings(op[1], strings);
        applyOp(payload, op, (at) => {
          const { entry, strings: written } = this.#target(at, seq);
          return { payload: entry.payload, strings: written };
        }, false, owned);
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

  #msOf(ts: unknown): number {
    return ts === this.#lastIso ? this.#lastMs : Date.parse(ts as string);
  }

  /** The decoded record `at`, which record `seq` refers to. */
  #target(at: number, seq: number): Seen {
    if (!Number.isInteger(at) || at >= seq || at <= seq - WINDOW) throw new RecordFormatError(`it refers to seq ${at}, outside the ${WINDOW} seqs before it`);
    let found = this.#seen.get(at);
    if (found === undefined && this.#pending) {
      this.#primePending(at);
      found = this.#seen.get(at);
    }
    if (found === undefined || found === UNREADABLE) throw this.#priming ? UNREADABLE : new OutOfReachError(at);
    return found;
  }

  #keep(seq: number, seen: Seen | typeof UNREADABLE): void {
    this.#seen.set(seq, seen);
    this.#seen.delete(seq - WINDOW);
    // Records primed lazily are out of reach of every record from here on: let them go.
    const pending = this.#pending;
    if (pending && seq - WINDOW >= pending.first + pending.jsons.length - 1) {
      this.#pending = undefined;
      for (let at = pending.first; at < pending.first + pending.jsons.length; at++) this.#seen.delete(at);
    }
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
