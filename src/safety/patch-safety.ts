/**
 * Whether an apply_patch may be applied without asking (Codex `core/src/safety.rs::
 * assess_patch_safety`), plus the session-approval cache the patch runtime consults.
 *
 * Sandbox availability. Codex auto-approves an in-workspace patch only when it can still enforce
 * a platform sandbox around the write, because a path inside the workspace may lead outside it.
 * Loom resolves every written path first (symlinks, `..`, other hard links: see the apply_patch
 * tool) and passes the real paths and roots here; and like Codex it auto-approves only where the
 * host has a sandbox (`platformSandbox`). Without one it asks, or refuses when prompts are
 * disabled (`never`, granular without sandbox approval), saying why (`noSandboxReason`).
 * `danger-full-access` and `external-sandbox` still auto-approve, as in Codex, since the user
 * opted out of the sandbox.
 */
import path from "node:path";
import type { AskForApproval, SandboxPolicy } from "../events/index.js";
import { approvalKeyForPatch } from "./approval-keys.js";
import { granularConfig, granularAllowsSandboxApproval } from "./policy.js";

export type PatchSafety =
  | {
      type: "auto_approve";
      /** True when an earlier `approved_for_session` covers every file (patch_apply_begin.auto_approved = false). */
      userExplicitlyApproved: boolean;
    }
  | { type: "ask_user" }
  | { type: "reject"; reason: string };

export interface PatchSafetyInput {
  /** Every path the patch writes (added, deleted, updated, and move destinations); relative ones resolve against cwd. */
  paths: readonly string[];
  cwd: string;
  approvalPolicy: AskForApproval;
  sandboxPolicy: SandboxPolicy;
  /** Roots writable in addition to those the sandbox policy implies. */
  writableRoots?: readonly string[];
  /** `$TMPDIR`, which workspace-write treats as writable unless `exclude_tmpdir_env_var`. */
  tmpdir?: string | null;
  /** Keys (see approvalKeyForPatch) the user approved for the session. */
  approvedForSession?: ReadonlySet<string>;
  /** Whether a platform sandbox confines the host's commands (Codex `get_platform_sandbox`). */
  platformSandbox?: boolean;
  /** Why there is none, added to a refusal so the model and the person know. */
  noSandboxReason?: string;
  /**
   * The roots to check against, already resolved to real paths (the apply_patch tool resolves
   * them); absent: `writableRoots(input)` as spelled.
   */
  roots?: readonly string[] | "everywhere";
  /** Where each of `paths` really lands (same order), when resolved; the roots check uses these. */
  realPaths?: readonly string[];
  /** Written paths that reach outside whatever their name says (a file with other hard links). */
  escapingPaths?: readonly string[];
}

const REJECTED_OUTSIDE_PROJECT = "writing outside of the project; rejected by user approval settings";
const REJECTED_READ_ONLY = "writing is blocked by read-only sandbox; rejected by user approval settings";

// Directories that stay read-only inside every writable root. Codex protects `.git` and `.agents`
// only when they exist; a pure function cannot look, so we always protect them (this can only
// make us ask more, never allow more).
const READ_ONLY_SUBDIRS = [".git", ".codex", ".agents"];

export function patchSafety(input: PatchSafetyInput): PatchSafety {
  const decision = assess(input);
  if (decision.type !== "ask_user") return decision;
  // Codex asks through a cache: if every file was approved for the session, no prompt.
  const cache = input.approvedForSession;
  const allApproved =
    cache !== undefined && input.paths.length > 0 &&
    input.paths.every((p) => cache.has(approvalKeyForPatch(path.resolve(input.cwd, p))));
  return allApproved ? { type: "auto_approve", userExplicitlyApproved: true } : decision;
}

function assess(input: PatchSafetyInput): PatchSafety {
  const { approvalPolicy, sandboxPolicy } = input;
  if (input.paths.length === 0) return { type: "reject", reason: "empty patch" };
  if (approvalPolicy === "untrusted") return { type: "ask_user" };

  const rejectsPrompt =
    approvalPolicy === "never" || (granularConfig(approvalPolicy) !== null && !granularAllowsSandboxApproval(approvalPolicy));
  const rejection = (): PatchSafety => ({
    type: "reject",
    reason: sandboxPolicy.type === "read-only" ? REJECTED_READ_ONLY : REJECTED_OUTSIDE_PROJECT,
  });
  const noSandboxRejection = (): PatchSafety => {
    const base = rejection();
    if (base.type !== "reject" || input.noSandboxReason === undefined) return base;
    return { type: "reject", reason: `${base.reason} (no sandbox can contain the write here: ${input.noSandboxReason})` };
  };

  if (patchStaysWritable(input) || approvalPolicy === "on-failure") {
    if (sandboxPolicy.type === "danger-full-access" || sandboxPolicy.type === "external-sandbox") {
      return { type: "auto_approve", userExplicitlyApproved: false };
    }
    if (input.platformSandbox) return { type: "auto_approve", userExplicitlyApproved: false };
    return rejectsPrompt ? noSandboxRejection() : { type: "ask_user" };
  }
  return rejectsPrompt ? rejection() : { type: "ask_user" };
}

function patchStaysWritable(input: PatchSafetyInput): boolean {
  if ((input.escapingPaths ?? []).length > 0) return false;
  const roots = input.roots ?? writableRoots(input);
  if (roots === "everywhere") return true;
  return (input.realPaths ?? input.paths).every((p) => isWritable(path.resolve(input.cwd, p), roots));
}

/** The roots a patch may write under for this policy (Codex `get_writable_roots_with_cwd`). */
export function writableRoots(
  input: Pick<PatchSafetyInput, "cwd" | "sandboxPolicy" | "writableRoots" | "tmpdir">,
): string[] | "everywhere" {
  const policy = input.sandboxPolicy;
  switch (policy.type) {
    case "danger-full-access":
    case "external-sandbox":
      return "everywhere";
    case "read-only":
      return (input.writableRoots ?? []).map((r) => path.resolve(input.cwd, r));
    case "workspace-write": {
      const roots = [...(policy.writable_roots ?? []), ...(input.writableRoots ?? []), input.cwd];
      if (!policy.exclude_slash_tmp) roots.push("/tmp");
      if (!policy.exclude_tmpdir_env_var && input.tmpdir) roots.push(input.tmpdir);
      return roots.map((r) => path.resolve(input.cwd, r));
    }
    default: {
      const never: never = policy;
      throw new Error(`unknown sandbox policy ${JSON.stringify(never)}`);
    }
  }
}

/** Inside a root and outside its protected `.git`, `.codex`, `.agents`. */
export function isWritable(absolute: string, roots: readonly string[]): boolean {
  return roots.some(
    (root) => isInside(absolute, root) && !READ_ONLY_SUBDIRS.some((sub) => isInside(absolute, path.join(root, sub))),
  );
}

function isInside(candidate: string, root: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === "" || (relative !== ".." && !relative.startsWith("../") && !path.isAbsolute(relative));
}
