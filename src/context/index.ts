/** Model-visible context as Codex 0.125 builds it: turn settings in, context items and `turn_context` out. */

/** Inputs: the settings of one turn, with filesystem and clock facts as data. */
export type { TurnSettings, Personality, SkillSummary, NetworkDomains, SandboxHost } from "./settings.js";
/** The full context of a thread's first turn (developer bundle, AGENTS.md, environment). */
export { buildInitialContext, environmentOf } from "./initial-context.js";
export type { ContextOptions } from "./initial-context.js";
/** Only what changed since the previous turn's `turn_context`; full context when there is none. */
export { buildContextUpdates } from "./updates.js";
/** The `turn_context` entry Codex persists per user turn. */
export { toTurnContextItem } from "./turn-context.js";
export type { TurnContextOptions } from "./turn-context.js";
/** `<environment_context>` text and its per-turn diff. */
export { environmentContextText, environmentContextDiff, ENVIRONMENT_CONTEXT_OPEN_TAG } from "./environment.js";
export type { EnvironmentContext } from "./environment.js";
/** `<permissions instructions>` text for an approval and sandbox policy. */
export { permissionsInstructions, formatAllowPrefixes, PERMISSIONS_OPEN_TAG } from "./permissions.js";
export type { PermissionsOptions } from "./permissions.js";
/** Sandbox policy as Codex serializes it, its writable roots and derived `permission_profile`. */
export { normalizeSandboxPolicy, writableRoots, permissionProfile, hasFullNetworkAccess } from "./sandbox.js";
export type { WritableRoot } from "./sandbox.js";
/** The small tagged sections (AGENTS.md, model switch, personality, skills) and their messages. */
export {
  userInstructionsText,
  modelSwitchText,
  personalitySpecText,
  skillsInstructionsText,
  textMessage,
  AGENTS_MD_OPEN_PREFIX,
} from "./fragments.js";
/** Model metadata and instructions (Codex 0.125's bundled catalog, gpt-5.1-codex, fallback). */
export { modelInfo, modelInstructions, personalityMessage, supportsPersonality, CATALOG_MODELS } from "./models.js";
export type { ModelInfo, ModelMessages, ShellToolType, TruncationPolicy } from "./models.js";
/** IO: AGENTS.md discovery and the sandbox facts of the host. */
export { loadAgentsMd, agentsMdPaths, AGENTS_MD_MAX_BYTES } from "./agents-md.js";
export type { LoadAgentsMdOptions } from "./agents-md.js";
export { probeSandboxHost, readOnlySubpaths } from "./sandbox-host.js";
export type { ProbeOptions } from "./sandbox-host.js";
/** Collaboration modes (Default, Plan): their built-in instructions and `<collaboration_mode>` section. */
export {
  builtinModeInstructions,
  defaultModeInstructions,
  collaborationModeSection,
  requestUserInputAvailable,
  modeDisplayName,
} from "./collaboration-mode.js";
export type { ModeSetting, ModeKind } from "./collaboration-mode.js";
