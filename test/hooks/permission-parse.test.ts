// Codex's reading of a PermissionRequest hook's answer (hooks/src/events/permission_request.rs and
// engine/output_parser.rs), case by case, and its fold over several hooks: any deny wins, else the
// last allow, else no verdict. The texts are Codex's, so a user sees the same errors in both.
import { describe, expect, it } from "vitest";
import { parseRun, permissionRequestVerdict } from "../../src/hooks/index.js";
import type { HookRunSummary } from "../../src/events/index.js";

const ok = (stdout: string, stderr = "", exitCode: number | null = 0) => parseRun("permission_request", { exitCode, stdout, stderr, error: null });
const specific = (decision: unknown) => JSON.stringify({ hookSpecificOutput: { hookEventName: "PermissionRequest", decision } });

describe("a PermissionRequest hook's answer", () => {
  it("allows, denies with a message (or Codex's default), or declines to decide", () => {
    expect(ok(specific({ behavior: "allow" }))).toEqual({ status: "completed", entries: [], permissionDecision: "allow" });
    expect(ok(specific({ behavior: "deny", message: "  not in prod  " }))).toEqual({
      status: "blocked",
      entries: [{ kind: "feedback", text: "not in prod" }],
      permissionDecision: "deny",
    });
    expect(ok(specific({ behavior: "deny", message: "   " }))).toMatchObject({ entries: [{ kind: "feedback", text: "PermissionRequest hook denied approval" }] });
    expect(ok(specific({ behavior: "deny" }))).toMatchObject({ status: "blocked", permissionDecision: "deny" });
    // No decision, empty output, plain text, a decision of null: no verdict.
    for (const stdout of ["", "  \n", "looks fine to me", "{}", JSON.stringify({ hookSpecificOutput: { hookEventName: "PermissionRequest" } }), specific(null)]) {
      expect(ok(stdout)).toEqual({ status: "completed", entries: [] });
    }
  });

  it("denies on exit code 2 with a reason on stderr, and fails without one", () => {
    expect(ok("", "  rm is not allowed\n", 2)).toEqual({ status: "blocked", entries: [{ kind: "feedback", text: "rm is not allowed" }], permissionDecision: "deny" });
    expect(ok("", "", 2)).toEqual({
      status: "failed",
      entries: [{ kind: "error", text: "PermissionRequest hook exited with code 2 but did not write a denial reason to stderr" }],
    });
    expect(ok(specific({ behavior: "allow" }), "", 1)).toEqual({ status: "failed", entries: [{ kind: "error", text: "hook exited with code 1" }] });
    expect(ok("", "", null)).toEqual({ status: "failed", entries: [{ kind: "error", text: "hook exited without a status code" }] });
  });

  it("fails on garbage, unknown fields and the fields Codex reserves, without a verdict", () => {
    const failed = (stdout: string) => ok(stdout);
    const error = (text: string) => ({ status: "failed", entries: [{ kind: "error", text }] });
    expect(failed("{not json")).toEqual(error("hook returned invalid permission-request JSON output"));
    expect(failed("[1, 2]")).toEqual(error("hook returned invalid permission-request JSON output"));
    expect(failed(JSON.stringify({ decision: "approve" }))).toEqual(error("hook returned invalid permission-request JSON output"));
    expect(failed(specific({ behavior: "maybe" }))).toEqual(error("hook returned invalid permission-request JSON output"));
    expect(failed(specific({ behavior: "allow", interrupt: null }))).toEqual(error("hook returned invalid permission-request JSON output"));
    expect(failed(specific({ behavior: "allow", updatedInput: { command: "ls" } }))).toEqual(error("PermissionRequest hook returned unsupported updatedInput"));
    expect(failed(specific({ behavior: "deny", updatedPermissions: [] }))).toEqual(error("PermissionRequest hook returned unsupported updatedPermissions"));
    expect(failed(specific({ behavior: "allow", interrupt: true }))).toEqual(error("PermissionRequest hook returned unsupported interrupt:true"));
    expect(failed(JSON.stringify({ continue: false }))).toEqual(error("PermissionRequest hook returned unsupported continue:false"));
    expect(failed(JSON.stringify({ stopReason: "x" }))).toEqual(error("PermissionRequest hook returned unsupported stopReason"));
    expect(failed(JSON.stringify({ suppressOutput: true }))).toEqual(error("PermissionRequest hook returned unsupported suppressOutput"));
    // serde reads an explicit null as absent.
    expect(ok(specific({ behavior: "allow", updatedInput: null, message: null }))).toMatchObject({ permissionDecision: "allow" });
    // A system message is a warning, even beside an error.
    expect(ok(JSON.stringify({ systemMessage: "heads up", suppressOutput: true }))).toEqual({
      status: "failed",
      entries: [
        { kind: "warning", text: "heads up" },
        { kind: "error", text: "PermissionRequest hook returned unsupported suppressOutput" },
      ],
    });
  });
});

describe("several hooks' verdicts", () => {
  const run = (permission_decision?: "allow" | "deny", message?: string): HookRunSummary =>
    ({
      id: "x",
      event_name: "permission_request",
      status: permission_decision === "deny" ? "blocked" : "completed",
      entries: message ? [{ kind: "feedback", text: message }] : [],
      ...(permission_decision ? { permission_decision } : {}),
    }) as HookRunSummary;

  it("any deny wins (the first one's message), else an allow, else none", () => {
    expect(permissionRequestVerdict([run("allow"), run("deny", "repo deny"), run("deny", "later")])).toEqual({ behavior: "deny", message: "repo deny" });
    expect(permissionRequestVerdict([run(), run("allow"), run()])).toEqual({ behavior: "allow" });
    expect(permissionRequestVerdict([run(), run()])).toBeNull();
    expect(permissionRequestVerdict([])).toBeNull();
  });
});
