// MCP over stdio against the reference server (@modelcontextprotocol/server-everything), through
// the runtime API with a fake Responses server scripting the model's calls.
import { afterEach, describe, expect, it } from "vitest";
import { collectUntil, nextEvent, startLoom, type LoomHarness } from "../support/loom.js";
import { evCompleted, evCreated, evFunctionCall, inputItems, textTurn, toolCallTurn } from "../support/fake-responses.js";
import { McpStartupError } from "../../src/actors/mcp/index.js";
import { createRuntime } from "../../src/runtime/runtime.js";
import type { McpServerConfig } from "../../src/config/index.js";
import { childPids, entryWhere, everythingStdio, outputFor } from "./support.js";

let loom: LoomHarness | undefined;
afterEach(async () => {
  await loom?.close();
  loom = undefined;
});

async function start(servers: Record<string, McpServerConfig>) {
  loom = await startLoom({ config: { mcp_servers: servers } });
  return loom;
}

const WALL = /^Wall time: \d+\.\d{4} seconds\nOutput:\n/;

describe("MCP tools over stdio", () => {
  it("offers the server's tools under qualified names and runs echo and sum with begin/end events", async () => {
    const { server, rt, cwd } = await start({ everything: everythingStdio() });
    server.enqueue(
      toolCallTurn("call_echo", "mcp__everything__echo", { message: "hello" }),
      toolCallTurn("call_sum", "mcp__everything__get_sum", { a: 2, b: 3 }),
      textTurn("done"),
    );
    const thread = await rt.startThread({ cwd, approvalPolicy: "never" });
    const events = collectUntil(thread.events$, "task_complete");
    const result = await thread.run("use the tools");
    expect(result.finalResponse).toBe("done");

    const tools = server.requests[0]!.body.tools as any[];
    const echo = tools.find((tool) => tool.name === "mcp__everything__echo");
    expect(echo).toMatchObject({ type: "function", strict: false, description: "Echoes back the input string" });
    expect(echo.parameters.properties.message.type).toBe("string");
    expect(tools.map((tool) => tool.name)).toEqual(
      expect.arrayContaining(["mcp__everything__get_sum", "list_mcp_resources", "list_mcp_resource_templates", "read_mcp_resource"]),
    );

    const seen = (await events).map((event) => event.msg);
    const begins = seen.filter((msg) => msg.type === "mcp_tool_call_begin");
    const ends = seen.filter((msg): msg is any => msg.type === "mcp_tool_call_end");
    expect(begins.map((msg: any) => msg.invocation)).toEqual([
      { server: "everything", tool: "echo", arguments: { message: "hello" } },
      { server: "everything", tool: "get-sum", arguments: { a: 2, b: 3 } },
    ]);
    expect(ends[0].call_id).toBe("call_echo");
    expect(ends[0].result).toEqual({ Ok: { content: [{ type: "text", text: "Echo: hello" }] } });
    expect(ends[0].duration).toEqual({ secs: expect.any(Number), nanos: expect.any(Number) });
    expect(ends[1].result.Ok.content[0].text).toBe("The sum of 2 and 3 is 5.");

    const echoOutput = outputFor(inputItems(server.requests[1]!), "call_echo");
    expect(echoOutput.output).toMatch(WALL);
    expect(echoOutput.output.replace(WALL, "")).toBe('[{"type":"text","text":"Echo: hello"}]');
    const sumOutput = outputFor(inputItems(server.requests[2]!), "call_sum");
    expect(sumOutput.output.replace(WALL, "")).toBe('[{"type":"text","text":"The sum of 2 and 3 is 5."}]');
    server.assertAllUsed();
  });

  it("returns structured content as JSON, images as input items, and a tool's isError result", async () => {
    const { server, rt, cwd } = await start({ everything: everythingStdio() });
    server.enqueue(
      [
        evCreated("resp_many"),
        evFunctionCall("call_struct", "mcp__everything__get_structured_content", JSON.stringify({ location: "Chicago" })),
        evFunctionCall("call_image", "mcp__everything__get_tiny_image", "{}"),
        evFunctionCall("call_bad", "mcp__everything__get_sum", JSON.stringify({ a: "not a number" })),
        evCompleted("resp_many"),
      ],
      textTurn("seen"),
    );
    const thread = await rt.startThread({ cwd, approvalPolicy: "never" });
    await thread.run("many");
    const input = inputItems(server.requests[1]!);

    const structured = outputFor(input, "call_struct").output as string;
    expect(JSON.parse(structured.replace(WALL, ""))).toEqual({ temperature: expect.any(Number), conditions: expect.any(String), humidity: expect.any(Number) });

    const image = outputFor(input, "call_image").output as any[];
    expect(image[0]).toEqual({ type: "input_text", text: expect.stringMatching(/^Wall time: \d+\.\d{4} seconds\nOutput:$/) });
    const picture = image.find((item) => item.type === "input_image");
    expect(picture.image_url).toMatch(/^data:image\/png;base64,/);
    expect(picture.detail).toBe("high");

    const end = (await entryWhere(thread, (e) => e.kind === "event_msg" && e.payload.type === "mcp_tool_call_end" && e.payload.call_id === "call_bad")) as any;
    expect(end.payload.result.Ok.isError).toBe(true);
    expect(outputFor(input, "call_bad").output).toMatch(/"isError"|error/i);
  });

  it("reads and lists resources with the resource tools, and answers list_mcp_tools", async () => {
    const { server, rt, cwd } = await start({ everything: everythingStdio() });
    const uri = "demo://resource/static/document/architecture.md";
    server.enqueue(
      toolCallTurn("call_list", "list_mcp_resources", { server: "everything" }),
      toolCallTurn("call_read", "read_mcp_resource", { server: "everything", uri }),
      toolCallTurn("call_templates", "list_mcp_resource_templates", {}),
      toolCallTurn("call_missing", "read_mcp_resource", { server: "nowhere", uri }),
      textTurn("read it"),
    );
    const thread = await rt.startThread({ cwd, approvalPolicy: "never" });
    await thread.run("read the architecture doc");

    const listed = JSON.parse(outputFor(inputItems(server.requests[1]!), "call_list").output);
    expect(listed.server).toBe("everything");
    expect(listed.resources).toContainEqual(expect.objectContaining({ server: "everything", uri, mimeType: "text/markdown" }));

    const read = JSON.parse(outputFor(inputItems(server.requests[2]!), "call_read").output);
    expect(read).toMatchObject({ server: "everything", uri });
    expect(read.contents[0].uri).toBe(uri);
    expect(read.contents[0].text.length).toBeGreaterThan(0);

    const templates = JSON.parse(outputFor(inputItems(server.requests[3]!), "call_templates").output);
    expect(templates.resourceTemplates.map((t: any) => t.uriTemplate)).toContain("demo://resource/dynamic/text/{resourceId}");

    expect(outputFor(inputItems(server.requests[4]!), "call_missing").output).toBe("resources/read failed: unknown MCP server 'nowhere'");

    const answer = nextEvent(thread.events$, "mcp_list_tools_response");
    await thread.submit({ type: "list_mcp_tools" });
    const tools = (await answer) as any;
    expect(tools.tools["mcp__everything__echo"]).toMatchObject({ name: "echo", inputSchema: { type: "object" } });
    expect(tools.resources.everything).toContainEqual(expect.objectContaining({ uri }));
    expect(tools.auth_statuses).toEqual({ everything: "unsupported" });
  });

  it("turns a tool timeout into a failed output and keeps the server for the next call", async () => {
    const { server, rt, cwd } = await start({ everything: everythingStdio({ tool_timeout_sec: 1 }) });
    server.enqueue(
      toolCallTurn("call_slow", "mcp__everything__trigger_long_running_operation", { duration: 120, steps: 1 }),
      toolCallTurn("call_echo", "mcp__everything__echo", { message: "still here" }),
      textTurn("ok"),
    );
    const thread = await rt.startThread({ cwd, approvalPolicy: "never" });
    await thread.run("slow");
    const slow = outputFor(inputItems(server.requests[1]!), "call_slow").output as string;
    expect(JSON.parse(slow.replace(WALL, ""))).toEqual([
      {
        type: "text",
        text: "tool call error: tool call failed for `everything/trigger-long-running-operation`\n\nCaused by:\n    timed out awaiting tools/call after 1s",
      },
    ]);
    expect(outputFor(inputItems(server.requests[2]!), "call_echo").output).toContain("Echo: still here");
  });
});

describe("MCP elicitations over stdio", () => {
  it("records the server's elicitation and answers it with the accepted content", async () => {
    const { server, rt, cwd } = await start({ everything: everythingStdio() });
    server.enqueue(toolCallTurn("call_ask", "mcp__everything__trigger_elicitation_request", {}), textTurn("thanks"));
    const thread = await rt.startThread({ cwd, approvalPolicy: "on-request" });
    const asked = nextEvent(thread.events$, "elicitation_request");
    const run = thread.run("ask me");
    const request = (await asked) as any;
    expect(request).toMatchObject({ server_name: "everything", message: "Please provide inputs for the following fields:" });
    expect(request.requested_schema.required).toEqual(["name"]);
    expect(request.request).toMatchObject({ mode: "form", message: request.message, requested_schema: request.requested_schema });
    expect(thread.state.pendingApprovals).toContainEqual(expect.objectContaining({ kind: "elicitation", id: String(request.id) }));

    await thread.submit({
      type: "resolve_elicitation",
      server_name: "everything",
      request_id: request.id,
      decision: "accept",
      content: { name: "Ada Lovelace", check: true },
    });
    await run;
    const output = outputFor(inputItems(server.requests[1]!), "call_ask").output as string;
    expect(output).toContain("User provided the requested information!");
    expect(output).toContain("- Name: Ada Lovelace");
    expect(thread.state.pendingApprovals).toEqual([]);
    const logged = (await thread.entries()).filter((e) => e.kind === "submission" && e.payload.op.type === "resolve_elicitation");
    expect(logged).toHaveLength(1);
  });

  it("answers a declined elicitation, and reports an answer to no pending request", async () => {
    const { server, rt, cwd } = await start({ everything: everythingStdio() });
    server.enqueue(toolCallTurn("call_ask", "mcp__everything__trigger_elicitation_request", {}), textTurn("ok"));
    const thread = await rt.startThread({ cwd, approvalPolicy: "on-request" });
    const asked = nextEvent(thread.events$, "elicitation_request");
    const run = thread.run("ask me");
    const request = (await asked) as any;

    const refused = nextEvent(thread.events$, "error");
    await thread.submit({ type: "resolve_elicitation", server_name: "everything", request_id: "no-such-request", decision: "accept" });
    expect((await refused).message).toBe(
      'resolve_elicitation: no pending elicitation request with id "no-such-request" from MCP server "everything" (unknown or already answered)',
    );

    await thread.submit({ type: "resolve_elicitation", server_name: "everything", request_id: request.id, decision: "decline" });
    await run;
    expect(outputFor(inputItems(server.requests[1]!), "call_ask").output).toContain("User declined to provide the requested information.");
  });

  it("does not survive a restart over stdio: the server dies with Loom, the turn is closed as aborted, a late answer is refused", async () => {
    const { server, rt, cwd, dataDir } = await start({ everything: everythingStdio() });
    server.enqueue(toolCallTurn("call_ask", "mcp__everything__trigger_elicitation_request", {}));
    const thread = await rt.startThread({ cwd, approvalPolicy: "on-request" });
    const asked = nextEvent(thread.events$, "elicitation_request");
    void thread.run("ask me").catch(() => undefined);
    const request = (await asked) as any;
    await rt.close();

    const again = await createRuntime({ dataDir, durable: false, config: { mcp_servers: { everything: everythingStdio() } }, env: {}, model: { apiKey: "k", baseURL: server.baseURL } });
    try {
      const resumed = await again.resumeThread(thread.id);
      expect(resumed.state.activeTurn).toBeNull();
      expect(resumed.state.pendingApprovals).toEqual([]);
      const refused = nextEvent(resumed.events$, "error");
      await resumed.submit({ type: "resolve_elicitation", server_name: "everything", request_id: request.id, decision: "accept", content: { name: "late" } });
      expect((await refused).message).toContain("no pending elicitation request");
    } finally {
      await again.close();
    }
  });

  it("declines without asking under approval policy never, as Codex does", async () => {
    const { server, rt, cwd } = await start({ everything: everythingStdio() });
    server.enqueue(toolCallTurn("call_ask", "mcp__everything__trigger_elicitation_request", {}), textTurn("ok"));
    const thread = await rt.startThread({ cwd, approvalPolicy: "never" });
    await thread.run("ask me");
    expect(outputFor(inputItems(server.requests[1]!), "call_ask").output).toContain("User declined");
    expect((await thread.entries()).some((e) => e.kind === "event_msg" && e.payload.type === "elicitation_request")).toBe(false);
  });
});

describe("MCP server lifecycle", () => {
  it("restarts a server killed between two calls", async () => {
    const { server, rt, cwd } = await start({ everything: everythingStdio({ args: [everythingStdio().args![0]!, "stdio", "--loom-test=kill"] }) });
    server.enqueue(
      toolCallTurn("call_1", "mcp__everything__echo", { message: "one" }),
      textTurn("first"),
      toolCallTurn("call_2", "mcp__everything__echo", { message: "two" }),
      textTurn("second"),
    );
    const thread = await rt.startThread({ cwd, approvalPolicy: "never" });
    await thread.run("first");
    const [pid] = childPids("--loom-test=kill");
    expect(pid).toBeGreaterThan(0);

    const noticed = nextEvent(thread.events$, "warning", (msg) => msg.message.includes("exited unexpectedly"));
    process.kill(pid!, "SIGKILL");
    expect((await noticed).message).toContain("MCP server `everything` exited unexpectedly");

    await thread.run("second");
    expect(outputFor(inputItems(server.requests[3]!), "call_2").output).toContain("Echo: two");
    const [again] = childPids("--loom-test=kill");
    expect(again).toBeGreaterThan(0);
    expect(again).not.toBe(pid);
  });

  it("fails a call the server dies during, then restarts it for the next one", async () => {
    const { server, rt, cwd } = await start({ everything: everythingStdio({ args: [everythingStdio().args![0]!, "stdio", "--loom-test=crash"] }) });
    server.enqueue(
      toolCallTurn("call_slow", "mcp__everything__trigger_long_running_operation", { duration: 120, steps: 1 }),
      toolCallTurn("call_after", "mcp__everything__echo", { message: "back" }),
      textTurn("ok"),
    );
    const thread = await rt.startThread({ cwd, approvalPolicy: "never" });
    const begun = nextEvent(thread.events$, "mcp_tool_call_begin");
    const run = thread.run("crash it");
    await begun;
    process.kill(childPids("--loom-test=crash")[0]!, "SIGKILL");
    await run;
    const failed = outputFor(inputItems(server.requests[1]!), "call_slow").output as string;
    expect(failed).toContain("tool call error: tool call failed for `everything/trigger-long-running-operation`");
    expect(outputFor(inputItems(server.requests[2]!), "call_after").output).toContain("Echo: back");
  });

  it("fails the thread's start when a required server cannot start, naming it", async () => {
    const { rt, cwd } = await start({
      everything: everythingStdio(),
      broken: { command: "/nonexistent/mcp-server", required: true },
    });
    const error = await rt.startThread({ cwd }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpStartupError);
    expect((error as McpStartupError).server).toBe("broken");
    expect((error as Error).message).toContain("required MCP server `broken` failed to start");
    expect(childPids(everythingStdio().args![0]!)).toEqual([]);
    expect(await rt.listThreads()).toEqual([]);
  });

  it("warns about a server that cannot start and goes on without it", async () => {
    const { server, rt, cwd } = await start({
      everything: everythingStdio({ disabled_tools: ["get-env"] }),
      broken: { command: "/nonexistent/mcp-server" },
      invalid: { url: "http://127.0.0.1:1/mcp", args: ["x"] },
    });
    server.enqueue(textTurn("fine"));
    const thread = await rt.startThread({ cwd });
    const warnings = (await thread.entries())
      .flatMap((entry) => (entry.kind === "event_msg" && entry.payload.type === "warning" ? [entry.payload.message] : []));
    expect(warnings).toEqual([
      "mcp_servers.invalid: args is not supported for streamable_http",
      expect.stringMatching(/^MCP client for `broken` failed to start: .*ENOENT/),
    ]);
    await thread.run("hi");
    const names = (server.requests[0]!.body.tools as any[]).map((tool) => tool.name ?? tool.type);
    expect(names).toContain("mcp__everything__echo");
    expect(names.some((name) => name.startsWith("mcp__broken__"))).toBe(false);
    expect(names).not.toContain("mcp__everything__get_env");
  });

  it("stops the server's process when the thread closes", async () => {
    const { rt, cwd } = await start({ everything: everythingStdio({ args: [everythingStdio().args![0]!, "stdio", "--loom-test=close"] }) });
    const thread = await rt.startThread({ cwd });
    expect(childPids("--loom-test=close")).toHaveLength(1);
    await thread.close();
    expect(childPids("--loom-test=close")).toEqual([]);
  });
});
