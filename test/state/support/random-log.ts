/**
 * Seeded random thread logs for property tests: user turns with messages, steering, tool calls with
 * and without outputs, approvals, token counts, streaming deltas, turn contexts (sometimes without
 * a turn id), interrupts, turns left open, standalone compaction tasks, mid-turn compactions (with
 * or without a replacement history), rollbacks of 1-4 turns, and now and then an abort naming no
 * turn or another turn. No dependency: a 32-bit PRNG (mulberry32) drives it.
 */
import type { NewEntry, ResponseItem } from "../../../src/events/index.js";
import { SUMMARY_PREFIX } from "../../../src/state/index.js";
import {
  agentDelta,
  assistant,
  compacted,
  context,
  customCall,
  customOutput,
  developer,
  environmentContext,
  functionCall,
  functionOutput,
  interAgentInstruction,
  item,
  nameUpdated,
  rolledBack,
  submission,
  tokenCount,
  turnAborted,
  turnAbortedMarker,
  turnComplete,
  turnContext,
  turnStarted,
  user,
  userMessage,
} from "./entries.js";

export type Rng = () => number;

export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RandomLogOptions {
  /** Roughly how many entries to make (a turn in progress is finished past it). */
  entries: number;
  /** Compactions with a replacement history (default), without one (legacy rollouts), or either. */
  compactions?: "replacement" | "legacy" | "mixed";
  /** Prefix for turn and call ids, so logs appended to forks do not reuse the source's ids. */
  idPrefix?: string;
}

export function randomLog(rng: Rng, options: RandomLogOptions): NewEntry[] {
  const out: NewEntry[] = [];
  const prefix = options.idPrefix ?? "";
  let turns = 0;
  let calls = 0;
  const pick = <T>(values: readonly T[]): T => values[Math.floor(rng() * values.length)];
  const chance = (p: number) => rng() < p;
  const models = ["gpt-5", "gpt-5-mini", "o4"];

  const compaction = (): NewEntry => {
    const mode = options.compactions ?? "replacement";
    if (mode === "legacy" || (mode === "mixed" && chance(0.3))) return compacted(`summary ${out.length}`);
    const kept: ResponseItem[] = [];
    if (chance(0.8)) kept.push(user(`kept ${out.length}`));
    if (chance(0.8)) kept.push(user(`${SUMMARY_PREFIX}\nsummary ${out.length}`));
    return compacted(`${SUMMARY_PREFIX}\nsummary ${out.length}`, kept);
  };

  const toolStep = (turnId: string) => {
    const callId = `${prefix}call-${++calls}`;
    if (chance(0.5)) {
      out.push(item(functionCall(callId)));
      if (chance(0.2)) {
        out.push({ kind: "event_msg", payload: { type: "exec_approval_request", call_id: callId, turn_id: turnId, command: ["ls", callId], cwd: "/repo" } } as NewEntry);
        if (chance(0.7)) out.push(submission(`sub-${callId}`, { type: "exec_approval", id: callId, decision: pick(["approved", "approved_for_session", "denied"]) }));
      }
      if (chance(0.85)) out.push(item(functionOutput(callId)));
    } else {
      out.push(item(customCall(callId)));
      if (chance(0.85)) out.push(item(customOutput(callId)));
    }
    if (chance(0.5)) out.push(tokenCount(chance(0.1) ? null : Math.floor(rng() * 100_000)));
    if (chance(0.1)) {
      out.push({ kind: "event_msg", payload: { type: "request_user_input", call_id: `${callId}-q`, turn_id: turnId, questions: [{ id: "q", question: "?" }] } } as NewEntry);
      if (chance(0.5)) out.push(submission(`sub-${callId}-q`, { type: "user_input_answer", id: turnId, response: { answers: {} } }));
    }
  };

  const userTurn = () => {
    const turnId = `${prefix}turn-${++turns}`;
    out.push(turnStarted(turnId));
    if (chance(0.3)) out.push(item(developer(`<permissions instructions>${turnId}</permissions instructions>`)));
    if (chance(0.3)) out.push(item(environmentContext(`/repo/${turnId}`)));
    const contextTurnId = chance(0.1) ? null : turnId;
    out.push(turnContext(context(contextTurnId, { model: pick(models), realtime_active: chance(0.1) })));
    const interAgent = chance(0.08);
    if (interAgent) {
      out.push(item(interAgentInstruction(`do ${turnId}`)));
    } else {
      out.push(item(user(`ask ${turnId}`)), userMessage(`ask ${turnId}`));
    }
    const steps = Math.floor(rng() * 5);
    for (let i = 0; i < steps; i++) {
      if (chance(0.15)) out.push(item(user(`steer ${turnId}.${i}`)), userMessage(`steer ${turnId}.${i}`));
      if (chance(0.3)) out.push(agentDelta("…"), agentDelta("…"));
      if (chance(0.1)) {
        out.push(compaction());
        if (chance(0.7)) out.push(turnContext(context(turnId, { model: pick(models) })));
      }
      if (chance(0.6)) toolStep(turnId);
      else out.push(item(assistant(`reply ${turnId}.${i}`)));
    }
    const end = rng();
    if (end < 0.7) {
      out.push(item(assistant(`done ${turnId}`)), turnComplete(turnId));
    } else if (end < 0.85) {
      out.push(item(turnAbortedMarker()), turnAborted(chance(0.15) ? null : chance(0.1) ? `${prefix}other` : turnId));
    }
    // Otherwise the turn is left open, as after a crash; the next task_started replaces it.
  };

  const standaloneTurn = () => {
    const turnId = `${prefix}task-${++turns}`;
    out.push(turnStarted(turnId));
    if (chance(0.7)) out.push(compaction());
    else out.push(item(assistant(`background ${turnId}`)));
    out.push(turnComplete(turnId));
  };

  while (out.length < options.entries) {
    const r = rng();
    if (r < 0.65) userTurn();
    else if (r < 0.75) standaloneTurn();
    else if (r < 0.88) out.push(rolledBack(1 + Math.floor(rng() * 4)));
    else if (r < 0.92) out.push(compaction());
    else if (r < 0.96) out.push(nameUpdated(`name ${out.length}`));
    else out.push(tokenCount(Math.floor(rng() * 1000)));
  }
  return out;
}
