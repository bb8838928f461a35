/**
 * Re-execution replay (like Temporal's replayer): the real machines run over a recorded thread
 * while the model, tools, clock and ids answer from the recording and the recorded submissions are
 * sent again at their seqs. Every entry the machines write is compared with the recorded one; the
 * first difference is the divergence, reported with its seq and a readable diff.
 */
import type { W3cTraceContext } from "../../observe/index.js";
import type { EventMsgOf, LogEntry, NewEntry, ResponseItem } from "../../events/index.js";
import type { ThreadSettingsOptions } from "../../runtime/settings.js";
import { MemoryEventLog, type EventLog } from "../../log/index.js";
import type { LoomConfig } from "../../config/index.js";
import type { ToolHandler } from "../../actors/tools/index.js";
import { createRuntime, type Runtime } from "../../runtime/runtime.js";
import { INPUT_ERROR_INFO, type Thread } from "../../runtime/thread.js";
import { RecordedThread } from "./recorded.js";
import { ReplayCursor, recordedClock, recordedExec, recordedIds, recordedSampler, recordedTool } from "./io.js";
import { diffJson, jsonEqual } from "./diff.js";
import { recordedHooks } from "./hooks.js";
import { recordedSkills } from "./skills.js";
import { spawnLinkOf } from "../../agents/index.js";

export interface ReplayOptions {
  /** Configuration the replay runs with (default: none, Loom's defaults). */
  config?: LoomConfig;
  /** Host tools the recorded thread was started with (their specs are part of each request). */
  tools?: ToolHandler[];
  /** Re-execute from the start of the turn containing this seq; earlier entries are taken as they are. */
  fromSeq?: number;
  /** How long the machines may go without producing the next entry before the replay gives up. */
  stallMs?: number;
}

export interface Divergence {
  /** The thread it is in, when a sub-agent of the replayed thread diverged. */
  threadId?: string;
  seq: number;
  reason: string;
  recorded?: LogEntry;
  produced?: LogEntry;
  /** The paths that differ, recorded value first. */
  diff: string[];
}

export interface ReplayReport {
  /** Entries re-executed and found equal. */
  replayed: number;
  /** Seq re-execution started at (1 unless `fromSeq`). */
  fromSeq: number;
  divergence?: Divergence;
}

export class ReplayError extends Error {
  override readonly name = "ReplayError";
}

function describe(entry: LogEntry | undefined): string {
  if (!entry) return "(nothing)";
  const type = (entry.payload as { type?: string }).type;
  return `${entry.kind}${type ? ` ${type}` : ""}`;
}

export function formatDivergence(divergence: Divergence): string {
  const lines = [
    `divergence${divergence.threadId ? ` in thread ${divergence.threadId}` : ""} at seq ${divergence.seq}: ${divergence.reason}`,
    `  recorded: ${describe(divergence.recorded)}`,
    `  now:      ${describe(divergence.produced)}`,
    ...divergence.diff.map((line) => `  ${line}`),
  ];
  return lines.join("\n");
}

function differences(expected: LogEntry, entry: LogEntry): string[] {
  const diff = expected.kind !== entry.kind ? [`kind: recorded ${expected.kind}, now ${entry.kind}`] : diffJson(expected.payload, entry.payload);
  if ((expected.sub ?? "") !== (entry.sub ?? "")) diff.push(`sub: recorded ${expected.sub}, now ${entry.sub}`);
  return diff;
}

/** The identity of a write, loosely: its kind, submission, type and the call or role it is about. */
function slotOf(kind: string, sub: string | undefined, payload: unknown): string {
  const p = payload as { type?: string; call_id?: string; callId?: string; role?: string; item?: { call_id?: string } };
  return JSON.stringify([kind, sub ?? "", p.type ?? "", p.call_id ?? p.callId ?? p.item?.call_id ?? "", p.role ?? ""]);
}

/** Whether `entry` is the kind of write the recording has at this seq (whether it then matches is compared). */
function fitsSlot(recorded: LogEntry, entry: NewEntry): boolean {
  return slotOf(recorded.kind, recorded.sub, recorded.payload) === slotOf(entry.kind, entry.sub, entry.payload);
}

function sameEntry(recorded: LogEntry, produced: LogEntry): boolean {
  return recorded.kind === produced.kind && (recorded.sub ?? "") === (produced.sub ?? "") && jsonEqual(recorded.payload, produced.payload);
}

/** Thread ids the recording used, in order: the original, then each fork's. */
function threadIdsOf(recorded: RecordedThread): string[] {
  const ids = [recorded.threadId];
  for (const entry of recorded.entries) {
    if (entry.kind === "event_msg" && entry.payload.type === "session_configured" && !ids.includes(entry.payload.session_id)) {
      ids.push(entry.payload.session_id);
    }
  }
  return ids;
}

/** Where re-execution starts: the submission that began the turn containing `fromSeq`. */
function startSeq(recorded: RecordedThread, fromSeq: number | undefined): number {
  if (!fromSeq || fromSeq <= 1) return 1;
  let start = 1;
  for (const entry of recorded.entries) {
    if (entry.seq > fromSeq) break;
    if (entry.kind === "submission" && ["user_input", "user_turn", "user_input_with_turn_context"].includes(entry.payload.op.type)) {
      start = entry.seq;
    }
    if (entry.kind === "event_msg" && entry.payload.type === "task_complete" && entry.seq < fromSeq) start = entry.seq + 1;
  }
  return start;
}

export async function replayEntries(entries: readonly LogEntry[], options: ReplayOptions = {}): Promise<ReplayReport> {
  const recorded = new RecordedThread(entries);
  // A thread Loom wrote opens with session_configured, even one that never got a submission; a
  // Codex rollout has neither.
  const opened = entries.some((e) => e.kind === "event_msg" && e.payload.type === "session_configured");
  if (recorded.submissions.length === 0 && !opened) {
    throw new ReplayError(
      "the recording has no submissions to send again (an imported Codex rollout has none: replay the rollout file itself, `loom replay ROLLOUT.jsonl`)",
    );
  }
  const from = startSeq(recorded, options.fromSeq);
  const cursor = new ReplayCursor(recorded);
  const log = new MemoryEventLog();
  const sampler = recordedSampler(cursor, from);
  const exec = recordedExec(cursor, from);
  const hooks = recordedHooks(cursor, from);
  let divergence: Divergence | undefined;
  let replayed = 0;
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  let stall: NodeJS.Timeout | undefined;
  const stallMs = options.stallMs ?? 5_000;
  const diverge = (found: Divergence) => {
    divergence ??= found;
    stop();
  };
  const armStall = () => {
    clearTimeout(stall);
    stall = setTimeout(() => {
      const seq = cursor.head + 1;
      const held = cursor.bus?.heldEntries[0];
      if (!held) {
        diverge({ seq, reason: "the machines stopped before writing the next recorded entry", recorded: recorded.bySeq[seq], diff: [] });
        return;
      }
      // The machines wanted to write something else where the recording has this entry.
      const produced = { v: 1, threadId: recorded.threadId, seq, ts: held.ts ?? "", ...held } as LogEntry;
      const expected = recorded.bySeq[seq];
      diverge({ seq, reason: "the entry differs from the recorded one", recorded: expected, produced, diff: expected ? differences(expected, produced) : [] });
    }, stallMs);
  };
  const compare = (entry: LogEntry) => {
    if (divergence || entry.seq < from) return;
    armStall();
    const expected = recorded.bySeq[entry.seq];
    if (!expected) {
      diverge({ seq: entry.seq, reason: "an entry beyond the end of the recording", produced: entry, diff: [] });
    } else if (!sameEntry(expected, entry)) {
      diverge({ seq: entry.seq, reason: "the entry differs from the recorded one", recorded: expected, produced: entry, diff: differences(expected, entry) });
    } else {
      replayed += 1;
      if (entry.seq === recorded.lastSeq) stop();
    }
  };

  if (from > 1) await copyPrefix(log, recorded, from - 1);
  const rt = await createRuntime({
    log,
    config: options.config ?? {},
    env: {},
    durable: false,
    model: { apiKey: "replay" },
    clock: recordedClock(cursor),
    ids: recordedIds(cursor, threadIdsOf(recorded), from),
    tools: options.tools,
    io: {
      sampler: () => sampler,
      exec: () => exec,
      hooks: () => hooks,
      skills: () => recordedSkills(entries),
      wrapTool: (handler) => recordedTool(cursor, handler),
      onThread: (services) => {
        cursor.bus = services.bus;
        // Nothing is sent to a model: the turn metadata's git facts would never be read.
        services.gitProbe = undefined;
        // The machines' writes take the recorded order: one that does not fit the next recorded
        // entry waits for the writes that do (an input put back at its seq, a faster actor).
        services.bus.sequence((seq, first) => {
          const expected = recorded.bySeq[seq];
          return !expected || seq < from || fitsSlot(expected, first);
        });
        services.bus.entries$.subscribe(compare);
      },
    },
  });
  armStall();
  try {
    await Promise.race([drive(rt, recorded, cursor, from), stopped]);
    await stopped;
  } catch (error) {
    if (!divergence) {
      const seq = cursor.head + 1;
      diverge({ seq, reason: `replay failed: ${(error as Error).message}`, recorded: recorded.bySeq[seq], diff: [] });
    }
  } finally {
    clearTimeout(stall);
    await rt.close();
  }
  return { replayed, fromSeq: from, divergence };
}

/** Sends the recorded submissions at their seqs, and reopens the thread where the recording did. */
async function drive(rt: Runtime, recorded: RecordedThread, cursor: ReplayCursor, from: number): Promise<void> {
  let thread: Thread;
  if (from > 1) thread = await rt.attachThread(recorded.threadId);
  else {
    const configured = recorded.entries.find((e) => e.kind === "event_msg" && e.payload.type === "session_configured");
    const meta = recorded.entries.find((e) => e.kind === "session_meta");
    if (!configured || configured.kind !== "event_msg" || configured.payload.type !== "session_configured") {
      throw new Error("the recording does not start with session_configured");
    }
    const sessionMeta = meta?.kind === "session_meta" ? meta.payload : undefined;
    // A sub-agent starts as it was spawned: linked to its parent, with a fork's history.
    const link = sessionMeta?.id === recorded.threadId ? spawnLinkOf(sessionMeta) : undefined;
    const forkedItems: ResponseItem[] = [];
    for (const e of recorded.entries) {
      if (e.kind === "response_item") forkedItems.push(e.payload);
      else if (e.kind !== "session_meta" && !(e.kind === "event_msg" && e.payload.type === "session_configured")) break;
    }
    thread = await rt.startThread({
      baseInstructions: sessionMeta?.base_instructions?.text,
      ...openedWith(configured.payload),
      // A named thread's first session_configured carries its name: the replay's must too.
      name: configured.payload.thread_name ?? undefined,
      dynamicTools: sessionMeta?.dynamic_tools ?? undefined,
    }, link ? { link, forkedItems } : undefined);
  }
  for (const entry of recorded.entries) {
    if (entry.seq <= (from > 1 ? from - 1 : 2)) continue;
    if (entry.kind === "submission") {
      await cursor.gate(entry.seq);
      // The recorded trace goes back in: the turn's trace_id comes from it.
      await thread.submit(entry.payload.op, { id: entry.payload.id, trace: entry.payload.trace as W3cTraceContext | undefined });
    } else if (entry.kind === "event_msg" && entry.payload.type === "error" && entry.payload.codex_error_info === INPUT_ERROR_INFO) {
      // Input a client sent that never became a submission: it is put back, like a submission.
      await cursor.gate(entry.seq);
      await thread.reportInputError(entry.payload.message, entry.sub);
    } else if (entry.kind === "event_msg" && entry.payload.type === "skills_update_available") {
      // The skills watcher saw a change then: an outside fact, put back at its seq.
      await cursor.gate(entry.seq);
      await cursor.bus?.event(entry.sub ?? "", entry.payload);
    } else if (entry.kind === "event_msg" && entry.payload.type === "session_configured") {
      // The recording's process restarted here (resume), or the thread was forked at this point.
      // A process that died here wrote nothing past it, whatever its machines were about to do.
      const id = entry.payload.session_id;
      const current = thread.id;
      if (id === current) cursor.bus?.sealAfter(entry.seq - 1);
      await cursor.gate(entry.seq);
      await thread.close();
      cursor.rewind(entry.seq);
      // A resume may have changed settings (`exec resume --model X`): reopen with what it recorded.
      thread = id === current ? await rt.resumeThread(id, openedWith(entry.payload)) : await rt.forkThread(current, { atSeq: entry.seq - 1 });
    }
  }
}

/** The settings a recorded `session_configured` says the thread was opened with. */
function openedWith(msg: EventMsgOf<"session_configured">): ThreadSettingsOptions {
  return {
    cwd: msg.cwd,
    model: msg.model,
    approvalPolicy: msg.approval_policy,
    sandboxPolicy: msg.sandbox_policy,
    effort: msg.reasoning_effort ?? undefined,
    // Absent in recordings older than these fields: the thread's own then stand.
    summary: msg.reasoning_summary ?? undefined,
    developerInstructions: msg.developer_instructions ?? undefined,
    baseInstructions: msg.base_instructions ?? undefined,
  };
}

async function copyPrefix(log: EventLog, recorded: RecordedThread, lastSeq: number): Promise<void> {
  await log.createThread({ id: recorded.threadId });
  const prefix = recorded.entries.filter((e) => e.seq <= lastSeq);
  for (let i = 0; i < prefix.length; i += 1000) {
    const batch = prefix.slice(i, i + 1000).map((e) => ({ kind: e.kind, payload: e.payload, ts: e.ts, sub: e.sub }) as never);
    await log.append(recorded.threadId, batch);
  }
}

/** Replays a thread of `log` (which is only read). */
export async function replayThread(log: EventLog, threadId: string, options: ReplayOptions = {}): Promise<ReplayReport> {
  const entries: LogEntry[] = [];
  for await (const entry of log.read(threadId)) entries.push(entry);
  if (entries.length === 0) throw new ReplayError(`thread ${threadId} has no entries`);
  return replayEntries(entries, options);
}
