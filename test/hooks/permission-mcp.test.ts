// PermissionRequest hooks on an MCP tool's approval (Codex's `maybe_request_mcp_tool_approval`),
// against the reference filesystem server: the hook sees `mcp__<server>__<tool>` and the call's
// arguments; an allow writes without the elicitation, a deny is the tool's error result.
import { existsSync } from "node:fs";
import { mkdtemp, readFile, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startLoom, type LoomHarness } from "../support/loom.js";
import { inputItems, textTurn, toolCallTurn } from "../support/fake-responses.js";
import { filesystemStdio, outputFor } from "../mcp/support.js";
import { command, hooksJson, payloads, script } from "./support.js";

let loom: LoomHarness;
let root: string;
beforeEach(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), "loom-mcp-perm-")));
  loom = await startLoom({ config: { mcp_servers: { filesystem: filesystemStdio(root) } } });
});
afterEach(async () => {
  await loom.close();
  await rm(root, { recursive: true, force: true });
});

describe("PermissionRequest hooks on MCP tools", () => {
  it("an allow writes without asking; a deny is the tool's error result with the hook's message", async () => {
    const log = join(loom.dataDir, "mcp-payloads.jsonl");
    const gate = await script(
      join(loom.dataDir, "bin"),
      "gate.sh",
      `payload=$(cat); printf '%s\\n' "$payload" >> ${log}\ncase "$payload" in *secret*) echo 'no secrets on disk' >&2; exit 2;; *) echo '{"hookSpecificOutput":{"hookEventName":"PermissionRequest","decision":{"behavior":"allow"}}}';; esac`,
    );
    await hooksJson(loom.dataDir, { PermissionRequest: [{ matcher: "^mcp__filesystem__", ...command(gate) }] });
    const allowed = join(root, "todo.txt");
    const denied = join(root, "secret.txt");
    loom.server.enqueue(
      toolCallTurn("call_ok", "mcp__filesystem__write_file", { path: allowed, content: "buy bread" }),
      toolCallTurn("call_no", "mcp__filesystem__write_file", { path: denied, content: "x" }),
      textTurn("done"),
    );
    const thread = await loom.rt.startThread({ cwd: root, approvalPolicy: "on-request" });
    await thread.run("write things");
    expect(await readFile(allowed, "utf8")).toBe("buy bread");
    expect(existsSync(denied)).toBe(false);
    expect((await thread.entries()).some((e) => e.kind === "event_msg" && e.payload.type === "elicitation_request")).toBe(false);
    const refused = outputFor(inputItems(loom.server.requests[2]!), "call_no").output;
    expect(refused).toContain("no secrets on disk");
    expect(refused).not.toContain("user rejected MCP tool call");
    // Codex's `notify_mcp_tool_call_skip`: the refused call begins, then ends with the message as its error.
    const mcpEvents = (await thread.entries()).flatMap((e) =>
      e.kind === "event_msg" && (e.payload.type === "mcp_tool_call_begin" || e.payload.type === "mcp_tool_call_end") && (e.payload as any).call_id === "call_no" ? [e.payload as any] : [],
    );
    expect(mcpEvents.map((msg) => [msg.type, msg.result])).toEqual([
      ["mcp_tool_call_begin", undefined],
      ["mcp_tool_call_end", { Err: "no secrets on disk" }],
    ]);

    const seen = await payloads(log);
    expect(seen.map((p) => [p.hook_event_name, p.tool_name, p.tool_input])).toEqual([
      ["PermissionRequest", "mcp__filesystem__write_file", { path: allowed, content: "buy bread" }],
      ["PermissionRequest", "mcp__filesystem__write_file", { path: denied, content: "x" }],
    ]);
  });
});
