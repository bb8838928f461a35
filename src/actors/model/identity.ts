/**
 * Who is asking, as Codex tells the Responses API on every request: the installation id kept in
 * the data dir (sent in `client_metadata`), and the headers `originator`, `session_id` and
 * `x-client-request-id` (the thread id), `x-codex-window-id` (thread id and how many times its
 * history was compacted) and `x-codex-turn-metadata` (thread, turn, the workspace's git facts and sandbox, as JSON).
 */
import { randomUUID } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { SandboxPolicy } from "../../events/index.js";
import type { WorkspaceGitMetadata } from "./git-metadata.js";

export const INSTALLATION_ID_FILE = "installation_id";
/** Codex's `client_metadata` key. */
export const INSTALLATION_ID_KEY = "x-codex-installation-id";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The data dir's installation id, created on first use (Codex `resolve_installation_id`): a
 * missing or unreadable-as-uuid file gets a fresh v4 uuid, written to a temporary file and renamed
 * into place so a reader never sees half of one.
 */
export async function resolveInstallationId(dataDir: string): Promise<string> {
  const path = join(dataDir, INSTALLATION_ID_FILE);
  try {
    const existing = (await readFile(path, "utf8")).trim();
    if (UUID.test(existing)) return existing.toLowerCase();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  await mkdir(dataDir, { recursive: true });
  const id = randomUUID();
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temporary, id, { mode: 0o644 });
  await rename(temporary, path);
  return id;
}

/** Codex's `sandbox_tag`: how the turn's commands are confined, for the turn metadata. */
export function sandboxTag(policy: SandboxPolicy, platform: NodeJS.Platform = process.platform): string {
  if (policy.type === "danger-full-access") return "none";
  if (policy.type === "external-sandbox") return "external";
  if (platform === "linux") return "seccomp";
  if (platform === "darwin") return "seatbelt";
  return "none";
}

export interface RequestIdentity {
  originator: string;
  threadId: string;
  turnId: string;
  /** Compactions of the thread's history so far (the window generation). */
  window: number;
  sandbox: SandboxPolicy;
  /** The turn's git facts by repository root, once its probe found them. */
  workspaces?: Record<string, WorkspaceGitMetadata>;
  /** Set for a sub-agent: its parent thread (Codex marks such requests as a spawned agent's). */
  parentThreadId?: string;
}

/** The headers Codex adds to a Responses request, in its order. */
export function requestHeaders(identity: RequestIdentity): Record<string, string> {
  // Codex's field order; `workspaces` only once the probe found something.
  const subagent = identity.parentThreadId !== undefined;
  const metadata = {
    session_id: identity.threadId,
    thread_source: subagent ? "subagent" : "user",
    turn_id: identity.turnId,
    ...(identity.workspaces ? { workspaces: identity.workspaces } : {}),
    sandbox: sandboxTag(identity.sandbox),
  };
  return {
    "x-codex-turn-metadata": JSON.stringify(metadata),
    ...(subagent ? { "x-openai-subagent": "collab_spawn", "x-codex-parent-thread-id": identity.parentThreadId! } : {}),
    "x-codex-window-id": `${identity.threadId}:${identity.window}`,
    "x-client-request-id": identity.threadId,
    session_id: identity.threadId,
    originator: identity.originator,
  };
}
