/**
 * Codex's hook matchers: none, "" or "*" match everything; a plain word list (`Bash`, `Edit|Write`)
 * matches exactly; anything else is a regular expression searched in the tool name (or the session
 * start source). User prompt and stop hooks ignore their matcher.
 */
import type { HookEventName } from "../events/index.js";

/** The matcher a handler keeps for its event (null where the event has no matcher input). */
export function matcherFor(eventName: HookEventName, matcher: string | null): string | null {
  return eventName === "user_prompt_submit" || eventName === "stop" ? null : matcher;
}

const isMatchAll = (matcher: string) => matcher === "" || matcher === "*";
const isExact = (matcher: string) => /^[A-Za-z0-9_|]*$/.test(matcher);

export function validMatcher(matcher: string): boolean {
  if (isMatchAll(matcher) || isExact(matcher)) return true;
  try {
    new RegExp(matcher, "u");
    return true;
  } catch {
    return false;
  }
}

export function matches(matcher: string | null, input: string | undefined): boolean {
  if (matcher === null || isMatchAll(matcher)) return true;
  if (input === undefined) return false;
  if (isExact(matcher)) return matcher.split("|").includes(input);
  try {
    return new RegExp(matcher, "u").test(input);
  } catch {
    return false;
  }
}
