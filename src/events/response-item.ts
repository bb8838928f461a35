/**
 * `ResponseItem`: the model-visible history, exactly the Responses API JSON as Codex stores it
 * (codex-core.md §3). Objects are loose: fields we do not model are kept, never dropped.
 */
import { z } from "zod";
import { parseTagged, unionOf } from "./tagged.js";

export const ContentItem = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("input_text"), text: z.string() }),
  z.looseObject({
    type: z.literal("input_image"),
    image_url: z.string(),
    detail: z.enum(["auto", "low", "high", "original"]).optional(),
  }),
  z.looseObject({ type: z.literal("output_text"), text: z.string() }),
]);
export type ContentItem = z.infer<typeof ContentItem>;

/** A tool output is a string or a list of text/image parts. */
export const ToolOutputBody = z.union([
  z.string(),
  z.array(
    z.discriminatedUnion("type", [
      z.looseObject({ type: z.literal("input_text"), text: z.string() }),
      z.looseObject({ type: z.literal("input_image"), image_url: z.string(), detail: z.string().optional() }),
    ]),
  ),
]);
export type ToolOutputBody = z.infer<typeof ToolOutputBody>;

export const MessageItem = z.looseObject({
  type: z.literal("message"),
  id: z.string().optional(),
  role: z.enum(["user", "assistant", "developer", "system"]),
  content: z.array(ContentItem),
  end_turn: z.boolean().optional(),
  phase: z.enum(["commentary", "final_answer"]).optional(),
});
export type MessageItem = z.infer<typeof MessageItem>;

export const ReasoningItem = z.looseObject({
  type: z.literal("reasoning"),
  id: z.string().optional(),
  summary: z.array(z.looseObject({ type: z.string(), text: z.string() })),
  content: z.array(z.looseObject({ type: z.string(), text: z.string() })).nullish(),
  encrypted_content: z.string().nullish(),
});
export type ReasoningItem = z.infer<typeof ReasoningItem>;

export const LocalShellCallItem = z.looseObject({
  type: z.literal("local_shell_call"),
  id: z.string().optional(),
  call_id: z.string().nullish(),
  status: z.enum(["completed", "in_progress", "incomplete"]),
  action: z.looseObject({
    type: z.literal("exec"),
    command: z.array(z.string()),
    timeout_ms: z.number().nullish(),
    working_directory: z.string().nullish(),
    env: z.record(z.string(), z.string()).nullish(),
    user: z.string().nullish(),
  }),
});

export const FunctionCallItem = z.looseObject({
  type: z.literal("function_call"),
  id: z.string().optional(),
  name: z.string(),
  namespace: z.string().optional(),
  arguments: z.string(),
  call_id: z.string(),
});
export type FunctionCallItem = z.infer<typeof FunctionCallItem>;

export const FunctionCallOutputItem = z.looseObject({
  type: z.literal("function_call_output"),
  call_id: z.string(),
  output: ToolOutputBody,
});
export type FunctionCallOutputItem = z.infer<typeof FunctionCallOutputItem>;

export const CustomToolCallItem = z.looseObject({
  type: z.literal("custom_tool_call"),
  id: z.string().optional(),
  status: z.string().optional(),
  call_id: z.string(),
  name: z.string(),
  input: z.string(),
});
export type CustomToolCallItem = z.infer<typeof CustomToolCallItem>;

export const CustomToolCallOutputItem = z.looseObject({
  type: z.literal("custom_tool_call_output"),
  call_id: z.string(),
  name: z.string().optional(),
  output: ToolOutputBody,
});
export type CustomToolCallOutputItem = z.infer<typeof CustomToolCallOutputItem>;

const ToolSearchCallItem = z.looseObject({
  type: z.literal("tool_search_call"),
  call_id: z.string().nullish(),
  status: z.string().optional(),
  execution: z.unknown(),
  arguments: z.unknown(),
});
const ToolSearchOutputItem = z.looseObject({
  type: z.literal("tool_search_output"),
  call_id: z.string().nullish(),
  status: z.string(),
  execution: z.unknown(),
  tools: z.array(z.unknown()),
});
const WebSearchCallItem = z.looseObject({
  type: z.literal("web_search_call"),
  status: z.string().optional(),
  action: z.looseObject({ type: z.string() }).optional(),
});
const ImageGenerationCallItem = z.looseObject({
  type: z.literal("image_generation_call"),
  id: z.string(),
  status: z.string(),
  revised_prompt: z.string().nullish(),
  result: z.string(),
});
const GhostSnapshotItem = z.looseObject({ type: z.literal("ghost_snapshot"), ghost_commit: z.unknown() });
const CompactionItem = z.looseObject({ type: z.literal("compaction"), encrypted_content: z.string() });
const CompactionSummaryItem = z.looseObject({ type: z.literal("compaction_summary"), encrypted_content: z.string() });

export const ResponseItemSchemas = {
  message: MessageItem,
  reasoning: ReasoningItem,
  local_shell_call: LocalShellCallItem,
  function_call: FunctionCallItem,
  function_call_output: FunctionCallOutputItem,
  custom_tool_call: CustomToolCallItem,
  custom_tool_call_output: CustomToolCallOutputItem,
  tool_search_call: ToolSearchCallItem,
  tool_search_output: ToolSearchOutputItem,
  web_search_call: WebSearchCallItem,
  image_generation_call: ImageGenerationCallItem,
  ghost_snapshot: GhostSnapshotItem,
  compaction: CompactionItem,
  compaction_summary: CompactionSummaryItem,
};

export const ResponseItem = unionOf(ResponseItemSchemas);
export type ResponseItem = z.infer<typeof ResponseItem>;

export function parseResponseItem(value: unknown): ResponseItem {
  return parseTagged<ResponseItem>(ResponseItemSchemas, value, "response item");
}
