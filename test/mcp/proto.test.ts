// `loom proto` as a child process with an MCP server configured by `-c` overrides: the model calls
// an MCP tool end to end, and `list_mcp_tools` lists it.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { inputItems, startFakeResponses, textTurn, toolCallTurn, type FakeResponses } from "../support/fake-responses.js";
import { spawnLoom } from "../support/cli.js";
import { EVERYTHING_BIN, outputFor } from "./support.js";

let server: FakeResponses;
let dataDir: string;
let cwd: string;
beforeEach(async () => {
  server = await startFakeResponses();
  dataDir = await mkdtemp(join(tmpdir(), "loom-mcp-cli-"));
  cwd = await mkdtemp(join(tmpdir(), "loom-mcp-cli-work-"));
});
afterEach(async () => {
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
  await rm(cwd, { recursive: true, force: true });
});

describe("loom proto with -c mcp_servers", () => {
  it("offers and runs an MCP tool end to end", async () => {
    server.enqueue(toolCallTurn("call_1", "mcp__everything__echo", { message: "from proto" }), textTurn("echoed"));
    const loom = spawnLoom(
      [
        "proto",
        "--data-dir",
        dataDir,
        "--cwd",
        cwd,
        "--approval-policy",
        "never",
        "-c",
        `mcp_servers.everything.command=${process.execPath}`,
        "-c",
        `mcp_servers.everything.args=${JSON.stringify([EVERYTHING_BIN, "stdio"])}`,
      ],
      { OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: "test", LOOM_HOME: dataDir },
    );
    await loom.waitFor((e) => e.msg?.type === "session_configured");
    loom.send({ id: "tools", op: { type: "list_mcp_tools" } });
    const listed = await loom.waitFor((e) => e.msg?.type === "mcp_list_tools_response");
    expect(listed.id).toBe("tools");
    expect(listed.msg.tools["mcp__everything__echo"].name).toBe("echo");

    loom.send({ id: "sub-1", op: { type: "user_input", items: [{ type: "text", text: "echo something" }] } });
    const complete = await loom.waitFor((e) => e.msg?.type === "task_complete");
    expect(complete.msg.last_agent_message).toBe("echoed");
    const begin = loom.events.find((e) => e.msg?.type === "mcp_tool_call_begin");
    expect(begin.msg.invocation).toEqual({ server: "everything", tool: "echo", arguments: { message: "from proto" } });
    const end = loom.events.find((e) => e.msg?.type === "mcp_tool_call_end");
    expect(end.msg.result.Ok.content[0].text).toBe("Echo: from proto");
    expect(outputFor(inputItems(server.requests[1]!), "call_1").output).toContain('"text":"Echo: from proto"');
    expect((server.requests[0]!.body.tools as any[]).some((tool) => tool.name === "mcp__everything__echo")).toBe(true);

    loom.child.stdin.end();
    const exit = await loom.exited;
    expect(exit.code).toBe(0);
  });

  it("exits with an error naming a required server that cannot start", async () => {
    const loom = spawnLoom(
      ["proto", "--data-dir", dataDir, "--cwd", cwd, "-c", "mcp_servers.broken.command=/nonexistent/server", "-c", "mcp_servers.broken.required=true"],
      { OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: "test", LOOM_HOME: dataDir },
    );
    loom.child.stdin.end();
    const exit = await loom.exited;
    expect(exit.code).not.toBe(0);
    expect(exit.stderr).toContain("required MCP server `broken` failed to start");
  });
});
