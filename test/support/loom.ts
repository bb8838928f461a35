/**
 * A Loom runtime wired to a fake Responses server on loopback, in temporary directories, for
 * scenario tests. Waiting helpers resolve on events, never on time.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { filter, firstValueFrom, type Observable } from "rxjs";
import { createRuntime, type Runtime, type RuntimeOptions } from "../../src/runtime/runtime.js";
import type { Event, EventMsg } from "../../src/events/index.js";
import { startFakeResponses, type FakeResponses } from "./fake-responses.js";

export interface LoomHarness {
  server: FakeResponses;
  rt: Runtime;
  dataDir: string;
  /** A scratch working directory for the thread's commands. */
  cwd: string;
  close(): Promise<void>;
}

export async function startLoom(options: Partial<RuntimeOptions> = {}): Promise<LoomHarness> {
  const server = await startFakeResponses();
  const dataDir = await mkdtemp(join(tmpdir(), "loom-data-"));
  const cwd = await mkdtemp(join(tmpdir(), "loom-work-"));
  const rt = await createRuntime({
    dataDir,
    durable: false,
    config: {},
    env: {},
    model: { apiKey: "test-key", baseURL: server.baseURL },
    retry: { baseDelayMs: 1 },
    ...options,
  });
  return {
    server,
    rt,
    dataDir,
    cwd,
    async close() {
      await rt.close();
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
      await rm(cwd, { recursive: true, force: true });
    },
  };
}

/** The first event (from now on) matching `type` and the optional predicate. */
export function nextEvent<T extends EventMsg["type"]>(
  events$: Observable<Event>,
  type: T,
  predicate: (msg: Extract<EventMsg, { type: T }>) => boolean = () => true,
): Promise<Extract<EventMsg, { type: T }>> {
  return firstValueFrom(
    events$.pipe(filter((event) => event.msg.type === type && predicate(event.msg as Extract<EventMsg, { type: T }>))),
  ).then((event) => event.msg as Extract<EventMsg, { type: T }>);
}

/** Collects every event until (and including) the first one matching `type`. */
export function collectUntil(events$: Observable<Event>, type: EventMsg["type"]): Promise<Event[]> {
  return new Promise((resolve, reject) => {
    const seen: Event[] = [];
    const subscription = events$.subscribe({
      next: (event) => {
        seen.push(event);
        if (event.msg.type === type) {
          subscription.unsubscribe();
          resolve(seen);
        }
      },
      error: reject,
    });
  });
}
