// What every request says about who asks: the installation id kept in the data dir, the identity
// headers, the time zone as Codex names it; and per-turn settings checked at the edge.
import { readFileSync, readlinkSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createRuntime } from "../../src/runtime/runtime.js";
import { hostTimezone } from "../../src/runtime/turn-settings.js";
import { INSTALLATION_ID_FILE, requestHeaders, resolveInstallationId, sandboxTag } from "../../src/actors/model/index.js";
import { startLoom, type LoomHarness } from "../support/loom.js";
import { textTurn } from "../support/fake-responses.js";
import { compact, isSummarization } from "../compaction/support.js";

let loom: LoomHarness | undefined;
afterEach(async () => {
  await loom?.close();
  loom = undefined;
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("the installation id", () => {
  it("is created once in the data dir, sent as client_metadata, and kept across runtimes", async () => {
    loom = await startLoom();
    loom.server.enqueue(textTurn("one"), textTurn("two"));
    const id = (await readFile(join(loom.dataDir, INSTALLATION_ID_FILE), "utf8")).trim();
    expect(id).toMatch(UUID);
    await (await loom.rt.startThread({ cwd: loom.cwd })).run("hi");
    await loom.rt.close();
    const again = await createRuntime({ dataDir: loom.dataDir, durable: false, config: {}, env: {}, model: { apiKey: "k", baseURL: loom.server.baseURL } });
    try {
      await (await again.startThread({ cwd: loom.cwd })).run("hi");
    } finally {
      await again.close();
    }
    expect(loom.server.requests.map((r) => r.body.client_metadata)).toEqual([
      { "x-codex-installation-id": id },
      { "x-codex-installation-id": id },
    ]);
  });

  it("replaces a file that does not hold a uuid", async () => {
    loom = await startLoom();
    const path = join(loom.dataDir, INSTALLATION_ID_FILE);
    await writeFile(path, "garbage\n");
    const id = await resolveInstallationId(loom.dataDir);
    expect(id).toMatch(UUID);
    expect(readFileSync(path, "utf8")).toBe(id);
    expect(await resolveInstallationId(loom.dataDir)).toBe(id);
  });
});

describe("identity headers", () => {
  it("name the thread, the turn, the window and the sandbox, as Codex's do", async () => {
    loom = await startLoom({ originator: "my_app" });
    loom.server.enqueue(textTurn("hi"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, sandboxMode: "workspace-write" });
    await thread.run("hello");
    const headers = loom.server.requests[0]!.headers;
    expect(headers).toMatchObject({ originator: "my_app", session_id: thread.id, "x-client-request-id": thread.id, "x-codex-window-id": `${thread.id}:0` });
    const metadata = JSON.parse(String(headers["x-codex-turn-metadata"]));
    expect(metadata).toEqual({ session_id: thread.id, thread_source: "user", turn_id: expect.any(String), sandbox: "seccomp" });
  });

  it("count the thread's compactions across a restart (read from its state), and a fork's from its fork point", async () => {
    loom = await startLoom();
    loom.server.setHandler((request) => (isSummarization(request) ? textTurn("summary") : textTurn("ok")));
    const thread = await loom.rt.startThread({ cwd: loom.cwd });
    await thread.run("one");
    await compact(thread);
    await thread.run("two");
    const head = (await thread.entries()).length;
    await loom.rt.close();
    const again = await createRuntime({ dataDir: loom.dataDir, durable: false, config: {}, env: {}, model: { apiKey: "k", baseURL: loom.server.baseURL } });
    try {
      const window = () => String(loom!.server.requests.at(-1)!.headers["x-codex-window-id"]);
      expect(window()).toBe(`${thread.id}:1`);
      await (await again.resumeThread(thread.id)).run("three");
      expect(window()).toBe(`${thread.id}:1`);
      const fork = await again.forkThread(thread.id, { atSeq: head });
      await fork.run("four");
      expect(window()).toBe(`${fork.id}:0`);
      await compact(fork);
      await fork.run("five");
      expect(window()).toBe(`${fork.id}:1`);
    } finally {
      await again.close();
    }
  });

  it("tag the sandbox as Codex's metrics do", () => {
    expect(sandboxTag({ type: "danger-full-access" })).toBe("none");
    expect(sandboxTag({ type: "read-only" }, "linux")).toBe("seccomp");
    expect(sandboxTag({ type: "read-only" }, "darwin")).toBe("seatbelt");
    expect(Object.keys(requestHeaders({ originator: "o", threadId: "t", turnId: "u", window: 2, sandbox: { type: "danger-full-access" } }))).toEqual([
      "x-codex-turn-metadata",
      "x-codex-window-id",
      "x-client-request-id",
      "session_id",
      "originator",
    ]);
  });
});

describe("the time zone", () => {
  it("is the zone /etc/localtime points to, as Codex reads it (not TZ)", () => {
    let expected = "Etc/UTC";
    try {
      expected = /zoneinfo\/(.+)$/.exec(readlinkSync("/etc/localtime"))?.[1] ?? expected;
    } catch {
      // Not a link here: Codex falls back as hostTimezone does.
    }
    expect(hostTimezone()).toBe(expected);
  });
});

describe("per-turn settings at the edge", () => {
  it.each([
    [{ service_tier: "turbo" }, /service_tier/],
    [{ personality: "grumpy" }, /personality/],
    [{ collaboration_mode: { mode: "execute", settings: { model: "gpt-5.5" } } }, /collaboration_mode/],
    [{ final_output_json_schema: "not a schema" }, /final_output_json_schema/],
  ])("a user turn with %j is refused in one line, naming the field", async (fields, field) => {
    loom = await startLoom();
    const thread = await loom.rt.startThread({ cwd: loom.cwd });
    const error = await thread.submit({ type: "user_input_with_turn_context", items: [{ type: "text", text: "x" }], ...fields }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(field);
    expect((error as Error).message).not.toContain("\n");
  });

  it("an output schema goes out as Codex's codex_output_schema and into the turn_context", async () => {
    loom = await startLoom();
    loom.server.enqueue(textTurn('{"answer":"hi"}'));
    const thread = await loom.rt.startThread({ cwd: loom.cwd });
    const schema = { type: "object", properties: { answer: { type: "string" } }, required: ["answer"], additionalProperties: false };
    const result = await thread.run("answer in JSON", { outputSchema: schema });
    expect(result.finalResponse).toBe('{"answer":"hi"}');
    expect(loom.server.requests[0]!.body.text).toEqual({
      verbosity: "low",
      format: { type: "json_schema", strict: true, schema, name: "codex_output_schema" },
    });
    const context = (await thread.entries()).find((entry) => entry.kind === "turn_context");
    expect((context?.payload as { final_output_json_schema?: unknown }).final_output_json_schema).toEqual(schema);
    // The next turn without one sends none.
    loom.server.enqueue(textTurn("plain"));
    await thread.run("and now plainly");
    expect(loom.server.requests[1]!.body.text).toEqual({ verbosity: "low" });
  });
});
