/**
 * Pairing tool calls with their outputs, as Codex's normalization pairs them: `function_call` and
 * `local_shell_call` answer to `function_call_output`, `custom_tool_call` to `custom_tool_call_output`,
 * `tool_search_call` to `tool_search_output`. Keys carry the family so ids never cross families.
 */
import type { ResponseItem } from "../events/index.js";

/** A call item that expects an output. */
export type CallItem = Extract<ResponseItem, { type: "function_call" | "custom_tool_call" | "local_shell_call" | "tool_search_call" }>;

/** The key an output must carry to answer this call, or undefined when it is not an answerable call. */
export function callKey(item: ResponseItem): string | undefined {
  switch (item.type) {
    case "function_call":
      return `f:${item.call_id}`;
    case "local_shell_call":
      return item.call_id ? `f:${item.call_id}` : undefined;
    case "custom_tool_call":
      return `c:${item.call_id}`;
    case "tool_search_call":
      return item.call_id ? `t:${item.call_id}` : undefined;
    default:
      return undefined;
  }
}

/** The key of the call this output answers, or undefined when it is not an output. */
export function outputKey(item: ResponseItem): string | undefined {
  switch (item.type) {
    case "function_call_output":
      return `f:${item.call_id}`;
    case "custom_tool_call_output":
      return `c:${item.call_id}`;
    case "tool_search_output":
      return item.call_id ? `t:${item.call_id}` : undefined;
    default:
      return undefined;
  }
}

/**
 * Calls without an output so far, and outputs seen before their call (kept so that a late call is
 * not reported as unanswered). Both are small: a turn has a handful of calls in flight.
 */
export interface CallLedger {
  readonly unanswered: readonly CallItem[];
  readonly earlyOutputs: readonly string[];
}

export const EMPTY_LEDGER: CallLedger = { unanswered: [], earlyOutputs: [] };

/** The ledger after `item` is appended to history; the same object when nothing changed. */
export function recordInLedger(ledger: CallLedger, item: ResponseItem): CallLedger {
  const call = callKey(item);
  if (call) {
    if (ledger.earlyOutputs.includes(call)) {
      return { ...ledger, earlyOutputs: ledger.earlyOutputs.filter((key) => key !== call) };
    }
    return { ...ledger, unanswered: [...ledger.unanswered, item as CallItem] };
  }
  const output = outputKey(item);
  if (output) {
    const index = ledger.unanswered.findIndex((c) => callKey(c) === output);
    if (index >= 0) return { ...ledger, unanswered: ledger.unanswered.filter((_, i) => i !== index) };
    return { ...ledger, earlyOutputs: [...ledger.earlyOutputs, output] };
  }
  return ledger;
}

/** The ledger of a whole history (after it was replaced or cut). */
export function ledgerOf(items: Iterable<ResponseItem>): CallLedger {
  let ledger = EMPTY_LEDGER;
  for (const item of items) ledger = recordInLedger(ledger, item);
  return ledger;
}
