/**
 * The `<permissions instructions>` developer section (Codex's `PermissionsInstructions`): the sandbox
 * mode text, the approval policy text, then the writable roots.
 */
import type { AskForApproval, SandboxPolicy } from "../events/index.js";
import {
  APPROVAL_NEVER,
  APPROVAL_ON_FAILURE,
  APPROVAL_ON_REQUEST_RULE,
  APPROVAL_ON_REQUEST_RULE_REQUEST_PERMISSION,
  APPROVAL_UNLESS_TRUSTED,
  SANDBOX_DANGER_FULL_ACCESS,
  SANDBOX_READ_ONLY,
  SANDBOX_WORKSPACE_WRITE,
} from "./prompts/permissions.js";
import { hasFullNetworkAccess, writableRoots } from "./sandbox.js";
import type { SandboxHost } from "./settings.js";

export const PERMISSIONS_OPEN_TAG = "<permissions instructions>";
export const PERMISSIONS_CLOSE_TAG = "</permissions instructions>";

const REQUEST_PERMISSIONS_TOOL_SECTION =
  "# request_permissions Tool\n\nThe built-in `request_permissions` tool is available in this session. Invoke it when you need to request additional `network` or `file_system` permissions before later shell-like commands need them. Request only the specific permissions required for the task.";
const GRANULAR_INTRO =
  "# Approval Requests\n\nApproval policy is `granular`. Categories set to `false` are automatically rejected instead of prompting the user.";
const AUTO_REVIEW_SUFFIX =
  "`approvals_reviewer` is `auto_review`: Sandbox escalations with require_escalated will be reviewed for compliance with the policy. If a rejection happens, you should proceed only with a materially safer alternative, or inform the user of the risk and send a final message to ask for approval.";
const MAX_RENDERED_PREFIXES = 100;
const MAX_PREFIX_TEXT_CHARS = 5000;

export interface PermissionsOptions {
  cwd: string;
  host?: SandboxHost;
  /** Exec-policy prefix rules already approved (listed under on-request and granular). */
  approvedCommandPrefixes?: string[][];
  /** Codex features `exec_permission_approvals` and `request_permissions_tool` (off by default). */
  execPermissionApprovals?: boolean;
  requestPermissionsTool?: boolean;
  /** `approvals_reviewer = "auto_review"`. */
  autoReview?: boolean;
}

function sandboxText(policy: SandboxPolicy): string {
  const template =
    policy.type === "workspace-write"
      ? SANDBOX_WORKSPACE_WRITE
      : policy.type === "read-only"
        ? SANDBOX_READ_ONLY
        : SANDBOX_DANGER_FULL_ACCESS; // external sandboxes are described as full access, as in Codex
  const network = hasFullNetworkAccess(policy) ? "enabled" : "restricted";
  return template.trimEnd().split("{{network_access}}").join(network);
}

/** `format_allow_prefixes`: shortest rules first, at most 100 and 5000 characters. */
export function formatAllowPrefixes(prefixes: string[][]): string | undefined {
  if (prefixes.length === 0) return undefined;
  const combined = (p: string[]) => p.reduce((n, s) => n + Buffer.byteLength(s), 0);
  const sorted = [...prefixes].sort((a, b) => {
    if (a.length !== b.length) return a.length - b.length;
    if (combined(a) !== combined(b)) return combined(a) - combined(b);
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
    return 0;
  });
  let truncated = prefixes.length > MAX_RENDERED_PREFIXES;
  let text = sorted
    .slice(0, MAX_RENDERED_PREFIXES)
    .map((p) => `- [${p.map((token) => JSON.stringify(token)).join(", ")}]`)
    .join("\n");
  const chars = [...text];
  if (chars.length > MAX_PREFIX_TEXT_CHARS) {
    truncated = true;
    text = chars.slice(0, MAX_PREFIX_TEXT_CHARS).join("");
  }
  return truncated ? `${text}...\n[Some commands were truncated]` : text;
}

function approvedPrefixesSection(options: PermissionsOptions): string[] {
  const prefixes = formatAllowPrefixes(options.approvedCommandPrefixes ?? []);
  return prefixes === undefined
    ? []
    : [`## Approved command prefixes\nThe following prefix rules have already been approved: ${prefixes}`];
}

type Granular = {
  sandbox_approval?: boolean;
  rules?: boolean;
  skill_approval?: boolean;
  request_permissions?: boolean;
  mcp_elicitations?: boolean;
};

function granularText(config: Granular, options: PermissionsOptions): string {
  const tool = options.requestPermissionsTool ?? false;
  const categories: [boolean, string][] = [
    [config.sandbox_approval ?? false, "`sandbox_approval`"],
    [config.rules ?? false, "`rules`"],
    [config.skill_approval ?? false, "`skill_approval`"],
    ...(tool ? [[config.request_permissions ?? false, "`request_permissions`"] as [boolean, string]] : []),
    [config.mcp_elicitations ?? false, "`mcp_elicitations`"],
  ];
  const listed = (allowed: boolean) => categories.filter(([a]) => a === allowed).map(([, c]) => `- ${c}`);
  const sections = [GRANULAR_INTRO];
  const prompted = listed(true);
  const rejected = listed(false);
  if (prompted.length > 0) {
    sections.push(`These approval categories may still prompt the user when needed:\n${prompted.join("\n")}`);
  }
  if (rejected.length > 0) {
    sections.push(
      `These approval categories are automatically rejected instead of prompting the user:\n${rejected.join("\n")}`,
    );
  }
  if (options.execPermissionApprovals && config.sandbox_approval) {
    sections.push(APPROVAL_ON_REQUEST_RULE_REQUEST_PERMISSION);
  }
  if (tool && config.request_permissions) sections.push(REQUEST_PERMISSIONS_TOOL_SECTION);
  sections.push(...approvedPrefixesSection(options));
  return sections.join("\n\n");
}

function approvalText(policy: AskForApproval, options: PermissionsOptions): string {
  const withTool = (text: string) =>
    options.requestPermissionsTool ? `${text}\n\n${REQUEST_PERMISSIONS_TOOL_SECTION}` : text;
  let text: string;
  if (typeof policy === "object") {
    text = granularText(policy.granular as Granular, options);
  } else if (policy === "never") {
    text = APPROVAL_NEVER;
  } else if (policy === "untrusted") {
    text = withTool(APPROVAL_UNLESS_TRUSTED);
  } else if (policy === "on-failure") {
    text = withTool(APPROVAL_ON_FAILURE);
  } else {
    const rule = options.execPermissionApprovals ? APPROVAL_ON_REQUEST_RULE_REQUEST_PERMISSION : APPROVAL_ON_REQUEST_RULE;
    const sections = [rule];
    if (options.requestPermissionsTool) sections.push(REQUEST_PERMISSIONS_TOOL_SECTION);
    text = [...sections, ...approvedPrefixesSection(options)].join("\n\n");
  }
  return options.autoReview && policy !== "never" ? `${text}\n\n${AUTO_REVIEW_SUFFIX}` : text;
}

function writableRootsText(policy: SandboxPolicy, options: PermissionsOptions): string | undefined {
  if (policy.type !== "workspace-write") return undefined;
  const roots = writableRoots(policy, options.cwd, options.host).map((r) => `\`${r.root}\``);
  if (roots.length === 0) return undefined;
  return roots.length === 1 ? ` The writable root is ${roots[0]}.` : ` The writable roots are ${roots.join(", ")}.`;
}

/** The full `<permissions instructions>…</permissions instructions>` text, byte for byte as Codex renders it. */
export function permissionsInstructions(
  approvalPolicy: AskForApproval,
  sandboxPolicy: SandboxPolicy,
  options: PermissionsOptions,
): string {
  let body = "";
  // Codex starts every section on a fresh line, so the body opens with a newline.
  const append = (section: string) => {
    if (!body.endsWith("\n")) body += "\n";
    body += section;
  };
  append(sandboxText(sandboxPolicy));
  append(approvalText(approvalPolicy, options));
  const roots = writableRootsText(sandboxPolicy, options);
  if (roots !== undefined) append(roots);
  if (!body.endsWith("\n")) body += "\n";
  return `${PERMISSIONS_OPEN_TAG}${body}${PERMISSIONS_CLOSE_TAG}`;
}
