/**
 * Codex's `request_user_input` tool: the model asks the user one to three multiple-choice questions
 * and waits. The call emits `request_user_input`; the `user_input_answer` op answers it, and the
 * answers go back to the model as JSON. As in Codex it is usable in Plan mode, and in Default mode
 * only with `features.default_mode_request_user_input`; its description says which.
 */
import { z } from "zod";
import { formatIssues, type EventMsg } from "../../events/index.js";
import type { Clock } from "../clock.js";
import { requestUserInputAvailable } from "../../context/index.js";
import type { ToolsConfig } from "./config.js";
import type { ToolContext, ToolHandler } from "./registry.js";
import { outputFor } from "./registry.js";

export const REQUEST_USER_INPUT_TOOL_NAME = "request_user_input";

/** Codex's `request_user_input_tool_description`: the modes the tool may be called in. */
export function requestUserInputDescription(defaultModeRequestUserInput: boolean): string {
  const modes = defaultModeRequestUserInput ? "Default or Plan mode" : "Plan mode";
  return `Request user input for one to three short questions and wait for the response. This tool is only available in ${modes}.`;
}

/** The description with the Default mode allowed. */
export const REQUEST_USER_INPUT_DESCRIPTION = requestUserInputDescription(true);

// Keys in the order Codex's `JsonSchema` serializes them (type, description, items, properties,
// required, additionalProperties), property names sorted as its BTreeMap sorts them.
export const REQUEST_USER_INPUT_SPEC = {
  type: "function",
  name: REQUEST_USER_INPUT_TOOL_NAME,
  description: REQUEST_USER_INPUT_DESCRIPTION,
  strict: false,
  parameters: {
    type: "object",
    properties: {
      questions: {
        type: "array",
        description: "Questions to show the user. Prefer 1 and do not exceed 3",
        items: {
          type: "object",
          properties: {
            header: { type: "string", description: "Short header label shown in the UI (12 or fewer chars)." },
            id: { type: "string", description: "Stable identifier for mapping answers (snake_case)." },
            options: {
              type: "array",
              description:
                'Provide 2-3 mutually exclusive choices. Put the recommended option first and suffix its label with "(Recommended)". Do not include an "Other" option in this list; the client will add a free-form "Other" option automatically.',
              items: {
                type: "object",
                properties: {
                  description: { type: "string", description: "One short sentence explaining impact/tradeoff if selected." },
                  label: { type: "string", description: "User-facing label (1-5 words)." },
                },
                required: ["label", "description"],
                additionalProperties: false,
              },
            },
            question: { type: "string", description: "Single-sentence prompt shown to the user." },
          },
          required: ["id", "header", "question", "options"],
          additionalProperties: false,
        },
      },
    },
    required: ["questions"],
    additionalProperties: false,
  },
} as const;

/** Codex's `RequestUserInputQuestion`; `isOther`/`isSecret` default to false as serde does. */
const Question = z.object({
  id: z.string(),
  header: z.string(),
  question: z.string(),
  isOther: z.boolean().default(false),
  isSecret: z.boolean().default(false),
  options: z.array(z.object({ label: z.string(), description: z.string() })).nullish(),
});
export type RequestUserInputQuestion = z.infer<typeof Question>;

const RequestUserInputArgs = z.object({ questions: z.array(Question) });

/** The `response` of a `user_input_answer` op: answers keyed by question id. */
export const RequestUserInputResponse = z.object({
  answers: z.record(z.string(), z.object({ answers: z.array(z.string()) })),
});
export type RequestUserInputResponse = z.infer<typeof RequestUserInputResponse>;

const CANCELLED = `${REQUEST_USER_INPUT_TOOL_NAME} was cancelled before receiving a response`;

/**
 * The questions as Codex sends them: each must offer options, and each gets a free-form "Other"
 * (`normalize_request_user_input_args`). A string is the message for the model.
 */
export function normalizeQuestions(input: string): RequestUserInputQuestion[] | string {
  let raw: unknown;
  try {
    raw = JSON.parse(input);
  } catch (error) {
    return `failed to parse function arguments: ${(error as Error).message}`;
  }
  const parsed = RequestUserInputArgs.safeParse(raw);
  if (!parsed.success) return `failed to parse function arguments: ${formatIssues(parsed.error)}`;
  const { questions } = parsed.data;
  if (questions.some((q) => !q.options || q.options.length === 0)) {
    return "request_user_input requires non-empty options for every question";
  }
  // Serialized in Codex's field order; `options` is omitted only when absent (never, after the check).
  return questions.map((q) => ({
    id: q.id,
    header: q.header,
    question: q.question,
    isOther: true,
    isSecret: q.isSecret,
    ...(q.options ? { options: q.options.map((o) => ({ label: o.label, description: o.description })) } : {}),
  }));
}

/**
 * What the model reads for a tool cut short by an interrupt (Codex `tools/parallel.rs`): the time
 * since the call started, at least 0.1 s, to one decimal.
 */
export function abortedByUserText(startedAtMs: number, clock: Clock): string {
  const secs = Math.max((clock.now().getTime() - startedAtMs) / 1000, 0.1);
  return `aborted by user after ${secs.toFixed(1)}s`;
}

/**
 * Emits `request` and waits for the answer to request `id`. The wait starts before the request is
 * out, so an answer that comes at once is not missed. An interrupt gives Codex's aborted text; a
 * wait that ends any other way gives `cancelled` (Codex's text when the answer channel went away).
 */
export async function requestAndWait(
  context: ToolContext,
  id: string,
  request: EventMsg,
  startedAtMs: number,
  cancelled: string,
): Promise<{ answered: true; op: unknown } | { answered: false; message: string }> {
  const stopped = () => ({
    answered: false as const,
    message: context.signal.aborted ? abortedByUserText(startedAtMs, context.clock) : cancelled,
  });
  if (context.signal.aborted) return stopped();
  const answer = context.waitForAnswer(id).then((op) => ({ answered: true as const, op }), stopped);
  await context.event(request);
  return answer;
}

/** The spec as a turn with this configuration offers it. */
export function requestUserInputSpec(config: Pick<ToolsConfig, "defaultModeRequestUserInput">) {
  return { ...REQUEST_USER_INPUT_SPEC, description: requestUserInputDescription(config.defaultModeRequestUserInput) };
}

export const requestUserInputTool: ToolHandler = {
  name: REQUEST_USER_INPUT_TOOL_NAME,
  spec: requestUserInputSpec,
  async execute(context) {
    const { call } = context;
    const startedAt = context.clock.now().getTime();
    if (call.kind !== "function") {
      return outputFor(call, `${REQUEST_USER_INPUT_TOOL_NAME} handler received unsupported payload`);
    }
    const { mode, defaultModeRequestUserInput } = context.tools;
    if (!requestUserInputAvailable(mode, defaultModeRequestUserInput)) {
      return outputFor(call, `${REQUEST_USER_INPUT_TOOL_NAME} is unavailable in ${mode === "plan" ? "Plan" : "Default"} mode`);
    }
    const questions = normalizeQuestions(call.input);
    if (typeof questions === "string") return outputFor(call, questions);
    const request: EventMsg = { type: "request_user_input", call_id: call.callId, turn_id: context.turnId, questions };
    const waited = await requestAndWait(context, call.callId, request, startedAt, CANCELLED);
    if (!waited.answered) return outputFor(call, waited.message);
    const response = RequestUserInputResponse.safeParse((waited.op as { response?: unknown }).response);
    if (!response.success) {
      return outputFor(call, `${REQUEST_USER_INPUT_TOOL_NAME} received an invalid response: ${formatIssues(response.error)}`);
    }
    // Re-serialized from the parsed shape, so only Codex's fields reach the model.
    const answers = Object.fromEntries(
      Object.entries(response.data.answers).map(([id, answer]) => [id, { answers: answer.answers }]),
    );
    return outputFor(call, JSON.stringify({ answers }));
  },
};
