/**
 * The edits a stored record is made of (./record-codec.ts): a payload is a literal JSON value, or a
 * copy of an earlier record's payload, changed by a list of ops applied in order:
 *
 *   `[path]`                     delete the key at `path`
 *   `[path, value]`              set `path` to the literal `value` (a new key goes last, as in JSON.parse)
 *   `[path, seq, n]`             set `path` to the `n`th string record `seq` wrote out (see `writtenStrings`)
 *   `[path, seq, targetPath]`    set `path` to a copy of what record `seq`'s payload holds at `targetPath`
 *
 * Everything here works on JSON data as `JSON.stringify` sees it (keys whose value is `undefined`
 * are absent), and keeps key order, so a payload reads back byte for byte as it was appended.
 * A `__proto__` key is never on a path (an assignment to it would set a prototype): an object that
 * has one is written out whole.
 */
import { EntryKind } from "../events/index.js";

export type Path = Array<string | number>;

/** How far back (in seqs of the same thread) a record may depend on; readers load this many records before a range. */
export const WINDOW = 256;
/**
 * Records written from here on at seq `1 + n·KEYFRAME` start afresh, like a video's key frames:
 * none of the records from one up to the next refers to a record before it. The state store
 * snapshots every 500 entries (src/runtime/state-store.ts), so folding forward from a snapshot reads
 * no records before it. Not part of the format: a reader of any record still primes when it must.
 */
export const KEYFRAME = 500;

/** The seq before the key frame that record `seq` follows (0 for the first ones). */
export function keyframeBefore(seq: number): number {
  return Math.floor((seq - 1) / KEYFRAME) * KEYFRAME;
}
/** A record's kind is stored as its index here. */
export const KINDS = EntryKind.options;
export const KIND_INDEX = new Map<string, number>(KINDS.map((kind, i) => [kind, i]));
/** Deeper values are refused (a cycle would never end); JSON of real payloads is a few levels deep. */
const MAX_DEPTH = 256;
export type SetOp = [Path] | [Path, unknown];
export type CopyOp = [Path, number, Path | number];

/**
 * Strings shorter than this are written out wherever they occur; longer ones a record writes out
 * are numbered (in the order `share` meets them), and a later record may copy one by its number.
 * Part of the stored format: changing it changes what old records mean.
 */
export const MIN_SHARED = 24;
export type Op = SetOp | CopyOp;

/** Why a record's ops cannot be applied (the caller names the thread and seq). */
export class RecordFormatError extends Error {}

/** A plain object's keys as JSON writes them. */
function jsonKeys(object: Record<string, unknown>): string[] {
  const keys = Object.keys(object);
  for (let i = 0; i < keys.length; i++) {
    const value = object[keys[i]];
    if (value === undefined || typeof value === "function" || typeof value === "symbol") return keys.filter((k) => isJsonValue(object[k]));
  }
  return keys;
}

const isJsonValue = (value: unknown): boolean => value !== undefined && typeof value !== "function" && typeof value !== "symbol";

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== "function";
}

/** Two leaves that JSON writes the same way (NaN and Infinity are written as null). */
function sameLeaf(a: unknown, b: unknown): boolean {
  if (a === b) return typeof a !== "object" || a === null || isPlainObject(a) || Array.isArray(a);
  const na = typeof a === "number" && !Number.isFinite(a) ? null : a;
  const nb = typeof b === "number" && !Number.isFinite(b) ? null : b;
  return na === null && nb === null;
}

/**
 * Appends to `ops` the deletes and literal sets that turn `base` into `value` (both JSON data).
 * `path` is reused while walking. Where the shapes differ (other keys, a shorter array, another
 * type), the whole subtree is set; at the root that is an op with an empty path.
 */
export function diff(base: unknown, value: unknown, path: Path, ops: SetOp[]): void {
  if (base === value && (typeof value !== "object" || value === null)) return;
  if (Array.isArray(value) && Array.isArray(base) && value.length >= base.length && path.length > 0) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      if (i < base.length) diff(base[i], value[i], path, ops);
      else ops.push([path.slice(), value[i] ?? null]);
      path.pop();
    }
    return;
  }
  if (isPlainObject(value) && isPlainObject(base)) {
    const keys = jsonKeys(value);
    const baseKeys = jsonKeys(base);
    if (!keys.includes("__proto__") && !baseKeys.includes("__proto__") && orderKept(baseKeys, keys)) {
      const kept = new Set(keys);
      for (const key of baseKeys) if (!kept.has(key)) ops.push([[...path, key]]);
      const had = new Set(baseKeys);
      for (const key of keys) {
        path.push(key);
        if (had.has(key)) diff(base[key], value[key], path, ops);
        else ops.push([path.slice(), value[key]]);
        path.pop();
      }
      return;
    }
  } else if (sameLeaf(base, value)) {
    return;
  }
  // At the root (path []), this says the value is not worth starting from `base`.
  ops.push([path.slice(), value]);
}

/**
 * Whether deleting keys of `base` and then adding keys at the end gives `keys` in its order. Keys
 * that look like array indices are always first in a JS object, so adding one is never "at the end".
 */
function orderKept(baseKeys: readonly string[], keys: readonly string[]): boolean {
  const present = new Set(keys);
  let i = 0;
  for (const key of baseKeys) {
    if (!present.has(key)) continue;
    if (keys[i] !== key) return false;
    i++;
  }
  for (; i < keys.length; i++) if (/^(0|[1-9]\d*)$/.test(keys[i])) return false;
  return true;
}

/**
 * A copy of `value` in which every string `replace` takes is "" (copied only along the paths that
 * change; `value` itself is never modified). `path` is reused while walking.
 */
export function share(value: unknown, path: Path, replace: (text: string, path: Path) => boolean): unknown {
  if (typeof value === "string") return replace(value, path) ? "" : value;
  if (typeof value !== "object" || value === null) return value;
  // JSON.stringify would fail on a cycle too, but only after this walk ran out of stack.
  if (path.length > MAX_DEPTH) throw new TypeError(`the value is nested deeper than ${MAX_DEPTH} levels (a cycle?)`);
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
  // What JSON writes for it (a Date, say), so the strings walked are the ones a reader sees.
  if (!isPlainObject(value)) return share(JSON.parse(JSON.stringify(value)), path, replace);
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    // A key JSON.parse makes an own property but an assignment would not: never a ref's path.
    if (key === "__proto__") continue;
    path.push(key);
    const next = share(value[key], path, replace);
    path.pop();
    if (next !== value[key]) (copy ??= { ...value })[key] = next;
  }
  return copy ?? value;
}

/**
 * Appends the strings of `MIN_SHARED` chars or more in parsed JSON `value`, in the order `share`
 * walks them (a `__proto__` key's value is not walked): what a record wrote out, numbered.
 */
export function writtenStrings(value: unknown, out: string[]): void {
  if (typeof value === "string") {
    if (value.length >= MIN_SHARED) out.push(value);
  } else if (Array.isArray(value)) {
    for (const item of value) writtenStrings(item, out);
  } else if (typeof value === "object" && value !== null) {
    for (const key of Object.keys(value)) if (key !== "__proto__") writtenStrings((value as Record<string, unknown>)[key], out);
  }
}

/** A deep copy of parsed JSON (a `__proto__` key stays an own property). */
export function clone(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map(clone);
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const next = clone((value as Record<string, unknown>)[key]);
    if (key === "__proto__") Object.defineProperty(copy, key, { value: next, enumerable: true, writable: true, configurable: true });
    else copy[key] = next;
  }
  return copy;
}

export function walk(value: unknown, path: readonly unknown[]): unknown {
  let at = value;
  for (const key of path) {
    if (typeof at !== "object" || at === null || (typeof key !== "string" && typeof key !== "number") || !Object.hasOwn(at, key)) return undefined;
    at = (at as Record<string | number, unknown>)[key];
  }
  return at;
}

/**
 * Applies one op to `payload` (parsed JSON the caller owns). `target` gives the decoded payload of
 * an earlier record and the strings it wrote out, or throws when it is out of reach. `strict` (version 2 records) only fills a
 * key the record already has and copies only strings.
 */
export function applyOp(
  payload: unknown,
  op: unknown,
  target: (seq: number) => { payload: unknown; strings?: readonly string[] },
  strict: boolean,
  owned?: Set<object>,
): void {
  if (!Array.isArray(op) || op.length < 1 || op.length > 3 || !Array.isArray(op[0]) || op[0].length === 0) {
    throw new RecordFormatError(`malformed op ${JSON.stringify(op)}`);
  }
  const path = op[0] as unknown[];
  if (path.includes("__proto__")) throw new RecordFormatError(`its op path ${JSON.stringify(path)} leads nowhere`);
  const holder = owned ? ownedHolder(payload, path, owned) : walk(payload, path.slice(0, -1));
  const key = path[path.length - 1];
  const owns = typeof holder === "object" && holder !== null && (typeof key === "string" || typeof key === "number") && Object.hasOwn(holder, key);
  const settable = Array.isArray(holder)
    ? Number.isInteger(key) && (key as number) >= 0 && (key as number) <= holder.length
    : typeof holder === "object" && holder !== null && typeof key === "string";
  if (!(strict ? owns : settable)) {
    throw new RecordFormatError(`its op path ${JSON.stringify(path)} leads nowhere`);
  }
  const object = holder as Record<string | number, unknown>;
  if (op.length === 1) {
    if (Array.isArray(holder) || !owns) throw new RecordFormatError(`its delete of ${JSON.stringify(path)} has nothing to delete`);
    delete object[key as string];
    return;
  }
  if (op.length === 2) {
    if (strict) throw new RecordFormatError(`malformed ref ${JSON.stringify(op)}`);
    object[key as string | number] = op[1];
    return;
  }
  const [, seq, targetPath] = op as unknown[];
  const byNumber = !strict && Number.isInteger(targetPath);
  if (typeof seq !== "number" || !(byNumber || Array.isArray(targetPath))) throw new RecordFormatError(`malformed op ${JSON.stringify(op)}`);
  const source = target(seq);
  const found = byNumber ? source.strings?.[targetPath as number] : walk(source.payload, targetPath as unknown[]);
  if (strict ? typeof found !== "string" : found === undefined) {
    throw new RecordFormatError(`its ref to seq ${seq} does not lead to ${strict ? "a string" : "a value"}`);
  }
  object[key as string | number] = typeof found === "string" ? found : clone(found);
}

/**
 * The object or array at `path` minus its last key, in a payload that shares its nodes with an
 * earlier record's: each node on the way that is not yet this payload's own is copied (shallowly)
 * first, so the earlier record is never changed.
 */
function ownedHolder(payload: unknown, path: readonly unknown[], owned: Set<object>): unknown {
  let at = payload;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i];
    if (typeof at !== "object" || at === null || (typeof key !== "string" && typeof key !== "number") || !Object.hasOwn(at, key)) return undefined;
    let next = (at as Record<string | number, unknown>)[key];
    if (typeof next === "object" && next !== null && !owned.has(next)) {
      // Spread defines own properties, so a `__proto__` key stays one.
      next = Array.isArray(next) ? next.slice() : { ...next };
      owned.add(next as object);
      (at as Record<string | number, unknown>)[key] = next;
    }
    at = next;
  }
  return at;
}
