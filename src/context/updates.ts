/**
 * `buildContextUpdates`: what a turn adds to the history before its user message. Without a
 * reference (`turn_context` of the previous turn) that is the full initial context; with one, only the
 * sections whose inputs changed (Codex's `build_settings_update_items`): a developer message with
 * model switch, permissions, collaboration mode and personality, then a user message with the
 * environment diff.
 * AGENTS.md and developer instructions are not diffed: Codex restates them only with full context.
 */
import type { ResponseItem, TurnContextItem } from "../events/index.js";
import { environmentContextDiff, environmentContextText } from "./environment.js";
import { textMessage } from "./fragments.js";
import type { ContextOptions } from "./initial-context.js";
import {
  buildInitialContext,
  environmentOf,
  modelSwitchSection,
  permissionsOf,
  personalitySection,
} from "./initial-context.js";
import { permissionProfile } from "./sandbox.js";
import type { TurnSettings } from "./settings.js";
import { toTurnContextItem } from "./turn-context.js";
import { collaborationModeSection } from "./collaboration-mode.js";

/** Structural equality of JSON values, ignoring object key order (Rust compares the typed values). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** `build_permissions_update_item`: restated when the permission profile or approval policy changed. */
function permissionsUpdate(reference: TurnContextItem, next: TurnSettings, nextItem: TurnContextItem): string | undefined {
  // Entries written before Codex recorded profiles get the one their legacy policy implies; Codex
  // derives it from the filesystem as it is now, which is what `next.host` describes.
  const previousProfile =
    reference.permission_profile ?? permissionProfile(reference.sandbox_policy, reference.cwd, next.host);
  const unchanged =
    sameJson(previousProfile, nextItem.permission_profile) && sameJson(reference.approval_policy, nextItem.approval_policy);
  return unchanged ? undefined : permissionsOf(next);
}

/**
 * `build_collaboration_mode_update_item`: the new mode's section when the mode (its kind, model,
 * effort or instructions) changed; none when the new mode has no instructions, so the previous
 * section stays in effect.
 */
function collaborationModeUpdate(reference: TurnContextItem, nextItem: TurnContextItem, next: TurnSettings): string | undefined {
  if (sameJson(reference.collaboration_mode, nextItem.collaboration_mode)) return undefined;
  return collaborationModeSection(next.collaborationMode);
}

/** `build_personality_update_item`: only on the same model, and only when a personality is chosen anew. */
function personalityUpdate(reference: TurnContextItem, next: TurnSettings): string | undefined {
  if (next.model !== reference.model) return undefined;
  if (next.personality === undefined || next.personality === (reference.personality ?? undefined)) return undefined;
  return personalitySection(next);
}

export function buildContextUpdates(
  reference: TurnContextItem | null,
  next: TurnSettings,
  options: ContextOptions = {},
): ResponseItem[] {
  if (reference === null) return buildInitialContext(next, options);
  // The turn id does not matter here: only the derived policy fields are compared.
  const nextItem = toTurnContextItem(next, "");
  const developer = [
    // Model-switch instructions come first so the model reads them before any other change.
    modelSwitchSection(options.previousModel ?? reference.model, next),
    permissionsUpdate(reference, next, nextItem),
    collaborationModeUpdate(reference, nextItem, next),
    personalityUpdate(reference, next),
  ].filter((section): section is string => section !== undefined);
  const environment = environmentContextDiff(reference, environmentOf(next));
  return [
    textMessage("developer", developer),
    environment === undefined ? undefined : textMessage("user", [environmentContextText(environment)]),
  ].filter((item): item is NonNullable<typeof item> => item !== undefined);
}
