/**
 * Hooks as the recording answered them: no hook runs in a replay. Each dispatch the machines make
 * gets the recorded `hook_started` runs of the same event, turn (and tool call), and then their
 * recorded `hook_completed` summaries at their seqs. The runtime reads its decision from those
 * summaries, so a summary altered in the log changes what the replay does next, and the replay
 * diverges there.
 */
import type { HookRunSummary, LogEntry } from "../../events/index.js";
import { toolUseIdOfRun, type HookPort } from "../../hooks/index.js";
import type { ReplayCursor } from "./io.js";

interface RecordedDispatch {
  eventName: string;
  turnId: string | null;
  toolUseId: string | undefined;
  startSeq: number;
  started: HookRunSummary[];
  completed: { seq: number; run: HookRunSummary }[];
}

function hookMsg(entry: LogEntry, type: "hook_started" | "hook_completed"): { turn_id: string | null; run: HookRunSummary } | undefined {
  return entry.kind === "event_msg" && entry.payload.type === type ? (entry.payload as { turn_id: string | null; run: HookRunSummary }) : undefined;
}

/** The recording's hook dispatches: runs started together (same event, turn and call), with their results. */
export function recordedDispatches(entries: readonly LogEntry[]): RecordedDispatch[] {
  const dispatches: RecordedDispatch[] = [];
  let open: RecordedDispatch | undefined;
  for (const entry of entries) {
    const started = hookMsg(entry, "hook_started");
    if (started) {
      const key = { eventName: started.run.event_name, turnId: started.turn_id ?? null, toolUseId: toolUseIdOfRun(started.run) };
      if (!open || open.eventName !== key.eventName || open.turnId !== key.turnId || open.toolUseId !== key.toolUseId) {
        open = { ...key, startSeq: entry.seq, started: [], completed: [] };
        dispatches.push(open);
      }
      open.started.push(started.run);
      continue;
    }
    open = undefined;
    const completed = hookMsg(entry, "hook_completed");
    if (!completed) continue;
    const owner = dispatches.find((d) => d.started.some((run) => run.id === completed.run.id) && !d.completed.some((c) => c.run.id === completed.run.id));
    owner?.completed.push({ seq: entry.seq, run: completed.run });
  }
  return dispatches;
}

function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const fail = () => reject(new Error("aborted"));
    if (signal.aborted) fail();
    signal.addEventListener("abort", fail, { once: true });
  });
}

/** The hook port of a replay, or null when the recording ran no hook. */
export function recordedHooks(cursor: ReplayCursor, from = 1): HookPort | null {
  const dispatches = recordedDispatches(cursor.recorded.entries);
  if (dispatches.length === 0) return null;
  const used = new Set<RecordedDispatch>();
  return {
    dispatch(request) {
      const match = dispatches.find(
        (d) =>
          !used.has(d) &&
          d.startSeq >= from &&
          d.eventName === request.eventName &&
          d.turnId === request.turnId &&
          d.toolUseId === request.toolUseId,
      );
      if (!match) return { started: [], complete: async () => [] };
      used.add(match);
      return {
        started: match.started,
        async complete(signal) {
          // The recording's process stopped before these hooks answered: so does this one.
          if (match.completed.length < match.started.length) return untilAborted(signal);
          await cursor.gate(match.completed[0]!.seq, signal);
          return match.completed.map((c) => c.run);
        },
      };
    },
  };
}
