/**
 * `loom proto`: the queue pair of Codex's core as a process. Submission JSON lines on stdin, Event
 * JSON lines on stdout; the first event is `session_configured`. At the end of stdin the session
 * finishes its running turn, then shuts down.
 */
import { checkInputLimits, MAX_SUBMISSION_CHARS, type Event } from "../events/index.js";
import { boundedLines } from "./lines.js";
import { noExtraArgs, parse } from "./args.js";
import { openRuntime } from "./context.js";
import { checkCwd } from "./exec.js";
import { describePending } from "./state-view.js";
import { resolveThread } from "./thread-ref.js";
import type { CliIO } from "./io.js";
import type { Thread } from "../runtime/thread.js";
import type { W3cTraceContext } from "../observe/index.js";
import { parseApprovalPolicy, sandboxPolicyFromMode } from "../runtime/settings.js";

const OPTIONS = {
  thread: { type: "string" },
  cwd: { type: "string" },
  model: { type: "string" },
  "approval-policy": { type: "string" },
  sandbox: { type: "string" },
} as const;

/** A submission line may hold the largest submission, escaped, and some framing. */
export const MAX_LINE_BYTES = MAX_SUBMISSION_CHARS + 1024 * 1024;

/** One stdin line as a submission: its op and optional id, or what is wrong with it. */
function parseLine(text: string): { op: Record<string, unknown>; id?: string; trace?: unknown } | { error: string; id?: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { error: `not JSON: ${(error as Error).message}` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { error: `a submission must be a JSON object {"id", "op"}, got ${value === null ? "null" : Array.isArray(value) ? "an array" : typeof value}` };
  }
  const { id: rawId, op, trace } = value as { id?: unknown; op?: unknown; trace?: unknown };
  const id = typeof rawId === "string" && rawId ? rawId : undefined;
  try {
    checkInputLimits(value);
  } catch (error) {
    return { error: (error as Error).message, id };
  }
  if (typeof op !== "object" || op === null || Array.isArray(op)) return { error: 'the submission has no "op" object', id };
  return { op: op as Record<string, unknown>, id, trace };
}

/** Hands each stdin line to the thread as a submission, answering bad ones through `reject`. */
async function readSubmissions(thread: Thread, io: CliIO, reject: (message: string, id?: string) => Promise<void>): Promise<void> {
  let lineNumber = 0;
  for await (const line of boundedLines(io.stdin, MAX_LINE_BYTES)) {
    lineNumber += 1;
    if ("tooLong" in line) {
      await reject(`line ${lineNumber}: longer than ${MAX_LINE_BYTES} bytes (${line.tooLong}); skipped`);
      continue;
    }
    if (!line.text.trim()) continue;
    const parsed = parseLine(line.text);
    if ("error" in parsed) {
      await reject(`line ${lineNumber}: ${parsed.error}`, parsed.id);
      continue;
    }
    try {
      await thread.submit(parsed.op, { id: parsed.id, trace: parsed.trace as W3cTraceContext | undefined });
    } catch (error) {
      if (thread.closed) return;
      await reject(`line ${lineNumber}: ${(error as Error).message}`, parsed.id ?? "");
    }
    if (thread.closed) return;
  }
}

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

export const PROTO_USAGE = "loom proto [--thread ID] [--cwd D] [--model M] [--approval-policy P] [--sandbox S]";

export async function protoCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(argv, OPTIONS);
  noExtraArgs(positionals, 0, PROTO_USAGE);
  const cwd = checkCwd(values.cwd);
  const settings = {
    cwd,
    model: values.model,
    approvalPolicy: values["approval-policy"] ? parseApprovalPolicy(values["approval-policy"]) : undefined,
    sandboxMode: values.sandbox,
  };
  if (values.sandbox !== undefined) sandboxPolicyFromMode(values.sandbox);
  const rt = await openRuntime(values, { access: "create", report: io, env: io.env });
  try {
    const thread =
      values.thread !== undefined
        ? await rt.resumeThread(await resolveThread(rt.log, { id: values.thread }, PROTO_USAGE), settings)
        : await rt.startThread({ ...settings, cwd: cwd ?? process.cwd() });
    // The reader went away: nobody reads the events any more, so the running turn is interrupted
    // (the log records it) and input stops, then the session ends as at the end of input.
    io.stopsOnOutputClosed?.();
    io.outputClosed?.addEventListener(
      "abort",
      () => {
        void thread.interrupt().catch(() => undefined);
        (io.stdin as { destroy?: () => void }).destroy?.();
      },
      { once: true },
    );
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
    // Bad input is answered with an error event that is also logged, so the thread's log tells
    // what its client sent; if the log cannot take it, the client still gets the answer.
    const reject = async (message: string, id = ""): Promise<void> => {
      try {
        await thread.reportInputError(message, id);
      } catch {
        write({ id, msg: { type: "error", message } });
      }
    };
    try {
      await readSubmissions(thread, io, reject);
    } catch (error) {
      // Input was cut on purpose when the output closed; anything else is a real failure.
      if (!io.outputClosed?.aborted) throw error;
    }
    if (!thread.closed) {
      // Nobody is left to answer a request the turn waits on: stop here, leaving it pending in the
      // log, so `loom proto --thread ID` asks it again. Otherwise let the running turn finish.
      const waitingOnPerson = await Promise.race([thread.whenIdle().then(() => false), waitForRequest(thread)]);
      if (waitingOnPerson) {
        const pending = thread.state.pendingApprovals.map(describePending).join("; ");
        const message = `end of input while the thread waits on ${pending}: it stays pending in the log; \`loom proto --thread ${thread.id}\` asks again`;
        // Printed, not logged: the thread did not shut down, only this process ends.
        write({ id: "", msg: { type: "warning", message } });
        write({ id: "", msg: { type: "shutdown_complete" } });
        io.err(`loom proto: ${message}`);
        return 0;
      }
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
