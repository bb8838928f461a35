/**
 * How tool calls meet the thread's approval policy. The decision itself is a pure rule (src/safety);
 * this module records the request and maps the answer, both through the log.
 */
import type { ApprovalOutcome, ToolCallInput } from "../machines/tool-call.js";
import type { AnswerEvent, ToolAssessment } from "../machines/types.js";
import type { ThreadServices } from "./services.js";

export interface ApprovalPolicyHooks {
  assess(services: ThreadServices, input: ToolCallInput): Promise<ToolAssessment>;
  request(services: ThreadServices, input: ToolCallInput & { approvalId: string }): Promise<void>;
  decide(services: ThreadServices, input: ToolCallInput & { answer: AnswerEvent }): Promise<ApprovalOutcome>;
}

/** Every call runs without asking (approval_policy "never" semantics). */
export const runWithoutApproval: ApprovalPolicyHooks = {
  assess: async () => ({ type: "run" }),
  request: async () => undefined,
  decide: async () => ({ type: "run" }),
};
