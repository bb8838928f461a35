/**
 * Sandbox policy facts as Codex derives them: the serialized policy (`SandboxPolicy` serde), the
 * writable roots of a workspace-write sandbox, and the `permission_profile` a `turn_context` carries.
 * Pure: filesystem facts come in as a `SandboxHost`.
 */
import { join } from "node:path";
import type { SandboxPolicy } from "../events/index.js";
import type { SandboxHost } from "./settings.js";

export interface WritableRoot {
  root: string;
  readOnlySubpaths: string[];
}

type ReadAccess = { type: "restricted"; include_platform_defaults?: boolean; readable_roots?: string[] };

/** A `read_only_access` / `access` value, or undefined when it means full read access. */
function restrictedReadAccess(value: unknown): ReadAccess | undefined {
  if (typeof value === "object" && value !== null && (value as { type?: unknown }).type === "restricted") {
    return value as ReadAccess;
  }
  return undefined;
}

/**
 * The policy exactly as Codex writes it: defaults filled in, fields in declaration order, and the
 * fields Codex skips when empty left out.
 */
export function normalizeSandboxPolicy(policy: SandboxPolicy): SandboxPolicy {
  switch (policy.type) {
    case "danger-full-access":
      return { type: "danger-full-access" };
    case "read-only": {
      const access = restrictedReadAccess(policy.access);
      return {
        type: "read-only",
        ...(access ? { access } : {}),
        ...(policy.network_access ? { network_access: true } : {}),
      };
    }
    case "external-sandbox":
      return { type: "external-sandbox", network_access: policy.network_access ?? "restricted" };
    case "workspace-write": {
      const roots = policy.writable_roots ?? [];
      const access = restrictedReadAccess(policy.read_only_access);
      return {
        type: "workspace-write",
        ...(roots.length > 0 ? { writable_roots: roots } : {}),
        ...(access ? { read_only_access: access } : {}),
        network_access: policy.network_access ?? false,
        exclude_tmpdir_env_var: policy.exclude_tmpdir_env_var ?? false,
        exclude_slash_tmp: policy.exclude_slash_tmp ?? false,
      };
    }
  }
}

export function hasFullNetworkAccess(policy: SandboxPolicy): boolean {
  switch (policy.type) {
    case "danger-full-access":
      return true;
    case "external-sandbox":
      return policy.network_access === "enabled";
    case "read-only":
    case "workspace-write":
      return policy.network_access === true;
  }
}

/** Codex's default read-only subpaths of a root: `.codex` is always protected for the cwd. */
function readOnlySubpathsOf(root: string, cwd: string, host: SandboxHost | undefined): string[] {
  const probed = host?.readOnlySubpaths[root];
  if (probed) return probed;
  return root === cwd ? [join(root, ".codex")] : [];
}

/**
 * `get_writable_roots_with_cwd`: configured roots, then the cwd, `/tmp` (when it is a directory) and
 * `$TMPDIR`, unless excluded. Empty for every policy but workspace-write.
 */
export function writableRoots(policy: SandboxPolicy, cwd: string, host?: SandboxHost): WritableRoot[] {
  if (policy.type !== "workspace-write") return [];
  const roots = [...(policy.writable_roots ?? []), cwd];
  if (!policy.exclude_slash_tmp && (host?.slashTmpIsDir ?? true)) roots.push("/tmp");
  if (!policy.exclude_tmpdir_env_var && host?.tmpdir) roots.push(host.tmpdir);
  return roots.map((root) => ({ root, readOnlySubpaths: readOnlySubpathsOf(root, cwd, host) }));
}

type Entry = { path: Record<string, unknown>; access: "read" | "write" | "none" };

const special = (kind: string, access: Entry["access"]): Entry => ({
  path: { type: "special", value: { kind } },
  access,
});
const pathEntry = (path: string, access: Entry["access"]): Entry => ({ path: { type: "path", path }, access });

function readEntries(access: ReadAccess | undefined, cwdEntry: boolean): Entry[] {
  if (!access) return [special("root", "read")];
  const entries = cwdEntry ? [special("current_working_directory", "read")] : [];
  if (access.include_platform_defaults ?? true) entries.push(special("minimal", "read"));
  for (const root of access.readable_roots ?? []) entries.push(pathEntry(root, "read"));
  return entries;
}

const isUnder = (path: string, root: string) => path === root || path.startsWith(root.endsWith("/") ? root : `${root}/`);

/** The filesystem entries of a workspace-write policy (`FileSystemSandboxPolicy::from_legacy_sandbox_policy`). */
function workspaceWriteEntries(policy: SandboxPolicy & { type: "workspace-write" }, cwd: string, host?: SandboxHost) {
  const configured = policy.writable_roots ?? [];
  let entries = readEntries(restrictedReadAccess(policy.read_only_access), false);
  entries.push(special("current_working_directory", "write"));
  if (!policy.exclude_slash_tmp) entries.push(special("slash_tmp", "write"));
  if (!policy.exclude_tmpdir_env_var) entries.push(special("tmpdir", "write"));
  for (const root of configured) entries.push(pathEntry(root, "write"));
  // Read grants already covered by a writable root are redundant, so Codex drops them.
  const writable = writableRoots(policy, cwd, host);
  entries = entries.filter((entry) => {
    const path = entry.path.type === "path" ? (entry.path.path as string) : undefined;
    if (entry.access !== "read" || path === undefined) return true;
    return !writable.some((w) => isUnder(path, w.root) && !w.readOnlySubpaths.some((sub) => isUnder(path, sub)));
  });
  const protect = (path: string) => {
    if (!entries.some((entry) => entry.path.type === "path" && entry.path.path === path)) {
      entries.push(pathEntry(path, "read"));
    }
  };
  for (const path of readOnlySubpathsOf(cwd, cwd, host)) protect(path);
  for (const root of configured) for (const path of readOnlySubpathsOf(root, cwd, host)) protect(path);
  return entries;
}

/** The `permission_profile` Codex derives from a legacy sandbox policy (`PermissionProfile` serde). */
export function permissionProfile(policy: SandboxPolicy, cwd: string, host?: SandboxHost): Record<string, unknown> {
  const network = hasFullNetworkAccess(policy) ? "enabled" : "restricted";
  switch (policy.type) {
    case "danger-full-access":
      return { type: "disabled" };
    case "external-sandbox":
      return { type: "external", network };
    case "read-only":
      return {
        type: "managed",
        file_system: { type: "restricted", entries: readEntries(restrictedReadAccess(policy.access), true) },
        network,
      };
    case "workspace-write":
      return {
        type: "managed",
        file_system: { type: "restricted", entries: workspaceWriteEntries(policy, cwd, host) },
        network,
      };
  }
}
