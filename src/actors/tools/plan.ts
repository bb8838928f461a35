/** Codex's `update_plan` tool: the model keeps a checklist; each call becomes a `plan_update` event. */
import { z } from "zod";
import { formatIssues } from "../../events/index.js";
import type { ToolHandler } from "./registry.js";
import { outputFor } from "./registry.js";

const PlanArgs = z.object({
  explanation: z.string().nullish(),
  plan: z.array(z.object({ step: z.string(), status: z.enum(["pending", "in_progress", "completed"]) })),
});

export const UPDATE_PLAN_SPEC = {
  type: "function",
  name: "update_plan",
  description: `Updates the task plan.
Provide an optional explanation and a list of plan items, each with a step and status.
At most one step can be in_progress at a time.
`,
  strict: false,
  parameters: {
    type: "object",
    properties: {
      explanation: { type: "string" },
      plan: {
        type: "array",
        description: "The list of steps",
        items: {
          type: "object",
          properties: {
            status: { type: "string", description: "One of: pending, in_progress, completed" },
            step: { type: "string" },
          },
          required: ["step", "status"],
          additionalProperties: false,
        },
      },
    },
    required: ["plan"],
    additionalProperties: false,
  },
} as const;

export const updatePlanTool: ToolHandler = {
  name: "update_plan",
  spec: () => UPDATE_PLAN_SPEC,
  async execute(context) {
    if (context.tools.mode === "plan") {
      return outputFor(context.call, "update_plan is a TODO/checklist tool and is not allowed in Plan mode");
    }
    let raw: unknown;
    try {
      raw = JSON.parse(context.call.input);
    } catch (error) {
      return outputFor(context.call, `failed to parse function arguments: ${(error as Error).message}`);
    }
    const parsed = PlanArgs.safeParse(raw);
    if (!parsed.success) return outputFor(context.call, `failed to parse function arguments: ${formatIssues(parsed.error)}`);
    await context.event({ type: "plan_update", explanation: parsed.data.explanation ?? null, plan: parsed.data.plan });
    return outputFor(context.call, "Plan updated");
  },
};
