// Everything a thread was started (or resumed) with survives a restart: the request a resumed
// thread sends is the request the original would have sent.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLoom, type LoomHarness } from "../support/loom.js";
import { inputItems, messageTexts, textTurn, toolNames, type RecordedRequest } from "../support/fake-responses.js";
import { createRuntime, type Runtime, type StartThreadOptions } from "../../src/runtime/runtime.js";

let loom: LoomHarness;
let other: string;
const extra: Runtime[] = [];
beforeEach(async () => {
  loom = await startLoom();
  other = await mkdtemp(join(tmpdir(), "loom-other-cwd-"));
});
afterEach(async () => {
  for (const rt of extra.splice(0)) await rt.close();
  await loom.close();
  await rm(other, { recursive: true, force: true });
});

async function restart(): Promise<Runtime> {
  await loom.rt.close();
  const rt = await createRuntime({
    dataDir: loom.dataDir,
    durable: false,
    config: {},
    env: {},
    model: { apiKey: "test-key", baseURL: loom.server.baseURL },
  });
  extra.push(rt);
  return rt;
}

function startOptions(): StartThreadOptions {
  return {
    cwd: other,
    model: "gpt-5.1-codex",
    approvalPolicy: "never",
    sandboxPolicy: { type: "read-only" },
    effort: "high",
    summary: "detailed",
    developerInstructions: "Answer in French.",
    baseInstructions: "You are a careful test agent.",
    dynamicTools: [{ name: "lookup", description: "look something up", inputSchema: { type: "object", properties: {} } }],
    name: "with options",
  };
}

/** What a request says about the settings it was built with. */
function settingsOf(request: RecordedRequest) {
  const body = request.body;
  const developer = messageTexts(request, "developer").join("\n");
  const user = messageTexts(request, "user").join("\n");
  return {
    model: body.model,
    instructions: body.instructions,
    reasoning: body.reasoning,
    tools: toolNames(request),
    developerInstructions: developer.includes("Answer in French."),
    readOnly: developer.includes("`sandbox_mode` is `read-only`"),
    neverAsk: developer.includes("Approval policy is currently never."),
    cwd: user.includes(`<cwd>${other}</cwd>`),
  };
}

describe("a thread resumed after a restart keeps what it was started with", () => {
  it("before its first turn", async () => {
    const thread = await loom.rt.startThread(startOptions());
    const rt = await restart();
    const resumed = await rt.resumeThread(thread.id);
    loom.server.enqueue(textTurn("ok"));
    await resumed.run("hi");
    const seen = settingsOf(loom.server.requests[0]!);
    expect(seen).toEqual({
      model: "gpt-5.1-codex",
      instructions: "You are a careful test agent.",
      reasoning: { effort: "high", summary: "detailed" },
      tools: expect.arrayContaining(["lookup"]),
      developerInstructions: true,
      readOnly: true,
      neverAsk: true,
      cwd: true,
    });
    expect((await rt.listThreads()).find((t) => t.id === thread.id)?.name).toBe("with options");
  });

  it("after a turn: the second request is built as without the restart", async () => {
    const thread = await loom.rt.startThread(startOptions());
    loom.server.enqueue(textTurn("one"));
    await thread.run("first");
    const rt = await restart();
    const resumed = await rt.resumeThread(thread.id);
    loom.server.enqueue(textTurn("two"));
    await resumed.run("second");
    const [first, second] = [settingsOf(loom.server.requests[0]!), settingsOf(loom.server.requests[1]!)];
    expect(second).toEqual(first);
    // Nothing was re-injected: the second request only adds the new turn's items.
    expect(inputItems(loom.server.requests[1]!).length).toBeGreaterThan(inputItems(loom.server.requests[0]!).length);
  });

  it("settings given at resume survive the next restart", async () => {
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    let rt = await restart();
    await rt.resumeThread(thread.id, { model: "gpt-5.1-codex", developerInstructions: "Be terse.", baseInstructions: "Resumed base." });
    await rt.close();
    rt = await createRuntime({ dataDir: loom.dataDir, durable: false, config: {}, env: {}, model: { apiKey: "k", baseURL: loom.server.baseURL } });
    extra.push(rt);
    const again = await rt.resumeThread(thread.id);
    loom.server.enqueue(textTurn("ok"));
    await again.run("hi");
    const request = loom.server.requests[0]!;
    expect(request.body.model).toBe("gpt-5.1-codex");
    expect(request.body.instructions).toBe("Resumed base.");
    expect(messageTexts(request, "developer").join("\n")).toContain("Be terse.");
  });
});
