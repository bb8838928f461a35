/** The built-in tool set a thread starts with. */
import type { DynamicToolSpec } from "../../events/index.js";
import type { ToolHandler } from "./registry.js";
import { localShellTool, shellTool } from "./shell.js";
import { updatePlanTool } from "./plan.js";

export function defaultToolHandlers(_dynamicTools?: DynamicToolSpec[]): ToolHandler[] {
  return [shellTool, localShellTool, updatePlanTool];
}
