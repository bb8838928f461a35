// MCP over streamable HTTP against the reference server (@modelcontextprotocol/server-everything
// in its streamableHttp mode, on a loopback port), through the runtime API.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { nextEvent, startLoom, type LoomHarness } from "../support/loom.js";
import { inputItems, textTurn, toolCallTurn } from "../support/fake-responses.js";
import { outputFor, startEverythingHttp, type HttpEverything } from "./support.js";

let loom: LoomHarness;
let everything: HttpEverything;
beforeEach(async () => {
  everything = await startEverythingHttp();
  loom = await startLoom({ config: { mcp_servers: { everything: { url: everything.url } } } });
});
afterEach(async () => {
  await loom.close();
  await everything.kill("SIGTERM");
});

describe("MCP tools over streamable HTTP", () => {
  it("runs echo and sum and reads a resource", async () => {
    const uri = "demo://resource/static/document/architecture.md";
    loom.server.enqueue(
      toolCallTurn("call_echo", "mcp__everything__echo", { message: "over http" }),
      toolCallTurn("call_sum", "mcp__everything__get_sum", { a: 40, b: 2 }),
      toolCallTurn("call_read", "read_mcp_resource", { server: "everything", uri }),
      textTurn("done"),
    );
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    const end = nextEvent(thread.events$, "mcp_tool_call_end");
    await thread.run("go");
    expect(((await end) as any).result).toEqual({ Ok: { content: [{ type: "text", text: "Echo: over http" }] } });
    expect(outputFor(inputItems(loom.server.requests[2]!), "call_sum").output).toContain("The sum of 40 and 2 is 42.");
    const read = JSON.parse(outputFor(inputItems(loom.server.requests[3]!), "call_read").output);
    expect(read.contents[0]).toMatchObject({ uri, mimeType: "text/markdown" });
  });

  it("carries an elicitation accepted and one declined over the HTTP session", async () => {
    loom.server.enqueue(
      toolCallTurn("call_yes", "mcp__everything__trigger_elicitation_request", {}),
      textTurn("accepted"),
      toolCallTurn("call_no", "mcp__everything__trigger_elicitation_request", {}),
      textTurn("declined"),
    );
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "on-request" });

    let asked = nextEvent(thread.events$, "elicitation_request");
    let run = thread.run("first");
    let request = (await asked) as any;
    expect(request.server_name).toBe("everything");
    await thread.submit({ type: "resolve_elicitation", server_name: "everything", request_id: request.id, decision: "accept", content: { name: "Grace Hopper" } });
    await run;
    expect(outputFor(inputItems(loom.server.requests[1]!), "call_yes").output).toContain("- Name: Grace Hopper");

    asked = nextEvent(thread.events$, "elicitation_request");
    run = thread.run("second");
    request = (await asked) as any;
    await thread.submit({ type: "resolve_elicitation", server_name: "everything", request_id: request.id, decision: "decline" });
    await run;
    expect(outputFor(inputItems(loom.server.requests[3]!), "call_no").output).toContain("User declined");
  });

  it("reconnects after the server was killed and started again: the call that meets the dead session fails, the next one works", async () => {
    loom.server.enqueue(
      toolCallTurn("call_1", "mcp__everything__echo", { message: "one" }),
      textTurn("first"),
      toolCallTurn("call_2", "mcp__everything__echo", { message: "two" }),
      toolCallTurn("call_3", "mcp__everything__echo", { message: "three" }),
      textTurn("third"),
    );
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    await thread.run("first");
    await everything.kill("SIGKILL");
    everything = await startEverythingHttp(everything.port);

    await thread.run("again");
    const failed = outputFor(inputItems(loom.server.requests[3]!), "call_2").output as string;
    expect(failed).toContain("tool call error: tool call failed for `everything/echo`");
    expect(failed).toContain("lost the connection to MCP server `everything`");
    expect(outputFor(inputItems(loom.server.requests[4]!), "call_3").output).toContain("Echo: three");
  });
});
