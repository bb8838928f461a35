/**
 * Snapshots that share what they have in common. A thread's snapshot holds everything before it
 * (history, one record per turn, the turn contexts), so writing each one whole makes a thread's
 * snapshots grow with the square of its length. Instead, each long list of a serialized state is
 * cut at fixed positions into parts of `size` items: a full part never changes while the list only
 * grows, so it is stored once under the hash of its JSON and later snapshots name it by that key;
 * only the items after the last full part (fewer than `size`) stay in the snapshot itself.
 *
 * Turn context bodies (which may carry long instructions) are a part each, and so are the session
 * meta and base instructions when long (`{ b: key }` in place of the value): they rarely change,
 * and a snapshot would otherwise repeat them whole.
 *
 * A list that was rewritten (a rollback, a compaction) simply gets new parts: keys are content
 * hashes, so nothing can name stale data. Parts are immutable, so readers may share them decoded.
 */
import { createHash } from "node:crypto";

/** The fields of a serialized state (serialize.ts) this file cuts into parts (snapshot-decoder.ts joins them back). */
interface Parted {
  sessionMeta: unknown;
  baseInstructions: unknown;
  history: unknown[];
  turns: unknown[];
  contextBodies: unknown[];
  contexts: unknown[];
  segments: { chunks: unknown[]; summaries: unknown[] };
}

/** A list in a parted snapshot: the keys of its full parts in order, then the items after them. */
export interface PartedList {
  p: string[];
  t: unknown[];
}

/** Items per part, by list: history items are large, a turn's records small. */
export interface PartSizes {
  history: number;
  turns: number;
}

export const DEFAULT_PART_SIZES: PartSizes = { history: 16, turns: 32 };

/** A value at least this long (as JSON) is stored as a part of its own. */
const BOX_CHARS = 512;

/** A value stored as a part of its own (the part is `[value]`). */
interface Boxed {
  b: string;
}

/** A snapshot's data (parted lists in place of arrays) and the JSON of every part it names, by key. */
export interface SplitState<S = unknown> {
  data: S;
  parts: Map<string, string>;
}

/** The key a part is stored under: a hash of its JSON (22 base64url characters, 132 bits). */
export function partKey(json: string): string {
  return createHash("sha256").update(json).digest("base64url").slice(0, 22);
}

function split(items: readonly unknown[], size: number, parts: Map<string, string>): PartedList | unknown[] {
  const full = Math.floor(items.length / size);
  if (full === 0) return items as unknown[];
  const keys: string[] = [];
  for (let i = 0; i < full; i++) {
    const json = JSON.stringify(items.slice(i * size, (i + 1) * size));
    const key = partKey(json);
    parts.set(key, json);
    keys.push(key);
  }
  return { p: keys, t: items.slice(full * size) };
}

function box<T>(value: T, parts: Map<string, string>): T {
  const json = JSON.stringify([value]);
  if (json.length < BOX_CHARS) return value;
  const key = partKey(json);
  parts.set(key, json);
  return { b: key } satisfies Boxed as unknown as T;
}

/** Cuts the long lists of a serialized state into parts. */
export function splitSerialized<S extends Parted>(state: S, sizes: PartSizes = DEFAULT_PART_SIZES): SplitState<S> {
  const parts = new Map<string, string>();
  const list = <T>(items: readonly T[], size: number) => split(items, size, parts) as unknown as T[];
  const data: S = {
    ...state,
    sessionMeta: box(state.sessionMeta, parts),
    baseInstructions: box(state.baseInstructions, parts),
    history: list(state.history, sizes.history),
    turns: list(state.turns, sizes.turns),
    contextBodies: list(state.contextBodies, 1),
    contexts: list(state.contexts, sizes.turns),
    segments: {
      ...state.segments,
      chunks: list(state.segments.chunks, sizes.turns),
      summaries: list(state.segments.summaries, sizes.turns),
    },
  };
  return { data, parts };
}

export function isParted(list: unknown): list is PartedList {
  return typeof list === "object" && list !== null && !Array.isArray(list) && Array.isArray((list as PartedList).p) && Array.isArray((list as PartedList).t);
}

export function isBoxed(value: unknown): value is Boxed {
  return typeof value === "object" && value !== null && typeof (value as Boxed).b === "string" && Object.keys(value).length === 1;
}

const LISTS = (s: Parted): unknown[] => [s.history, s.turns, s.contextBodies, s.contexts, s.segments?.chunks, s.segments?.summaries];

/** Every part key a snapshot's data names (none for a snapshot written whole). */
export function partKeys(data: unknown): string[] {
  if (typeof data !== "object" || data === null) return [];
  const s = data as Parted;
  const keys: string[] = [];
  for (const value of [s.sessionMeta, s.baseInstructions]) if (isBoxed(value)) keys.push(value.b);
  for (const list of LISTS(s)) if (isParted(list)) for (const key of list.p) if (typeof key === "string") keys.push(key);
  return keys;
}

/** A part named by a snapshot that is not in storage (or not a list): the snapshot cannot be used. */
export class MissingSnapshotPartError extends Error {
  override readonly name = "MissingSnapshotPartError";
  constructor(readonly key: string) {
    super(`snapshot part ${key} is missing or damaged`);
  }
}
