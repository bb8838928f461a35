// The pure rules of the MCP client, ported from Codex's own tests where it has them
// (codex-rs/codex-mcp/src/mcp_connection_manager_tests.rs): qualified names, tool filters,
// configuration, approval need, elicitation policy and result formatting.
import { describe, expect, it } from "vitest";
import {
  DEFAULT_STARTUP_TIMEOUT_MS,
  DEFAULT_TOOL_TIMEOUT_MS,
  elicitationPolicyAnswer,
  modelOutputOf,
  qualifyToolNames,
  resolveMcpServers,
  toolAllowed,
} from "../../src/actors/mcp/index.js";
import { requiresMcpToolApproval } from "../../src/actors/tools/mcp.js";

const VALID = /^[A-Za-z0-9_]+$/;
const names = (tools: [string, string][]) => qualifyToolNames(tools.map(([server, tool]) => ({ server, tool })));

describe("qualified tool names", () => {
  it("joins server and tool as mcp__server__tool", () => {
    expect(names([["server1", "tool1"], ["server1", "tool2"]]).map((q) => q.qualifiedName)).toEqual(["mcp__server1__tool1", "mcp__server1__tool2"]);
  });

  it("skips exact duplicates", () => {
    expect(names([["server1", "duplicate_tool"], ["server1", "duplicate_tool"]]).map((q) => q.qualifiedName)).toEqual(["mcp__server1__duplicate_tool"]);
  });

  it("sanitizes to letters, digits and underscores but keeps the raw names for the call", () => {
    expect(names([["server.one", "tool.two-three"]])).toEqual([{ server: "server.one", tool: "tool.two-three", qualifiedName: "mcp__server_one__tool_two_three" }]);
    expect(names([["music-studio", "get-strudel-guide"]])[0]!.qualifiedName).toBe("mcp__music_studio__get_strudel_guide");
  });

  it("cuts long names to 64 characters with a hash, keeping them unique", () => {
    const qualified = names([
      ["my_server", "extremely_lengthy_function_name_that_absolutely_surpasses_all_reasonable_limits"],
      ["my_server", "yet_another_extremely_lengthy_function_name_that_absolutely_surpasses_all_reasonable_limits"],
    ]).map((q) => q.qualifiedName);
    expect(new Set(qualified).size).toBe(2);
    for (const name of qualified) {
      expect(name).toHaveLength(64);
      expect(name.startsWith("mcp__my_server__")).toBe(true);
      expect(name).toMatch(/_[0-9a-f]{12}$/);
      expect(name).toMatch(VALID);
    }
  });

  it("gives servers whose names sanitize alike different hashed namespaces", () => {
    const qualified = names([["basic-server", "lookup"], ["basic_server", "query"]]);
    expect(new Set(qualified.map((q) => q.server))).toEqual(new Set(["basic-server", "basic_server"]));
    for (const q of qualified) expect(q.qualifiedName).toMatch(/^mcp__basic_server_[0-9a-f]{12}__(lookup|query)$/);
  });

  it("gives tools whose names sanitize alike different hashed names", () => {
    const qualified = names([["server", "tool-name"], ["server", "tool_name"]]);
    expect(new Set(qualified.map((q) => q.qualifiedName)).size).toBe(2);
    for (const q of qualified) expect(q.qualifiedName).toMatch(/^mcp__server__tool_name_[0-9a-f]{12}$/);
  });
});

describe("configuration", () => {
  it("reads a stdio and an HTTP server with Codex's defaults, skipping disabled ones", () => {
    const { servers, invalid } = resolveMcpServers(
      {
        local: { command: "node", args: ["server.js"], env: { A: "1" }, cwd: "sub" },
        remote: { url: "http://127.0.0.1:9/mcp", startup_timeout_sec: 2.5, tool_timeout_sec: 7, required: true },
        off: { command: "node", enabled: false },
      },
      "/work",
    );
    expect(invalid).toEqual([]);
    expect(servers.map((s) => s.name)).toEqual(["local", "remote"]);
    expect(servers[0]).toMatchObject({
      transport: { type: "stdio", command: "node", args: ["server.js"], env: { A: "1" }, cwd: "/work/sub" },
      required: false,
      startupTimeoutMs: DEFAULT_STARTUP_TIMEOUT_MS,
      toolTimeoutMs: DEFAULT_TOOL_TIMEOUT_MS,
    });
    expect(servers[1]).toMatchObject({ transport: { type: "streamable_http", url: "http://127.0.0.1:9/mcp" }, required: true, startupTimeoutMs: 2500, toolTimeoutMs: 7000 });
  });

  it("reports unusable servers by name, with whether they were required", () => {
    const { servers, invalid } = resolveMcpServers(
      {
        none: { required: true },
        both: { command: "x", url: "http://127.0.0.1:9/mcp" },
        "bad name": { command: "x" },
        wrong: { command: "x", args: "not-a-list" as unknown as string[] },
      },
      "/",
    );
    expect(servers).toEqual([]);
    expect(invalid.map(({ error, required }) => [error.server, error.message, required])).toEqual([
      ["bad name", "Invalid MCP server name 'bad name': must match pattern ^[a-zA-Z0-9_-]+$", false],
      ["both", "mcp_servers.both: url is not supported for stdio", false],
      ["none", "mcp_servers.none: invalid transport (set `command` or `url`)", true],
      ["wrong", "mcp_servers.wrong.args must be an array of strings", false],
    ]);
  });

  it("filters tools by enabled_tools, then disabled_tools", () => {
    const [server] = resolveMcpServers({ s: { command: "x", enabled_tools: ["keep", "remove"], disabled_tools: ["remove"] } }, "/").servers;
    expect(["keep", "remove", "unknown"].map((tool) => toolAllowed(server!, tool))).toEqual([true, false, false]);
  });
});

describe("approval need", () => {
  it("follows Codex's annotation rule", () => {
    expect(requiresMcpToolApproval(undefined)).toBe(true);
    expect(requiresMcpToolApproval({ readOnlyHint: true })).toBe(false);
    expect(requiresMcpToolApproval({ readOnlyHint: true, destructiveHint: true })).toBe(true);
    expect(requiresMcpToolApproval({ destructiveHint: false, openWorldHint: false })).toBe(false);
    expect(requiresMcpToolApproval({ destructiveHint: false })).toBe(true);
  });
});

describe("elicitation policy", () => {
  const form = (properties: Record<string, unknown>) => ({ message: "?", requestedSchema: { type: "object" as const, properties } }) as any;
  it("declines under never and granular without mcp_elicitations, asks otherwise", () => {
    expect(elicitationPolicyAnswer(form({ a: { type: "string" } }), "never", { type: "workspace-write" })).toEqual({ action: "decline" });
    expect(elicitationPolicyAnswer(form({}), { granular: { mcp_elicitations: false } }, { type: "read-only" })).toEqual({ action: "decline" });
    expect(elicitationPolicyAnswer(form({}), { granular: { mcp_elicitations: true } }, { type: "read-only" })).toBeUndefined();
    expect(elicitationPolicyAnswer(form({ a: { type: "string" } }), "on-request", { type: "workspace-write" })).toBeUndefined();
  });

  it("accepts an empty form under never with full access", () => {
    expect(elicitationPolicyAnswer(form({}), "never", { type: "danger-full-access" })).toEqual({ action: "accept", content: {} });
    expect(elicitationPolicyAnswer(form({ a: { type: "string" } }), "never", { type: "danger-full-access" })).toEqual({ action: "decline" });
  });
});

describe("model output", () => {
  it("prefers structured content, then text content as JSON, then items when an image is present", () => {
    expect(modelOutputOf({ content: [{ type: "text", text: "x" }], structuredContent: { a: 1 } }, 1234)).toBe('Wall time: 1.2340 seconds\nOutput:\n{"a":1}');
    expect(modelOutputOf({ content: [{ type: "text", text: "x" }] }, 0)).toBe('Wall time: 0.0000 seconds\nOutput:\n[{"type":"text","text":"x"}]');
    expect(modelOutputOf({ content: [{ type: "image", data: "AAAA", mimeType: "image/png" }, { type: "audio", data: "" }] }, 500)).toEqual([
      { type: "input_text", text: "Wall time: 0.5000 seconds\nOutput:" },
      { type: "input_image", image_url: "data:image/png;base64,AAAA", detail: "high" },
      { type: "input_text", text: '{"type":"audio","data":""}' },
    ]);
  });
});
