// MCP against the reference filesystem server (@modelcontextprotocol/server-filesystem) confined
// to a temporary directory: reads run at once, writes (destructive tools) go through an approval.
import { mkdtemp, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { nextEvent, startLoom, type LoomHarness } from "../support/loom.js";
import { inputItems, textTurn, toolCallTurn } from "../support/fake-responses.js";
import { filesystemStdio, outputFor } from "./support.js";

let loom: LoomHarness;
let root: string;
beforeEach(async () => {
  // The server compares real paths: resolve the temp dir's symlinks first.
  root = await realpath(await mkdtemp(join(tmpdir(), "loom-mcp-fs-")));
  await writeFile(join(root, "notes.txt"), "remember the milk\n");
  loom = await startLoom({ config: { mcp_servers: { filesystem: filesystemStdio(root) } } });
});
afterEach(async () => {
  await loom.close();
  await rm(root, { recursive: true, force: true });
});

describe("server-filesystem", () => {
  it("reads a file and lists the directory without asking", async () => {
    loom.server.enqueue(
      toolCallTurn("call_read", "mcp__filesystem__read_text_file", { path: join(root, "notes.txt") }),
      toolCallTurn("call_list", "mcp__filesystem__list_directory", { path: root }),
      textTurn("done"),
    );
    const thread = await loom.rt.startThread({ cwd: root, approvalPolicy: "on-request" });
    await thread.run("read my notes");
    expect(outputFor(inputItems(loom.server.requests[1]!), "call_read").output).toContain("remember the milk");
    expect(outputFor(inputItems(loom.server.requests[2]!), "call_list").output).toContain("[FILE] notes.txt");
    expect((await thread.entries()).some((e) => e.kind === "event_msg" && e.payload.type === "elicitation_request")).toBe(false);
  });

  it("asks before write_file: an accepted approval writes the file", async () => {
    const target = join(root, "todo.txt");
    loom.server.enqueue(toolCallTurn("call_write", "mcp__filesystem__write_file", { path: target, content: "buy bread" }), textTurn("written"));
    const thread = await loom.rt.startThread({ cwd: root, approvalPolicy: "on-request" });
    const asked = nextEvent(thread.events$, "elicitation_request");
    const run = thread.run("write a todo");
    const request = (await asked) as any;
    expect(request).toMatchObject({
      server_name: "filesystem",
      id: "mcp_tool_call_approval_call_write",
      call_id: "call_write",
      message: 'Allow the filesystem MCP server to run tool "write_file"?',
    });
    expect(request.request._meta).toMatchObject({ codex_approval_kind: "mcp_tool_call", tool_params: { path: target, content: "buy bread" } });
    expect(existsSync(target)).toBe(false);

    await thread.submit({ type: "resolve_elicitation", server_name: "filesystem", request_id: request.id, decision: "accept" });
    await run;
    expect(await readFile(target, "utf8")).toBe("buy bread");
    expect(outputFor(inputItems(loom.server.requests[1]!), "call_write").output).toContain("Successfully wrote to");
  });

  it("asks before write_file: a declined approval leaves the disk alone and tells the model", async () => {
    const target = join(root, "todo.txt");
    loom.server.enqueue(toolCallTurn("call_write", "mcp__filesystem__write_file", { path: target, content: "x" }), textTurn("ok"));
    const thread = await loom.rt.startThread({ cwd: root, approvalPolicy: "on-request" });
    const asked = nextEvent(thread.events$, "elicitation_request");
    const run = thread.run("write a todo");
    const request = (await asked) as any;
    await thread.submit({ type: "resolve_elicitation", server_name: "filesystem", request_id: request.id, decision: "decline" });
    await run;
    expect(existsSync(target)).toBe(false);
    expect(outputFor(inputItems(loom.server.requests[1]!), "call_write").output).toContain("user rejected MCP tool call");
  });

  it("remembers \"Allow for this session\" for the same tool", async () => {
    loom.server.enqueue(
      toolCallTurn("call_a", "mcp__filesystem__write_file", { path: join(root, "a.txt"), content: "a" }),
      toolCallTurn("call_b", "mcp__filesystem__write_file", { path: join(root, "b.txt"), content: "b" }),
      textTurn("both"),
    );
    const thread = await loom.rt.startThread({ cwd: root, approvalPolicy: "on-request" });
    const asked = nextEvent(thread.events$, "elicitation_request");
    const run = thread.run("write two files");
    const request = (await asked) as any;
    await thread.submit({
      type: "resolve_elicitation",
      server_name: "filesystem",
      request_id: request.id,
      decision: "accept",
      meta: { persist: "session" },
    });
    await run;
    expect(await readFile(join(root, "b.txt"), "utf8")).toBe("b");
    const requests = (await thread.entries()).filter((e) => e.kind === "event_msg" && e.payload.type === "elicitation_request");
    expect(requests).toHaveLength(1);
  });

  it("runs write_file without asking under never with full access", async () => {
    const target = join(root, "free.txt");
    loom.server.enqueue(toolCallTurn("call_write", "mcp__filesystem__write_file", { path: target, content: "free" }), textTurn("ok"));
    const thread = await loom.rt.startThread({ cwd: root, approvalPolicy: "never", sandboxMode: "danger-full-access" });
    await thread.run("write");
    expect(await readFile(target, "utf8")).toBe("free");
  });
});
