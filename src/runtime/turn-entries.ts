/**
 * The entries a turn records, built without IO: its user input, its context, its completion, an
 * abort, and their shared time stamp. The turn's actors (turn-actors.ts) append them; resume, the
 * user shell and compaction build aborts with the same function.
 */
import type { EventMsg, NewEntry, ResponseItem, UserInputItem } from "../events/index.js";
import type { TurnInput } from "../machines/turn.js";
import { buildContextUpdates, buildInitialContext, toTurnContextItem } from "../context/index.js";
import type { ActiveTurn, ThreadServices } from "./services.js";
import { userMessageItem, userMessageText } from "./user-input.js";

export const TURN_ABORTED_GUIDANCE =
  "The user interrupted the previous turn on purpose. Any running unified exec processes may still be running in the background. If any tools/commands were aborted, they may have partially executed.";

/**
 * Entries written with the time a step read once: the payload's times and the entries' `ts` agree,
 * so replay (which hands back each recorded `ts`) computes the same durations.
 */
export function stamped(entries: NewEntry[], now: number): NewEntry[] {
  const ts = new Date(now).toISOString();
  return entries.map((entry) => ({ ...entry, ts }));
}

export function turnAbortedMarker(): ResponseItem {
  return {
    type: "message",
    role: "user",
    content: [{ type: "input_text", text: `<turn_aborted>\n${TURN_ABORTED_GUIDANCE}\n</turn_aborted>` }],
  };
}

export const event = (msg: EventMsg): NewEntry => ({ kind: "event_msg", payload: msg });

export const item = (payload: ResponseItem): NewEntry => ({ kind: "response_item", payload });


export async function userInputEntries(services: ThreadServices, turnId: string, items: UserInputItem[], cwd: string): Promise<NewEntry[]> {
  const message = await userMessageItem(items, cwd);
  const text = userMessageText(items);
  const itemId = services.ids.next("item");
  const turnItem = { type: "UserMessage", id: itemId, content: items };
  return [
    item(message),
    event({ type: "item_started", thread_id: services.threadId, turn_id: turnId, item: turnItem }),
    event({ type: "item_completed", thread_id: services.threadId, turn_id: turnId, item: turnItem }),
    event({
      type: "user_message",
      message: text,
      images: items.flatMap((i) => (i.type === "image" ? [i.image_url] : [])),
      local_images: items.flatMap((i) => (i.type === "local_image" ? [i.path] : [])),
      text_elements: [],
    }),
  ];
}

/** What a turn records first: context updates (the full initial context when the reference is gone, e.g. after a compaction) and its `turn_context`. */
export function turnContextEntries(services: ThreadServices, active: ActiveTurn, input: TurnInput): NewEntry[] {
  const { settings } = active;
  const state = services.state();
  const contextItems = state.referenceContext
    ? buildContextUpdates(state.referenceContext, settings)
    : buildInitialContext(settings, { previousModel: state.previousTurnSettings?.model, subagents: services.subagents?.() });
  const turnContext = toTurnContextItem(settings, input.turnId, { finalOutputJsonSchema: active.outputSchema, traceId: active.traceId });
  // Codex warns each time it builds the full skills list, before the context is recorded.
  const budgetWarning = !state.referenceContext && settings.skillsWarning ? [event({ type: "warning", message: settings.skillsWarning })] : [];
  return [...budgetWarning, ...contextItems.map(item), { kind: "turn_context", payload: turnContext }];
}

export function taskComplete(turnId: string, lastAgentMessage: string | null, now: number, startedAt?: number): NewEntry {
  return event({
    type: "task_complete",
    turn_id: turnId,
    last_agent_message: lastAgentMessage,
    completed_at: Math.floor(now / 1000),
    duration_ms: startedAt !== undefined ? now - startedAt : null,
  });
}

export function abortEntries(turnId: string, outputs: ResponseItem[], now: number, startedAt?: number): NewEntry[] {
  return [
    ...outputs.map(item),
    item(turnAbortedMarker()),
    event({
      type: "turn_aborted",
      turn_id: turnId,
      reason: "interrupted",
      completed_at: Math.floor(now / 1000),
      duration_ms: startedAt !== undefined ? now - startedAt : null,
    }),
  ];
}
