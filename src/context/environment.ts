/**
 * The `<environment_context>` user section (Codex's `EnvironmentContext`) and its turn-to-turn diff:
 * a later turn restates it only when cwd, date, timezone or network changed, and leaves out an
 * unchanged cwd.
 */
import type { TurnContextItem } from "../events/index.js";
import type { NetworkDomains } from "./settings.js";

export const ENVIRONMENT_CONTEXT_OPEN_TAG = "<environment_context>";
export const ENVIRONMENT_CONTEXT_CLOSE_TAG = "</environment_context>";

export interface EnvironmentContext {
  /** Omitted in a diff when the cwd did not change. */
  cwd?: string;
  shell: string;
  currentDate?: string;
  timezone?: string;
  network?: NetworkDomains;
  /** Pre-rendered subagent lines (multi-agent threads). */
  subagents?: string;
}

/** The rendered `<environment_context>…</environment_context>` text. */
export function environmentContextText(context: EnvironmentContext): string {
  const lines: string[] = [];
  if (context.cwd !== undefined) lines.push(`  <cwd>${context.cwd}</cwd>`);
  lines.push(`  <shell>${context.shell}</shell>`);
  if (context.currentDate !== undefined) lines.push(`  <current_date>${context.currentDate}</current_date>`);
  if (context.timezone !== undefined) lines.push(`  <timezone>${context.timezone}</timezone>`);
  if (context.network !== undefined) {
    lines.push('  <network enabled="true">');
    for (const allowed of context.network.allowedDomains) lines.push(`    <allowed>${allowed}</allowed>`);
    for (const denied of context.network.deniedDomains) lines.push(`    <denied>${denied}</denied>`);
    lines.push("  </network>");
  }
  if (context.subagents !== undefined && context.subagents !== "") {
    lines.push("  <subagents>");
    // Like Rust's `lines()`: a trailing newline ends the last line rather than starting an empty one.
    for (const line of context.subagents.replace(/\r?\n$/, "").split(/\r?\n/)) lines.push(`    ${line}`);
    lines.push("  </subagents>");
  }
  return `${ENVIRONMENT_CONTEXT_OPEN_TAG}\n${lines.join("\n")}\n${ENVIRONMENT_CONTEXT_CLOSE_TAG}`;
}

/** The network a `turn_context` recorded, in our shape. */
export function networkOfItem(item: TurnContextItem): NetworkDomains | undefined {
  const network = item.network as { allowed_domains?: string[]; denied_domains?: string[] } | null | undefined;
  if (network === undefined || network === null) return undefined;
  return { allowedDomains: network.allowed_domains ?? [], deniedDomains: network.denied_domains ?? [] };
}

const sameNetwork = (a: NetworkDomains | undefined, b: NetworkDomains | undefined) =>
  JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * The environment section a turn must add after `previous`, or undefined when nothing but the shell
 * differs (`build_environment_update_item`). The shell is never diffed: it cannot change per turn.
 */
export function environmentContextDiff(previous: TurnContextItem, next: EnvironmentContext): EnvironmentContext | undefined {
  const previousNetwork = networkOfItem(previous);
  const unchanged =
    previous.cwd === next.cwd &&
    (previous.current_date ?? undefined) === next.currentDate &&
    (previous.timezone ?? undefined) === next.timezone &&
    sameNetwork(previousNetwork, next.network);
  if (unchanged) return undefined;
  return {
    cwd: next.cwd !== undefined && next.cwd !== previous.cwd ? next.cwd : undefined,
    shell: next.shell,
    currentDate: next.currentDate,
    timezone: next.timezone,
    network: next.network,
  };
}
