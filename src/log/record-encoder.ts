/**
 * Writes entries as records (the format is described in ./record-codec.ts): each payload written
 * out or as an edit of an earlier record's, whichever is shorter, with long strings copied from
 * where they were written. It remembers, per thread, the records a next one may depend on.
 */
import { LOG_SCHEMA_VERSION, type LogEntry } from "../events/index.js";
import { KIND_INDEX, MIN_SHARED, RecordFormatError, WINDOW, diff, keyframeBefore, share, type Op, type Path, type SetOp } from "./record-ops.js";

/** Threads whose recent records are kept to refer to (the least recently written are dropped). */
const MAX_THREADS = 256;
/**
 * The payloads kept to refer to, in JSON bytes, per thread and in all: past these, the oldest records
 * (and the least recently written threads) are forgotten, and later records write out more.
 */
const MAX_WINDOW_BYTES = 8 << 20;
const MAX_BYTES = 64 << 20;


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
  /** About the size of its payload's JSON: what keeping it costs. */
  bytes: number;
}

/** One thread's recent records, what they wrote out, and the latest record of each shape. */
class ThreadWindow {
  readonly records = new Map<number, Held>();
  /** Each long string by the record that wrote it out most recently, and its number there. */
  readonly strings = new Map<string, { seq: number; index: number }>();
  readonly subs = new Map<string, number>();
  readonly latest = new Map<string, number>();
  bytes = 0;

  /** The record at `seq`, if a record at `at` may depend on it: all it depends on is in the window and after the key frame. */
  usable(seq: number | undefined, at: number): Held | undefined {
    if (seq === undefined) return undefined;
    const held = this.records.get(seq);
    return held && held.reach > Math.max(at - WINDOW, keyframeBefore(at)) ? held : undefined;
  }

  /** Forgets records too old for one at `seq` to depend on, and the oldest past `maxBytes`. Returns the bytes freed. */
  trim(seq: number, maxBytes: number): number {
    // Records are held in seq order: when the first is recent enough, so are the others.
    const first = this.records.keys().next().value;
    if (this.bytes <= maxBytes && (first === undefined || first > seq - WINDOW)) return 0;
    const before = this.bytes;
    for (const [at, held] of this.records) {
      if (at > seq - WINDOW && this.bytes <= maxBytes) break;
      this.records.delete(at);
      this.bytes -= held.bytes;
      for (const text of held.strings) if (this.strings.get(text)?.seq === at) this.strings.delete(text);
      if (held.sub !== undefined && this.subs.get(held.sub) === at) this.subs.delete(held.sub);
    }
    return before - this.bytes;
  }
}

/** The shape a record's payload is compared by: kind, type, and item or op type. */
function shapeOf(kind: string, payload: unknown): string {
  const p = payload as { type?: unknown; role?: unknown; item?: { type?: unknown }; op?: { type?: unknown } };
  return `${kind}:${String(p.type ?? p.op?.type ?? "")}:${String(p.item?.type ?? p.role ?? "")}`;
}

let lastTs = "";
let lastMs: number | undefined;
/** Epoch ms of an ISO time that reads back from them exactly (the entries of one append share theirs). */
function epochMs(ts: string): number | undefined {
  if (ts === lastTs) return lastMs;
  const ms = Date.parse(ts);
  lastMs = Number.isFinite(ms) && new Date(ms).toISOString() === ts ? ms : undefined;
  lastTs = ts;
  return lastMs;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** Encodes the entries of every thread of one log (one writer per thread). */
export class RecordEncoder {
  readonly #windows = new Map<string, ThreadWindow>();
  readonly #maxWindowBytes: number;
  readonly #maxBytes: number;

  /** The limits are options for tests only. */
  constructor(limits: { maxWindowBytes?: number; maxBytes?: number } = {}) {
    this.#maxWindowBytes = limits.maxWindowBytes ?? MAX_WINDOW_BYTES;
    this.#maxBytes = limits.maxBytes ?? MAX_BYTES;
  }
  /** The bytes all windows keep. */
  #bytes = 0;

  #window(threadId: string): ThreadWindow {
    let window = this.#windows.get(threadId);
    if (window) {
      // Most recently written last: the first one is the one to drop.
      this.#windows.delete(threadId);
    } else {
      window = new ThreadWindow();
      if (this.#windows.size >= MAX_THREADS) this.#forget(this.#windows.keys().next().value!);
    }
    this.#windows.set(threadId, window);
    return window;
  }

  #forget(threadId: string): void {
    this.#bytes -= this.#windows.get(threadId)?.bytes ?? 0;
    this.#windows.delete(threadId);
  }

  /** Memory kept to refer to, for tests: threads and bytes. */
  get kept(): { threads: number; bytes: number } {
    return { threads: this.#windows.size, bytes: this.#bytes };
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
      this.#forget(threadId);
      throw err;
    } finally {
      // The least recently written threads go first; the one writing now keeps its own budget.
      for (const other of this.#windows.keys()) {
        if (this.#bytes <= this.#maxBytes || other === threadId) break;
        this.#forget(other);
      }
    }
  }

  /** A write of the thread failed: its records from the failed one on were never written. */
  failed(threadId: string): void {
    this.#forget(threadId);
  }

  #encodeOne(window: ThreadWindow, entry: LogEntry): string {
    const seq = entry.seq;
    if (entry.v !== LOG_SCHEMA_VERSION || !KIND_INDEX.has(entry.kind)) throw new RecordFormatError(`cannot store an entry of version ${entry.v}, kind ${entry.kind}`);
    this.#bytes -= window.trim(seq, this.#maxWindowBytes);
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
    const literal = this.#literal(window, entry.payload, seq);
    let best = literal;
    for (const candidate of new Set([window.latest.get(shape), seq - 1])) {
      const base = window.usable(candidate, seq);
      if (!base || base.kind !== entry.kind || !isObject(base.payload) || !isObject(entry.payload)) continue;
      const option = this.#fromBase(window, base, candidate!, entry.payload, seq);
      if (option && option.size < best.size) best = option;
    }
    reach = Math.min(reach, best.reach);

    // A submission's id is its sub: the record names itself rather than writing the id twice.
    if (typeof sub === "string" && entry.kind === "submission" && (entry.payload as { id?: unknown }).id === sub) sub = seq;
    const bytes = literal.size + literal.copied;
    window.records.set(seq, { kind: entry.kind, payload: entry.payload, ts: entry.ts, ms, sub: entry.sub, reach, strings: best.written, bytes });
    window.bytes += bytes;
    this.#bytes += bytes;
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
    const option: Option = { body: undefined, ops: [], written: [], reach: seq, size: 0, copied: 0 };
    option.body = this.#shared(window, payload, [], seq, option);
    option.size = JSON.stringify(option.body).length + JSON.stringify(option.ops).length;
    return option;
  }

  /** The payload as `base`'s changed by ops. */
  #fromBase(window: ThreadWindow, base: Held, baseSeq: number, payload: unknown, seq: number): Option | undefined {
    const sets: SetOp[] = [];
    diff(base.payload, payload, [], sets);
    if (sets.length > 0 && sets[0][0].length === 0) return undefined;
    const option: Option = { body: baseSeq, ops: [], written: [], reach: Math.min(seq, base.reach), size: 0, copied: 0 };
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
          option.copied += text.length;
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
  /** Chars of the strings copied rather than written. */
  copied: number;
}
