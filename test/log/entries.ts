/** Realistic entries (they pass the vocabulary's validation) for the log tests. */
import type { NewEntry } from "../../src/events/index.js";

export const userMessage = (text: string): NewEntry => ({
  kind: "response_item",
  payload: { type: "message", role: "user", content: [{ type: "input_text", text }] },
});

export const assistantMessage = (text: string): NewEntry => ({
  kind: "response_item",
  payload: { type: "message", role: "assistant", content: [{ type: "output_text", text }] },
});

export const shellCall = (callId: string, command: string): NewEntry => ({
  kind: "response_item",
  payload: { type: "function_call", name: "shell", arguments: JSON.stringify({ command: ["bash", "-lc", command] }), call_id: callId },
});

export const agentDelta = (delta: string): NewEntry => ({
  kind: "event_msg",
  payload: { type: "agent_message_delta", delta },
});

export const taskStarted = (turnId: string): NewEntry => ({
  kind: "event_msg",
  payload: { type: "task_started", turn_id: turnId, model_context_window: 272000 },
});

/** A small turn: user message, a tool call, deltas, the answer. */
export function turn(n: number): NewEntry[] {
  return [
    taskStarted(`turn-${n}`),
    userMessage(`request ${n}: make the failing test pass`),
    shellCall(`call-${n}`, "npm test"),
    agentDelta("The test"),
    agentDelta(" passes now."),
    assistantMessage(`answer ${n}: the test passes now.`),
  ];
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

export const seqsOf = (entries: ReadonlyArray<{ seq: number }>): number[] => entries.map((entry) => entry.seq);

export const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** A clock that counts seconds from a fixed instant and records how often it was read. */
export function steppingClock(start = Date.parse("2025-06-01T12:00:00.000Z")): { clock: () => Date; reads: () => number } {
  let reads = 0;
  return {
    clock: () => new Date(start + 1000 * reads++),
    reads: () => reads,
  };
}
