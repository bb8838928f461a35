// Given an approval and sandbox policy, then the `<permissions instructions>` text Codex renders.
import { describe, expect, it } from "vitest";
import { formatAllowPrefixes, permissionsInstructions } from "../../src/context/index.js";

const FS_INTRO = "Filesystem sandboxing defines which files can be read or written.";

describe("permissionsInstructions", () => {
  it("never + danger-full-access: sandbox line, approval line, nothing else", () => {
    expect(permissionsInstructions("never", { type: "danger-full-access" }, { cwd: "/w" })).toBe(
      "<permissions instructions>\n" +
        `${FS_INTRO} \`sandbox_mode\` is \`danger-full-access\`: No filesystem sandboxing - all commands are permitted. Network access is enabled.\n` +
        "Approval policy is currently never. Do not provide the `sandbox_permissions` for any reason, commands will be rejected.\n" +
        "</permissions instructions>",
    );
  });

  it("read-only says whether the network is restricted", () => {
    const restricted = permissionsInstructions("never", { type: "read-only" }, { cwd: "/w" });
    expect(restricted).toContain("`sandbox_mode` is `read-only`: The sandbox only permits reading files. Network access is restricted.");
    const open = permissionsInstructions("never", { type: "read-only", network_access: true }, { cwd: "/w" });
    expect(open).toContain("Network access is enabled.");
  });

  it("an external sandbox is described as full access with its network setting", () => {
    const text = permissionsInstructions("never", { type: "external-sandbox" }, { cwd: "/w" });
    expect(text).toContain("`danger-full-access`");
    expect(text).toContain("Network access is restricted.");
  });

  it("workspace-write lists configured roots, the cwd, /tmp and $TMPDIR, in that order", () => {
    const text = permissionsInstructions(
      "never",
      { type: "workspace-write", writable_roots: ["/extra"] },
      { cwd: "/w", host: { slashTmpIsDir: true, tmpdir: "/var/tmp/me", readOnlySubpaths: {} } },
    );
    expect(text.endsWith("\n The writable roots are `/extra`, `/w`, `/tmp`, `/var/tmp/me`.\n</permissions instructions>")).toBe(true);
  });

  it("workspace-write with /tmp and $TMPDIR excluded has one writable root", () => {
    const text = permissionsInstructions(
      "never",
      { type: "workspace-write", exclude_slash_tmp: true, exclude_tmpdir_env_var: true },
      { cwd: "/w", host: { slashTmpIsDir: true, tmpdir: "/t", readOnlySubpaths: {} } },
    );
    expect(text).toContain("\n The writable root is `/w`.\n");
  });

  it("on-request explains escalation and lists approved prefixes", () => {
    const text = permissionsInstructions(
      "on-request",
      { type: "workspace-write" },
      { cwd: "/w", approvedCommandPrefixes: [["git", "pull"]] },
    );
    expect(text).toContain("# Escalation Requests");
    expect(text).toContain(
      '## Approved command prefixes\nThe following prefix rules have already been approved: - ["git", "pull"]',
    );
  });

  it("untrusted and on-failure use their own texts", () => {
    expect(permissionsInstructions("untrusted", { type: "read-only" }, { cwd: "/w" })).toContain(
      "`approval_policy` is `unless-trusted`",
    );
    expect(permissionsInstructions("on-failure", { type: "read-only" }, { cwd: "/w" })).toContain(
      "`approval_policy` is `on-failure`",
    );
  });

  it("granular lists which categories prompt and which are rejected", () => {
    const text = permissionsInstructions(
      { granular: { sandbox_approval: true, rules: false, mcp_elicitations: true } },
      { type: "read-only" },
      { cwd: "/w" },
    );
    expect(text).toContain(
      "These approval categories may still prompt the user when needed:\n- `sandbox_approval`\n- `mcp_elicitations`\n\n" +
        "These approval categories are automatically rejected instead of prompting the user:\n- `rules`\n- `skill_approval`",
    );
  });
});

describe("formatAllowPrefixes", () => {
  it("sorts by length, then total length, then alphabetically", () => {
    expect(formatAllowPrefixes([["npm", "run", "dev"], ["cargo", "test"], ["gh", "pr"], ["ls"]])).toBe(
      '- ["ls"]\n- ["gh", "pr"]\n- ["cargo", "test"]\n- ["npm", "run", "dev"]',
    );
  });

  it("marks the list truncated past 100 rules", () => {
    const many = Array.from({ length: 101 }, (_, i) => [`cmd${String(i).padStart(3, "0")}`]);
    const text = formatAllowPrefixes(many)!;
    expect(text.endsWith("...\n[Some commands were truncated]")).toBe(true);
    expect(text).not.toContain("cmd100");
  });
});
