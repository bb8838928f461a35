/** The IO behind the session machine's named actors: queued tasks, immediate ops and shutdown. */
import { fromCallback, fromPromise } from "xstate";
import type { EventMsg, Submission } from "../events/index.js";
import type { EventLog } from "../log/index.js";
import type { ThreadServices } from "./services.js";
import type { McpManager } from "../actors/mcp/index.js";
import type { ShutdownInput } from "../machines/session.js";
import { undeliveredEntries, undeliveredEntry } from "./undelivered.js";

const ROLLBACK_FAILED = "thread_rollback_failed";

export interface SessionActorDeps {
  services: ThreadServices;
  log: EventLog;
  /** Non-turn tasks implemented elsewhere (compact, user shell commands), by op type. */
  tasks: Map<string, (submission: Submission, services: ThreadServices, signal: AbortSignal) => Promise<void>>;
  /** The thread's MCP servers, when it has any (`list_mcp_tools` lists them). */
  mcp?: McpManager;
}

function errorEvent(message: string, info?: unknown): EventMsg {
  return { type: "error", message, codex_error_info: info };
}

/** Codex's `thread_rollback` when no turn runs: validate, then append the marker. */
async function rollback(services: ThreadServices, submission: Submission): Promise<void> {
  const op = submission.op as { num_turns: number };
  if (!Number.isInteger(op.num_turns) || op.num_turns < 1) {
    await services.bus.event(submission.id, errorEvent("num_turns must be >= 1", ROLLBACK_FAILED));
    return;
  }
  await services.bus.event(submission.id, { type: "thread_rolled_back", num_turns: op.num_turns });
}

/** A queued task; an INTERRUPT aborts the signal the task was given, and it ends with its trail. */
export function runTaskActor(deps: SessionActorDeps) {
  return fromCallback<{ type: "INTERRUPT" }, { submission: Submission }>(({ input, receive, sendBack }) => {
    const { submission } = input;
    const { services } = deps;
    const interrupted = new AbortController();
    receive((event) => {
      if (event.type === "INTERRUPT") interrupted.abort();
    });
    const signal = AbortSignal.any([interrupted.signal, services.signal]);
    const run = async () => {
      if (submission.op.type === "thread_rollback") return rollback(services, submission);
      const task = deps.tasks.get(submission.op.type);
      if (task) return task(submission, services, signal);
      await services.bus.event(submission.id, errorEvent(`unsupported op "${submission.op.type}"`));
    };
    run()
      .catch(() => undefined)
      .finally(() => sendBack({ type: "TASK_DONE" }));
    return () => interrupted.abort();
  });
}

export function handleImmediateActor(deps: SessionActorDeps) {
  return fromPromise<void, { submission: Submission; busy: boolean }>(async ({ input }) => {
    const { submission, busy } = input;
    const { services } = deps;
    switch (submission.op.type) {
      case "override_turn_context":
      case "add_to_history":
        // Already in the log as a submission: the next turn's settings are read from there.
        return;
      case "interrupt":
        // No turn runs, but processes it started may: Loom ends them (Codex would leave them).
        services.processes.terminateAll();
        // Codex ignores it silently; a client waiting for the interrupt to land would wait for
        // ever, so say so.
        await services.bus.event(submission.id, { type: "warning", message: "no turn is running: nothing to interrupt" });
        return;
      case "clean_background_terminals":
        // Codex's op: every unified exec process of the thread is killed.
        services.processes.terminateAll();
        return;
      case "set_thread_name": {
        const name = (submission.op as { name: string }).name.trim();
        if (!name) {
          await services.bus.event(submission.id, errorEvent("thread name must not be empty"));
          return;
        }
        await deps.log.updateThread(services.threadId, { name });
        await services.bus.event(submission.id, {
          type: "thread_name_updated",
          thread_id: services.threadId,
          thread_name: name,
        });
        return;
      }
      case "list_skills": {
        const op = submission.op as { cwds?: string[]; force_reload?: boolean };
        const cwd = services.settings().cwd;
        const entries = services.skillCatalog?.list(op.cwds ?? [], op.force_reload ?? false) ?? [{ cwd, skills: [], errors: [] }];
        await services.bus.event(submission.id, { type: "list_skills_response", skills: entries });
        return;
      }
      case "list_mcp_tools":
        await services.bus.event(submission.id, {
          type: "mcp_list_tools_response",
          ...(deps.mcp ? await deps.mcp.listTools() : { tools: {}, resources: {}, resource_templates: {}, auth_statuses: {} }),
        });
        return;
      case "thread_rollback":
        if (busy) {
          await services.bus.event(
            submission.id,
            errorEvent("Cannot rollback while a turn is in progress.", ROLLBACK_FAILED),
          );
          return;
        }
        return rollback(services, submission);
      default: {
        const id = (submission.op as { id?: string }).id;
        await services.bus.event(
          submission.id,
          errorEvent(`no pending request with id ${JSON.stringify(id ?? "")} for ${submission.op.type}`),
        );
      }
    }
  });
}

export function shutdownActor(deps: SessionActorDeps) {
  return fromPromise<void, ShutdownInput>(async ({ input }) => {
    deps.services.processes.close();
    await deps.services.bus.record(
      [...undeliveredEntries(input.undelivered, "shutdown"), { kind: "event_msg", payload: { type: "shutdown_complete" } }],
      input.submission.id,
    );
  });
}

/** A submission that arrived while the session shut down: answered, never run. */
export function refuseActor(deps: SessionActorDeps) {
  return fromPromise<void, { submission: Submission }>(async ({ input }) => {
    await deps.services.bus.record([undeliveredEntry(input.submission.id, input.submission.op.type, "shutting_down")]);
  });
}
