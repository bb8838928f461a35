/**
 * MCP tools as the model sees them: one function per server tool under its qualified name
 * (`mcp__<server>__<tool>`, the server's input schema), and Codex's three resource tools. A call
 * emits `mcp_tool_call_begin` / `mcp_tool_call_end` and returns the result as Codex formats it;
 * a timeout or a lost server comes back as a failed result. Tools that may change things ask first
 * (Codex 0.125's rule on the tool's annotations), through an elicitation-shaped approval request.
 */
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import type { McpToolHost } from "../mcp/host.js";
import type { EventMsg } from "../../events/index.js";
import type { ToolCallRequest } from "../../machines/types.js";
import type { McpToolApprovalMode } from "../mcp/config.js";
import { mcpPromptAutoApproved } from "../mcp/elicitation.js";
import { durationOf, errorResult, modelOutputOf, resultOf, type CallToolResult, type McpCallOutcome } from "../mcp/results.js";
import type { ApprovalContext, ApprovalNeed, ToolContext, ToolHandler } from "./registry.js";
import { resourceToolHandlers } from "../mcp/resource-tools.js";
import { InvalidToolSchemaError, toolInputSchema } from "./dynamic.js";

export type { McpToolHost } from "../mcp/host.js";

export const MCP_TOOL_APPROVAL_PREFIX = "mcp_tool_call_approval";
const DECLINED = "user rejected MCP tool call";

/** A tool whose input schema Codex cannot represent is left out, as Codex does. */
export function mcpToolHandlers(host: McpToolHost): ToolHandler[] {
  const tools = host.tools().flatMap((info) => {
    const spec = specOf(info.qualifiedName, info.tool);
    return spec ? [mcpToolHandler(host, info, spec)] : [];
  });
  return [...tools, ...resourceToolHandlers(host)];
}

/**
 * Codex's `mcp_tool_to_responses_api_tool`: the input schema gets `properties` when it has none,
 * then goes through the same sanitizing as host tools (`parse_tool_input_schema`).
 */
function specOf(qualifiedName: string, tool: Tool): unknown | undefined {
  const schema: Record<string, unknown> = { ...(tool.inputSchema as Record<string, unknown>) };
  if (schema.properties === undefined || schema.properties === null) schema.properties = {};
  let parameters: unknown;
  try {
    parameters = toolInputSchema(schema);
  } catch (error) {
    if (error instanceof InvalidToolSchemaError) return undefined;
    throw error;
  }
  return { type: "function", name: qualifiedName, description: tool.description ?? "", strict: false, parameters };
}

/** Codex's `requires_mcp_tool_approval`: unless a tool says it is read-only or harmless, ask. */
export function requiresMcpToolApproval(annotations: Tool["annotations"]): boolean {
  if (annotations?.destructiveHint === true) return true;
  if (annotations?.readOnlyHint === true) return false;
  return (annotations?.destructiveHint ?? true) || (annotations?.openWorldHint ?? true);
}

function mcpToolHandler(host: McpToolHost, info: { qualifiedName: string; server: string; tool: Tool }, spec: unknown): ToolHandler {
  const { server, tool } = info;
  return {
    name: info.qualifiedName,
    spec: () => spec,
    approval: (context) => approvalNeed(host, server, tool, context),
    deniedOutput: () => modelOutputText(errorResult(DECLINED)),
    // Codex's `McpToolApprovalDecision::Decline { message }`: the hook's message as the error result.
    rejectedOutput: (_call, message) => modelOutputText(errorResult(message)),
    // Codex's `notify_mcp_tool_call_skip` after its begin: the end carries the refusal as its error.
    declinedEvents(context, message) {
      const args = argumentsOf(context.call);
      if (!args.ok) return [];
      const invocation = { server, tool: tool.name, arguments: args.value ?? null };
      return [
        { type: "mcp_tool_call_begin", call_id: context.call.callId, invocation },
        { type: "mcp_tool_call_end", call_id: context.call.callId, invocation, duration: durationOf(0), result: { Err: message ?? DECLINED } },
      ];
    },
    async execute(context) {
      const { call } = context;
      const parsed = argumentsOf(call);
      // Codex answers without begin/end events when the arguments are not JSON.
      if (!parsed.ok) return { type: "function_call_output", call_id: call.callId, output: modelOutputOf(errorResult(`err: ${parsed.message}`), 0) };
      const args = parsed.value;
      const invocation = { server, tool: tool.name, arguments: args ?? null };
      await context.event({ type: "mcp_tool_call_begin", call_id: call.callId, invocation });
      const started = context.clock.now().getTime();
      const outcome = await callOutcome(host, context, server, tool.name, args);
      const elapsed = context.clock.now().getTime() - started;
      await context.event({ type: "mcp_tool_call_end", call_id: call.callId, invocation, duration: durationOf(elapsed), result: outcome });
      return { type: "function_call_output", call_id: call.callId, output: modelOutputOf(resultOf(outcome), elapsed) };
    },
  };
}

/** The call's arguments as JSON (none when empty), or why they do not parse. */
function argumentsOf(call: ToolCallRequest): { ok: true; value: unknown } | { ok: false; message: string } {
  if (call.input.trim() === "") return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(call.input) };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

async function callOutcome(host: McpToolHost, context: ToolContext, server: string, tool: string, args: unknown): Promise<McpCallOutcome> {
  if (args !== undefined && (args === null || typeof args !== "object" || Array.isArray(args))) {
    return { Err: `tool call error: MCP tool arguments must be a JSON object, got ${JSON.stringify(args)}` };
  }
  try {
    return { Ok: await host.callTool(server, tool, args as Record<string, unknown> | undefined, context.signal) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    // anyhow's debug format, as Codex prints it: the context, then the cause.
    return { Err: `tool call error: tool call failed for \`${server}/${tool}\`\n\nCaused by:\n    ${reason}` };
  }
}

function modelOutputText(result: CallToolResult): string {
  const body = modelOutputOf(result, 0);
  return typeof body === "string" ? body : JSON.stringify(body);
}

/** Codex 0.125's `maybe_request_mcp_tool_approval`, with the prompt as an elicitation. */
function approvalNeed(host: McpToolHost, server: string, tool: Tool, context: ApprovalContext): ApprovalNeed {
  const { approvalPolicy, sandboxPolicy } = context.settings;
  if (mcpPromptAutoApproved(approvalPolicy, sandboxPolicy)) return { type: "run" };
  const mode = host.approvalMode(server, tool.name);
  if (!requiresMcpToolApproval(tool.annotations) && mode !== "prompt") return { type: "run" };
  if (mode === "approve") return { type: "run" };
  if (mode === "auto" && host.isApprovedForSession(server, tool.name)) return { type: "run" };
  const requestId = `${MCP_TOOL_APPROVAL_PREFIX}_${context.call.callId}`;
  host.noteApprovalRequest(server, requestId, tool.name);
  return { type: "ask", request: approvalRequestEvent(server, tool, context, requestId, mode) };
}

function approvalRequestEvent(server: string, tool: Tool, context: ApprovalContext, requestId: string, mode: McpToolApprovalMode): EventMsg {
  const message = `Allow the ${server} MCP server to run tool "${tool.name}"?`;
  let args: unknown;
  try {
    args = context.call.input.trim() === "" ? undefined : JSON.parse(context.call.input);
  } catch {
    args = undefined;
  }
  const meta: Record<string, unknown> = { codex_approval_kind: "mcp_tool_call" };
  // "Allow for this session" (and Codex's "always", kept for the session here) in auto mode only.
  if (mode === "auto") meta.persist = ["session", "always"];
  if (tool.title) meta.tool_title = tool.title;
  if (tool.description) meta.tool_description = tool.description;
  if (args !== undefined) meta.tool_params = args;
  if (args && typeof args === "object" && !Array.isArray(args)) {
    meta.tool_params_display = Object.keys(args)
      .sort()
      .map((name) => ({ name, value: (args as Record<string, unknown>)[name], display_name: name }));
  }
  const requestedSchema = { type: "object", properties: {} };
  return {
    type: "elicitation_request",
    turn_id: context.turnId,
    server_name: server,
    id: requestId,
    message,
    requested_schema: requestedSchema,
    request: { mode: "form", _meta: meta, message, requested_schema: requestedSchema },
    // Loom: the tool call this approval gates (the answer is routed to it).
    call_id: context.call.callId,
  };
}
