/**
 * Decisions read from completed hook runs. The log keeps only the run summaries, so these pure
 * functions are how a live turn and a replay (which hands back the recorded summaries) reach the
 * same decision; change a recorded summary and the decision changes with it.
 */
import type { HookOutputEntry, HookRunSummary, ResponseItem } from "../events/index.js";
import { PERMISSION_REQUEST_DEFAULT_DENIAL } from "./parse.js";

const texts = (runs: readonly HookRunSummary[], kind: HookOutputEntry["kind"], status?: HookRunSummary["status"]) =>
  runs.filter((run) => status === undefined || run.status === status).flatMap((run) => run.entries.filter((e) => e.kind === kind).map((e) => e.text));

/** SessionStart and UserPromptSubmit: context for the model, and whether the turn stops here. */
export interface ContextOutcome {
  shouldStop: boolean;
  additionalContexts: string[];
}

export function sessionStartOutcome(runs: readonly HookRunSummary[]): ContextOutcome {
  return { shouldStop: runs.some((run) => run.status === "stopped"), additionalContexts: texts(runs, "context") };
}

export function userPromptSubmitOutcome(runs: readonly HookRunSummary[]): ContextOutcome {
  return {
    shouldStop: runs.some((run) => run.status === "stopped" || run.status === "blocked"),
    additionalContexts: texts(runs, "context"),
  };
}

/** PreToolUse: the reason of the first blocking hook, or null. */
export function preToolUseBlockReason(runs: readonly HookRunSummary[]): string | null {
  return texts(runs, "feedback", "blocked")[0] ?? null;
}

/** Codex's message for a blocked call, what the model reads as the call's output. */
export function blockedCallMessage(toolName: string, reason: string, toolInput: unknown): string {
  const command = (toolInput as { command?: unknown } | null)?.command;
  if ((toolName === "Bash" || toolName === "apply_patch") && typeof command === "string") {
    return `Command blocked by PreToolUse hook: ${reason}. Command: ${command}`;
  }
  return `Tool call blocked by PreToolUse hook: ${reason}. Tool: ${toolName}`;
}

/** PostToolUse: context for the model, and the text that replaces the call's output (if any). */
export interface PostToolUseOutcome {
  additionalContexts: string[];
  replacement: string | null;
}

export function postToolUseOutcome(runs: readonly HookRunSummary[]): PostToolUseOutcome {
  const shouldStop = runs.some((run) => run.status === "stopped");
  // Per run, what it says to the model: a stopped run's reason (else its stop text), a blocking or
  // exit-2 run's feedback.
  const feedback = runs.flatMap((run) => {
    if (run.status === "stopped") {
      const reason = run.entries.find((e) => e.kind === "feedback")?.text ?? run.entries.find((e) => e.kind === "stop")?.text;
      return reason ? [reason] : [];
    }
    return run.entries.filter((e) => e.kind === "feedback").map((e) => e.text);
  });
  const joined = feedback.length > 0 ? feedback.join("\n\n") : null;
  const stopReason = runs.flatMap((run) => (run.status === "stopped" ? run.entries.filter((e) => e.kind === "stop").map((e) => e.text) : []))[0];
  return {
    additionalContexts: texts(runs, "context"),
    replacement: shouldStop ? (joined ?? stopReason ?? "PostToolUse hook stopped execution") : joined,
  };
}

/** Stop: end the turn, or send the model back to work with a prompt from each blocking hook. */
export interface StopOutcome {
  shouldStop: boolean;
  shouldBlock: boolean;
  fragments: { text: string; hookRunId: string }[];
}

export function stopOutcome(runs: readonly HookRunSummary[]): StopOutcome {
  const shouldStop = runs.some((run) => run.status === "stopped");
  const shouldBlock = !shouldStop && runs.some((run) => run.status === "blocked");
  const fragments = shouldBlock
    ? runs.filter((run) => run.status === "blocked").flatMap((run) => run.entries.filter((e) => e.kind === "feedback").map((e) => ({ text: e.text, hookRunId: run.id })))
    : [];
  return { shouldStop, shouldBlock, fragments };
}

const escapeXml = (text: string, quote: boolean) => {
  const escaped = text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
  return quote ? escaped.replaceAll('"', "&quot;") : escaped;
};

/** Codex's `build_hook_prompt_message`: a user message with one `<hook_prompt>` part per fragment. */
export function hookPromptMessage(fragments: readonly { text: string; hookRunId: string }[]): ResponseItem | null {
  const content = fragments
    .filter((fragment) => fragment.hookRunId.trim() !== "")
    .map((fragment) => ({
      type: "input_text" as const,
      text: `<hook_prompt hook_run_id="${escapeXml(fragment.hookRunId, true)}">${escapeXml(fragment.text, false)}</hook_prompt>`,
    }));
  return content.length === 0 ? null : { type: "message", role: "user", content };
}

/** Codex's `HookAdditionalContext`: each context is a developer message of its own. */
export function additionalContextMessages(contexts: readonly string[]): ResponseItem[] {
  return contexts.map((text) => ({ type: "message", role: "developer", content: [{ type: "input_text", text }] }));
}

/** A PermissionRequest verdict: run the call without asking, or refuse it with this message. */
export type PermissionVerdict = { behavior: "allow" } | { behavior: "deny"; message: string };

/**
 * Codex's `resolve_permission_request_decision` over the runs in handler order: any deny wins (the
 * first one's message), else an allow (the most specific handler's, last in order), else null: no
 * verdict, and the user is asked.
 */
export function permissionRequestVerdict(runs: readonly HookRunSummary[]): PermissionVerdict | null {
  let allowed = false;
  for (const run of runs) {
    if (run.permission_decision === "deny") {
      const message = run.entries.find((e) => e.kind === "feedback")?.text ?? PERMISSION_REQUEST_DEFAULT_DENIAL;
      return { behavior: "deny", message };
    }
    if (run.permission_decision === "allow") allowed = true;
  }
  return allowed ? { behavior: "allow" } : null;
}
