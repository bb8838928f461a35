/** The port the MCP tool handlers call: what they need from the MCP manager (implemented by `McpManager`). */
import type { Resource, ResourceTemplate, Tool } from "@modelcontextprotocol/sdk/types.js";
import type { McpToolApprovalMode } from "./config.js";
import type { CallToolResult } from "./results.js";

/** What the handlers need from the MCP manager (implemented by `McpManager`). */
export interface McpToolHost {
  tools(): readonly { qualifiedName: string; server: string; tool: Tool }[];
  readonly serverNames: string[];
  callTool(server: string, tool: string, args: Record<string, unknown> | undefined, signal?: AbortSignal): Promise<CallToolResult>;
  listResources(server: string, cursor?: string, signal?: AbortSignal): Promise<{ resources: Resource[]; nextCursor?: string }>;
  listResourceTemplates(server: string, cursor?: string, signal?: AbortSignal): Promise<{ resourceTemplates: ResourceTemplate[]; nextCursor?: string }>;
  readResource(server: string, uri: string, signal?: AbortSignal): Promise<Record<string, unknown>>;
  listAllResources(signal?: AbortSignal): Promise<Record<string, Resource[]>>;
  listAllResourceTemplates(signal?: AbortSignal): Promise<Record<string, ResourceTemplate[]>>;
  approvalMode(server: string, tool: string): McpToolApprovalMode;
  isApprovedForSession(server: string, tool: string): boolean;
  noteApprovalRequest(server: string, requestId: string, tool: string): void;
}
