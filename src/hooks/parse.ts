/**
 * What a hook's run means, event by event: Codex's `parse_completed` functions. A run (exit code,
 * stdout, stderr, or an error such as a timeout) becomes a status and the output entries the log
 * keeps. Everything a decision needs is in those entries, so replay derives the same decision from
 * the recorded summary (see outcome.ts).
 */
import { z } from "zod";
import type { HookEventName, HookOutputEntry, HookRunStatus, PermissionDecision } from "../events/index.js";

/** How one handler's process (or function) ended. */
export interface HandlerRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Set when it did not run to an exit status: spawn failure, timeout, a throwing function. */
  error: string | null;
}

export interface ParsedRun {
  status: HookRunStatus;
  entries: HookOutputEntry[];
  /** PermissionRequest only: the run's verdict, when it gave one. */
  permissionDecision?: PermissionDecision;
}

const Universal = {
  continue: z.boolean().default(true),
  stopReason: z.string().nullish(),
  suppressOutput: z.boolean().default(false),
  systemMessage: z.string().nullish(),
};
const EventNameWire = z.enum(["PreToolUse", "PermissionRequest", "PostToolUse", "SessionStart", "UserPromptSubmit", "Stop"]);
const Block = z.literal("block");

const SessionStartOutput = z.strictObject({
  ...Universal,
  hookSpecificOutput: z.strictObject({ hookEventName: EventNameWire, additionalContext: z.string().nullish() }).nullish(),
});
const UserPromptSubmitOutput = z.strictObject({
  ...Universal,
  decision: Block.nullish(),
  reason: z.string().nullish(),
  hookSpecificOutput: z.strictObject({ hookEventName: EventNameWire, additionalContext: z.string().nullish() }).nullish(),
});
const PreToolUseOutput = z.strictObject({
  ...Universal,
  decision: z.enum(["approve", "block"]).nullish(),
  reason: z.string().nullish(),
  hookSpecificOutput: z
    .strictObject({
      hookEventName: EventNameWire,
      permissionDecision: z.enum(["allow", "deny", "ask"]).nullish(),
      permissionDecisionReason: z.string().nullish(),
      updatedInput: z.unknown().optional(),
      additionalContext: z.string().nullish(),
    })
    .nullish(),
});
const PostToolUseOutput = z.strictObject({
  ...Universal,
  decision: Block.nullish(),
  reason: z.string().nullish(),
  hookSpecificOutput: z
    .strictObject({ hookEventName: EventNameWire, additionalContext: z.string().nullish(), updatedMCPToolOutput: z.unknown().optional() })
    .nullish(),
});
const StopOutput = z.strictObject({ ...Universal, decision: Block.nullish(), reason: z.string().nullish() });

/** Codex's `parse_json`: a JSON object matching the event's schema, else nothing. */
function parseJson<S extends z.ZodType>(schema: S, stdout: string): z.infer<S> | undefined {
  const trimmed = stdout.trim();
  if (trimmed === "") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

const trimmed = (text: string | null | undefined): string | undefined => {
  const t = text?.trim();
  return t ? t : undefined;
};
const looksLikeJson = (stdout: string) => /^\s*[[{]/.test(stdout);
const invalidBlock = (event: string) => `${event} hook returned decision:block without a non-empty reason`;

type Parser = (run: HandlerRun, entries: HookOutputEntry[], verdict: (decision: PermissionDecision) => void) => HookRunStatus;

/** The run's outcome, Codex's rules for `eventName`. */
export function parseRun(eventName: HookEventName, run: HandlerRun): ParsedRun {
  const entries: HookOutputEntry[] = [];
  if (run.error !== null) return { status: "failed", entries: [{ kind: "error", text: run.error }] };
  if (run.exitCode === null) return { status: "failed", entries: [{ kind: "error", text: "hook exited without a status code" }] };
  const parser = PARSERS[eventName];
  let permissionDecision: PermissionDecision | undefined;
  const status = parser(run, entries, (decision) => (permissionDecision = decision));
  return permissionDecision === undefined ? { status, entries } : { status, entries, permissionDecision };
}

const exitedWith = (code: number, entries: HookOutputEntry[]): HookRunStatus => {
  entries.push({ kind: "error", text: `hook exited with code ${code}` });
  return "failed";
};

const sessionStart: Parser = (run, entries) => {
  if (run.exitCode !== 0) return exitedWith(run.exitCode!, entries);
  const text = run.stdout.trim();
  if (text === "") return "completed";
  const parsed = parseJson(SessionStartOutput, run.stdout);
  if (parsed) {
    if (parsed.systemMessage) entries.push({ kind: "warning", text: parsed.systemMessage });
    const context = parsed.hookSpecificOutput?.additionalContext;
    if (context) entries.push({ kind: "context", text: context });
    if (!parsed.continue) {
      if (parsed.stopReason) entries.push({ kind: "stop", text: parsed.stopReason });
      return "stopped";
    }
    return "completed";
  }
  if (looksLikeJson(text)) {
    entries.push({ kind: "error", text: "hook returned invalid session start JSON output" });
    return "failed";
  }
  // Plain text on stdout is context for the model.
  entries.push({ kind: "context", text });
  return "completed";
};

const userPromptSubmit: Parser = (run, entries) => {
  if (run.exitCode === 2) {
    const reason = trimmed(run.stderr);
    if (reason) {
      entries.push({ kind: "feedback", text: reason });
      return "blocked";
    }
    entries.push({ kind: "error", text: "UserPromptSubmit hook exited with code 2 but did not write a blocking reason to stderr" });
    return "failed";
  }
  if (run.exitCode !== 0) return exitedWith(run.exitCode!, entries);
  const text = run.stdout.trim();
  if (text === "") return "completed";
  const parsed = parseJson(UserPromptSubmitOutput, run.stdout);
  if (parsed) {
    if (parsed.systemMessage) entries.push({ kind: "warning", text: parsed.systemMessage });
    const blocking = parsed.decision === "block";
    const invalid = blocking && !trimmed(parsed.reason) ? invalidBlock("UserPromptSubmit") : undefined;
    const context = parsed.hookSpecificOutput?.additionalContext;
    if (!invalid && context) entries.push({ kind: "context", text: context });
    if (!parsed.continue) {
      if (parsed.stopReason) entries.push({ kind: "stop", text: parsed.stopReason });
      return "stopped";
    }
    if (invalid) {
      entries.push({ kind: "error", text: invalid });
      return "failed";
    }
    if (blocking) {
      if (parsed.reason) entries.push({ kind: "feedback", text: parsed.reason });
      return "blocked";
    }
    return "completed";
  }
  if (looksLikeJson(text)) {
    entries.push({ kind: "error", text: "hook returned invalid user prompt submit JSON output" });
    return "failed";
  }
  entries.push({ kind: "context", text });
  return "completed";
};

function preToolUseInvalid(parsed: z.infer<typeof PreToolUseOutput>): string | undefined {
  if (!parsed.continue) return "PreToolUse hook returned unsupported continue:false";
  if (parsed.stopReason != null) return "PreToolUse hook returned unsupported stopReason";
  if (parsed.suppressOutput) return "PreToolUse hook returned unsupported suppressOutput";
  const specific = parsed.hookSpecificOutput;
  const useSpecific =
    specific != null &&
    (specific.permissionDecision != null || specific.permissionDecisionReason != null || specific.updatedInput !== undefined || specific.additionalContext != null);
  if (useSpecific) {
    if (specific.updatedInput !== undefined) return "PreToolUse hook returned unsupported updatedInput";
    if (trimmed(specific.additionalContext)) return "PreToolUse hook returned unsupported additionalContext";
    if (specific.permissionDecision === "allow") return "PreToolUse hook returned unsupported permissionDecision:allow";
    if (specific.permissionDecision === "ask") return "PreToolUse hook returned unsupported permissionDecision:ask";
    if (specific.permissionDecision === "deny" && !trimmed(specific.permissionDecisionReason)) {
      return "PreToolUse hook returned permissionDecision:deny without a non-empty permissionDecisionReason";
    }
    if (specific.permissionDecision == null && specific.permissionDecisionReason != null) {
      return "PreToolUse hook returned permissionDecisionReason without permissionDecision";
    }
    return undefined;
  }
  if (parsed.decision === "approve") return "PreToolUse hook returned unsupported decision:approve";
  if (parsed.decision === "block" && !trimmed(parsed.reason)) return invalidBlock("PreToolUse");
  if (parsed.decision == null && parsed.reason != null) return "PreToolUse hook returned reason without decision";
  return undefined;
}

const preToolUse: Parser = (run, entries) => {
  if (run.exitCode === 2) {
    const reason = trimmed(run.stderr);
    if (reason) {
      entries.push({ kind: "feedback", text: reason });
      return "blocked";
    }
    entries.push({ kind: "error", text: "PreToolUse hook exited with code 2 but did not write a blocking reason to stderr" });
    return "failed";
  }
  if (run.exitCode !== 0) return exitedWith(run.exitCode!, entries);
  const text = run.stdout.trim();
  if (text === "") return "completed";
  const parsed = parseJson(PreToolUseOutput, run.stdout);
  if (!parsed) {
    if (!looksLikeJson(text)) return "completed";
    entries.push({ kind: "error", text: "hook returned invalid pre-tool-use JSON output" });
    return "failed";
  }
  if (parsed.systemMessage) entries.push({ kind: "warning", text: parsed.systemMessage });
  const invalid = preToolUseInvalid(parsed);
  if (invalid) {
    entries.push({ kind: "error", text: invalid });
    return "failed";
  }
  const specific = parsed.hookSpecificOutput;
  const reason = specific?.permissionDecision === "deny" ? trimmed(specific.permissionDecisionReason) : parsed.decision === "block" ? trimmed(parsed.reason) : undefined;
  if (reason) {
    entries.push({ kind: "feedback", text: reason });
    return "blocked";
  }
  return "completed";
};

const postToolUse: Parser = (run, entries) => {
  if (run.exitCode === 2) {
    const reason = trimmed(run.stderr);
    if (reason) {
      // Feedback for the model; the call still counts as completed.
      entries.push({ kind: "feedback", text: reason });
      return "completed";
    }
    entries.push({ kind: "error", text: "PostToolUse hook exited with code 2 but did not write feedback to stderr" });
    return "failed";
  }
  if (run.exitCode !== 0) return exitedWith(run.exitCode!, entries);
  const text = run.stdout.trim();
  if (text === "") return "completed";
  const parsed = parseJson(PostToolUseOutput, run.stdout);
  if (!parsed) {
    if (!looksLikeJson(text)) return "completed";
    entries.push({ kind: "error", text: "hook returned invalid post-tool-use JSON output" });
    return "failed";
  }
  if (parsed.systemMessage) entries.push({ kind: "warning", text: parsed.systemMessage });
  const invalidReason = parsed.suppressOutput
    ? "PostToolUse hook returned unsupported suppressOutput"
    : parsed.hookSpecificOutput?.updatedMCPToolOutput !== undefined
      ? "PostToolUse hook returned unsupported updatedMCPToolOutput"
      : undefined;
  const blocking = parsed.decision === "block";
  const invalidBlockReason =
    blocking && !trimmed(parsed.reason)
      ? invalidBlock("PostToolUse")
      : !blocking && parsed.continue && parsed.reason != null
        ? "PostToolUse hook returned reason without decision"
        : undefined;
  const context = parsed.hookSpecificOutput?.additionalContext;
  if (!invalidReason && !invalidBlockReason && context) entries.push({ kind: "context", text: context });
  if (!parsed.continue) {
    entries.push({ kind: "stop", text: parsed.stopReason ?? "PostToolUse hook stopped execution" });
    // What the model reads instead of the output: the reason when there is one (a feedback entry
    // keeps it, so the decision can be read back from the log), else the stop text.
    const reason = trimmed(parsed.reason);
    if (reason) entries.push({ kind: "feedback", text: reason });
    return "stopped";
  }
  if (invalidReason || invalidBlockReason) {
    entries.push({ kind: "error", text: (invalidReason ?? invalidBlockReason)! });
    return "failed";
  }
  if (blocking) {
    if (parsed.reason) entries.push({ kind: "feedback", text: parsed.reason });
    return "blocked";
  }
  return "completed";
};

const stop: Parser = (run, entries) => {
  if (run.exitCode === 2) {
    const reason = trimmed(run.stderr);
    if (reason) {
      entries.push({ kind: "feedback", text: reason });
      return "blocked";
    }
    entries.push({ kind: "error", text: "Stop hook exited with code 2 but did not write a continuation prompt to stderr" });
    return "failed";
  }
  if (run.exitCode !== 0) return exitedWith(run.exitCode!, entries);
  if (run.stdout.trim() === "") return "completed";
  const parsed = parseJson(StopOutput, run.stdout);
  if (!parsed) {
    entries.push({ kind: "error", text: "hook returned invalid stop hook JSON output" });
    return "failed";
  }
  if (parsed.systemMessage) entries.push({ kind: "warning", text: parsed.systemMessage });
  if (!parsed.continue) {
    if (parsed.stopReason) entries.push({ kind: "stop", text: parsed.stopReason });
    return "stopped";
  }
  if (parsed.decision === "block") {
    const reason = trimmed(parsed.reason);
    if (!reason) {
      entries.push({ kind: "error", text: invalidBlock("Stop") });
      return "failed";
    }
    entries.push({ kind: "feedback", text: reason });
    return "blocked";
  }
  return "completed";
};

const PermissionRequestOutput = z.strictObject({
  ...Universal,
  hookSpecificOutput: z
    .strictObject({
      hookEventName: EventNameWire,
      decision: z
        .strictObject({
          behavior: z.enum(["allow", "deny"]),
          // Reserved by Codex for later: present means the hook fails closed (see below).
          updatedInput: z.unknown().optional(),
          updatedPermissions: z.unknown().optional(),
          message: z.string().nullish(),
          interrupt: z.boolean().default(false),
        })
        .nullish(),
    })
    .nullish(),
});

/** Codex's `unsupported_permission_request_*`: fields Codex reserves, which fail the run. */
function permissionRequestInvalid(parsed: z.infer<typeof PermissionRequestOutput>): string | undefined {
  if (!parsed.continue) return "PermissionRequest hook returned unsupported continue:false";
  if (parsed.stopReason != null) return "PermissionRequest hook returned unsupported stopReason";
  if (parsed.suppressOutput) return "PermissionRequest hook returned unsupported suppressOutput";
  const decision = parsed.hookSpecificOutput?.decision;
  if (decision == null) return undefined;
  // serde reads an explicit `null` as absent.
  if (decision.updatedInput !== undefined && decision.updatedInput !== null) return "PermissionRequest hook returned unsupported updatedInput";
  if (decision.updatedPermissions !== undefined && decision.updatedPermissions !== null) return "PermissionRequest hook returned unsupported updatedPermissions";
  if (decision.interrupt) return "PermissionRequest hook returned unsupported interrupt:true";
  return undefined;
}

/** Codex's text when a hook denies without a message. */
export const PERMISSION_REQUEST_DEFAULT_DENIAL = "PermissionRequest hook denied approval";

/**
 * Codex's `permission_request::parse_completed`: allow, deny (a reason, or exit code 2 with one on
 * stderr) or no verdict. An allow leaves no entry in Codex's summary, so the verdict is also kept
 * as `permission_decision` on the run (see outcome.ts): the log then holds every decision.
 */
const permissionRequest: Parser = (run, entries, verdict) => {
  if (run.exitCode === 2) {
    const reason = trimmed(run.stderr);
    if (reason) {
      entries.push({ kind: "feedback", text: reason });
      verdict("deny");
      return "blocked";
    }
    entries.push({ kind: "error", text: "PermissionRequest hook exited with code 2 but did not write a denial reason to stderr" });
    return "failed";
  }
  if (run.exitCode !== 0) return exitedWith(run.exitCode!, entries);
  const text = run.stdout.trim();
  if (text === "") return "completed";
  const parsed = parseJson(PermissionRequestOutput, run.stdout);
  if (!parsed) {
    // Codex: only output starting like JSON is an error; other text is ignored.
    if (!text.startsWith("{") && !text.startsWith("[")) return "completed";
    entries.push({ kind: "error", text: "hook returned invalid permission-request JSON output" });
    return "failed";
  }
  if (parsed.systemMessage != null) entries.push({ kind: "warning", text: parsed.systemMessage });
  const invalid = permissionRequestInvalid(parsed);
  if (invalid) {
    entries.push({ kind: "error", text: invalid });
    return "failed";
  }
  const decision = parsed.hookSpecificOutput?.decision;
  if (!decision) return "completed";
  if (decision.behavior === "allow") {
    verdict("allow");
    return "completed";
  }
  entries.push({ kind: "feedback", text: trimmed(decision.message) ?? PERMISSION_REQUEST_DEFAULT_DENIAL });
  verdict("deny");
  return "blocked";
};

const PARSERS: Record<HookEventName, Parser> = {
  session_start: sessionStart,
  user_prompt_submit: userPromptSubmit,
  pre_tool_use: preToolUse,
  post_tool_use: postToolUse,
  stop,
  permission_request: permissionRequest,
};
