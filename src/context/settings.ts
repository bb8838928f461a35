/**
 * `TurnSettings`: everything that decides what model-visible context a turn carries, as plain data.
 * The builders in this folder are pure functions of it; clock readings (date, timezone), the user's
 * shell and filesystem facts arrive here as inputs so the same settings always give the same items.
 */
import type { AskForApproval, PlatformSandbox, ReasoningEffort, ReasoningSummary, SandboxPolicy } from "../events/index.js";
import type { ModeSetting } from "./collaboration-mode.js";

/** Codex's `Personality` (config `personality`); Codex defaults it to "pragmatic". */
export type Personality = "none" | "friendly" | "pragmatic";

/** One skill listed in the `<skills_instructions>` section, in the order it should be shown. */
export interface SkillSummary {
  name: string;
  description: string;
  /** Absolute path of the skill's SKILL.md. */
  path: string;
}

/** Managed network domains (Codex's `TurnContextNetworkItem`). */
export interface NetworkDomains {
  allowedDomains: string[];
  deniedDomains: string[];
}

/**
 * Filesystem facts Codex reads while describing a workspace-write sandbox: whether `/tmp` is a
 * directory, `$TMPDIR`, and the read-only subpaths (`.git`, its gitdir, `.agents`, `.codex`) of each
 * writable root. `probeSandboxHost` gathers them; when absent, `/tmp` counts as a directory and only
 * the always-protected `<cwd>/.codex` is listed.
 */
export interface SandboxHost {
  slashTmpIsDir: boolean;
  tmpdir?: string;
  /** Keyed by writable root (cwd included); values in Codex's order. */
  readOnlySubpaths: Record<string, string[]>;
}

export interface TurnSettings {
  /** Absolute working directory. */
  cwd: string;
  approvalPolicy: AskForApproval;
  sandboxPolicy: SandboxPolicy;
  model: string;
  /** Configured reasoning effort; undefined means "the model's default" and is not persisted. */
  effort?: ReasoningEffort;
  /** Reasoning summary; defaults to the model's default summary. */
  summary?: ReasoningSummary;
  /** Config `developer_instructions`, appended to the developer bundle. */
  developerInstructions?: string;
  /** AGENTS.md text as `loadAgentsMd` returns it (global + project docs). */
  userInstructions?: string;
  personality?: Personality;
  /** Default or Plan, and the instructions the mode adds (none unless a mode was chosen). */
  collaborationMode?: ModeSetting;
  /** Codex's service tier for the request ("fast" goes out as "priority"); none by default. */
  serviceTier?: "fast" | "flex";
  /** Local date, `YYYY-MM-DD`. */
  currentDate: string;
  /** IANA time zone, e.g. "Europe/Paris" ("Etc/UTC" when unknown). */
  timezone: string;
  /** Shell name as Codex prints it: "bash", "zsh", "sh", "powershell", "cmd". */
  shell: string;
  /** The thread's base instructions, when they may differ from the model's (custom, or model changed). */
  baseInstructions?: string;
  /**
   * The skills listed, already within Codex's skills budget (descriptions cut, skills left out).
   * Undefined: no skills section; empty: skills exist but none fit, the section lists none.
   */
  skills?: SkillSummary[];
  /** Not model-visible: the budget warning the user gets whenever the full skills list is built. */
  skillsWarning?: string;
  network?: NetworkDomains;
  /** Exec-policy prefix rules already approved, e.g. [["git", "pull"]]. */
  approvedCommandPrefixes?: string[][];
  host?: SandboxHost;
  /**
   * The sandbox this host can confine commands with, probed once per process. Absent means one is
   * available (what Codex assumes on Linux); `none` makes Loom decide as Codex does without one.
   */
  platformSandbox?: PlatformSandbox;
}
