// Each captured scenario (scripts/codex-fixtures) as Loom runs it: the same steps through Loom's
// embedding API that the generator took through `codex exec` or the app server.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { filter, firstValueFrom } from "rxjs";
import { expect } from "vitest";
import type { LoomConfig } from "../../src/config/index.js";
import type { EventMsg } from "../../src/events/index.js";
import type { Thread } from "../../src/runtime/thread.js";
import { TINY_PNG } from "../../scripts/codex-fixtures/scenarios-tools.js";
import { BUDGET_SKILL_FILES, BUDGET_WINDOWS, OUTPUT_SCHEMA, SKILL_FILES } from "../../scripts/codex-fixtures/scenarios-settings.js";
import { PATCH_HOOKS_SCRIPT, PERMISSION_HOOK_SCRIPT } from "../../scripts/codex-fixtures/scenarios-hooks.js";
import type { RequestHarness } from "./harness.js";

export interface LoomScenario {
  config?: LoomConfig;
  files?: Record<string, string | Buffer>;
  /** SKILL.md files to install (see the harness). */
  skillFiles?: Record<string, string>;
  /**
   * The capture whose list shows Codex's own skills in full (this one's may be cut by the budget),
   * and paths as long as Codex's, since the budget counts them.
   */
  budget?: { systemSkillsFrom: string };
  run(h: RequestHarness): Promise<void>;
}

const text = (value: string) => [{ type: "text" as const, text: value }];

/** A turn, then a new runtime on the same data dir, the thread resumed, and a text turn. */
function thenResume(prompt: string, options: { model?: string; config?: LoomConfig; files?: Record<string, string | Buffer> } = {}): LoomScenario {
  return {
    config: options.config,
    files: options.files,
    async run(h) {
      const thread = await h.startThread({ model: options.model });
      await thread.run(prompt);
      await h.reopen();
      const resumed = await h.rt.resumeThread(thread.id, options.model ? { model: options.model } : {});
      await resumed.run("Thanks.");
    },
  };
}

function oneTurn(prompt: string | Parameters<Thread["run"]>[0], options: { config?: LoomConfig; sandboxMode?: string } = {}): LoomScenario {
  return {
    config: options.config,
    async run(h) {
      const thread = await h.startThread({ sandboxMode: options.sandboxMode });
      await thread.run(prompt);
    },
  };
}

/** Starts a turn, waits for `ready` (an event of it), interrupts, and waits for the abort. */
async function interruptWhen(thread: Thread, prompt: string, ready: Promise<void> | ((type: string) => boolean)): Promise<void> {
  const id = "interrupted-turn";
  const seen =
    typeof ready === "function" ? firstValueFrom(thread.events$.pipe(filter((event) => event.id === id && ready(event.msg.type)))) : ready;
  const aborted = firstValueFrom(thread.events$.pipe(filter((event) => event.id === id && event.msg.type === "turn_aborted")));
  await thread.submit({ type: "user_input", items: text(prompt) }, { id });
  await seen;
  await thread.interrupt();
  await aborted;
}

const UNIFIED_EXEC_OFF: LoomConfig = { features: { unified_exec: false } };

/** Runs `prompts` as turns, one after another, with `onEvent` seeing every event meanwhile. */
async function runTurns(thread: Thread, prompts: string[], onEvent: (msg: EventMsg) => void): Promise<void> {
  const subscription = thread.events$.subscribe((event) => onEvent(event.msg));
  try {
    for (const prompt of prompts) await thread.run(prompt);
  } finally {
    subscription.unsubscribe();
  }
}

const jsonLines = (text: string) => text.split("\n").filter((line) => line.trim() !== "").map((line) => JSON.parse(line));

/**
 * The rollout file a payload names, as a path under the data dir (Codex's home) with its date, time
 * and thread id (which must be the payload's session) replaced.
 */
function transcriptShape(payload: Record<string, unknown>): string {
  const path = String(payload.transcript_path);
  const tail = path.slice(path.indexOf("/sessions/"));
  const id = String(payload.session_id);
  return tail.endsWith(`-${id}.jsonl`)
    ? tail.replace(/\d{4}\/\d{2}\/\d{2}\/rollout-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-.*$/, "<date>/rollout-<time>-<thread>.jsonl")
    : `${tail} (not thread ${id})`;
}

/** The hooks a capture's hook script logged, as Loom's run must match them (ids and paths aside). */
function expectSameHookPayloads(h: RequestHarness, scenario: string): void {
  const same = (payload: Record<string, unknown>) => ({ ...payload, session_id: "<thread>", turn_id: "<turn>", transcript_path: transcriptShape(payload), cwd: "<cwd>" });
  const codex = jsonLines(readFileSync(new URL(`../fixtures/codex/${scenario}/hook-payloads.jsonl`, import.meta.url), "utf8"));
  const loom = jsonLines(readFileSync(join(h.cwd, "hook-payloads.jsonl"), "utf8"));
  expect(loom.map(same)).toEqual(codex.map(same));
  expect(loom.map((payload) => Object.keys(payload))).toEqual(codex.map((payload) => Object.keys(payload)));
}

/**
 * Codex's client items of the tool calls (app-server `item/started` / `item/completed`) against
 * Loom's begin and end events: which calls began, and how each ended.
 */
function expectSameToolItems(scenario: string, events: EventMsg[]): void {
  const codex = jsonLines(readFileSync(new URL(`../fixtures/codex/${scenario}/tool-items.jsonl`, import.meta.url), "utf8")).map(
    (note: { method: string; item: { id: string; type: string; status: string } }) =>
      [note.method === "item/started" ? "begin" : "end", note.item.id, note.item.type === "fileChange" ? "patch" : "exec", note.method === "item/started" ? null : note.item.status],
  );
  const loom = events.flatMap((msg) => {
    const m = msg as { type: string; call_id?: string; status?: string };
    switch (m.type) {
      case "patch_apply_begin":
        return [["begin", m.call_id, "patch", null]];
      case "exec_command_begin":
        return [["begin", m.call_id, "exec", null]];
      case "patch_apply_end":
        return [["end", m.call_id, "patch", m.status]];
      case "exec_command_end":
        return [["end", m.call_id, "exec", m.status === "completed" || m.status === undefined ? "completed" : m.status]];
      default:
        return [];
    }
  });
  expect(loom).toEqual(codex);
}

export const LOOM_SCENARIOS: Record<string, LoomScenario> = {
  // The generator's `[hooks]` table, as Loom's config; turns under untrusted (Codex's turn/start approvalPolicy):
  // a hook's deny, no verdict (the user declines), a hook's allow.
  "permission-hook": {
    config: { hooks: { PermissionRequest: [{ matcher: "Bash", hooks: [{ type: "command", command: "sh ./permission-hook.sh" }] }] } } as LoomConfig,
    files: { "permission-hook.sh": PERMISSION_HOOK_SCRIPT },
    async run(h) {
      const thread = await h.startThread({ approvalPolicy: "untrusted" });
      // No verdict on asked.txt: the user is asked, and declines (the generator's client did).
      await runTurns(thread, ["Please run `touch denied.txt`.", "Please run `touch asked.txt`.", "Please run `touch allowed.txt`."], (msg) => {
        if (msg.type === "exec_approval_request") void thread.submit({ type: "exec_approval", id: msg.call_id, decision: "denied" });
      });
      // The hook read the same JSON from Loom as from Codex (ids, paths aside).
      expectSameHookPayloads(h, "permission-hook");
    },
  },
  // PreToolUse, PermissionRequest and PostToolUse on every tool: a command the hook refuses, a patch
  // sent through exec_command (allowed), an apply_patch the hook refuses.
  "patch-hooks": {
    config: {
      hooks: Object.fromEntries(
        ["PreToolUse", "PermissionRequest", "PostToolUse"].map((event) => [event, [{ matcher: ".*", hooks: [{ type: "command", command: "sh ./patch-hooks.sh" }] }]]),
      ),
    } as LoomConfig,
    files: { "patch-hooks.sh": PATCH_HOOKS_SCRIPT },
    async run(h) {
      const thread = await h.startThread({ approvalPolicy: "untrusted" });
      const events: EventMsg[] = [];
      await runTurns(thread, ["Please run `touch denied.txt`.", "Please apply a patch through the shell.", "Please write a patch in `notes.txt`."], (msg) => events.push(msg));
      expect(events.filter((msg) => msg.type.endsWith("approval_request"))).toEqual([]);
      expectSameHookPayloads(h, "patch-hooks");
      expectSameToolItems("patch-hooks", events);
    },
  },
  plain: oneTurn("Say hi."),
  "user-skill": { ...oneTurn("Use $release-notes for this week."), skillFiles: SKILL_FILES },
  ...Object.fromEntries(
    Object.entries(BUDGET_WINDOWS).map(([name, window]) => [
      name,
      { ...oneTurn("Say hi.", { config: { model_context_window: window } }), skillFiles: BUDGET_SKILL_FILES, budget: { systemSkillsFrom: "plain" } },
    ]),
  ),
  // The parent's turn ends only after it waited for its sub-agent and closed it.
  agents: oneTurn("Please spawn an agent to run `echo hi`."),
  // The agent's model refuses it once the parent's wait has begun (as in the capture).
  "agents-failing": {
    async run(h) {
      const thread = await h.startThread();
      h.model.holdAgentFailure = firstValueFrom(thread.events$.pipe(filter((event) => event.msg.type === "collab_waiting_begin"))).then(() => undefined);
      await thread.run("Please spawn an agent to run `exceed the quota`.");
    },
  },
  "tool-call": thenResume("Please run `echo hi`."),
  resume: {
    async run(h) {
      const thread = await h.startThread();
      await thread.run("Say hi.");
      await h.reopen();
      await (await h.rt.resumeThread(thread.id)).run("Say bye.");
    },
  },
  fork: {
    async run(h) {
      const thread = await h.startThread();
      await thread.run("Say hi.");
      await thread.run("Say more.");
      const head = (await thread.entries()).at(-1)!.seq;
      const fork = await h.rt.forkThread(thread.id, { atSeq: head });
      await fork.run("Fork turn.");
    },
  },
  rollback: {
    async run(h) {
      const thread = await h.startThread();
      await thread.run("Say hi.");
      await thread.run("Say more.");
      await thread.rollback(1);
      await thread.run("After rollback.");
    },
  },
  "auto-compact": {
    config: { model_auto_compact_token_limit: 20_000 },
    async run(h) {
      const thread = await h.startThread();
      h.model.usage = { input_tokens: 29_000, cached_tokens: 0, output_tokens: 1_000, reasoning_tokens: 0, total_tokens: 30_000 };
      await thread.run("Say hi.");
      h.model.usage = { input_tokens: 300, cached_tokens: 0, output_tokens: 10, reasoning_tokens: 0 };
      await thread.run("Say more.");
      await thread.run("After compaction.");
    },
  },
  "manual-compact": {
    async run(h) {
      const thread = await h.startThread();
      await thread.run("Say hi.");
      await h.turn(thread, { type: "compact" });
      await thread.run("After compaction.");
    },
  },
  interrupt: {
    async run(h) {
      const thread = await h.startThread();
      await interruptWhen(thread, "Please run `sleep 30`.", (type) => type === "exec_command_begin");
      await thread.run("Never mind.");
    },
  },
  "interrupt-stream": {
    async run(h) {
      const thread = await h.startThread();
      h.model.holdNextStream = true;
      await interruptWhen(thread, "Say hi.", h.model.heldStream());
      await thread.run("Never mind.");
    },
  },
  "exec-poll": thenResume("Please start `sleep 1; echo done` and wait for it."),
  "exec-interactive": thenResume("Please run `read -r name; echo hello $name` interactively."),
  "shell-command": thenResume("Please run `echo hi`.", { config: UNIFIED_EXEC_OFF }),
  "shell-argv": thenResume("Please run `echo hi`.", { config: UNIFIED_EXEC_OFF, model: "loom-test-model" }),
  "view-image": thenResume("Please view `pic.png`.", { files: { "pic.png": TINY_PNG } }),
  "image-rejected": {
    files: { "pic.png": TINY_PNG },
    async run(h) {
      h.model.rejectImages = true;
      const thread = await h.startThread();
      await thread.run("Please view `pic.png`.");
    },
  },
  "image-undecodable": thenResume("Please view `bad.png`.", {
    files: { "bad.png": Buffer.concat([TINY_PNG.subarray(0, 16), Buffer.from("not really a png")]) },
  }),
  "local-image": {
    files: { "pic.png": TINY_PNG },
    async run(h) {
      const thread = await h.startThread();
      await thread.run([{ type: "local_image", path: "pic.png" }, ...text("Describe the image.")]);
    },
  },
  "patch-fail": thenResume("Please patch `missing.txt`."),
  "patch-via-shell": thenResume("Please apply a patch through the shell."),
  "patch-apply": thenResume("Please write a patch in `notes.txt`."),
  ...Object.fromEntries(["gpt-5.4", "gpt-5.4-mini", "gpt-5.3-codex", "gpt-5.2"].map((model) => [`model-${model}`, thenResume("Please run `echo hi`.", { model })])),
  "model-switch": {
    async run(h) {
      const thread = await h.startThread();
      await thread.run("Say hi.");
      await h.turn(thread, { type: "user_input_with_turn_context", items: text("Say more."), model: "gpt-5.4" });
    },
  },
  "output-schema": {
    async run(h) {
      const thread = await h.startThread();
      await thread.run("Say hi.", { outputSchema: OUTPUT_SCHEMA });
    },
  },
  "web-search": thenResume("Please search the web for loom."),
  "web-search-cached": oneTurn("Say hi.", { sandboxMode: "workspace-write" }),
  "web-search-disabled": oneTurn("Say hi.", { config: { web_search: "disabled" } }),
  "turn-settings": {
    async run(h) {
      const thread = await h.startThread();
      await h.turn(thread, { type: "user_input_with_turn_context", items: text("Say hi."), service_tier: "fast", personality: "friendly" });
      await h.turn(thread, {
        type: "user_input_with_turn_context",
        items: text("Make a plan."),
        collaboration_mode: { mode: "plan", settings: { model: "gpt-5.5", reasoning_effort: "high", developer_instructions: null } },
      });
      await h.turn(thread, {
        type: "user_input_with_turn_context",
        items: text("Go ahead."),
        service_tier: "flex",
        collaboration_mode: { mode: "default", settings: { model: "gpt-5.5", reasoning_effort: null, developer_instructions: null } },
      });
    },
  },
};
