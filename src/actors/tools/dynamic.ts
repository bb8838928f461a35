/**
 * Host tools: functions the embedding declares when a thread starts (`DynamicToolSpec`) and runs
 * itself. A call emits `dynamic_tool_call_request`; the host answers with the
 * `dynamic_tool_response` op, which is recorded as `dynamic_tool_call_response` and becomes the
 * call's output. Specs reach the model as Codex sends them: input schemas reduced to the JSON
 * Schema subset Codex supports, and tools sharing a namespace grouped into one namespace tool.
 */
import { z } from "zod";
import { formatIssues, type DynamicToolSpec, type ToolOutputBody } from "../../events/index.js";
import type { ToolHandler } from "./registry.js";
import { outputFor } from "./registry.js";
import { durationOf } from "./shell.js";
import { requestAndWait } from "./user-input.js";

/** A host tool's input schema that Codex's `parse_tool_input_schema` would refuse. */
export class InvalidToolSchemaError extends Error {
  override readonly name = "InvalidToolSchemaError";
}

type SchemaObject = Record<string, unknown>;

const PRIMITIVES = new Set(["string", "number", "boolean", "integer", "object", "array", "null"]);
const NUMBER_HINTS = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"];

const isObject = (value: unknown): value is SchemaObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function schemaTypes(map: SchemaObject): string[] {
  const type = map.type;
  if (typeof type === "string") return PRIMITIVES.has(type) ? [type] : [];
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === "string" && PRIMITIVES.has(t));
  return [];
}

/**
 * Codex's `sanitize_json_schema`: boolean schemas become strings, `const` becomes a one-value
 * `enum`, a missing `type` is inferred from the keywords present (string when nothing says), and
 * objects and arrays get permissive `properties` / `items` when they lack them.
 */
function sanitize(value: unknown): unknown {
  if (typeof value === "boolean") return { type: "string" };
  if (Array.isArray(value)) return value.map(sanitize);
  if (!isObject(value)) return value;
  const map: SchemaObject = { ...value };
  if (isObject(map.properties)) {
    map.properties = Object.fromEntries(Object.entries(map.properties).map(([k, v]) => [k, sanitize(v)]));
  }
  if ("items" in map) map.items = sanitize(map.items);
  if ("additionalProperties" in map && typeof map.additionalProperties !== "boolean") {
    map.additionalProperties = sanitize(map.additionalProperties);
  }
  if ("prefixItems" in map) map.prefixItems = sanitize(map.prefixItems);
  if ("anyOf" in map) map.anyOf = sanitize(map.anyOf);
  if ("const" in map) {
    map.enum = [map.const];
    delete map.const;
  }
  const types = schemaTypes(map);
  if (types.length === 0 && "anyOf" in map) return map;
  if (types.length === 0) {
    if ("properties" in map || "required" in map || "additionalProperties" in map) types.push("object");
    else if ("items" in map || "prefixItems" in map) types.push("array");
    else if ("enum" in map || "format" in map) types.push("string");
    else if (NUMBER_HINTS.some((key) => key in map)) types.push("number");
    else types.push("string");
  }
  map.type = types.length === 1 ? types[0] : types;
  if (types.includes("object") && !("properties" in map)) map.properties = {};
  if (types.includes("array") && !("items" in map)) map.items = { type: "string" };
  return map;
}

// BTreeMap<String, _> order: by UTF-8 bytes.
const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/**
 * The sanitized schema as Codex's `JsonSchema` struct reads and writes it: only `type`,
 * `description`, `enum`, `items`, `properties` (sorted), `required`, `additionalProperties` and
 * `anyOf`, in that order; a keyword of the wrong shape makes the whole schema invalid.
 */
function project(value: unknown, at: string): SchemaObject {
  if (!isObject(value)) throw new InvalidToolSchemaError(`${at}: expected a schema object`);
  const out: SchemaObject = {};
  const present = (key: string) => value[key] !== undefined && value[key] !== null;
  if (present("type")) {
    const type = value.type;
    const valid = typeof type === "string" ? PRIMITIVES.has(type) : Array.isArray(type) && type.every((t) => PRIMITIVES.has(t as string));
    if (!valid) throw new InvalidToolSchemaError(`${at}.type: unsupported type ${JSON.stringify(type)}`);
    out.type = type;
  }
  if (present("description")) {
    if (typeof value.description !== "string") throw new InvalidToolSchemaError(`${at}.description: expected a string`);
    out.description = value.description;
  }
  if (present("enum")) {
    if (!Array.isArray(value.enum)) throw new InvalidToolSchemaError(`${at}.enum: expected an array`);
    out.enum = value.enum;
  }
  if (present("items")) out.items = project(value.items, `${at}.items`);
  if (present("properties")) {
    if (!isObject(value.properties)) throw new InvalidToolSchemaError(`${at}.properties: expected an object`);
    const props = value.properties;
    out.properties = Object.fromEntries(
      Object.keys(props).sort(byBytes).map((key) => [key, project(props[key], `${at}.properties.${key}`)]),
    );
  }
  if (present("required")) {
    const required = value.required;
    if (!Array.isArray(required) || !required.every((r) => typeof r === "string")) {
      throw new InvalidToolSchemaError(`${at}.required: expected an array of strings`);
    }
    out.required = required;
  }
  if (present("additionalProperties")) {
    const extra = value.additionalProperties;
    out.additionalProperties = typeof extra === "boolean" ? extra : project(extra, `${at}.additionalProperties`);
  }
  if (present("anyOf")) {
    if (!Array.isArray(value.anyOf)) throw new InvalidToolSchemaError(`${at}.anyOf: expected an array`);
    out.anyOf = value.anyOf.map((variant, i) => project(variant, `${at}.anyOf.${i}`));
  }
  return out;
}

/** Codex's `parse_tool_input_schema`: the schema the model is given for a host tool's arguments. */
export function toolInputSchema(inputSchema: unknown): SchemaObject {
  const schema = project(sanitize(inputSchema), "inputSchema");
  if (schema.type === "null") throw new InvalidToolSchemaError("tool input schema must not be a singleton null type");
  return schema;
}

/** Whether the tool is only reachable through tool search (`deferLoading`, or legacy `exposeToContext: false`). */
function defersLoading(spec: DynamicToolSpec): boolean {
  return spec.deferLoading ?? (spec as { exposeToContext?: unknown }).exposeToContext === false;
}

/** The function tool entry for one host tool (`dynamic_tool_to_responses_api_tool`). */
export function dynamicFunctionSpec(spec: DynamicToolSpec): SchemaObject {
  return {
    type: "function",
    name: spec.name,
    description: spec.description,
    strict: false,
    ...(defersLoading(spec) ? { defer_loading: true } : {}),
    parameters: toolInputSchema(spec.inputSchema),
  };
}

/** What the host may answer with: Codex's camelCase items, or the Responses API's snake_case ones. */
const HostContentItem = z.union([
  z.object({ type: z.literal("inputText"), text: z.string() }),
  z.object({ type: z.literal("input_text"), text: z.string() }),
  z.object({ type: z.literal("inputImage"), imageUrl: z.string() }),
  z.object({ type: z.literal("input_image"), image_url: z.string() }),
]);
const HostResponse = z.object({ content_items: z.array(HostContentItem), success: z.boolean() });

const CANCELLED = "dynamic tool call was cancelled before receiving a response";

/** The output body Codex builds: one text item is plain text, anything else a list of parts. */
function outputBody(items: z.infer<typeof HostContentItem>[]): ToolOutputBody {
  const parts = items.map((item) => {
    if (item.type === "inputText" || item.type === "input_text") return { type: "input_text" as const, text: item.text };
    // Codex sends host images at its default detail.
    const imageUrl = item.type === "inputImage" ? item.imageUrl : item.image_url;
    return { type: "input_image" as const, image_url: imageUrl, detail: "high" };
  });
  return parts.length === 1 && parts[0]!.type === "input_text" ? parts[0]!.text : parts;
}

function dynamicToolHandler(spec: DynamicToolSpec, toolSpec: unknown): ToolHandler {
  const namespace = spec.namespace ?? null;
  return {
    name: spec.name,
    spec: () => toolSpec,
    async execute(context) {
      const { call, turnId } = context;
      const startedAt = context.clock.now().getTime();
      if (call.kind !== "function") return outputFor(call, "dynamic tool handler received unsupported payload");
      let args: unknown;
      try {
        args = JSON.parse(call.input);
      } catch (error) {
        return outputFor(call, `failed to parse function arguments: ${(error as Error).message}`);
      }
      const request = { type: "dynamic_tool_call_request" as const, callId: call.callId, turnId, namespace, tool: spec.name, arguments: args };
      const waited = await requestAndWait(context, call.callId, request, startedAt, CANCELLED);
      const parsed = waited.answered ? HostResponse.safeParse((waited.op as { response?: unknown }).response) : undefined;
      const error = !waited.answered
        ? CANCELLED
        : parsed?.success
          ? null
          : `invalid dynamic tool response: ${formatIssues(parsed!.error!)}`;
      // Not awaited: the call's output is recorded after it, and the turn waits for that one.
      void context.event({
        type: "dynamic_tool_call_response",
        call_id: call.callId,
        turn_id: turnId,
        namespace,
        tool: spec.name,
        arguments: args,
        content_items: parsed?.success ? parsed.data.content_items : [],
        success: parsed?.success ? parsed.data.success : false,
        error,
        duration: durationOf(context.clock.now().getTime() - startedAt),
      }).catch(() => undefined);
      if (!waited.answered) return outputFor(call, waited.message);
      if (!parsed?.success) return outputFor(call, error!);
      return { type: "function_call_output", call_id: call.callId, output: outputBody(parsed.data.content_items) };
    },
  };
}

/**
 * One handler per host tool, named as the model calls it. Tools of one namespace are offered as a
 * single namespace tool (by the first of them); a tool whose schema Codex would refuse is left out,
 * as Codex leaves it out.
 */
export function dynamicToolHandlers(specs: readonly DynamicToolSpec[] = []): ToolHandler[] {
  const handlers: ToolHandler[] = [];
  const namespaces = new Map<string, { type: "namespace"; name: string; description: string; tools: unknown[] }>();
  for (const spec of specs) {
    let fn: SchemaObject;
    try {
      fn = dynamicFunctionSpec(spec);
    } catch (error) {
      if (error instanceof InvalidToolSchemaError) continue;
      throw error;
    }
    if (!spec.namespace) {
      handlers.push(dynamicToolHandler(spec, fn));
      continue;
    }
    const existing = namespaces.get(spec.namespace);
    if (existing) {
      existing.tools.push(fn);
      handlers.push(dynamicToolHandler(spec, undefined));
    } else {
      const group = { type: "namespace" as const, name: spec.namespace, description: `Tools in the ${spec.namespace} namespace.`, tools: [fn] };
      namespaces.set(spec.namespace, group);
      handlers.push(dynamicToolHandler(spec, group));
    }
  }
  return handlers;
}
