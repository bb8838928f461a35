/**
 * Key layout of the LevelDB backend: `<threadId>!<seq as 16 zero-padded digits>` inside the
 * `entries` and `snapshots` sublevels. Fixed-width seqs make byte order equal numeric order, so a
 * range of seqs is one contiguous iterator range; `!` is reserved so one thread's range cannot
 * contain another's keys.
 */
import { InvalidThreadIdError } from "./errors.js";

const SEQ_DIGITS = 16; // Number.MAX_SAFE_INTEGER has 16 digits
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[!\u0000-\u001f\u007f]/;

export function assertThreadId(id: unknown): asserts id is string {
  if (typeof id !== "string" || id.length === 0 || id.length > 256 || FORBIDDEN.test(id)) {
    throw new InvalidThreadIdError(id);
  }
}

export function seqKey(threadId: string, seq: number): string {
  return `${threadId}!${String(seq).padStart(SEQ_DIGITS, "0")}`;
}

/** The seq encoded in a key made by `seqKey`. */
export function seqOfKey(key: string): number {
  return Number(key.slice(key.length - SEQ_DIGITS));
}
