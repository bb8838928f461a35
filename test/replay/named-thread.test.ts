// A thread started with a name replays without divergence: its first session_configured carries
// the name, so the replay must start its thread with the same one (it diverged at seq 2).
import { afterEach, beforeEach, expect, it } from "vitest";
import { replayThread } from "../../src/replay/reexecute/index.js";
import { textTurn } from "../support/fake-responses.js";
import { startLoom, type LoomHarness } from "../support/loom.js";

let loom: LoomHarness;
beforeEach(async () => {
  loom = await startLoom();
});
afterEach(async () => {
  await loom.close();
});

it("replays a named thread with no divergence", async () => {
  loom.server.enqueue(textTurn("done"));
  const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never", name: "fix the tests" });
  await thread.run("go");
  await thread.close();
  const report = await replayThread(loom.rt.log, thread.id);
  expect(report.divergence).toBeUndefined();
  expect(report.replayed).toBeGreaterThan(5);
});
