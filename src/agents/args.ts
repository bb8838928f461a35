/**
 * The agent tools' arguments, parsed as Codex parses them (serde with defaults), and Codex's checks
 * of them: message or items (not both, not empty), and the input preview its events carry.
 */
import { z } from "zod";
import { formatIssues, ReasoningEffort, UserInputItem } from "../events/index.js";
import { AgentToolError } from "./control.js";

export const SpawnArgs = z.object({
  message: z.string().nullish(),
  items: z.array(UserInputItem).nullish(),
  agent_type: z.string().nullish(),
  model: z.string().nullish(),
  reasoning_effort: ReasoningEffort.nullish(),
  fork_context: z.boolean().nullish(),
});
export type SpawnArgs = z.infer<typeof SpawnArgs>;

export const SendInputArgs = z.object({
  target: z.string(),
  message: z.string().nullish(),
  items: z.array(UserInputItem).nullish(),
  interrupt: z.boolean().nullish(),
});
export type SendInputArgs = z.infer<typeof SendInputArgs>;

export const WaitArgs = z.object({ targets: z.array(z.string()).nullish(), timeout_ms: z.number().int().nullish() });
export type WaitArgs = z.infer<typeof WaitArgs>;

export const CloseArgs = z.object({ target: z.string() });
export type CloseArgs = z.infer<typeof CloseArgs>;

export const ResumeArgs = z.object({ id: z.string() });
export type ResumeArgs = z.infer<typeof ResumeArgs>;

/** Parses a call's JSON arguments, or throws Codex's "failed to parse function arguments" refusal. */
export function parseArgs<T>(schema: z.ZodType<T>, input: string): T {
  let raw: unknown;
  try {
    raw = JSON.parse(input);
  } catch (error) {
    throw new AgentToolError(`failed to parse function arguments: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new AgentToolError(`failed to parse function arguments: ${formatIssues(parsed.error)}`);
  return parsed.data;
}

/** Codex's `parse_collab_input`: the input a message or items make. */
export function collabInput(message: string | null | undefined, items: UserInputItem[] | null | undefined): UserInputItem[] {
  if (message != null && items != null) throw new AgentToolError("Provide either message or items, but not both");
  if (message == null && items == null) throw new AgentToolError("Provide one of: message or items");
  if (message != null) {
    if (message.trim() === "") throw new AgentToolError("Empty message can't be sent to an agent");
    return [{ type: "text", text: message, text_elements: [] }];
  }
  if (items!.length === 0) throw new AgentToolError("Items can't be empty");
  return items!;
}

/** Codex's `render_input_preview`: the prompt the collab events show. */
export function inputPreview(items: readonly UserInputItem[]): string {
  return items
    .map((item) => {
      switch (item.type) {
        case "text":
          return item.text;
        case "image":
          return "[image]";
        case "local_image":
          return `[local_image:${item.path}]`;
        case "skill":
          return `[skill:$${item.name}](${item.path})`;
        case "mention":
          return `[mention:$${item.name}](${item.path})`;
      }
    })
    .join("\n");
}

/** Codex's `parse_agent_id_targets`: at least one id. */
export function waitTargets(targets: string[] | null | undefined): string[] {
  if (!targets || targets.length === 0) throw new AgentToolError("agent ids must be non-empty");
  return targets;
}
