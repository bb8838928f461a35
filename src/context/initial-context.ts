/**
 * `buildInitialContext`: the items Codex records before the first user message of a thread (and after
 * anything that clears its reference context): one developer message bundling permissions, developer
 * instructions, collaboration mode, personality and skills; then one user message with AGENTS.md and `<environment_context>`.
 */
import type { ResponseItem } from "../events/index.js";
import type { EnvironmentContext } from "./environment.js";
import { environmentContextText } from "./environment.js";
import { modelSwitchText, personalitySpecText, skillsInstructionsText, textMessage, userInstructionsText } from "./fragments.js";
import { modelInfo, modelInstructions, personalityMessage, supportsPersonality } from "./models.js";
import { permissionsInstructions } from "./permissions.js";
import { collaborationModeSection } from "./collaboration-mode.js";
import type { TurnSettings } from "./settings.js";

export interface ContextOptions {
  /**
   * The model of the thread's previous turn, when there was one. A different model adds the
   * `<model_switch>` section first. `buildContextUpdates` defaults it to the reference's model.
   */
  previousModel?: string;
  /** Pre-rendered `<subagents>` lines for the initial environment context. */
  subagents?: string;
}

/** The environment context of a turn with these settings. */
export function environmentOf(settings: TurnSettings): EnvironmentContext {
  return {
    cwd: settings.cwd,
    shell: settings.shell,
    currentDate: settings.currentDate,
    timezone: settings.timezone,
    network: settings.network,
  };
}

/** The permissions section for these settings. */
export function permissionsOf(settings: TurnSettings): string {
  return permissionsInstructions(settings.approvalPolicy, settings.sandboxPolicy, {
    cwd: settings.cwd,
    host: settings.host,
    approvedCommandPrefixes: settings.approvedCommandPrefixes,
  });
}

/** `build_model_instructions_update_item`: the new model's instructions when the model changed. */
export function modelSwitchSection(previousModel: string | undefined, settings: TurnSettings): string | undefined {
  if (previousModel === undefined || previousModel === settings.model) return undefined;
  const instructions = modelInstructions(settings.model, settings.personality);
  return instructions === "" ? undefined : modelSwitchText(instructions);
}

/** `personality_message_for`: the personality section, when the model has a non-empty text for it. */
export function personalitySection(settings: TurnSettings): string | undefined {
  if (settings.personality === undefined) return undefined;
  const message = personalityMessage(modelInfo(settings.model), settings.personality);
  return message ? personalitySpecText(message) : undefined;
}

/**
 * The personality is "baked" when the thread's base instructions already are the model's template
 * filled with it; only otherwise does Codex add a personality section.
 */
function hasBakedPersonality(settings: TurnSettings): boolean {
  const info = modelInfo(settings.model);
  const expected = modelInstructions(info, settings.personality);
  return supportsPersonality(info) && (settings.baseInstructions ?? expected) === expected;
}

export function buildInitialContext(settings: TurnSettings, options: ContextOptions = {}): ResponseItem[] {
  const developer: string[] = [];
  const modelSwitch = modelSwitchSection(options.previousModel, settings);
  if (modelSwitch !== undefined) developer.push(modelSwitch);
  developer.push(permissionsOf(settings));
  if (settings.developerInstructions) developer.push(settings.developerInstructions);
  const collaboration = collaborationModeSection(settings.collaborationMode);
  if (collaboration !== undefined) developer.push(collaboration);
  if (!hasBakedPersonality(settings)) {
    const personality = personalitySection(settings);
    if (personality !== undefined) developer.push(personality);
  }
  const skills = skillsInstructionsText(settings.skills);
  if (skills !== undefined) developer.push(skills);

  const user: string[] = [];
  if (settings.userInstructions !== undefined) user.push(userInstructionsText(settings.cwd, settings.userInstructions));
  user.push(environmentContextText({ ...environmentOf(settings), subagents: options.subagents }));

  return [textMessage("developer", developer), textMessage("user", user)].filter(
    (item): item is NonNullable<typeof item> => item !== undefined,
  );
}
