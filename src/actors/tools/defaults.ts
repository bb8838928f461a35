/**
 * The built-in tool set a thread starts with, in the order Codex lists them (the shell family the
 * turn offers, update_plan, request_user_input, apply_patch, web_search, view_image, the agent
 * tools when the thread may spawn), then the host tools the thread was started with. Called once
 * per opened thread: apply_patch keeps per-thread state (the turn's diff) and unified exec the
 * thread's processes. The command tools apply an `apply_patch` command as a patch, as Codex
 * intercepts it.
 */
import type { DynamicToolSpec } from "../../events/index.js";
import type { ProcessManager } from "../exec/index.js";
import type { ToolHandler } from "./registry.js";
import { localShellTool, shellTool } from "./shell.js";
import { shellCommandTool } from "./shell-command.js";
import { unifiedExecTools } from "./unified-exec.js";
import { updatePlanTool } from "./plan.js";
import { requestUserInputTool } from "./user-input.js";
import { applyPatchTool, createPatchRunner } from "./apply-patch.js";
import { execCommandOf, interceptingApplyPatch, shellCommandOf, shellScriptCommandOf } from "./patch-intercept.js";
import { webSearchTool } from "./web-search.js";
import { viewImageTool } from "./view-image.js";
import { dynamicToolHandlers } from "./dynamic.js";

export function defaultToolHandlers(options: {
  dynamicTools?: DynamicToolSpec[];
  processes: ProcessManager;
  /** spawn_agent & co., built by src/agents for this thread (none at the depth limit). */
  agentTools?: ToolHandler[];
}): ToolHandler[] {
  // One runner: a patch asked for through a command shares the apply_patch tool's queue and diff.
  const patches = createPatchRunner();
  const [execCommand, writeStdin] = unifiedExecTools(options.processes);
  return [
    interceptingApplyPatch(execCommand, execCommandOf, patches, "exec"),
    writeStdin,
    interceptingApplyPatch(shellCommandTool, shellScriptCommandOf, patches),
    interceptingApplyPatch(shellTool, shellCommandOf, patches),
    interceptingApplyPatch(localShellTool, shellCommandOf, patches),
    updatePlanTool,
    requestUserInputTool,
    applyPatchTool(patches),
    webSearchTool,
    viewImageTool,
    ...(options.agentTools ?? []),
    ...dynamicToolHandlers(options.dynamicTools ?? []),
  ];
}
