// Helpers for compaction scenarios: run the `compact` op to its end, recognise a summarization
// request, and describe a request's input by role and kind of content (Codex's snapshot shapes).
import type { Event, LogEntry } from "../../src/events/index.js";
import type { Thread } from "../../src/runtime/thread.js";
import { SUMMARIZATION_PROMPT, SUMMARY_PREFIX } from "../../src/state/index.js";
import { inputItems, messageTexts, type RecordedRequest } from "../support/fake-responses.js";

const TURN_END = new Set(["task_complete", "turn_aborted"]);

/** Submits `compact` and resolves with its events once its task has ended. */
export async function compact(thread: Thread, id = `compact-${Math.random().toString(36).slice(2)}`): Promise<Event[]> {
  const events: Event[] = [];
  const done = new Promise<Event[]>((resolve) => {
    const subscription = thread.events$.subscribe((event) => {
      if (event.id !== id) return;
      events.push(event);
      if (TURN_END.has(event.msg.type)) {
        subscription.unsubscribe();
        resolve(events);
      }
    });
  });
  await thread.submit({ type: "compact" }, { id });
  return done;
}

/** The entries a submission (turn or task) wrote, in log order. */
export async function entriesOf(thread: Thread, sub: string): Promise<LogEntry[]> {
  return (await thread.entries()).filter((entry) => entry.sub === sub);
}

/** `kind` for entries, the event type for events: the order a reader sees. */
export function kinds(entries: readonly LogEntry[]): string[] {
  return entries.map((entry) => (entry.kind === "event_msg" ? entry.payload.type : entry.kind));
}

export function isSummarization(request: RecordedRequest, prompt = SUMMARIZATION_PROMPT): boolean {
  return messageTexts(request, "user").at(-1) === prompt && Array.isArray(request.body.tools) && request.body.tools.length === 0;
}

export const summaryOf = (text: string): string => `${SUMMARY_PREFIX}\n${text}`;

const TAGS = ["<permissions instructions>", "<environment_context>", "<model_switch>", "# AGENTS.md instructions"];

/** One line per input item: `role:text` for messages (context shown by its tag), `type[/name]` else. */
export function shape(request: RecordedRequest): string[] {
  return inputItems(request).map((item) => {
    if (item.type !== "message") return item.name ? `${item.type}/${item.name}` : item.type;
    const text = (item.content as { text?: string }[]).map((part) => part.text ?? "").join("");
    const tag = TAGS.find((candidate) => text.startsWith(candidate));
    if (tag) return `${item.role}:${tag}`;
    if (text === SUMMARIZATION_PROMPT) return `${item.role}:<SUMMARIZATION_PROMPT>`;
    if (text.startsWith(`${SUMMARY_PREFIX}\n`)) return `${item.role}:<SUMMARY>${text.slice(SUMMARY_PREFIX.length)}`;
    return `${item.role}:${text}`;
  });
}
