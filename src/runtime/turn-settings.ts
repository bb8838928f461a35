/**
 * What a new turn runs with: the session's settings plus what only the outside world knows (the
 * date and time zone, AGENTS.md, the sandbox facts of the host), read once per turn as Codex does.
 */
import { loadAgentsMd, probeSandboxHost, type TurnSettings } from "../context/index.js";
import { platformSandboxOf, probeHostSandbox } from "../sandbox/index.js";
import type { ThreadServices } from "./services.js";

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

let hostTimeZone: string | undefined;

function timezone(): string {
  hostTimeZone ??= Intl.DateTimeFormat().resolvedOptions().timeZone || "Etc/UTC";
  return hostTimeZone;
}

/** The settings a new turn runs with: session settings plus what only the outside world knows. */
export async function resolveTurnSettings(services: ThreadServices): Promise<TurnSettings> {
  const session = services.settings();
  const now = services.clock.now();
  const zone = timezone();
  const [userInstructions, host, platform] = await Promise.all([
    loadAgentsMd(session.cwd, { signal: services.signal }),
    probeSandboxHost(session.cwd, session.sandboxPolicy, { signal: services.signal }),
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
    currentDate: localDate(now, zone),
    timezone: zone,
    shell: "bash",
    personality: services.personality,
    host,
    platformSandbox: platformSandboxOf(platform.sandbox),
  };
}
