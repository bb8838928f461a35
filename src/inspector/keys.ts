/** The keyboard map shown by `?`, and whether a key press belongs to a text field instead. */
export const HELP: [string, string][] = [
  ["j / ↓", "next entry"],
  ["k / ↑", "previous entry"],
  ["PgDn / PgUp", "20 entries on / back"],
  ["g / Home, G / End", "first entry, head"],
  ["n / p", "next / previous turn"],
  ["e / E", "next / previous error"],
  ["m", "mark A: diff from here to the cursor"],
  ["f", "fork here"],
  ["r", "replay from here"],
  ["s / v / d", "state, entry, diff panel"],
  ["l", "follow the head live"],
  ["/", "find text"],
  ["t", "thread list"],
  ["Ctrl+Enter", "send (in the composer)"],
];

export function isTyping(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  if (!element) return false;
  const tag = element.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT" || element.isContentEditable) return true;
  if (tag === "INPUT") return !["range", "checkbox", "radio", "button"].includes((element as HTMLInputElement).type);
  return false;
}
