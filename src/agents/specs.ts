/**
 * The five agent tools as Codex 0.125 offers them (`create_*_tool_v1` in codex-rs/tools/src/agent_tool.rs):
 * spawn_agent, send_input, resume_agent, wait_agent, close_agent. Texts are Codex's byte for byte;
 * spawn_agent's description lists the catalog's models the way Codex lists its picker models.
 */
import { BUNDLED_MODELS } from "../context/catalog/bundled.js";
import type { CatalogModel } from "../context/catalog/types.js";
import { agentTypeDescription } from "./roles.js";

/** wait_agent's timeout bounds (Codex's `MIN/DEFAULT/MAX_WAIT_TIMEOUT_MS`). */
export const WAIT_TIMEOUT = { defaultMs: 30_000, minMs: 10_000, maxMs: 3_600_000 } as const;

const INHERITED_MODEL_GUIDANCE =
  "Spawned agents inherit your current model by default. Omit `model` to use that preferred default; set `model` only when an explicit override is needed.";
const MODEL_OVERRIDE_DESCRIPTION =
  "Optional model override for the new agent. Leave unset to inherit the same model as the parent, which is the preferred default. Only set this when the user explicitly asks for a different model or the task clearly requires one.";

const USAGE_HINT = `This spawn_agent tool provides you access to sub-agents that inherit your current model by default. Do not set the \`model\` field unless the user explicitly asks for a different model or there is a clear task-specific reason. You should follow the rules and guidelines below to use this tool.

Only use \`spawn_agent\` if and only if the user explicitly asks for sub-agents, delegation, or parallel agent work.
Requests for depth, thoroughness, research, investigation, or detailed codebase analysis do not count as permission to spawn.
Agent-role guidance below only helps choose which agent to use after spawning is already authorized; it never authorizes spawning by itself.

### When to delegate vs. do the subtask yourself
- First, quickly analyze the overall user task and form a succinct high-level plan. Identify which tasks are immediate blockers on the critical path, and which tasks are sidecar tasks that are needed but can run in parallel without blocking the next local step. As part of that plan, explicitly decide what immediate task you should do locally right now. Do this planning step before delegating to agents so you do not hand off the immediate blocking task to a submodel and then waste time waiting on it.
- Use a subagent when a subtask is easy enough for it to handle and can run in parallel with your local work. Prefer delegating concrete, bounded sidecar tasks that materially advance the main task without blocking your immediate next local step.
- Do not delegate urgent blocking work when your immediate next step depends on that result. If the very next action is blocked on that task, the main rollout should usually do it locally to keep the critical path moving.
- Keep work local when the subtask is too difficult to delegate well and when it is tightly coupled, urgent, or likely to block your immediate next step.

### Designing delegated subtasks
- Subtasks must be concrete, well-defined, and self-contained.
- Delegated subtasks must materially advance the main task.
- Do not duplicate work between the main rollout and delegated subtasks.
- Avoid issuing multiple delegate calls on the same unresolved thread unless the new delegated task is genuinely different and necessary.
- Narrow the delegated ask to the concrete output you need next.
- For coding tasks, prefer delegating concrete code-change worker subtasks over read-only explorer analysis when the subagent can make a bounded patch in a clear write scope.
- When delegating coding work, instruct the submodel to edit files directly in its forked workspace and list the file paths it changed in the final answer.
- For code-edit subtasks, decompose work so each delegated task has a disjoint write set.

### After you delegate
- Call wait_agent very sparingly. Only call wait_agent when you need the result immediately for the next critical-path step and you are blocked until it returns.
- Do not redo delegated subagent tasks yourself; focus on integrating results or tackling non-overlapping work.
- While the subagent is running in the background, do meaningful non-overlapping work immediately.
- Do not repeatedly wait by reflex.
- When a delegated coding task returns, quickly review the uploaded changes, then integrate or refine them.

### Parallel delegation patterns
- Run multiple independent information-seeking subtasks in parallel when you have distinct questions that can be answered independently.
- Split implementation into disjoint codebase slices and spawn multiple agents for them in parallel when the write scopes do not overlap.
- Delegate verification only when it can run in parallel with ongoing implementation and is likely to catch a concrete risk before final integration.
- The key is to find opportunities to spawn multiple independent subtasks in parallel within the same round, while ensuring each subtask is well-defined, self-contained, and materially advances the main task.`;

/** Codex's `spawn_agent_models_description`: the models a spawn may name, with their efforts. */
export function modelsDescription(models: readonly CatalogModel[] = BUNDLED_MODELS): string {
  if (models.length === 0) return "No picker-visible model overrides are currently loaded.";
  const lines = models.map((model) => {
    const efforts = model.supportedReasoningEfforts.map((preset) => `${preset.effort} (${preset.description})`).join(", ");
    return `- ${model.displayName} (\`${model.slug}\`): ${model.description} Default reasoning effort: ${model.defaultReasoningEffort}. Supported reasoning efforts: ${efforts}.`;
  });
  return `Available model overrides (optional; inherited parent model is preferred):\n${lines.join("\n")}`;
}

function spawnDescription(): string {
  const tool = `\n        ${modelsDescription()}\n        Spawn a sub-agent for a well-scoped task. Returns the spawned agent id plus the user-facing nickname when available. ${INHERITED_MODEL_GUIDANCE}`;
  return `\n        ${tool}\n${USAGE_HINT}`;
}

const str = (description: string) => ({ type: "string", description });

/** Codex's `create_collab_input_items_schema` (properties in its sorted order). */
const INPUT_ITEMS = {
  type: "array",
  description: "Structured input items. Use this to pass explicit mentions (for example app:// connector paths).",
  items: {
    type: "object",
    properties: {
      image_url: str("Image URL when type is image."),
      name: str("Display name when type is skill or mention."),
      path: str(
        "Path when type is local_image/skill, or structured mention target such as app://<connector-id> or plugin://<plugin-name>@<marketplace-name> when type is mention.",
      ),
      text: str("Text content when type is text."),
      type: str("Input item type: text, image, local_image, skill, or mention."),
    },
    additionalProperties: false,
  },
};

const fn = (name: string, description: string, properties: Record<string, unknown>, required?: string[]) => ({
  type: "function",
  name,
  description,
  strict: false,
  parameters: { type: "object", properties, ...(required ? { required } : {}), additionalProperties: false },
});

export const SPAWN_AGENT_SPEC = fn("spawn_agent", spawnDescription(), {
  agent_type: str(agentTypeDescription()),
  fork_context: {
    type: "boolean",
    description:
      "When true, fork the current thread history into the new agent before sending the initial prompt. This must be used when you want the new agent to have exactly the same context as you.",
  },
  items: INPUT_ITEMS,
  message: str("Initial plain-text task for the new agent. Use either message or items."),
  model: str(MODEL_OVERRIDE_DESCRIPTION),
  reasoning_effort: str("Optional reasoning effort override for the new agent. Replaces the inherited reasoning effort."),
});

export const SEND_INPUT_SPEC = fn(
  "send_input",
  "Send a message to an existing agent. Use interrupt=true to redirect work immediately. You should reuse the agent by send_input if you believe your assigned task is highly dependent on the context of a previous task.",
  {
    interrupt: {
      type: "boolean",
      description: "When true, stop the agent's current task and handle this immediately. When false (default), queue this message.",
    },
    items: INPUT_ITEMS,
    message: str("Legacy plain-text message to send to the agent. Use either message or items."),
    target: str("Agent id to message (from spawn_agent)."),
  },
  ["target"],
);

export const RESUME_AGENT_SPEC = fn(
  "resume_agent",
  "Resume a previously closed agent by id so it can receive send_input and wait_agent calls.",
  { id: str("Agent id to resume.") },
  ["id"],
);

export const WAIT_AGENT_SPEC = fn(
  "wait_agent",
  "Wait for agents to reach a final status. Completed statuses may include the agent's final message. Returns empty status when timed out. Once the agent reaches a final status, a notification message will be received containing the same completed status.",
  {
    targets: {
      type: "array",
      description: "Agent ids to wait on. Pass multiple ids to wait for whichever finishes first.",
      items: { type: "string" },
    },
    timeout_ms: {
      type: "number",
      description: `Optional timeout in milliseconds. Defaults to ${WAIT_TIMEOUT.defaultMs}, min ${WAIT_TIMEOUT.minMs}, max ${WAIT_TIMEOUT.maxMs}. Prefer longer waits (minutes) to avoid busy polling.`,
    },
  },
  ["targets"],
);

export const CLOSE_AGENT_SPEC = fn(
  "close_agent",
  "Close an agent and any open descendants when they are no longer needed, and return the target agent's previous status before shutdown was requested. Don't keep agents open for too long if they are not needed anymore.",
  { target: str("Agent id to close (from spawn_agent).") },
  ["target"],
);
