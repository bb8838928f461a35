/**
 * What a new turn runs with: the session's settings plus what only the outside world knows (the
 * date and time zone, AGENTS.md, the sandbox facts of the host), read once per turn as Codex does.
 */
import { readlinkSync, readFileSync } from "node:fs";
import { loadAgentsMd, modelInfo, probeSandboxHost, type TurnSettings } from "../context/index.js";
import { defaultSkillMetadataBudget } from "../skills/index.js";
import { platformSandboxOf, probeHostSandbox } from "../sandbox/index.js";
import type { ThreadServices } from "./services.js";
import { budgetedListing } from "./thread-skills.js";

// Building an Intl formatter costs more than a turn's log writes: one per time zone, kept.
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function localDate(now: Date, timeZone: string): string {
  let format = dateFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    dateFormats.set(timeZone, format);
  }
  return format.format(now);
}

let zoneOfTz: { tz: string | undefined; zone: string } | undefined;

/**
 * The zone the date is formatted in (the process's, which follows TZ). Resolving it builds an Intl
 * formatter, which costs more than the rest of the turn's settings: kept until TZ changes.
 */
function processTimeZone(): string {
  const tz = process.env.TZ;
  if (zoneOfTz?.tz !== tz || zoneOfTz === undefined) zoneOfTz = { tz, zone: Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC" };
  return zoneOfTz.zone;
}

let hostTimeZone: string | undefined;

/**
 * The time zone's name as Codex reads it (the `iana-time-zone` crate): the target of the
 * /etc/localtime link under a zoneinfo folder, else /etc/timezone, else "Etc/UTC" (Codex's value
 * when it cannot tell). The TZ variable is not consulted, as there; it still sets the date.
 */
export function hostTimezone(): string {
  if (hostTimeZone !== undefined) return hostTimeZone;
  let zone: string | undefined;
  try {
    zone = /zoneinfo\/(.+)$/.exec(readlinkSync("/etc/localtime"))?.[1];
  } catch {
    // Not a link (or absent): try the Debian file.
  }
  if (!zone) {
    try {
      zone = readFileSync("/etc/timezone", "utf8").trim() || undefined;
    } catch {
      // Absent.
    }
  }
  hostTimeZone = zone ?? "Etc/UTC";
  return hostTimeZone;
}

/** The settings a new turn runs with: session settings plus what only the outside world knows. */
export async function resolveTurnSettings(services: ThreadServices): Promise<TurnSettings> {
  const session = services.settings();
  const now = services.clock.now();
  const zone = processTimeZone();
  const given = services.turnFacts?.() ?? {};
  const [userInstructions, host, platform] = await Promise.all([
    given.userInstructions !== undefined ? (given.userInstructions ?? undefined) : loadAgentsMd(session.cwd, { signal: services.signal }),
    probeSandboxHost(session.cwd, session.sandboxPolicy, {
      signal: services.signal,
      ...(given.tmpdir !== undefined ? { env: { TMPDIR: given.tmpdir ?? undefined } } : {}),
    }),
    probeHostSandbox(),
  ]);
  return {
    cwd: session.cwd,
    approvalPolicy: session.approvalPolicy,
    sandboxPolicy: session.sandboxPolicy,
    model: session.model,
    effort: session.effort,
    summary: session.summary,
    developerInstructions: session.developerInstructions,
    baseInstructions: session.baseInstructions,
    userInstructions,
    currentDate: given.currentDate ?? localDate(now, zone),
    timezone: given.timezone ?? hostTimezone(),
    shell: "bash",
    personality: session.personality,
    ...(session.collaborationMode ? { collaborationMode: session.collaborationMode } : {}),
    ...(session.serviceTier ? { serviceTier: session.serviceTier } : {}),
    ...skillsListing(services, session.model),
    // Codex lists the exec policy's allow prefixes in the permissions instructions.
    ...approvedPrefixes(services),
    host,
    platformSandbox: platformSandboxOf(platform.sandbox),
  };
}

/** The skills list within Codex's budget: 2% of the turn model's context window (`model_context_window` wins). */
function skillsListing(services: ThreadServices, model: string): Pick<TurnSettings, "skills" | "skillsWarning"> {
  const budget = defaultSkillMetadataBudget(services.modelContextWindow ?? modelInfo(model).contextWindow);
  const listing = services.skillCatalog ? services.skillCatalog.listing(budget) : services.skills ? budgetedListing(services.skills, budget) : undefined;
  if (!listing) return {};
  return { skills: listing.skills, ...(listing.warning !== undefined ? { skillsWarning: listing.warning } : {}) };
}

function approvedPrefixes(services: ThreadServices): { approvedCommandPrefixes?: string[][] } {
  const prefixes = services.rules?.current().allowedPrefixes() ?? [];
  return prefixes.length > 0 ? { approvedCommandPrefixes: prefixes } : {};
}
