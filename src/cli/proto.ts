/**
 * `loom proto`: the queue pair of Codex's core as a process. Submission JSON lines on stdin, Event
 * JSON lines on stdout; the first event is `session_configured`. At the end of stdin the session
 * finishes its running turn, then shuts down.
 */
import { createInterface } from "node:readline";
import type { Event } from "../events/index.js";
import { parse } from "./args.js";
import { openRuntime } from "./context.js";
import type { CliIO } from "./io.js";
import type { Thread } from "../runtime/thread.js";
import { parseApprovalPolicy } from "../runtime/settings.js";

const OPTIONS = {
  thread: { type: "string" },
  cwd: { type: "string" },
  model: { type: "string" },
  "approval-policy": { type: "string" },
  sandbox: { type: "string" },
} as const;

/** Resolves true as soon as the thread waits on an approval or a question (now or later). */
function waitForRequest(thread: Thread): Promise<boolean> {
  if (thread.state.pendingApprovals.length > 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const subscription = thread.entries$.subscribe({
      next: () => {
        if (thread.state.pendingApprovals.length > 0) {
          subscription.unsubscribe();
          resolve(true);
        }
      },
      complete: () => resolve(false),
    });
  });
}

export async function protoCommand(argv: string[], io: CliIO): Promise<number> {
  const { values } = parse(argv, OPTIONS);
  const rt = await openRuntime(values);
  try {
    const settings = {
      cwd: values.cwd,
      model: values.model,
      approvalPolicy: values["approval-policy"] ? parseApprovalPolicy(values["approval-policy"]) : undefined,
      sandboxMode: values.sandbox,
    };
    const thread = values.thread ? await rt.resumeThread(values.thread, settings) : await rt.startThread({ ...settings, cwd: values.cwd ?? process.cwd() });
    const write = (event: Event) => io.out(JSON.stringify(event));
    for (const event of thread.opening) write(event);
    const ended = new Promise<void>((resolve) => {
      thread.events$.subscribe({
        next: (event) => {
          write(event);
          if (event.msg.type === "shutdown_complete") resolve();
        },
        complete: () => resolve(),
      });
    });
    const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
    let lineNumber = 0;
    for await (const line of lines) {
      lineNumber += 1;
      if (!line.trim()) continue;
      let submission: { id?: unknown; op?: unknown };
      try {
        submission = JSON.parse(line);
      } catch (error) {
        write({ id: "", msg: { type: "error", message: `line ${lineNumber}: not JSON: ${(error as Error).message}` } });
        continue;
      }
      const id = typeof submission.id === "string" && submission.id ? submission.id : undefined;
      try {
        await thread.submit(submission.op as Record<string, unknown>, { id });
      } catch (error) {
        write({ id: id ?? "", msg: { type: "error", message: `line ${lineNumber}: ${(error as Error).message}` } });
      }
      if (thread.closed) break;
    }
    if (!thread.closed) {
      // Nobody is left to answer a request the turn waits on: stop here, leaving it pending in the
      // log, so `loom proto --thread ID` asks it again. Otherwise let the running turn finish.
      const waitingOnPerson = await Promise.race([thread.whenIdle().then(() => false), waitForRequest(thread)]);
      if (waitingOnPerson) return 0;
      if (!thread.closed) await thread.submit({ type: "shutdown" }).catch(() => undefined);
    }
    await ended;
    if (thread.closeReason) {
      // The thread stopped by itself (its log could not be written): say so, and fail.
      write({ id: "", msg: { type: "error", message: `thread ${thread.id} is closed: ${thread.closeReason}` } });
      return 1;
    }
    return 0;
  } finally {
    await rt.close();
  }
}
