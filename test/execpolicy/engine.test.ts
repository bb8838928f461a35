// The exec-policy engine on its own: reading .rules files (the Starlark subset, Codex's builtins and
// their checks, match/not_match examples), matching (strictest wins), appending approved prefixes
// (two processes at once), and `loom execpolicy check`'s output, which must be codex's.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  appendAllowPrefixRule,
  ExecPolicyParseError,
  formatMatchesJson,
  loadPolicyFiles,
  PolicyParser,
  type Policy,
} from "../../src/execpolicy/index.js";
import { runMain } from "../support/cli.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "loom-execpolicy-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function parse(text: string, path = "test.rules"): Policy {
  const parser = new PolicyParser();
  parser.parse(path, text);
  return parser.build();
}

function parseError(text: string): ExecPolicyParseError {
  try {
    parse(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ExecPolicyParseError);
    return error as ExecPolicyParseError;
  }
  throw new Error("expected the rules not to parse");
}

const check = (policy: Policy, command: string[], resolveHostExecutables = false) =>
  JSON.parse(formatMatchesJson(policy.matchesFor(command, undefined, { resolveHostExecutables })));

describe("reading rules (codex-execpolicy parser.rs)", () => {
  it("takes positional and keyword arguments, defaults to allow, and the strictest match decides", () => {
    const policy = parse(`
# comments and blank lines are fine
prefix_rule(["git"])
prefix_rule(pattern=["git", "push"], decision="forbidden", justification="no pushing")
`);
    expect(check(policy, ["git", "push", "origin"])).toEqual({
      matchedRules: [
        { prefixRuleMatch: { matchedPrefix: ["git"], decision: "allow" } },
        { prefixRuleMatch: { matchedPrefix: ["git", "push"], decision: "forbidden", justification: "no pushing" } },
      ],
      decision: "forbidden",
    });
    expect(check(policy, ["ls"])).toEqual({ matchedRules: [] });
  });

  it("reads alternatives anywhere in a pattern, the first token becoming one rule per word", () => {
    const policy = parse(`prefix_rule(pattern=[["npm", "pnpm"], ["test", "run"]], decision="prompt")`);
    expect(check(policy, ["pnpm", "run", "x"]).decision).toBe("prompt");
    expect(check(policy, ["npm", "test"]).decision).toBe("prompt");
    expect(check(policy, ["npm", "install"]).decision).toBeUndefined();
  });

  it("evaluates variables, + on lists and strings, tuples, triple-quoted and raw strings", () => {
    const policy = parse(`
base = ["cargo"]
why = """multi
line""" + r" \\n raw"
pair = ("not", "used")
prefix_rule(pattern=base + ["publish"], decision="forbidden", justification=why, match=["cargo publish"])
`);
    expect(check(policy, ["cargo", "publish"]).matchedRules[0].prefixRuleMatch.justification).toBe("multi\nline \\n raw");
  });

  it("checks match and not_match examples when the file loads (strings split like a shell)", () => {
    expect(() => parse(`prefix_rule(pattern=["git", "push"], match=["git push origin", ["git", "push"]], not_match=["git pull"])`)).not.toThrow();
    const unmatched = parseError(`\n\nprefix_rule(pattern=["git", "push"], match=["git pull"])`);
    expect(unmatched.line).toBe(3);
    expect(unmatched.message).toContain("expected every example to match at least one rule");
    expect(unmatched.message).toContain('unmatched examples: ["git pull"]');
    const matched = parseError(`prefix_rule(pattern=["git"], not_match=["git status"])`);
    expect(matched.message).toContain("expected example to not match rule");
  });

  it("resolves /usr/bin/git to git's rules only when asked, and only for listed host executables", () => {
    const policy = parse(`prefix_rule(pattern=["git"], decision="prompt")\nhost_executable(name="git", paths=["/usr/bin/git"])`);
    expect(check(policy, ["/usr/bin/git", "status"])).toEqual({ matchedRules: [] });
    expect(check(policy, ["/usr/bin/git", "status"], true)).toEqual({
      matchedRules: [{ prefixRuleMatch: { matchedPrefix: ["git"], decision: "prompt", resolvedProgram: "/usr/bin/git" } }],
      decision: "prompt",
    });
    expect(check(policy, ["/opt/git/bin/git", "status"], true)).toEqual({ matchedRules: [] });
  });

  it("reads network rules (deny is forbidden) and normalizes their hosts", () => {
    const policy = parse(`network_rule(host="API.Example.com:443", protocol="https", decision="deny")`);
    expect(policy.networkRules).toEqual([{ host: "api.example.com", protocol: "https", decision: "forbidden" }]);
  });

  it.each<[string, string, number, string]>([
    ["an unknown decision", `\n\nprefix_rule(pattern=["a"], decision="nope")`, 3, "invalid decision: nope"],
    ["an unknown keyword", `prefix_rule(pattern=["a"], foo=1)`, 1, "Found `foo` extra named parameter(s) for call to prefix_rule"],
    ["a missing pattern", `prefix_rule(decision="allow")`, 1, "missing required argument `pattern`"],
    ["an empty pattern", `prefix_rule(pattern=[])`, 1, "pattern cannot be empty"],
    ["a pattern that is a string", `prefix_rule(pattern="git")`, 1, "must be a list, got string"],
    ["a number in a pattern", `prefix_rule(pattern=["git", 1])`, 1, "pattern element must be a string or list of strings (got int)"],
    ["empty alternatives", `prefix_rule(pattern=["git", []])`, 1, "pattern alternatives cannot be empty"],
    ["an empty justification", `prefix_rule(pattern=["a"], justification="  ")`, 1, "justification cannot be empty"],
    ["an unclosed call", `prefix_rule(pattern=["a"]\nprefix_rule(pattern=["b"])`, 2, "expected"],
    ["an unterminated string", `x = 1\nprefix_rule(pattern=["a])`, 2, "unterminated string literal"],
    ["an undefined name", `prefix_rule(pattern=cmd)`, 1, "variable `cmd` not found"],
    ["an unknown function", `\nallow_rule(pattern=["a"])`, 2, "variable `allow_rule` not found"],
    ["a def", `def f():\n  pass`, 1, "`def` is not supported"],
    ["a stray indent", `prefix_rule(pattern=["a"])\n  prefix_rule(pattern=["b"])`, 2, "unexpected indentation"],
    ["a relative host_executable path", `host_executable(name="git", paths=["bin/git"])`, 1, "must be absolute"],
    ["a host_executable path of another program", `host_executable(name="git", paths=["/usr/bin/hg"])`, 1, "must have basename `git`"],
    ["a bad network protocol", `network_rule(host="a.com", protocol="ftp", decision="allow")`, 1, "protocol must be one of"],
    ["a wildcard host", `network_rule(host="*.a.com", protocol="https", decision="allow")`, 1, "wildcards are not allowed"],
    ["a tuple where a list is wanted", `prefix_rule(pattern=("git",))`, 1, "must be a list, got tuple"],
    ["an example that does not split", `prefix_rule(pattern=["a"], match=["a 'b"])`, 1, "invalid shell syntax"],
  ])("reports %s with its file and line", (_what, text, line, message) => {
    const error = parseError(text);
    expect(error.path).toBe("test.rules");
    expect(error.line).toBe(line);
    expect(error.message).toContain(message);
    expect(error.message).toMatch(new RegExp(`^test\\.rules:${line}: .*\\(problem is on or around line ${line}\\)$`));
    expect(error.message).not.toContain("\n");
  });

  it("keeps nothing of a file that fails, and a failing file fails the whole load", async () => {
    await writeFile(join(dir, "a.rules"), `prefix_rule(pattern=["rm"], decision="forbidden")\n`);
    await writeFile(join(dir, "b.rules"), `prefix_rule(pattern=["ls"])\nprefix_rule(pattern=["x"], decision="maybe")\n`);
    await expect(loadPolicyFiles([join(dir, "a.rules"), join(dir, "b.rules")])).rejects.toThrow(/b\.rules:2: invalid decision: maybe/);
    const parser = new PolicyParser();
    expect(() => parser.parse("b.rules", `prefix_rule(pattern=["ls"])\nprefix_rule(pattern=["x"], decision="maybe")\n`)).toThrow();
    expect(parser.build().rules()).toEqual([]);
  });
});

describe("remembering prefixes (amend.rs blocking_append_allow_prefix_rule)", () => {
  it("appends Codex's line once, after a missing final newline, creating the folder", async () => {
    const path = join(dir, "rules", "default.rules");
    await appendAllowPrefixRule(path, ["echo", "Hello, world!"]);
    await appendAllowPrefixRule(path, ["echo", "Hello, world!"]);
    expect(await readFile(path, "utf8")).toBe(`prefix_rule(pattern=["echo", "Hello, world!"], decision="allow")\n`);
    await writeFile(path, `prefix_rule(pattern=["ls"], decision="allow")`);
    await appendAllowPrefixRule(path, ["say", 'a "quoted" \\ word']);
    const text = await readFile(path, "utf8");
    expect(text).toBe(`prefix_rule(pattern=["ls"], decision="allow")\nprefix_rule(pattern=["say", "a \\"quoted\\" \\\\ word"], decision="allow")\n`);
    const policy = await loadPolicyFiles([path]);
    expect(check(policy, ["say", 'a "quoted" \\ word']).decision).toBe("allow");
  });

  it("loses no line when two processes append at once", async () => {
    const path = join(dir, "rules", "default.rules");
    const script = join(dir, "append.mts");
    const engine = join(process.cwd(), "src/execpolicy/index.ts");
    await writeFile(
      script,
      `import { appendAllowPrefixRule } from ${JSON.stringify(engine)};\n` +
        `const [who] = process.argv.slice(2);\n` +
        `await Promise.all(Array.from({ length: 40 }, (_, i) => appendAllowPrefixRule(${JSON.stringify(path)}, ["tool-" + who, String(i)])));\n`,
    );
    const run = (who: string) =>
      new Promise<number>((resolve, reject) => {
        const child = spawn(join(process.cwd(), "node_modules/.bin/tsx"), [script, who], { stdio: "inherit" });
        child.once("error", reject);
        child.once("exit", (code) => resolve(code ?? -1));
      });
    expect(await Promise.all([run("a"), run("b")])).toEqual([0, 0]);
    const policy = await loadPolicyFiles([path]);
    for (const who of ["a", "b"]) {
      for (let i = 0; i < 40; i += 1) expect(check(policy, [`tool-${who}`, String(i)]).decision).toBe("allow");
    }
    const lines = (await readFile(path, "utf8")).split("\n").filter((l) => l !== "");
    expect(new Set(lines).size).toBe(80);
  }, 60_000);
});

describe("loom execpolicy check (codex execpolicy check)", () => {
  it("prints codex's JSON for the given rules files", async () => {
    await writeFile(join(dir, "a.rules"), `prefix_rule(pattern=["git", ["push", "fetch"]], decision="prompt", justification="network")\nprefix_rule(["git"])\n`);
    const result = await runMain(["execpolicy", "check", "--rules", join(dir, "a.rules"), "--", "git", "push", "x"]);
    expect(result.code).toBe(0);
    // Byte for byte what `codex execpolicy check --rules a.rules git push x` prints (Codex 0.125.0).
    expect(result.stdout).toBe(
      `{"matchedRules":[{"prefixRuleMatch":{"matchedPrefix":["git","push"],"decision":"prompt","justification":"network"}},{"prefixRuleMatch":{"matchedPrefix":["git"],"decision":"allow"}}],"decision":"prompt"}`,
    );
    const none = await runMain(["execpolicy", "check", "--rules", join(dir, "a.rules"), "--", "ls"]);
    expect(none.stdout).toBe(`{"matchedRules":[]}`);
  });

  it("reads the data dir's rules when no --rules is given", async () => {
    const dataDir = join(dir, "data");
    await appendAllowPrefixRule(join(dataDir, "rules", "default.rules"), ["make", "test"]);
    const result = await runMain(["execpolicy", "check", "--data-dir", dataDir, "--", "make", "test", "-j4"]);
    expect(JSON.parse(result.stdout)).toEqual({ matchedRules: [{ prefixRuleMatch: { matchedPrefix: ["make", "test"], decision: "allow" } }], decision: "allow" });
  });

  it("says in one line which file and line do not parse", async () => {
    await writeFile(join(dir, "bad.rules"), `\nprefix_rule(pattern=["a"], decision="nope")\n`);
    const result = await runMain(["execpolicy", "check", "--rules", join(dir, "bad.rules"), "--", "a"]);
    expect(result.code).toBe(2);
    expect(result.err).toHaveLength(1);
    expect(result.stderr).toContain(`${join(dir, "bad.rules")}:2: invalid decision: nope`);
    expect(result.stdout).toBe("");
  });

  it("refuses a missing command or subcommand", async () => {
    expect((await runMain(["execpolicy", "check", "--rules", "x.rules"])).code).toBe(2);
    expect((await runMain(["execpolicy", "eval", "--", "ls"])).code).toBe(2);
  });
});
