// The pure half of the shell tool: what the model reads back (formatting and truncation), the tool
// spec it is offered, how its arguments are validated, and the parsed_cmd summaries. Expected
// values come from Codex's own tests (truncate/tests.rs, parse_command.rs, the core suite regexes).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  SHELL_TOOL_SPEC,
  formatExecOutputForModel,
  formatExecOutputStr,
  parseCommandForDisplay,
  parseShellArguments,
  resolveWorkdir,
  truncateMiddleChars,
  truncateMiddleWithTokenBudget,
  type ShellResult,
} from "../../src/actors/shell/index.js";

const result = (over: Partial<ShellResult>): ShellResult => ({
  exitCode: 0,
  stdout: "",
  stderr: "",
  aggregatedOutput: "",
  durationMs: 0,
  timedOut: false,
  aborted: false,
  ...over,
});

describe("truncation (Codex truncate/tests.rs)", () => {
  it("keeps head and tail on character boundaries with a chars marker", () => {
    const s = "😀😀😀😀😀😀😀😀😀😀\nsecond line with text\n";
    expect(truncateMiddleChars(s, 20)).toBe("😀😀…21 chars truncated…with text\n");
  });

  it("counts removed tokens from removed bytes under a token budget", () => {
    const s = "😀😀😀😀😀😀😀😀😀😀\nsecond line with text\n";
    expect(truncateMiddleWithTokenBudget(s, 8)).toEqual({
      text: "😀😀😀😀…8 tokens truncated… line with text\n",
      originalTokens: 16,
    });
  });

  it("returns the input under the limit and a bare marker at zero", () => {
    expect(truncateMiddleWithTokenBudget("short output", 100)).toEqual({ text: "short output", originalTokens: null });
    expect(truncateMiddleWithTokenBudget("abcdef", 0)).toEqual({ text: "…2 tokens truncated…", originalTokens: 2 });
  });
});

describe("formatExecOutputForModel", () => {
  it("has Codex's exit/wall-time/output shape", () => {
    const out = formatExecOutputForModel(result({ exitCode: 0, aggregatedOutput: "freeform shell\n", durationMs: 123 }));
    expect(out).toBe("Exit code: 0\nWall time: 0.1 seconds\nOutput:\nfreeform shell\n");
  });

  it("prints whole seconds without a decimal, like Rust's f32 Display", () => {
    expect(formatExecOutputForModel(result({ durationMs: 2000 }))).toBe("Exit code: 0\nWall time: 2 seconds\nOutput:\n");
  });

  it("reports the measured duration of a timeout before the output", () => {
    const out = formatExecOutputForModel(
      result({ exitCode: 124, timedOut: true, durationMs: 1003.7, aggregatedOutput: "partial\n" }),
    );
    expect(out).toBe("Exit code: 124\nWall time: 1 seconds\nOutput:\ncommand timed out after 1003 milliseconds\npartial\n");
  });

  it("uses the interrupted form after an abort", () => {
    expect(formatExecOutputForModel(result({ aborted: true, durationMs: 2345 }))).toBe(
      "Wall time: 2.3 seconds\naborted by user",
    );
  });

  it("adds Total output lines when truncation drops lines (truncation.rs: 150 lines)", () => {
    const lines = Array.from({ length: 150 }, (_, i) => `${i + 1}`).join("\n") + "\n";
    const out = formatExecOutputForModel(result({ aggregatedOutput: lines, durationMs: 10 }), {
      truncationPolicy: { mode: "tokens", limit: 50 },
    });
    expect(out).toMatch(/^Exit code: 0\nWall time: 0 seconds\nTotal output lines: 150\nOutput:\n1\n2\n3\n.*tokens truncated.*\n148\n149\n150\n$/s);
  });

  it("has Codex's structured JSON form", () => {
    const out = formatExecOutputForModel(result({ exitCode: 1, aggregatedOutput: "x\n", durationMs: 2000 }), { style: "json" });
    expect(out).toBe('{"output":"x\\n","metadata":{"exit_code":1,"duration_seconds":2.0}}');
  });

  it("formats exec_command_end output with the Total output lines header only when truncated", () => {
    expect(formatExecOutputStr(result({ aggregatedOutput: "ok\n" }))).toBe("ok\n");
    const big = "line\n".repeat(3000);
    const out = formatExecOutputStr(result({ aggregatedOutput: big }), { mode: "bytes", limit: 100 });
    expect(out).toMatch(/^Total output lines: 3000\n\nline\n.*…\d+ chars truncated….*line\n$/s);
  });
});

describe("SHELL_TOOL_SPEC", () => {
  it("advertises the shell function as Codex does", () => {
    expect(SHELL_TOOL_SPEC.type).toBe("function");
    expect(SHELL_TOOL_SPEC.name).toBe("shell");
    expect(SHELL_TOOL_SPEC.strict).toBe(false);
    expect(Object.keys(SHELL_TOOL_SPEC.parameters.properties)).toEqual([
      "command",
      "justification",
      "prefix_rule",
      "sandbox_permissions",
      "timeout_ms",
      "workdir",
    ]);
    expect(SHELL_TOOL_SPEC.parameters.required).toEqual(["command"]);
    expect(SHELL_TOOL_SPEC.parameters.additionalProperties).toBe(false);
    expect(SHELL_TOOL_SPEC.parameters.properties.command).toEqual({
      type: "array",
      description: "The command to execute",
      items: { type: "string" },
    });
    expect(SHELL_TOOL_SPEC.description).toContain('Most terminal commands should be prefixed with ["bash", "-lc"].');
    // Codex writes this one as a raw string: the backslashes reach the model.
    expect(SHELL_TOOL_SPEC.parameters.properties.justification.description).toMatch(
      /^Only set if sandbox_permissions is \\"require_escalated\\"\.\n {20}Request approval/,
    );
  });

  it("words the approval parameters exactly as real Codex 0.125 sent them (captured exec_command tool)", () => {
    const requests = JSON.parse(
      readFileSync(new URL("../fixtures/codex/tool-call/requests.json", import.meta.url), "utf8"),
    ) as Array<{ body?: { tools?: Array<{ name?: string; parameters?: { properties: Record<string, unknown> } }> } }>;
    const execCommand = requests
      .flatMap((r) => r.body?.tools ?? [])
      .find((t) => t.name === "exec_command");
    expect(execCommand).toBeDefined();
    const captured = execCommand!.parameters!.properties;
    const ours = SHELL_TOOL_SPEC.parameters.properties;
    for (const name of ["justification", "prefix_rule", "sandbox_permissions"] as const) {
      expect(ours[name]).toEqual(captured[name]);
    }
  });
});

describe("parseShellArguments", () => {
  it("accepts a full call", () => {
    const parsed = parseShellArguments(
      JSON.stringify({
        command: ["bash", "-lc", "ls"],
        workdir: "sub",
        timeout_ms: 1000,
        sandbox_permissions: "require_escalated",
        justification: "Do you want to list files?",
        prefix_rule: ["ls"],
        extra: "ignored like serde does",
      }),
    );
    expect(parsed.ok).toBe(true);
    if (parsed.ok) {
      expect(parsed.params).toMatchObject({
        command: ["bash", "-lc", "ls"],
        workdir: "sub",
        timeout_ms: 1000,
        sandbox_permissions: "require_escalated",
        prefix_rule: ["ls"],
      });
    }
  });

  it("accepts the older `timeout` name", () => {
    const parsed = parseShellArguments('{"command":["ls"],"timeout":5}');
    expect(parsed.ok && parsed.params.timeout_ms).toBe(5);
  });

  it.each([
    ["not JSON", "{nope"],
    ["missing command", '{"workdir":"x"}'],
    ["command as a string", '{"command":"ls -la"}'],
    ["negative timeout", '{"command":["ls"],"timeout_ms":-1}'],
    ["fractional timeout", '{"command":["ls"],"timeout_ms":1.5}'],
    ["unknown sandbox_permissions", '{"command":["ls"],"sandbox_permissions":"root"}'],
  ])("rejects %s with Codex's prefix", (_name, json) => {
    const parsed = parseShellArguments(json);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.error.name).toBe("ShellArgumentsError");
      expect(parsed.error.message).toMatch(/^failed to parse function arguments: ./);
    }
  });

  it("resolves workdir against the turn cwd", () => {
    expect(resolveWorkdir("/repo", "pkg")).toBe("/repo/pkg");
    expect(resolveWorkdir("/repo", "/abs")).toBe("/abs");
    expect(resolveWorkdir("/repo", "")).toBe("/repo");
    expect(resolveWorkdir("/repo", null)).toBe("/repo");
  });
});

describe("parseCommandForDisplay (Codex parse_command.rs tests)", () => {
  const bash = (script: string) => ["bash", "-lc", script];
  it.each([
    ["git_status_is_unknown", ["git", "status"], [{ type: "unknown", cmd: "git status" }]],
    ["supports_cat", bash("cat webview/README.md"), [{ type: "read", cmd: "cat webview/README.md", name: "README.md", path: "webview/README.md" }]],
    ["zsh_lc_supports_cat", ["zsh", "-lc", "cat README.md"], [{ type: "read", cmd: "cat README.md", name: "README.md", path: "README.md" }]],
    ["handles_git_pipe_wc", bash("git status | wc -l"), [{ type: "unknown", cmd: "git status | wc -l" }]],
    ["bash_lc_redirect_not_quoted", bash("echo foo > bar"), [{ type: "unknown", cmd: "echo foo > bar" }]],
    [
      "handles_complex_bash_command",
      bash('rg -n "BUG|FIXME|TODO|XXX|HACK" -S | head -n 200'),
      [{ type: "search", cmd: "rg -n 'BUG|FIXME|TODO|XXX|HACK' -S", query: "BUG|FIXME|TODO|XXX|HACK", path: null }],
    ],
    [
      "supports_searching_for_navigate_to_route",
      bash('rg -n "navigate-to-route" -S'),
      [{ type: "search", cmd: "rg -n navigate-to-route -S", query: "navigate-to-route", path: null }],
    ],
    ["supports_rg_files_with_path_and_pipe", bash("rg --files webview/src | sed -n"), [{ type: "list_files", cmd: "rg --files webview/src", path: "webview" }]],
    ["supports_rg_files_then_head", bash("rg --files | head -n 50"), [{ type: "list_files", cmd: "rg --files", path: null }]],
    ["supports_git_grep", ["git", "grep", "TODO", "src"], [{ type: "search", cmd: "git grep TODO src", query: "TODO", path: "src" }]],
    ["supports_git_ls_files", ["git", "ls-files", "--exclude", "target", "src"], [{ type: "list_files", cmd: "git ls-files --exclude target src", path: "src" }]],
    [
      "keeps_mutating_xargs_pipeline",
      bash("rg -l QkBindingController presentation/src/main/java | xargs perl -pi -e 's/QkBindingController/QkController/g'"),
      [{ type: "unknown", cmd: "rg -l QkBindingController presentation/src/main/java | xargs perl -pi -e 's/QkBindingController/QkController/g'" }],
    ],
    ["sed_n_reads_a_file", bash("sed -n '1,5p' src/main.rs"), [{ type: "read", cmd: "sed -n '1,5p' src/main.rs", name: "main.rs", path: "src/main.rs" }]],
    ["cd_then_cat_resolves_path", bash("cd foo && cat bar.txt"), [{ type: "read", cmd: "cat bar.txt", name: "bar.txt", path: "foo/bar.txt" }]],
    ["ls_lists_files", ["ls", "-la", "src/actors"], [{ type: "list_files", cmd: "ls -la src/actors", path: "actors" }]],
  ])("%s", (_name, argv, expected) => {
    expect(parseCommandForDisplay(argv as string[])).toEqual(expected);
  });
});
