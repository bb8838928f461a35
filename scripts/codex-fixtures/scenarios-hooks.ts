// Hook scenarios: a PermissionRequest hook answering Codex's approvals. Approvals need a policy that
// asks (`codex exec` always runs with `never`), so these go through the app server with
// `approvalPolicy: "untrusted"` on the turn. The hook, a script in the working directory configured
// in config.toml's `[hooks]`, keeps every payload it gets (`hook-payloads.jsonl`, saved with the fixture).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startThread, turn, withAppServer, type Scenario } from "./steps.js";

/** Denies a command naming `denied.txt` (with a message), has no verdict on `asked.txt`, allows any other. */
export const PERMISSION_HOOK_SCRIPT = [
  "payload=$(cat)",
  `printf '%s\\n' "$payload" >> hook-payloads.jsonl`,
  'case "$payload" in',
  "  *asked.txt*) ;;",
  `  *denied.txt*) echo '{"hookSpecificOutput":{"hookEventName":"PermissionRequest","decision":{"behavior":"deny","message":"not that file"}}}' ;;`,
  `  *) echo '{"hookSpecificOutput":{"hookEventName":"PermissionRequest","decision":{"behavior":"allow"}}}' ;;`,
  "esac",
  "",
].join("\n");

/** The `[hooks]` table, as config.toml lines. */
export const PERMISSION_HOOK_TABLES = [
  "[[hooks.PermissionRequest]]",
  'matcher = "Bash"',
  "[[hooks.PermissionRequest.hooks]]",
  'type = "command"',
  'command = "sh ./permission-hook.sh"',
];

/**
 * Logs every payload; answers PermissionRequest only: denies what names `denied.txt` or `notes.txt`
 * (with a message), allows anything else.
 */
export const PATCH_HOOKS_SCRIPT = [
  "payload=$(cat)",
  `printf '%s\\n' "$payload" >> hook-payloads.jsonl`,
  'case "$payload" in',
  '  *\'"hook_event_name":"PermissionRequest"\'*) ;;',
  "  *) exit 0 ;;",
  "esac",
  'case "$payload" in',
  `  *denied.txt*|*notes.txt*) echo '{"hookSpecificOutput":{"hookEventName":"PermissionRequest","decision":{"behavior":"deny","message":"not that file"}}}' ;;`,
  `  *) echo '{"hookSpecificOutput":{"hookEventName":"PermissionRequest","decision":{"behavior":"allow"}}}' ;;`,
  "esac",
  "",
].join("\n");

/** PreToolUse, PermissionRequest and PostToolUse for every tool, one script. */
export const PATCH_HOOKS_TABLES = ["PreToolUse", "PermissionRequest", "PostToolUse"].flatMap((event) => [
  `[[hooks.${event}]]`,
  'matcher = ".*"',
  `[[hooks.${event}.hooks]]`,
  'type = "command"',
  'command = "sh ./patch-hooks.sh"',
]);

/** The client's view of the tool items (app-server `item/started` and `item/completed`), one per line. */
function toolItems(notifications: { method: string; params: any }[]): string {
  return notifications
    .filter((note) => (note.method === "item/started" || note.method === "item/completed") && ["commandExecution", "fileChange"].includes(note.params.item?.type))
    .map((note) => `${JSON.stringify({ method: note.method, item: note.params.item })}\n`)
    .join("");
}

/** A turn under `approvalPolicy: "untrusted"` (approvals need a policy that asks). */
const untrusted = (...[ctx, app, threadId, step, text]: Parameters<typeof turn>) => turn(ctx, app, threadId, step, text, { approvalPolicy: "untrusted" });

export const hookScenarios: Scenario[] = [
  {
    name: "permission-hook",
    description:
      "app-server, approvalPolicy untrusted: a PermissionRequest hook denies `touch denied.txt` with a message " +
      "(turn 1: the model reads the message as the command's output), has no verdict on `touch asked.txt` (turn 2: " +
      "the client is asked and declines) and allows `touch allowed.txt` (turn 3, final: the command runs without " +
      "asking). hook-payloads.jsonl has the hook's three payloads.",
    sandbox: { tables: PERMISSION_HOOK_TABLES, files: { "permission-hook.sh": PERMISSION_HOOK_SCRIPT } },
    async run(ctx) {
      return withAppServer(ctx, async (app) => {
        const thread = await startThread(ctx, app);
        // Without a verdict the user is asked: the client declines.
        app.answerServerRequest = (method) => (method === "item/commandExecution/requestApproval" ? { decision: "decline" } : undefined);
        await untrusted(ctx, app, thread.id, "turn 1", "Please run `touch denied.txt`.");
        await untrusted(ctx, app, thread.id, "turn 2", "Please run `touch asked.txt`.");
        const asked = app.serverRequests.map((request) => request.method);
        if (asked.join() !== "item/commandExecution/requestApproval") throw new Error(`expected one approval request, got ${asked.join(", ")}`);
        ctx.beginFinal(thread.id, "Please run `touch allowed.txt`.");
        await untrusted(ctx, app, thread.id, "turn 3 (final)", "Please run `touch allowed.txt`.");
        return { threadId: thread.id, extraAfter: { "hook-payloads.jsonl": readFileSync(join(ctx.sandbox.cwd, "hook-payloads.jsonl"), "utf8") } };
      });
    },
  },
  {
    name: "patch-hooks",
    description:
      "app-server, approvalPolicy untrusted, one hook script for PreToolUse, PermissionRequest and PostToolUse on every " +
      "tool (it allows, except what names denied.txt or notes.txt): turn 1 `touch denied.txt` through exec_command, " +
      "refused by the hook; turn 2 an `apply_patch <<'EOF'` sent to exec_command (Codex intercepts it: which hooks see " +
      "it, and as what); turn 3 (final) apply_patch adding notes.txt, refused by the hook. hook-payloads.jsonl has " +
      "every payload the hooks read, tool-items.jsonl the client's item/started and item/completed of each tool call.",
    sandbox: { tables: PATCH_HOOKS_TABLES, files: { "patch-hooks.sh": PATCH_HOOKS_SCRIPT } },
    async run(ctx) {
      return withAppServer(ctx, async (app) => {
        const thread = await startThread(ctx, app);
        await untrusted(ctx, app, thread.id, "turn 1", "Please run `touch denied.txt`.");
        await untrusted(ctx, app, thread.id, "turn 2", "Please apply a patch through the shell.");
        ctx.beginFinal(thread.id, "Please write a patch in `notes.txt`.");
        await untrusted(ctx, app, thread.id, "turn 3 (final)", "Please write a patch in `notes.txt`.");
        if (app.serverRequests.length > 0) throw new Error(`expected no approval request, got ${app.serverRequests.map((r) => r.method).join(", ")}`);
        return {
          threadId: thread.id,
          extraAfter: {
            "hook-payloads.jsonl": readFileSync(join(ctx.sandbox.cwd, "hook-payloads.jsonl"), "utf8"),
            "tool-items.jsonl": toolItems(app.notifications),
          },
        };
      });
    },
  },
];
