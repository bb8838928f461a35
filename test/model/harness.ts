// Shared setup for the sampler tests: a fake Responses server, a real SDK client pointed at it,
// and a recorder for what the sampler hands to `onEvent`.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { parseEventMsg, parseResponseItem, type EventMsg, type ResponseItem } from "../../src/events/index.js";
import { createModelClient, type ModelClient, type ModelClientOptions, type SampleOutput } from "../../src/actors/model/index.js";
import { startFakeResponses, type FakeResponses, type Reply } from "../support/fake-responses.js";

export const THREAD = "thread-1";
export const TURN = "turn-1";

export interface Harness {
  server: FakeResponses;
  client: ModelClient;
}

export async function startHarness(replies: Reply[], options: Partial<ModelClientOptions> = {}): Promise<Harness> {
  const server = await startFakeResponses({ replies });
  const client = createModelClient({ apiKey: "sk-test", baseURL: server.baseURL, model: "gpt-test", ...options });
  return { server, client };
}

/** Collects the sampler's outputs, checking each against our vocabulary as the bus would. */
export class Recorder {
  readonly outputs: SampleOutput[] = [];
  /** Runs on every output after it is recorded (to abort at a chosen point, say). */
  onOutput: ((output: SampleOutput) => void) | undefined;

  readonly onEvent = (output: SampleOutput): void => {
    if (output.kind === "event") parseEventMsg(output.msg);
    else parseResponseItem(output.item);
    this.outputs.push(output);
    this.onOutput?.(output);
  };

  events(): EventMsg[] {
    return this.outputs.flatMap((output) => (output.kind === "event" ? [output.msg] : []));
  }

  items(): ResponseItem[] {
    return this.outputs.flatMap((output) => (output.kind === "item" ? [output.item] : []));
  }

  /** Outputs as short tags ("event:item_started", "item:message") to check their order. */
  sequence(): string[] {
    return this.outputs.map((output) => (output.kind === "event" ? `event:${output.msg.type}` : `item:${output.item.type}`));
  }

  ofType<T extends EventMsg["type"]>(type: T): Extract<EventMsg, { type: T }>[] {
    return this.events().filter((msg): msg is Extract<EventMsg, { type: T }> => msg.type === type);
  }
}

/** A sleep that never waits, recording what it was asked to wait. */
export function instantSleep(): { sleep: (ms: number, signal: AbortSignal) => Promise<void>; delays: number[] } {
  const delays: number[] = [];
  return {
    delays,
    sleep: async (ms) => {
      delays.push(ms);
    },
  };
}

/** A loopback port nothing listens on, for connection failures. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
