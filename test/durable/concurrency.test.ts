// Two writers on one thread's log: the one that loses the race (a ConcurrencyError) does not stay
// silently broken. It closes the thread with an error that says why, and resuming reads the head.
import { afterEach, describe, expect, it } from "vitest";
import { startFakeResponses, textTurn, type FakeResponses } from "../support/fake-responses.js";
import { MemoryEventLog, createRuntime, type Runtime } from "../../src/runtime/runtime.js";

let server: FakeResponses | undefined;
const runtimes: Runtime[] = [];
afterEach(async () => {
  for (const rt of runtimes.splice(0)) await rt.close();
  await server?.close();
});

async function runtimeOn(log: MemoryEventLog): Promise<Runtime> {
  const rt = await createRuntime({ log, config: {}, env: {}, model: { apiKey: "k", baseURL: server!.baseURL } });
  runtimes.push(rt);
  return rt;
}

describe("a writer that lost the race on a shared log", () => {
  it("closes its thread with a clear error, and a resume continues from the head", async () => {
    server = await startFakeResponses();
    server.setHandler(() => textTurn("ok"));
    const log = new MemoryEventLog();
    const first = await runtimeOn(log);
    const second = await runtimeOn(log);
    const mine = await first.startThread({ cwd: process.cwd(), approvalPolicy: "never" });
    // Another runtime opens the same thread and writes to it.
    const theirs = await second.resumeThread(mine.id);
    await theirs.run("from the other writer");

    const failed = await mine.submit({ type: "user_input", items: [{ type: "text", text: "stale" }] }).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(failed?.message).toMatch(/another writer appended to (its|the thread's) log/);
    expect(mine.closed).toBe(true);
    await expect(mine.submit({ type: "user_input", items: [{ type: "text", text: "again" }] })).rejects.toThrow(
      /is closed: another writer appended/,
    );

    // Nothing of the stale writer's reached the log; the head is the other writer's.
    await theirs.close();
    const reopened = await first.resumeThread(mine.id);
    expect(reopened).not.toBe(mine);
    const result = await reopened.run("after the conflict");
    expect(result.finalResponse).toBe("ok");
    const texts = (await reopened.entries())
      .filter((e) => e.kind === "event_msg" && e.payload.type === "user_message")
      .map((e) => (e.payload as { message: string }).message);
    expect(texts).toEqual(["from the other writer", "after the conflict"]);
  });

  it("a turn running when its writer loses the race ends its run() with that error", async () => {
    server = await startFakeResponses();
    const log = new MemoryEventLog();
    const first = await runtimeOn(log);
    const second = await runtimeOn(log);
    const mine = await first.startThread({ cwd: process.cwd(), approvalPolicy: "never" });
    let interloper: Promise<unknown> | undefined;
    server.setHandler(async () => {
      // While my turn waits for the model, another writer appends.
      interloper ??= second.resumeThread(mine.id);
      await interloper;
      return textTurn("late");
    });
    await expect(mine.run("hello")).rejects.toThrow(/another writer appended/);
    expect(mine.closed).toBe(true);
  });
});
