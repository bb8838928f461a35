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
        await turn(ctx, app, thread.id, "turn 1", "Please run `touch denied.txt`.", { approvalPolicy: "untrusted" });
        await turn(ctx, app, thread.id, "turn 2", "Please run `touch asked.txt`.", { approvalPolicy: "untrusted" });
        const asked = app.serverRequests.map((request) => request.method);
        if (asked.join() !== "item/commandExecution/requestApproval") throw new Error(`expected one approval request, got ${asked.join(", ")}`);
        ctx.beginFinal(thread.id, "Please run `touch allowed.txt`.");
        await turn(ctx, app, thread.id, "turn 3 (final)", "Please run `touch allowed.txt`.", { approvalPolicy: "untrusted" });
        return { threadId: thread.id, extraAfter: { "hook-payloads.jsonl": readFileSync(join(ctx.sandbox.cwd, "hook-payloads.jsonl"), "utf8") } };
      });
    },
  },
];
