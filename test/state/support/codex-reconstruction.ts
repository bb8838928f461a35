/**
 * A direct transcription of Codex's `reconstruct_history_from_rollout` (newest-to-oldest segment
 * scan, then a forward replay of the surviving suffix), used as the oracle our forward fold is
 * compared with on random logs. It shares the leaf rules (boundaries, rollback cut, compaction
 * rebuild) with src/state, which have their own tests; what it checks is the replay order.
 *
 * `keepDroppedCompaction` switches on the one documented difference (src/state/history.ts): when
 * no compaction with a replacement history survives the rollbacks but one was seen, start the
 * forward replay from that compaction's replacement history instead of from nothing.
 */
import type { LogEntry, ResponseItem, TurnContextItem } from "../../../src/events/index.js";
import { buildCompactedHistory, collectUserMessages, dropLastNUserTurns, isUserTurnBoundary } from "../../../src/state/index.js";

interface Settings {
  model: string;
  realtime_active: boolean | null;
}
type Ref = "never" | "cleared" | TurnContextItem;

interface ActiveSegment {
  turnId: string | null;
  countsAsUserTurn: boolean;
  previousTurnSettings: Settings | null;
  referenceContextItem: Ref;
  baseReplacementHistory: ResponseItem[] | null;
}

export interface Reconstruction {
  history: ResponseItem[];
  previousTurnSettings: Settings | null;
  referenceContext: TurnContextItem | null;
  /** No replacement-history checkpoint survived, but the replay started after one. */
  droppedCompaction: boolean;
}

const compatible = (active: string | null, item: string | null | undefined) => active === null || item == null || active === item;
const newSegment = (): ActiveSegment => ({
  turnId: null,
  countsAsUserTurn: false,
  previousTurnSettings: null,
  referenceContextItem: "never",
  baseReplacementHistory: null,
});

export function codexReconstruct(entries: readonly LogEntry[], options: { keepDroppedCompaction?: boolean } = {}): Reconstruction {
  // Submissions are Loom's own; a Codex rollout has none.
  const items = entries.filter((entry) => entry.kind !== "submission");
  let base: ResponseItem[] | null = null;
  let previous: Settings | null = null;
  let reference: Ref = "never";
  let pending = 0;
  let suffixStart = 0;
  let suffixBase: ResponseItem[] = [];
  let active: ActiveSegment | null = null;

  const finalize = (segment: ActiveSegment) => {
    if (pending > 0) {
      if (segment.countsAsUserTurn) pending--;
      return;
    }
    if (base === null && segment.baseReplacementHistory !== null) base = segment.baseReplacementHistory;
    if (previous === null && segment.countsAsUserTurn) previous = segment.previousTurnSettings;
    if (reference === "never" && (segment.countsAsUserTurn || segment.referenceContextItem === "cleared")) {
      reference = segment.referenceContextItem;
    }
  };

  for (let index = items.length - 1; index >= 0; index--) {
    const entry = items[index];
    switch (entry.kind) {
      case "compacted": {
        active ??= newSegment();
        if (active.referenceContextItem === "never") active.referenceContextItem = "cleared";
        const replacement = entry.payload.replacement_history;
        if (active.baseReplacementHistory === null && replacement != null) {
          active.baseReplacementHistory = replacement;
          suffixStart = index + 1;
          suffixBase = replacement;
        }
        break;
      }
      case "event_msg": {
        const msg = entry.payload;
        if (msg.type === "thread_rolled_back") {
          pending += Math.max(0, msg.num_turns);
        } else if (msg.type === "task_complete") {
          active ??= newSegment();
          active.turnId ??= msg.turn_id;
        } else if (msg.type === "turn_aborted") {
          if (active) {
            if (active.turnId === null && msg.turn_id != null) active.turnId = msg.turn_id;
          } else if (msg.turn_id != null) {
            active = { ...newSegment(), turnId: msg.turn_id };
          }
        } else if (msg.type === "user_message") {
          active ??= newSegment();
          active.countsAsUserTurn = true;
        } else if (msg.type === "task_started") {
          if (active && compatible(active.turnId, msg.turn_id)) {
            finalize(active);
            active = null;
          }
        }
        break;
      }
      case "turn_context": {
        const ctx = entry.payload;
        active ??= newSegment();
        if (active.turnId === null) active.turnId = ctx.turn_id ?? null;
        if (compatible(active.turnId, ctx.turn_id)) {
          active.previousTurnSettings = { model: ctx.model, realtime_active: ctx.realtime_active ?? null };
          if (active.referenceContextItem === "never") active.referenceContextItem = ctx;
        }
        break;
      }
      case "response_item":
        active ??= newSegment();
        active.countsAsUserTurn ||= isUserTurnBoundary(entry.payload);
        break;
      case "session_meta":
        break;
    }
    if (base !== null && previous !== null && reference !== "never") break;
  }
  if (active) finalize(active);

  const droppedCompaction = base === null && suffixStart > 0;
  let history: ResponseItem[] = base ?? (droppedCompaction && options.keepDroppedCompaction ? suffixBase : []);
  history = [...history];
  let sawLegacy = false;
  for (const entry of items.slice(suffixStart)) {
    if (entry.kind === "response_item") {
      const item = entry.payload;
      if (!(item.type === "message" && item.role === "system")) history.push(item);
    } else if (entry.kind === "compacted") {
      if (entry.payload.replacement_history != null) {
        history = [...entry.payload.replacement_history];
      } else {
        sawLegacy = true;
        history = buildCompactedHistory([], collectUserMessages(history), entry.payload.message);
      }
    } else if (entry.kind === "event_msg" && entry.payload.type === "thread_rolled_back") {
      history = dropLastNUserTurns(history, entry.payload.num_turns).items;
    }
  }
  const finalReference = reference as Ref;
  return {
    history,
    previousTurnSettings: previous,
    referenceContext: sawLegacy || typeof finalReference === "string" ? null : finalReference,
    droppedCompaction,
  };
}
