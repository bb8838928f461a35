/**
 * Limits on what a client may submit, checked at the edge before anything is parsed or logged. A
 * value nested thousands of levels deep passes JSON.parse but overflows the stack of whatever walks
 * it next (validation, encoding for the log): checked first, it is refused with a clear message and
 * the thread goes on. The walk here is iterative, so it cannot overflow itself.
 */

/** serde_json's recursion limit: Codex refuses deeper JSON as it parses a submission. */
export const MAX_INPUT_DEPTH = 128;

/** Codex's `MAX_USER_INPUT_TEXT_CHARS`: the longest text one user message may carry. */
export const MAX_USER_INPUT_TEXT_CHARS = 1 << 20;

/** The most characters (strings and keys together) one submission may carry (images included). */
export const MAX_SUBMISSION_CHARS = 16 * 1024 * 1024;

/** What was submitted is beyond a limit; the message says which, and nothing was written. */
export class InputLimitError extends Error {
  override readonly name = "InputLimitError";
}

/**
 * Throws `InputLimitError` when `value` is nested deeper than `MAX_INPUT_DEPTH` or carries more than
 * `MAX_SUBMISSION_CHARS` characters. Stops walking at the first limit it finds.
 */
export function checkInputLimits(value: unknown, what = "the submission"): void {
  let chars = 0;
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop()!;
    if (typeof current === "string") {
      chars += current.length;
    } else if (typeof current === "object" && current !== null) {
      if (depth >= MAX_INPUT_DEPTH) throw new InputLimitError(`${what} is nested more than ${MAX_INPUT_DEPTH} levels deep`);
      if (Array.isArray(current)) {
        for (const item of current) stack.push({ value: item, depth: depth + 1 });
      } else {
        for (const [key, item] of Object.entries(current)) {
          chars += key.length;
          stack.push({ value: item, depth: depth + 1 });
        }
      }
    }
    if (chars > MAX_SUBMISSION_CHARS) throw new InputLimitError(`${what} is larger than ${MAX_SUBMISSION_CHARS} characters`);
  }
}

/** Codex's message for a user message over `MAX_USER_INPUT_TEXT_CHARS`. */
export function checkUserText(text: string): void {
  if (text.length > MAX_USER_INPUT_TEXT_CHARS) {
    throw new InputLimitError(`Input exceeds the maximum length of ${MAX_USER_INPUT_TEXT_CHARS} characters (${text.length} provided).`);
  }
}
