/** Data the machines exchange. Plain, serializable values: machines hold no IO handles. */
import type { ResponseItem, ReviewDecision, Submission, UserInputItem } from "../events/index.js";

/** A tool call the model asked for, as recorded in the history. */
export interface ToolCallRequest {
  callId: string;
  /** The tool's name as the model called it (namespaced MCP tools included). */
  name: string;
  kind: "function" | "custom" | "local_shell";
  /** JSON text for function calls, raw text for custom tools. */
  input: string;
}

/** What a tool call ends with: the output item to record, and whether the turn must stop. */
export interface ToolCallResult {
  callId: string;
  output: ResponseItem;
  /** The user answered an approval with `abort`: the turn ends as interrupted. */
  abortTurn?: boolean;
}

/** How a tool call may proceed under the thread's policy (decided by a pure rule, see src/safety). */
export type ToolAssessment =
  | { type: "run" }
  /** An approval was needed and given without asking the user (a PermissionRequest hook allowed it). */
  | { type: "approved" }
  | { type: "needs_approval"; approvalId: string }
  | { type: "reject"; output: ResponseItem };

/** An answer routed from a submission to whatever waits for it (approval, question, host tool). */
export interface AnswerEvent {
  type: "ANSWER";
  /** The id the answer names (`exec_approval.id`, `user_input_answer.id`, ...). */
  targetId: string;
  submission: Submission;
  decision?: ReviewDecision;
  /**
   * Set instead of a user's answer when a PermissionRequest hook decided the approval (a resumed
   * turn acting on a verdict its log holds): run, or refuse with the hook's message.
   */
  hookVerdict?: { behavior: "allow" } | { behavior: "deny"; message: string };
}

/** User input that arrived while a turn was running (steering). */
export interface PendingInput {
  subId: string;
  items: UserInputItem[];
  /** History items given as they are (`inject_response_items`), instead of user input. */
  raw?: ResponseItem[];
}

/** The tool call a model output item asks for, if it is one. */
export function toolCallRequestOf(responseItem: ResponseItem): ToolCallRequest | undefined {
  switch (responseItem.type) {
    case "function_call":
      return { callId: responseItem.call_id, name: responseItem.name, kind: "function", input: responseItem.arguments };
    case "custom_tool_call":
      return { callId: responseItem.call_id, name: responseItem.name, kind: "custom", input: responseItem.input };
    case "local_shell_call":
      return {
        callId: responseItem.call_id ?? "",
        name: "local_shell",
        kind: "local_shell",
        input: JSON.stringify({
          command: responseItem.action.command,
          workdir: responseItem.action.working_directory ?? undefined,
          timeout_ms: responseItem.action.timeout_ms ?? undefined,
        }),
      };
    default:
      return undefined;
  }
}
