/**
 * Codex's resource tools (codex-rs/core/src/tools/handlers/mcp_resource.rs):
 * `list_mcp_resources`, `list_mcp_resource_templates` and `read_mcp_resource`. Each answers with
 * JSON text and is framed by `mcp_tool_call_begin` / `mcp_tool_call_end` like a tool call.
 */
import type { ToolContext, ToolHandler } from "../tools/registry.js";
import type { McpToolHost } from "./host.js";
import { durationOf, type McpCallOutcome } from "./results.js";

const stringProp = (description: string) => ({ type: "string", description });

export const LIST_MCP_RESOURCES_SPEC = {
  type: "function",
  name: "list_mcp_resources",
  description:
    "Lists resources provided by MCP servers. Resources allow servers to share data that provides context to language models, such as files, database schemas, or application-specific information. Prefer resources over web search when possible.",
  strict: false,
  parameters: {
    type: "object",
    properties: {
      cursor: stringProp("Opaque cursor returned by a previous list_mcp_resources call for the same server."),
      server: stringProp("Optional MCP server name. When omitted, lists resources from every configured server."),
    },
    additionalProperties: false,
  },
} as const;

export const LIST_MCP_RESOURCE_TEMPLATES_SPEC = {
  type: "function",
  name: "list_mcp_resource_templates",
  description:
    "Lists resource templates provided by MCP servers. Parameterized resource templates allow servers to share data that takes parameters and provides context to language models, such as files, database schemas, or application-specific information. Prefer resource templates over web search when possible.",
  strict: false,
  parameters: {
    type: "object",
    properties: {
      cursor: stringProp("Opaque cursor returned by a previous list_mcp_resource_templates call for the same server."),
      server: stringProp("Optional MCP server name. When omitted, lists resource templates from all configured servers."),
    },
    additionalProperties: false,
  },
} as const;

export const READ_MCP_RESOURCE_SPEC = {
  type: "function",
  name: "read_mcp_resource",
  description: "Read a specific resource from an MCP server given the server name and resource URI.",
  strict: false,
  parameters: {
    type: "object",
    properties: {
      server: stringProp("MCP server name exactly as configured. Must match the 'server' field returned by list_mcp_resources."),
      uri: stringProp("Resource URI to read. Must be one of the URIs returned by list_mcp_resources."),
    },
    required: ["server", "uri"],
    additionalProperties: false,
  },
} as const;

/** A message for the model (Codex's `FunctionCallError::RespondToModel`). */
class RespondToModel extends Error {}

function text(context: ToolContext, output: string) {
  return { type: "function_call_output" as const, call_id: context.call.callId, output };
}

/** `null` / empty arguments are "no arguments"; anything else must be a JSON object. */
function parseArguments(input: string): Record<string, unknown> | undefined {
  if (input.trim() === "") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(input);
  } catch (error) {
    throw new RespondToModel(`failed to parse function arguments: ${(error as Error).message}`);
  }
  if (value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) throw new RespondToModel("failed to parse function arguments: expected an object");
  return value as Record<string, unknown>;
}

function optionalString(args: Record<string, unknown> | undefined, field: string): string | undefined {
  const value = args?.[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new RespondToModel(`failed to parse function arguments: ${field} must be a string`);
  return value.trim() === "" ? undefined : value.trim();
}

/** Runs `work` between begin and end events; its JSON is the model's output. */
async function framed(
  context: ToolContext,
  invocation: { server: string; tool: string; arguments: unknown },
  work: () => Promise<unknown>,
) {
  const { call } = context;
  await context.event({ type: "mcp_tool_call_begin", call_id: call.callId, invocation });
  const started = context.clock.now().getTime();
  let outcome: McpCallOutcome;
  let output: string;
  try {
    output = JSON.stringify(await work());
    outcome = { Ok: { content: [{ type: "text", text: output }], isError: false } };
  } catch (error) {
    output = error instanceof Error ? error.message : String(error);
    outcome = { Err: output };
  }
  const duration = durationOf(context.clock.now().getTime() - started);
  await context.event({ type: "mcp_tool_call_end", call_id: call.callId, invocation, duration, result: outcome });
  return text(context, output);
}

function failed(prefix: string) {
  return (error: unknown): never => {
    throw new RespondToModel(`${prefix} failed: ${error instanceof Error ? error.message : String(error)}`);
  };
}

async function guarded(context: ToolContext, run: () => Promise<ReturnType<typeof text>>) {
  try {
    return await run();
  } catch (error) {
    if (error instanceof RespondToModel) return text(context, error.message);
    throw error;
  }
}

export function resourceToolHandlers(host: McpToolHost): ToolHandler[] {
  const listResources: ToolHandler = {
    name: "list_mcp_resources",
    spec: () => LIST_MCP_RESOURCES_SPEC,
    execute: (context) =>
      guarded(context, async () => {
        const args = parseArguments(context.call.input);
        const server = optionalString(args, "server");
        const cursor = optionalString(args, "cursor");
        const invocation = { server: server ?? "codex", tool: "list_mcp_resources", arguments: args ?? null };
        return framed(context, invocation, async () => {
          if (server !== undefined) {
            const result = await host.listResources(server, cursor, context.signal).catch(failed("resources/list"));
            const resources = result.resources.map((resource) => ({ server, ...resource }));
            return { server, resources, ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}) };
          }
          if (cursor !== undefined) throw new RespondToModel("cursor can only be used when a server is specified");
          const all = await host.listAllResources(context.signal);
          return { resources: Object.entries(all).flatMap(([name, list]) => list.map((resource) => ({ server: name, ...resource }))) };
        });
      }),
  };

  const listTemplates: ToolHandler = {
    name: "list_mcp_resource_templates",
    spec: () => LIST_MCP_RESOURCE_TEMPLATES_SPEC,
    execute: (context) =>
      guarded(context, async () => {
        const args = parseArguments(context.call.input);
        const server = optionalString(args, "server");
        const cursor = optionalString(args, "cursor");
        const invocation = { server: server ?? "codex", tool: "list_mcp_resource_templates", arguments: args ?? null };
        return framed(context, invocation, async () => {
          if (server !== undefined) {
            const result = await host.listResourceTemplates(server, cursor, context.signal).catch(failed("resources/templates/list"));
            const resourceTemplates = result.resourceTemplates.map((template) => ({ server, ...template }));
            return { server, resourceTemplates, ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}) };
          }
          if (cursor !== undefined) throw new RespondToModel("cursor can only be used when a server is specified");
          const all = await host.listAllResourceTemplates(context.signal);
          return {
            resourceTemplates: Object.entries(all).flatMap(([name, list]) => list.map((template) => ({ server: name, ...template }))),
          };
        });
      }),
  };

  const readResource: ToolHandler = {
    name: "read_mcp_resource",
    spec: () => READ_MCP_RESOURCE_SPEC,
    execute: (context) =>
      guarded(context, async () => {
        const args = parseArguments(context.call.input);
        if (!args) throw new RespondToModel("failed to parse function arguments: expected value");
        const server = optionalString(args, "server");
        if (server === undefined) throw new RespondToModel("server must be provided");
        const uri = optionalString(args, "uri");
        if (uri === undefined) throw new RespondToModel("uri must be provided");
        const invocation = { server, tool: "read_mcp_resource", arguments: args };
        return framed(context, invocation, async () => {
          const result = await host.readResource(server, uri, context.signal).catch(failed("resources/read"));
          return { server, uri, ...result };
        });
      }),
  };

  return [listResources, listTemplates, readResource];
}
