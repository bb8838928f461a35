/**
 * The built-in tool set a thread starts with, in the order Codex lists them (shell, update_plan,
 * request_user_input, apply_patch), then the host tools the thread was started with. Called once
 * per opened thread: apply_patch keeps per-thread state (the turn's diff).
 */
import type { DynamicToolSpec } from "../../events/index.js";
import type { ToolHandler } from "./registry.js";
import { localShellTool, shellTool } from "./shell.js";
import { updatePlanTool } from "./plan.js";
import { requestUserInputTool } from "./user-input.js";
import { applyPatchTool } from "./apply-patch.js";
import { dynamicToolHandlers } from "./dynamic.js";

export function defaultToolHandlers(dynamicTools?: DynamicToolSpec[]): ToolHandler[] {
  return [
    shellTool,
    localShellTool,
    updatePlanTool,
    requestUserInputTool,
    applyPatchTool(),
    ...dynamicToolHandlers(dynamicTools ?? []),
  ];
}
