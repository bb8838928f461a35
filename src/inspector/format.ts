/** Small display helpers shared by the panels. */
import type { TurnView } from "./api.js";

export function shortId(id: string): string {
  return id.length > 12 ? `${id.slice(0, 8)}…` : id;
}

// One formatter for every row: toLocaleTimeString builds a new one per call, which a page of rows feels.
const CLOCK = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });

export function time(ts: string): string {
  const date = new Date(ts);
  return Number.isNaN(date.getTime()) ? ts : CLOCK.format(date);
}

// The same for numbers: toLocaleString builds a formatter per call, and the state panel formats dozens.
const NUMBER = new Intl.NumberFormat("en-US");

export function number(n: number | undefined | null): string {
  return typeof n === "number" ? NUMBER.format(n) : "–";
}

/** The turn a seq falls in (turns are sorted by firstSeq), or undefined between turns. */
export function turnAt(turns: readonly TurnView[], seq: number): TurnView | undefined {
  let lo = 0;
  let hi = turns.length - 1;
  let found: TurnView | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (turns[mid].firstSeq <= seq) {
      found = turns[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found && found.lastSeq !== null && seq > found.lastSeq) return undefined;
  return found;
}

/** The text of a message's content parts (images as a placeholder). */
export function contentText(content: unknown): string {
  if (!Array.isArray(content)) return typeof content === "string" ? content : JSON.stringify(content);
  return content.map((part: any) => (typeof part?.text === "string" ? part.text : `[${part?.type ?? "part"}]`)).join("\n");
}

/** One model-visible item as a role and a text, the way the prompt panel shows it. */
export function itemView(item: Record<string, any>): { role: string; text: string } {
  switch (item.type) {
    case "message":
      return { role: item.role, text: contentText(item.content) };
    case "function_call":
      return { role: `call ${item.name}`, text: prettyArgs(item.arguments) };
    case "custom_tool_call":
      return { role: `call ${item.name}`, text: String(item.input ?? "") };
    case "function_call_output":
    case "custom_tool_call_output":
      return { role: "output", text: typeof item.output === "string" ? item.output : contentText(item.output?.content ?? item.output) };
    case "reasoning":
      return { role: "reasoning", text: (item.summary ?? []).map((s: any) => s.text).join("\n") || "(encrypted)" };
    default:
      return { role: item.type, text: JSON.stringify(item, null, 2) };
  }
}

function prettyArgs(args: unknown): string {
  if (typeof args !== "string") return JSON.stringify(args);
  try {
    return JSON.stringify(JSON.parse(args), null, 2);
  } catch {
    return args;
  }
}
