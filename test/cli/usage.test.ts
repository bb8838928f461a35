// The command line as a careless user meets it: mistyped data dirs and numbers, prompts on stdin,
// short thread ids, a thread stuck on an approval, a re-import, a bad OPENAI_BASE_URL. Each gets one
// line saying what was wrong, and nothing already written changes. Run in-process (main() with
// captured output) for speed; test/cli/process.test.ts covers what needs a real process.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { evCompleted, evCreated, evCustomToolCall, messageTexts, textTurn, toolCallTurn } from "../support/fake-responses.js";
import { startLoom, type LoomHarness } from "../support/loom.js";
import { runMain } from "../support/cli.js";
import { HELP } from "../../src/cli/main.js";

let loom: LoomHarness;
let env: Record<string, string>;
beforeEach(async () => {
  loom = await startLoom();
  env = { OPENAI_BASE_URL: loom.server.baseURL, OPENAI_API_KEY: "test" };
});
afterEach(async () => {
  await loom.close();
});

const cli = (args: string[], options: { stdin?: string | Buffer; env?: Record<string, string | undefined> } = {}) =>
  runMain([...args, "--data-dir", loom.dataDir], { ...options, env: { ...env, ...options.env } });

/** A thread with two finished turns, made through the API; the runtime is closed after. */
async function twoTurns(): Promise<string> {
  loom.server.enqueue(textTurn("one"), textTurn("two"));
  const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
  await thread.run("first");
  await thread.run("second");
  await loom.rt.close();
  return thread.id;
}

/** A thread whose turn waits on an exec approval; the runtime is closed after, leaving it pending. */
async function waitingOnApproval(): Promise<string> {
  loom.server.enqueue(toolCallTurn("call_rm", "shell", { command: ["rm", "-rf", "build"] }));
  const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "untrusted" });
  const asked = new Promise((resolve) => thread.events$.subscribe((e) => e.msg.type === "exec_approval_request" && resolve(e)));
  await thread.submit({ type: "user_input", items: [{ type: "text", text: "clean up" }] });
  await asked;
  await loom.rt.close();
  return thread.id;
}

const headOf = async (id: string) => JSON.parse((await cli(["state", id, "--json"])).out[0]!).seq as number;

describe("data dirs", () => {
  it("never creates one for a read command, refuses an empty --data-dir, and says when exec starts one", async () => {
    const missing = join(loom.dataDir, "typo");
    for (const command of [["threads"], ["log", "x"], ["state", "x"], ["turns", "x"], ["export-codex", "x"], ["replay", "x"], ["fork", "x", "--at", "1"], ["rollback", "x", "1"]]) {
      const result = await runMain([...command, "--data-dir", missing], { env });
      expect(result.code, command.join(" ")).toBe(2);
      expect(result.err).toEqual([`loom ${command[0]}: no Loom data dir at ${missing} (no such directory); check --data-dir or $LOOM_HOME`]);
    }
    expect(existsSync(missing)).toBe(false);
    const empty = await runMain(["threads", "--data-dir", ""], { env });
    expect(empty.err).toEqual(["loom threads: --data-dir must not be empty (leave it out for $LOOM_HOME, else ~/.loom)"]);
    loom.server.enqueue(textTurn("fresh"));
    const fresh = await runMain(["exec", "--data-dir", missing, "--cwd", loom.cwd, "hello"], { env });
    expect(fresh.code).toBe(0);
    expect(fresh.err[0]).toBe(`loom: started a new data dir at ${missing}`);
  });

  it("reports a corrupted data dir and a file that is not a fixture in one line", async () => {
    await twoTurns();
    await writeFile(join(loom.dataDir, "log", "CURRENT"), "MANIFEST-999999\n");
    const corrupted = await cli(["threads"]);
    expect(corrupted.code).toBe(1);
    expect(corrupted.err).toHaveLength(1);
    expect(corrupted.err[0]).toMatch(/^loom threads: cannot open the event log at .*: .*(MANIFEST|Corruption|No such file)/);
    const bad = join(loom.cwd, "bad.jsonl");
    await writeFile(bad, '{"timestamp":"2025-01-01T00:00:00Z","type":"session_meta","payload":{}}\n');
    // A rollout line Loom cannot read (its session_meta has no id) names the line and why.
    const replay = await runMain(["replay", bad], { env });
    expect(replay.code).toBe(2);
    expect(replay.err).toHaveLength(1);
    expect(replay.err[0]).toMatch(/^loom replay: .*bad\.jsonl:1: cannot replay: .*session_meta/);
    const neither = join(loom.cwd, "neither.jsonl");
    await writeFile(neither, '{"hello":"world"}\n');
    const other = await runMain(["replay", neither], { env });
    expect(other.code).toBe(2);
    expect(other.err[0]).toMatch(/^loom replay: .*neither\.jsonl:1: not a Loom log entry/);
  });
});

describe("arguments", () => {
  it("rejects numbers that are not plain decimals, in one line, and accepts --at=0", async () => {
    const id = await twoTurns();
    for (const [flag, value] of [["--at", "0x10"], ["--at", "1e1"], ["--at", "1.0"], ["--at", " 7"], ["--at=-1", undefined]] as const) {
      const result = await cli(["state", id, ...(value === undefined ? [flag] : [flag, value])]);
      expect(result.code, `${flag} ${value}`).toBe(2);
      expect(result.err).toHaveLength(1);
      expect(result.err[0]).toMatch(/--at must be a non-negative integer in decimal/);
    }
    const dash = await cli(["state", id, "--at", "-1"]);
    expect(dash.err).toEqual(['loom state: --at needs a value, and a value starting with "-" is taken for an option (write --at=VALUE)']);
    expect((await cli(["log", id, "--from", "2.5"])).err[0]).toMatch(/--from must be a non-negative integer in decimal/);
    expect((await cli(["state", id, "--at=0"])).code).toBe(0);
  });

  it("takes a unique prefix of a thread id, refuses an ambiguous one, and finds the last thread", async () => {
    const id = await twoTurns();
    const byPrefix = await cli(["turns", id.slice(0, 6)]);
    expect(byPrefix.code).toBe(0);
    expect(byPrefix.out).toHaveLength(2);
    const other = (await cli(["fork", id.slice(0, 8), "--before-turn", "1"])).out[0]!;
    const common = [...id].findIndex((c, i) => other[i] !== c);
    if (common > 0) {
      const ambiguous = await cli(["state", id.slice(0, common)]);
      expect(ambiguous.err[0]).toMatch(/is ambiguous: 2 threads start with it/);
    }
    expect((await cli(["state", "--last", "--json"])).out[0]).toContain(`"threadId":"${other}"`);
    expect((await cli(["state", "zzz"])).err).toEqual(['loom state: unknown thread "zzz"; `loom threads` lists them']);
    expect((await cli(["state", id, "extra"])).err[0]).toMatch(/unexpected argument "extra"/);
  });

  it("resumes with --last (the thread last written, started in --cwd unless --all) and moves a thread with exec resume --cwd", async () => {
    const id = await twoTurns();
    const elsewhere = await mkdtemp(join(tmpdir(), "loom-elsewhere-"));
    try {
      loom.server.enqueue(textTurn("three"), textTurn("four"), textTurn("five"));
      expect((await cli(["exec", "resume", "--last", "--cwd", loom.cwd, "third"])).out).toEqual(["three"]);
      expect(messageTexts(loom.server.requests.at(-1)!, "user").slice(-3)).toEqual(["first", "second", "third"]);
      const moved = await cli(["exec", "resume", id.slice(0, 10), "--cwd", elsewhere, "fourth"]);
      expect(moved.out).toEqual(["four"]);
      const contexts = (await cli(["log", id, "--json"])).out.map((l) => JSON.parse(l)).filter((e) => e.kind === "turn_context");
      expect(contexts.at(-1).payload.cwd).toBe(elsewhere);
      const none = await cli(["exec", "resume", "--last", "--cwd", elsewhere, "fifth"]);
      expect(none.err).toEqual([`loom exec: no thread was started in ${elsewhere} (--all looks at every thread)`]);
      expect((await cli(["exec", "resume", "--last", "--all", "--cwd", elsewhere, "fifth"])).out).toEqual(["five"]);
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
    }
  });

  it("rejects a --cwd that does not exist or is not a directory, before creating anything", async () => {
    const fresh = join(loom.dataDir, "new");
    const missing = await runMain(["exec", "--data-dir", fresh, "--cwd", "/no/such/dir", "hi"], { env });
    expect(missing.err).toEqual(['loom exec: --cwd "/no/such/dir": no such directory']);
    const file = join(loom.cwd, "a-file");
    await writeFile(file, "");
    const notDir = await runMain(["proto", "--data-dir", fresh, "--cwd", file], { env });
    expect(notDir.err).toEqual([`loom proto: --cwd ${JSON.stringify(file)}: not a directory`]);
    expect(existsSync(fresh)).toBe(false);
  });

  it("fails at once on a bad OPENAI_BASE_URL, naming the variable, before creating anything", async () => {
    const fresh = join(loom.dataDir, "new");
    const result = await runMain(["exec", "--data-dir", fresh, "hi"], { env: { ...env, OPENAI_BASE_URL: "localhost:8080/v1" } });
    expect(result.code).toBe(2);
    expect(result.err).toEqual(['loom exec: OPENAI_BASE_URL must be an http(s) URL, got "localhost:8080/v1"']);
    expect(existsSync(fresh)).toBe(false);
  });
});

describe("the prompt", () => {
  it("comes from stdin when there is no PROMPT or it is -, and stdin is added to a PROMPT as codex exec does", async () => {
    await loom.rt.close();
    loom.server.enqueue(textTurn("a"), textTurn("b"), textTurn("c"));
    expect((await cli(["exec", "--cwd", loom.cwd], { stdin: "piped prompt\n" })).out).toEqual(["a"]);
    expect((await cli(["exec", "--cwd", loom.cwd, "-"], { stdin: "\ufeffdash prompt" })).out).toEqual(["b"]);
    expect((await cli(["exec", "--cwd", loom.cwd, "summarize"], { stdin: "some log" })).out).toEqual(["c"]);
    const users = loom.server.requests.map((r) => messageTexts(r, "user").at(-1));
    expect(users).toEqual(["piped prompt\n", "dash prompt", "summarize\n\n<stdin>\nsome log\n</stdin>"]);
  });

  it("takes a 1 MB prompt from stdin, and refuses empty stdin or one over Codex's limit with the right usage", async () => {
    await loom.rt.close();
    loom.server.enqueue(textTurn("read it all"));
    const big = `${"x".repeat(999_999)}\n`;
    const result = await cli(["exec", "--cwd", loom.cwd, "-"], { stdin: big });
    expect(result.out).toEqual(["read it all"]);
    expect(messageTexts(loom.server.requests[0]!, "user").at(-1)).toBe(big);
    const empty = await cli(["exec", "--cwd", loom.cwd], { stdin: "  \n" });
    expect(empty.code).toBe(2);
    expect(empty.err[0]).toMatch(/^loom exec: No prompt provided via stdin\. usage: loom exec \[--json\]/);
    const resumeEmpty = await cli(["exec", "resume", "some-id"], { stdin: "" });
    expect(resumeEmpty.err[0]).toMatch(/usage: loom exec resume \(THREAD_ID \| --last/);
    const tooBig = await cli(["exec", "--cwd", loom.cwd, "-"], { stdin: "y".repeat((1 << 20) + 1) });
    expect(tooBig.err[0]).toMatch(/exceeds the maximum length of 1048576 characters/);
    const notUtf8 = await cli(["exec", "--cwd", loom.cwd, "-"], { stdin: Buffer.from([0x68, 0xff, 0xfe, 0x69]) });
    expect(notUtf8.err[0]).toMatch(/Failed to read prompt from stdin: input is not valid UTF-8/);
    expect(loom.server.requests).toHaveLength(1);
  });
});

describe("a thread waiting on an approval", () => {
  it("is not resumed by exec: it says what the thread waits on and changes nothing", async () => {
    const id = await waitingOnApproval();
    const head = await headOf(id);
    const result = await cli(["exec", "resume", id.slice(0, 8), "carry on"]);
    expect(result.code).toBe(1);
    expect(result.err).toHaveLength(1);
    expect(result.err[0]).toContain(`thread ${id} is waiting on exec approval for \`rm -rf build\``);
    expect(result.err[0]).toContain(`loom proto --thread ${id}`);
    expect(await headOf(id)).toBe(head);
    const rollback = await cli(["rollback", id, "1"]);
    expect(rollback.code).toBe(2);
    expect(await headOf(id)).toBe(head);
  });

  it("is shown as waiting by state and turns", async () => {
    const id = await waitingOnApproval();
    const state = await cli(["state", id]);
    expect(state.out[1]).toMatch(/^turns: 1 \(turn \S+ running, waiting on a request\)$/);
    expect(state.out[2]).toMatch(/^waiting on: exec approval for `rm -rf build` \(exec_approval id call_rm, seq \d+\)$/);
    const turns = await cli(["turns", id]);
    expect(turns.out[0]).toMatch(/running, waiting on exec approval for `rm -rf build`/);
    const json = JSON.parse((await cli(["turns", id, "--json"])).out[0]!);
    expect(json.waitingOn).toEqual([{ kind: "exec", id: "call_rm", seq: expect.any(Number) }]);
  });

  it("stays pending when proto's input ends, and proto ends with a warning and shutdown_complete", async () => {
    await loom.rt.close();
    loom.server.enqueue(toolCallTurn("call_rm", "shell", { command: ["rm", "-rf", "build"] }));
    const line = JSON.stringify({ id: "s1", op: { type: "user_input", items: [{ type: "text", text: "clean up" }] } });
    const result = await cli(["proto", "--cwd", loom.cwd, "--approval-policy", "untrusted"], { stdin: `${line}\n` });
    expect(result.code).toBe(0);
    const events = result.out.map((l) => JSON.parse(l));
    expect(events.at(-1).msg.type).toBe("shutdown_complete");
    expect(events.at(-2).msg.type).toBe("warning");
    expect(events.at(-2).msg.message).toMatch(/^end of input while the thread waits on exec approval for `rm -rf build`/);
    expect(result.err.at(-1)).toMatch(/^loom proto: end of input while the thread waits on/);
    const id = events[0].msg.session_id;
    expect((await cli(["turns", id])).out[0]).toMatch(/running, waiting on exec approval/);
  });
});

describe("import-codex", () => {
  it("refuses to import the same rollout twice, unless --thread names the copy", async () => {
    await loom.rt.close();
    const rollout = join("test", "fixtures", "codex", "tool-call", "rollout.jsonl");
    const first = await cli(["import-codex", rollout]);
    expect(first.code).toBe(0);
    const again = await cli(["import-codex", rollout]);
    expect(again.code).toBe(2);
    expect(again.err[0]).toMatch(new RegExp(`thread ${first.out[0]} already exists`));
    expect((await cli(["threads", "--json"])).out).toHaveLength(1);
    const copy = await cli(["import-codex", "--thread", "my-copy", rollout]);
    expect(copy.out).toEqual(["my-copy"]);
  });
});

describe("help", () => {
  it("names every command and flag, and each command's help is its own", async () => {
    const help = (await runMain(["--help"])).stdout;
    for (const needle of ["loom --version", "loom proto [--thread ID] [--cwd D]", "--approval-policy P", "import-codex [--thread ID] (ROLLOUT.jsonl | -)", "export-codex [--extended]", "exec resume (THREAD_ID | --last [--all])"]) {
      expect(help).toContain(needle);
    }
    expect((await runMain(["--version"])).out).toEqual([expect.stringMatching(/^loom \d+\.\d+\.\d+$/)]);
    const exec = (await runMain(["exec", "--help"])).stdout;
    expect(exec).toMatch(/^Usage:\n {2}loom exec /);
    expect(exec).not.toContain("loom threads");
    expect((await runMain(["proto", "-h"])).stdout).toContain("--thread ID");
  });

  it("is what the README's command-line section shows", () => {
    const readme = readFileSync("README.md", "utf8");
    const section = /## Command line\n[\s\S]*?```text\n\$ loom --help\n([\s\S]*?)\n```/.exec(readme);
    expect(section, "README.md has a '## Command line' section with a ```text block of `loom --help`").not.toBeNull();
    expect(section![1]).toBe(HELP);
  });
});

describe("exec's human output", () => {
  it("reads like codex exec's: the command and a few lines of its output, patched files, the answer at the end", async () => {
    await loom.rt.close();
    const patch = "*** Begin Patch\n*** Add File: notes.txt\n+hello\n*** End Patch";
    loom.server.enqueue(
      // Not a login shell: a machine's profile may print to stderr inside the sandbox (pyenv does).
      toolCallTurn("c1", "shell", { command: ["seq", "1", "25"] }),
      [evCreated("r2"), evCustomToolCall("c2", "apply_patch", patch), evCompleted("r2")],
      textTurn("All done."),
    );
    const result = await cli(["exec", "--cwd", loom.cwd, "count and write"]);
    expect(result.code).toBe(0);
    expect(result.out).toEqual(["All done."]);
    const err = result.stderr;
    expect(err).toContain(`exec\nseq 1 25 in ${loom.cwd}`);
    expect(err).toMatch(/ succeeded in \d+ms:\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n… \+15 lines/);
    expect(err).toContain("apply patch\n  notes.txt\n");
    expect(err).toContain("patch: completed");
    expect(err).toContain("assistant\nAll done.");
    expect(err).toMatch(/tokens used\n\d/);
    expect(err).not.toMatch(/agent_message_delta|exec_command_output_delta|item_started/);
  });
});
