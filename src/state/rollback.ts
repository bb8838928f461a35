/**
 * Rolling history back by user turns (Codex `ContextManager::drop_last_n_user_turns` and
 * `trim_pre_turn_context_updates`): cut at the n-th user-turn boundary from the end (or at the first
 * one when n is larger), then walk back over the context updates injected just before that turn.
 * Items before the first boundary (the session prefix) always survive.
 */
import type { ResponseItem } from "../events/index.js";
import {
  hasNonContextualDeveloperContent,
  isContextualDeveloperContent,
  isContextualUserContent,
  isUserTurnBoundary,
} from "./contextual.js";

export interface RollbackCut {
  /** Items `[0, length)` survive. */
  length: number;
  /**
   * A trimmed developer message mixed settings updates with persistent text (Codex's initial-context
   * bundle): the surviving history lacks that baseline, so the next turn must re-inject full context.
   */
  clearsReferenceContext: boolean;
}

/** Anything indexable: an array or an `AppendList`. */
interface Items {
  readonly length: number;
  at(index: number): ResponseItem | undefined;
}

/** Where `dropLastNUserTurns` cuts, without copying. Scans back only as far as it needs. */
export function rollbackCut(items: Items, numTurns: number): RollbackCut {
  const whole = { length: items.length, clearsReferenceContext: false };
  if (!(numTurns > 0)) return whole;
  // The n-th boundary from the end, remembering the earliest seen in case there are fewer.
  let cut = -1;
  let found = 0;
  for (let i = items.length - 1; i >= 0; i--) {
    if (!isUserTurnBoundary(items.at(i)!)) continue;
    cut = i;
    if (++found === numTurns) break;
  }
  if (cut < 0) return whole;
  // Cutting at the first boundary keeps everything before it: the trim never crosses that boundary.
  // The walk below stops at any real message, so it is enough to know whether an earlier one exists.
  if (found < numTurns || !hasBoundaryBefore(items, cut)) return { length: cut, clearsReferenceContext: false };
  let clearsReferenceContext = false;
  for (;;) {
    const item = items.at(cut - 1)!;
    if (item.type !== "message") break;
    if (item.role === "developer" && isContextualDeveloperContent(item.content)) {
      if (hasNonContextualDeveloperContent(item.content)) clearsReferenceContext = true;
    } else if (!(item.role === "user" && isContextualUserContent(item.content))) {
      break;
    }
    cut--;
  }
  return { length: cut, clearsReferenceContext };
}

function hasBoundaryBefore(items: Items, index: number): boolean {
  for (let i = index - 1; i >= 0; i--) if (isUserTurnBoundary(items.at(i)!)) return true;
  return false;
}

/** The history without its last `numTurns` user turns, and whether the reference context must be cleared. */
export function dropLastNUserTurns(
  items: readonly ResponseItem[],
  numTurns: number,
): { items: ResponseItem[]; clearsReferenceContext: boolean } {
  const cut = rollbackCut(items, numTurns);
  return { items: items.slice(0, cut.length), clearsReferenceContext: cut.clearsReferenceContext };
}
