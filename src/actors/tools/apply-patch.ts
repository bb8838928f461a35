/**
 * Codex's `apply_patch` tool: offered as the freeform (grammar) tool or the JSON `{input}` function,
 * as the model's catalog entry says. Approval follows Codex's patch safety rule; a patch that does
 * not verify changes nothing and the model reads which file and hunk failed. A patch that runs emits
 * `patch_apply_begin` / `patch_apply_end`, then the turn's aggregated diff as `turn_diff`.
 */
import { z } from "zod";
import { formatIssues, type EventMsg } from "../../events/index.js";
import type { ModelInfo } from "../../context/index.js";
import type { ToolCallRequest } from "../../machines/types.js";
import { approvalKeyForPatch, patchSafety, writableRoots, type PatchSafety } from "../../safety/index.js";
import { missingSandboxReason, resolveWriteTarget } from "../../sandbox/index.js";
import type { TurnSettings } from "../../context/index.js";
import {
  APPLY_PATCH_TOOL,
  ApplyPatchError,
  TurnDiffTracker,
  applyPatch,
  changesForApproval,
  type PatchFileChange,
} from "../apply-patch/index.js";
import { formatExecOutputForModel } from "../shell/index.js";
import type { ApprovalContext, ApprovalNeed, DeclineContext, ToolContext, ToolHandler } from "./registry.js";
import { outputFor } from "./registry.js";
import { abortedByUserText } from "./user-input.js";

export const APPLY_PATCH_TOOL_NAME = "apply_patch";
/** What the model reads when the user declines a patch (Codex's normalized rejection text). */
export const PATCH_REJECTED_BY_USER = "patch rejected by user";

const ApplyPatchArgs = z.object({ input: z.string() });

/** The patch text of a call: the freeform input, or the JSON function's `input`; else the model's error. */
export function patchTextOf(call: ToolCallRequest): { ok: true; text: string } | { ok: false; message: string } {
  if (call.kind === "custom") return { ok: true, text: call.input };
  if (call.kind !== "function") return { ok: false, message: "apply_patch handler received unsupported payload" };
  let raw: unknown;
  try {
    raw = JSON.parse(call.input);
  } catch (error) {
    return { ok: false, message: `failed to parse function arguments: ${(error as Error).message}` };
  }
  const parsed = ApplyPatchArgs.safeParse(raw);
  if (!parsed.success) return { ok: false, message: `failed to parse function arguments: ${formatIssues(parsed.error)}` };
  return { ok: true, text: parsed.data.input };
}

/** The tool entry this model gets, or none (Codex offers apply_patch only when the catalog names a type). */
export function applyPatchSpec(config: Pick<ModelInfo, "applyPatchToolType">): unknown | undefined {
  if (config.applyPatchToolType === "freeform") return APPLY_PATCH_TOOL.freeform;
  if (config.applyPatchToolType === "function") return APPLY_PATCH_TOOL.function;
  return undefined;
}

/** Every absolute path a patch writes: the files it touches and where moved files go. */
export function writtenPaths(changes: Record<string, PatchFileChange>): string[] {
  const paths: string[] = [];
  for (const [file, change] of Object.entries(changes)) {
    paths.push(file);
    if (change.type === "update" && change.move_path) paths.push(change.move_path);
  }
  return paths;
}

/** Verified changes of a patch against `cwd`, or the model's message when it would not apply. */
async function verify(text: string, cwd: string): Promise<{ ok: true; changes: Record<string, PatchFileChange> } | { ok: false; message: string }> {
  try {
    const changes = await changesForApproval(text, cwd);
    // Codex's safety check refuses an empty patch before anything else.
    if (Object.keys(changes).length === 0) return { ok: false, message: "patch rejected: empty patch" };
    return { ok: true, changes };
  } catch (error) {
    if (error instanceof ApplyPatchError) return { ok: false, message: error.modelMessage };
    throw error;
  }
}

/** Where a patch's writes really land, or why it may not be written at all. */
type Targets =
  | { ok: true; real: string[]; escaping: string[] }
  | { ok: false; message: string };

/**
 * Resolves each written path as the kernel will (symlinks, then `..`): a file that is not a regular
 * file is refused outright (a FIFO, a device, a socket), and a file with other hard links counts
 * as outside the roots, since writing it in place changes its other names too.
 */
async function resolveTargets(changes: Record<string, PatchFileChange>): Promise<Targets> {
  const real: string[] = [];
  const escaping: string[] = [];
  for (const [file, change] of Object.entries(changes)) {
    const moved = change.type === "update" && change.move_path ? change.move_path : null;
    // A deleted or moved-away file loses its name only: its directory entry is what is written.
    const source = await resolveWriteTarget(file, { followFinal: change.type === "add" || (change.type === "update" && moved === null) });
    const targets = moved ? [source, await resolveWriteTarget(moved)] : [source];
    for (const target of targets) {
      const written = target === source && (change.type === "delete" || moved !== null) ? undefined : target;
      if (written?.kind === "other") return { ok: false, message: `patch rejected: ${written.path} is not a regular file (it is ${written.otherKind})` };
      if (written?.hardLinked) escaping.push(written.path);
      real.push(target.real);
    }
  }
  return { ok: true, real, escaping };
}

/** The roots as real paths, so a resolved write is compared with where the roots really are. */
async function realRoots(settings: TurnSettings): Promise<string[] | "everywhere"> {
  const roots = writableRoots({ cwd: settings.cwd, sandboxPolicy: settings.sandboxPolicy, tmpdir: settings.host?.tmpdir ?? null });
  if (roots === "everywhere") return roots;
  return Promise.all(roots.map(async (root) => (await resolveWriteTarget(root)).real));
}

/** Codex's patch safety for verified changes, on the paths the writes really reach. */
async function assessPatch(settings: TurnSettings, changes: Record<string, PatchFileChange>, approvedFiles: readonly string[]): Promise<PatchSafety | { type: "refuse"; output: string }> {
  const targets = await resolveTargets(changes);
  if (!targets.ok) return { type: "refuse", output: targets.message };
  const noSandbox = missingSandboxReason(settings.sandboxPolicy, settings.platformSandbox);
  return patchSafety({
    paths: writtenPaths(changes),
    realPaths: targets.real,
    escapingPaths: targets.escaping,
    roots: await realRoots(settings),
    cwd: settings.cwd,
    approvalPolicy: settings.approvalPolicy,
    sandboxPolicy: settings.sandboxPolicy,
    tmpdir: settings.host?.tmpdir ?? null,
    // Codex auto-approves an in-workspace patch only where a platform sandbox exists.
    platformSandbox: noSandbox === null,
    ...(noSandbox !== null ? { noSandboxReason: noSandbox } : {}),
    // The thread remembers files approved for the session by absolute path.
    approvedForSession: new Set(approvedFiles.map(approvalKeyForPatch)),
  });
}

/**
 * Codex's `assess_patch_safety` for one call: a patch that does not verify is refused with the
 * verification error (Codex never asks about it); otherwise it runs, asks with an
 * `apply_patch_approval_request`, or is refused with `patch rejected: <reason>`.
 */
export async function applyPatchApproval(context: ApprovalContext): Promise<ApprovalNeed> {
  const patch = patchTextOf(context.call);
  if (!patch.ok) return { type: "reject", output: patch.message };
  return patchApproval(context, patch.text, context.settings.cwd);
}

/**
 * The same decision for patch `text` whose relative paths resolve against `patchCwd` (an
 * apply_patch a command asked for may `cd` first); the writable roots stay the turn's.
 */
export async function patchApproval(context: ApprovalContext, text: string, patchCwd: string): Promise<ApprovalNeed> {
  const verified = await verify(text, patchCwd);
  if (!verified.ok) return { type: "reject", output: verified.message };
  const safety = await assessPatch(context.settings, verified.changes, context.approvedForSession.files);
  switch (safety.type) {
    case "auto_approve":
      return { type: "run" };
    case "refuse":
      return { type: "reject", output: safety.output };
    case "reject":
      return { type: "reject", output: `patch rejected: ${safety.reason}` };
    case "ask_user":
      return {
        type: "ask",
        request: { type: "apply_patch_approval_request", call_id: context.call.callId, turn_id: context.turnId, changes: verified.changes },
      };
  }
}

/**
 * Applies patches for one thread, one at a time (Codex runs apply_patch exclusively), keeping the
 * current turn's diff tracker (a later turn starts a fresh one). The apply_patch tool and the
 * shell tools that intercept an `apply_patch` command share one.
 */
export interface PatchRunner {
  /**
   * Applies `text` (relative paths against `patchCwd`) for the call of `context`, with Codex's
   * events; resolves with what the model reads, as text or as Codex's JSON exec output.
   */
  run(context: ToolContext, text: string, patchCwd: string, style: "text" | "json"): Promise<string>;
}

export function createPatchRunner(): PatchRunner {
  let diff: { turnId: string; tracker: TurnDiffTracker } | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  const trackerFor = (turnId: string): TurnDiffTracker => {
    if (diff?.turnId !== turnId) diff = { turnId, tracker: new TurnDiffTracker() };
    return diff.tracker;
  };
  const apply = async (context: ToolContext, text: string, patchCwd: string, style: "text" | "json", startedAt: number): Promise<string> => {
    const { call, turnId } = context;
    // Interrupted while an earlier patch of the turn was being applied.
    if (context.signal.aborted) return abortedByUserText(startedAt, context.clock);
    // Verified again: the files may have changed since the approval was asked.
    const verified = await verify(text, patchCwd);
    if (!verified.ok) return verified.message;
    const { changes } = verified;
    // And checked again where the writes land: a symlink may have appeared since. A person who
    // approved these changes approved them wherever they go; special files are never written.
    const recheck = await assessPatch(context.settings, changes, context.approvedForSession?.().files ?? []);
    if (recheck.type === "refuse") return recheck.output;
    if (!context.approved && recheck.type !== "auto_approve") {
      return "patch rejected: the files changed since the patch was checked and it now writes outside the writable roots";
    }
    const tracker = trackerFor(turnId);
    await tracker.onPatchBegin(changes);
    await context.event({ type: "patch_apply_begin", call_id: call.callId, turn_id: turnId, auto_approved: !context.approved, changes });

    let stdout = "";
    let stderr = "";
    let success = false;
    let aborted = false;
    const applyStartedAt = context.clock.now().getTime();
    try {
      stdout = (await applyPatch(text, { cwd: patchCwd, signal: context.signal })).stdout;
      success = true;
    } catch (error) {
      // Whatever failed, applyPatch has put every file back.
      if (error instanceof ApplyPatchError) stderr = error.stderr;
      else if (context.signal.aborted) aborted = true;
      else stderr = `${error instanceof Error ? error.message : String(error)}\n`;
    }
    const durationMs = context.clock.now().getTime() - applyStartedAt;
    // Codex's patch runtime streams what apply_patch printed, like a command's output.
    for (const [stream, text] of [["stdout", stdout], ["stderr", stderr]] as const) {
      if (text === "") continue;
      await context.event({ type: "exec_command_output_delta", call_id: call.callId, stream, chunk: Buffer.from(text).toString("base64") });
    }
    await context.event({
      type: "patch_apply_end",
      call_id: call.callId,
      turn_id: turnId,
      stdout,
      stderr,
      success,
      changes,
      status: success ? "completed" : "failed",
    });
    const unified = await tracker.unifiedDiff();
    if (unified !== null) await context.event({ type: "turn_diff", unified_diff: unified });
    if (aborted) return abortedByUserText(startedAt, context.clock);
    return formatExecOutputForModel(
      { exitCode: success ? 0 : 1, stdout, stderr, aggregatedOutput: stdout + stderr, durationMs, timedOut: false, aborted: false },
      { truncationPolicy: context.model.truncationPolicy, style },
    );
  };

  return {
    run(context, text, patchCwd, style) {
      const startedAt = context.clock.now().getTime();
      // Alone among the thread's calls: no command moves a path between the check and the writes.
      const alone = () => (context.exclusive ? context.exclusive(() => apply(context, text, patchCwd, style, startedAt)) : apply(context, text, patchCwd, style, startedAt));
      const next = queue.then(alone);
      queue = next.catch(() => undefined);
      return next;
    },
  };
}

/**
 * A patch refused after Codex's emitter began (at its approval: a PermissionRequest hook's deny, the
 * user's decline): patch_apply_begin, then patch_apply_end `declined` with the message as stderr.
 * `message` null: the user declined ("patch rejected by user"). A patch that does not verify never
 * began: no events. (Codex's end also re-sends the turn's diff when earlier patches made one; Loom
 * does not, as replay, which answers tools from the log, could not compute it again.)
 */
export async function declinedPatchEvents(context: DeclineContext, text: string, patchCwd: string, message: string | null): Promise<EventMsg[]> {
  const verified = await verify(text, patchCwd);
  if (!verified.ok) return [];
  const { changes } = verified;
  const ids = { call_id: context.call.callId, turn_id: context.turnId };
  return [
    { type: "patch_apply_begin", ...ids, auto_approved: false, changes },
    { type: "patch_apply_end", ...ids, stdout: "", stderr: message ?? PATCH_REJECTED_BY_USER, success: false, changes, status: "declined" },
  ];
}

/** The `apply_patch` tool over a thread's patch runner. */
export function applyPatchTool(runner: PatchRunner = createPatchRunner()): ToolHandler {
  return {
    name: APPLY_PATCH_TOOL_NAME,
    spec: applyPatchSpec,
    approval: applyPatchApproval,
    deniedOutput: () => PATCH_REJECTED_BY_USER,
    async declinedEvents(context, message) {
      const patch = patchTextOf(context.call);
      return patch.ok ? declinedPatchEvents(context, patch.text, context.settings.cwd, message) : [];
    },
    async execute(context) {
      const patch = patchTextOf(context.call);
      if (!patch.ok) return outputFor(context.call, patch.message);
      // Codex records the JSON shape whichever tool variant ran it; a request that offers the
      // freeform tool re-serializes it as text (projectPrompt's `reserializeShellOutputs`).
      return outputFor(context.call, await runner.run(context, patch.text, context.settings.cwd, "json"));
    },
  };
}
