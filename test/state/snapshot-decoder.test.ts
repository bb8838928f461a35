/**
 * Snapshots decoded with what the last ones shared (src/state/snapshot-decoder.ts): the same state
 * as a fresh decode whatever was kept before (another thread's snapshots with the same part keys
 * and other tables included), far fewer records decoded, bounded memory, and a damaged snapshot
 * that leaves nothing behind.
 */
import { describe, expect, it } from "vitest";
import type { LogEntry, NewEntry } from "../../src/events/index.js";
import { MemoryEventLog } from "../../src/log/index.js";
import { ThreadStateStore } from "../../src/runtime/state-store.js";
import {
  deserializeState,
  evolve,
  initialState,
  partKeys,
  serializeState,
  splitState,
  SnapshotDecoder,
  type PartSizes,
  type ThreadState,
} from "../../src/state/index.js";
import { assistant, compacted, context, item, rolledBack, turnComplete, turnContext, turnStarted, user, userMessage } from "./support/entries.js";

const SIZES: PartSizes = { history: 2, turns: 2 };
const canonical = (state: ThreadState) => JSON.stringify(serializeState(state));

/** A turn; `cwd` and `model` make two threads' turn contexts differ while their turn ids match. */
function turn(n: number, cwd = "/repo", model = "gpt-5.5"): NewEntry[] {
  const id = `turn-${n}`;
  return [
    turnStarted(id),
    turnContext(context(id, { cwd, model })),
    userMessage(`task ${n}`),
    item(user(`task ${n}`)),
    item(assistant(`done ${n}`)),
    turnComplete(id),
    ...(n % 7 === 0 ? [rolledBack(1)] : []),
    ...(n % 5 === 0 ? [compacted(`summary ${n}`, [user(`task ${n}`)])] : []),
  ];
}

/** The states after every entry of `turns` turns, as a fold from entry 1 gives them. */
function states(threadId: string, turns: number, cwd?: string, model?: string): ThreadState[] {
  let state = initialState(threadId);
  const out: ThreadState[] = [];
  let seq = 0;
  for (let n = 1; n <= turns; n++) {
    for (const entry of turn(n, cwd, model)) {
      state = evolve(state, { ...entry, v: 1, threadId, seq: ++seq, ts: "2026-01-01T00:00:00.000Z" } as LogEntry);
      out.push(state);
    }
  }
  return out;
}

/** A snapshot as stored in parts (through JSON, as a backend gives it back), with a lookup for its parts. */
function stored(state: ThreadState, parts: Map<string, unknown[]>) {
  const split = splitState(state, SIZES);
  for (const [key, json] of split.parts) parts.set(key, JSON.parse(json) as unknown[]);
  return JSON.parse(JSON.stringify(split.data)) as unknown;
}

function decode(decoder: SnapshotDecoder, data: unknown, parts: Map<string, unknown[]>): ThreadState {
  return decoder.decode(decoder.plan(data), (key) => parts.get(key));
}

describe("SnapshotDecoder", () => {
  it("decodes only what a snapshot does not share with the last ones, and gives the state a fresh decode gives", () => {
    const parts = new Map<string, unknown[]>();
    const all = states("t", 60);
    const snapshots = all.filter((_, i) => i % 13 === 12).map((state) => stored(state, parts));
    const decoder = new SnapshotDecoder();
    // Newest first, then scattered: older snapshots are prefixes of the kept one, newer ones extend it.
    const order = snapshots.map((_, i) => i).sort((a, b) => ((a * 7) % snapshots.length) - ((b * 7) % snapshots.length));
    for (const i of [snapshots.length - 1, ...order]) {
      const fresh = deserializeState(snapshots[i], (key) => parts.get(key));
      const reused = decode(decoder, snapshots[i], parts);
      expect(canonical(reused), `snapshot ${i}`).toBe(canonical(fresh));
      expect(reused.referenceContext).toEqual(fresh.referenceContext);
      expect(reused.previousTurnSettings).toEqual(fresh.previousTurnSettings);
    }
    const { decoded, reused } = decoder.stats;
    expect(reused).toBeGreaterThan(4 * decoded);
    // Folding on from a reused state matches folding on from a fresh one (nothing shared was changed).
    const last = snapshots.length - 3;
    const base = decode(decoder, snapshots[last], parts);
    const more = turn(61).map((entry, i) => ({ ...entry, v: 1, threadId: "t", seq: base.seq + 1 + i, ts: "2026-01-01T00:00:00.000Z" }) as LogEntry);
    const fold = (state: ThreadState) => canonical(more.reduce(evolve, state));
    expect(fold(base)).toBe(fold(deserializeState(snapshots[last], (key) => parts.get(key))));
    expect(canonical(decode(decoder, snapshots[last], parts))).toBe(canonical(deserializeState(snapshots[last], (key) => parts.get(key))));
  });

  it("reuses nothing whose tables differ: another thread with the same turn ids and part keys, other turn contexts", () => {
    const parts = new Map<string, unknown[]>();
    const a = stored(states("same-id", 29, "/repo-a").at(-1)!, parts);
    const b = stored(states("same-id", 29, "/repo-b", "gpt-other").at(-1)!, parts);
    // The chunk parts (turn ids, flags, context indexes) are the same bytes in both: only the tables differ.
    const shared = partKeys(a).filter((key) => partKeys(b).includes(key));
    expect(shared.length).toBeGreaterThan(10);
    const decoder = new SnapshotDecoder();
    decode(decoder, a, parts);
    const got = decode(decoder, b, parts);
    expect(canonical(got)).toBe(canonical(deserializeState(b, (key) => parts.get(key))));
    expect(got.referenceContext?.cwd).toBe("/repo-b");
    expect(got.internal.segments.chunks.at(3)?.marks).toEqual([expect.objectContaining({ cwd: "/repo-b", turn_id: "turn-3" })]);
    expect(got.previousTurnSettings?.model).toBe("gpt-other");
    // The same parts with another settings table (written by hand: a table the parts do not show).
    const relabeled = JSON.parse(JSON.stringify(a)) as { segments: { settings: Array<{ model: string }> } };
    relabeled.segments.settings[0].model = "relabeled";
    decode(decoder, a, parts);
    const summary = decode(decoder, relabeled, parts).internal.segments.summaries.at(10);
    expect(summary?.decision.settings?.model).toBe("relabeled");
  });

  it("keeps a bounded number of snapshots and records, least recently used dropped first", () => {
    const parts = new Map<string, unknown[]>();
    const decoder = new SnapshotDecoder({ maxKept: 2, maxKeptItems: 200 });
    for (const id of ["a", "b", "c"]) decode(decoder, stored(states(id, 12).at(-1)!, parts), parts);
    expect(decoder.stats.snapshots).toBe(2);
    const big = stored(states("big", 80).at(-1)!, parts);
    decode(decoder, big, parts);
    // Over the records bound on its own: not kept, and it pushed out what it could.
    expect(decoder.stats.items).toBeLessThanOrEqual(200);
    expect(new SnapshotDecoder({ maxKept: 0 }).stats.snapshots).toBe(0);
  });

  it("a damaged snapshot throws and leaves nothing kept behind: the next decode is still right", () => {
    const parts = new Map<string, unknown[]>();
    const all = states("t", 40);
    const good = stored(all[150], parts);
    const newer = stored(all.at(-1)!, parts);
    const decoder = new SnapshotDecoder();
    decode(decoder, good, parts);
    // A part the newer one names is gone, another is damaged (items of the wrong shape).
    const gone = new Map(parts);
    const keys = partKeys(newer);
    gone.delete(keys.at(-1)!);
    expect(() => decode(decoder, newer, gone)).toThrow(/missing or damaged/);
    const damaged = new Map(parts);
    damaged.set(keys.at(-2)!, [7, "not a record"]);
    expect(() => decode(decoder, newer, damaged)).toThrow();
    expect(() => decoder.plan({ ...(newer as object), segments: null })).toThrow(/turn segments/);
    expect(() => decoder.plan({ ...(newer as object), turns: { p: [1], t: [] } })).toThrow(/turns is not a list/);
    expect(canonical(decode(decoder, newer, parts))).toBe(canonical(all.at(-1)!));
    expect(canonical(decode(decoder, good, parts))).toBe(canonical(all[150]));
  });

  it("through the store: a fork reads its parent's snapshots, and gets its own thread id", async () => {
    const log = new MemoryEventLog();
    try {
      const store = new ThreadStateStore(log, { snapshotEvery: 20, partSizes: SIZES });
      const { id } = await log.createThread({ id: "parent" });
      let head = initialState(id);
      for (let n = 1; n <= 30; n++) {
        for (const entry of await log.append(id, turn(n))) {
          head = evolve(head, entry);
          await store.maybeSnapshot(id, head);
        }
      }
      await log.fork(id, 150, { id: "child" });
      await log.append("child", turn(31, "/elsewhere"));
      const fold = async (threadId: string, to: number) => {
        let state = initialState(threadId);
        for await (const entry of log.read(threadId, { to })) state = evolve(state, entry);
        return canonical(state);
      };
      const reader = new ThreadStateStore(log, { snapshotEvery: 20, partSizes: SIZES });
      await reader.stateAt("parent", head.seq);
      for (const seq of [150, 141, 156, 152]) {
        const state = await reader.stateAt("child", seq);
        expect(state.threadId).toBe("child");
        expect(canonical(state), `child at ${seq}`).toBe(await fold("child", seq));
      }
      expect(canonical(await reader.stateAt("parent", 160))).toBe(await fold("parent", 160));
    } finally {
      await log.close();
    }
  });
});
