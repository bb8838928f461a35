/** The tools Loom offers the model, each a handler in a name-keyed registry. */
export { ToolRegistry, outputFor, unsupportedCall } from "./registry.js";
export type { ToolContext, ToolHandler, ApprovalNeed, ApprovalContext } from "./registry.js";
export { shellTool, localShellTool, runShellCall } from "./shell.js";
export { updatePlanTool, UPDATE_PLAN_SPEC } from "./plan.js";
export { defaultToolHandlers } from "./defaults.js";
