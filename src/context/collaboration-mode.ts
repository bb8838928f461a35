/**
 * Codex's collaboration modes (Default and Plan): what a mode's `<collaboration_mode>` section
 * says, and the built-in instructions a mode gets when the caller names the mode without its own
 * (`developer_instructions: null`, as the app server fills it from its presets).
 */
import { DEFAULT_MODE_TEMPLATE, PLAN_MODE_INSTRUCTIONS } from "./prompts/collaboration-modes.js";

export type ModeKind = "default" | "plan";

/** A turn's collaboration mode; `developerInstructions` null or empty adds no section. */
export interface ModeSetting {
  mode: ModeKind;
  developerInstructions: string | null;
}

const DISPLAY: Record<ModeKind, string> = { default: "Default", plan: "Plan" };

/** Whether `request_user_input` may be called in `mode` (Plan always; Default behind a feature). */
export function requestUserInputAvailable(mode: ModeKind, defaultModeRequestUserInput: boolean): boolean {
  return mode === "plan" || (mode === "default" && defaultModeRequestUserInput);
}

/** The Default preset's instructions (`default_mode_instructions`). */
export function defaultModeInstructions(defaultModeRequestUserInput: boolean): string {
  const availability = requestUserInputAvailable("default", defaultModeRequestUserInput)
    ? "The `request_user_input` tool is available in Default mode."
    : "The `request_user_input` tool is unavailable in Default mode. If you call it while in Default mode, it will return an error.";
  const guidance = defaultModeRequestUserInput
    ? "In Default mode, strongly prefer making reasonable assumptions and executing the user's request rather than stopping to ask questions. If you absolutely must ask a question because the answer cannot be discovered from local context and a reasonable assumption would be risky, prefer using the `request_user_input` tool rather than writing a multiple choice question as a textual assistant message. Never write a multiple choice question as a textual assistant message."
    : "In Default mode, strongly prefer making reasonable assumptions and executing the user's request rather than stopping to ask questions. If you absolutely must ask a question because the answer cannot be discovered from local context and a reasonable assumption would be risky, ask the user directly with a concise plain-text question. Never write a multiple choice question as a textual assistant message.";
  return DEFAULT_MODE_TEMPLATE.replace("{{KNOWN_MODE_NAMES}}", "Default and Plan")
    .replace("{{REQUEST_USER_INPUT_AVAILABILITY}}", availability)
    .replace("{{ASKING_QUESTIONS_GUIDANCE}}", guidance);
}

/** A mode's built-in instructions (the preset's `developer_instructions`). */
export function builtinModeInstructions(mode: ModeKind, defaultModeRequestUserInput = false): string {
  return mode === "plan" ? PLAN_MODE_INSTRUCTIONS : defaultModeInstructions(defaultModeRequestUserInput);
}

/** The `<collaboration_mode>` section for a mode, or undefined when it has no instructions. */
export function collaborationModeSection(mode: ModeSetting | undefined): string | undefined {
  const instructions = mode?.developerInstructions;
  if (!instructions) return undefined;
  return `<collaboration_mode>${instructions}</collaboration_mode>`;
}

/** "Default" / "Plan", as Codex names modes to the model. */
export function modeDisplayName(mode: ModeKind): string {
  return DISPLAY[mode];
}
