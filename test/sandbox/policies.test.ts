// Hostile commands under each sandbox policy, with real bubblewrap and real processes: what each
// policy lets through (ran), what the sandbox stops (denied, and recognised as a denial), and that
// nothing outside the writable roots changes when it should not.
import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runShell, type ShellResult } from "../../src/actors/shell/index.js";
import type { SandboxPolicy } from "../../src/events/index.js";
import { isLikelySandboxDenied, probeHostSandbox } from "../../src/sandbox/index.js";
import { outsideDir, scratchDir, startLoopbackServer } from "./support.js";
import { sleepMarker, survivorsAfter } from "../support/processes.js";

type Outcome = "ran" | "denied";
type PolicyName = "read-only" | "workspace-write" | "workspace-write+network" | "danger-full-access";

const POLICIES: Record<PolicyName, SandboxPolicy> = {
  "read-only": { type: "read-only" },
  "workspace-write": { type: "workspace-write" },
  "workspace-write+network": { type: "workspace-write", network_access: true },
  "danger-full-access": { type: "danger-full-access" },
};

let cwd: string;
let outside: string;
let http: Awaited<ReturnType<typeof startLoopbackServer>>;
let unixServer: Server;
let unixSocket: string;
let victim: ReturnType<typeof spawn>;

beforeAll(async () => {
  const host = await probeHostSandbox();
  if (host.sandbox.type !== "bubblewrap") throw new Error(`these tests need bubblewrap: ${host.sandbox.reason}`);
  http = await startLoopbackServer();
  outside = await outsideDir();
  unixSocket = join(outside, "service.sock");
  unixServer = createServer((socket) => socket.end("unix-reached"));
  await new Promise<void>((resolve) => unixServer.listen(unixSocket, resolve));
  victim = spawn("sleep", ["300"], { stdio: "ignore" });
});

afterAll(async () => {
  victim.kill("SIGKILL");
  await new Promise<void>((resolve) => unixServer.close(() => resolve()));
  await http.close();
  await rm(outside, { recursive: true, force: true });
});

/** A fresh workspace (with a .git) and a fresh outside directory with a file in it. */
async function setUp() {
  cwd = await scratchDir("loom-ws-");
  await mkdir(join(cwd, ".git"));
  await writeFile(join(cwd, ".git", "config"), "[core]\n");
  const dir = join(outside, `case-${Math.random().toString(36).slice(2)}`);
  await mkdir(dir);
  await writeFile(join(dir, "keep"), "precious\n");
  return dir;
}

async function run(policy: PolicyName, script: string): Promise<ShellResult> {
  return runShell({ command: ["bash", "-c", script], cwd, sandbox: { policy: POLICIES[policy], policyCwd: cwd, confine: policy !== "danger-full-access" } });
}

interface Case {
  name: string;
  script: (dir: string) => string;
  /** What happened, looked at from outside the sandbox. */
  effect: (dir: string, result: ShellResult) => Promise<boolean>;
  expected: Record<PolicyName, Outcome>;
  /** Policies under which the command's own words do not show the sandbox stopped it (Codex's heuristic misses it). */
  unrecognised?: PolicyName[];
}

const CASES: Case[] = [
  {
    name: "write a file outside the writable roots",
    script: (dir) => `touch ${dir}/pwned`,
    effect: async (dir) => existsSync(join(dir, "pwned")),
    expected: { "read-only": "denied", "workspace-write": "denied", "workspace-write+network": "denied", "danger-full-access": "ran" },
  },
  {
    name: "rm -rf a folder outside",
    script: (dir) => `rm -rf ${dir}`,
    effect: async (dir) => !existsSync(dir),
    expected: { "read-only": "denied", "workspace-write": "denied", "workspace-write+network": "denied", "danger-full-access": "ran" },
  },
  {
    name: "escape through a symlink it makes in the workspace",
    script: (dir) => `ln -s ${dir} ${cwd}/escape && echo pwned > ${cwd}/escape/keep`,
    effect: async (dir) => (await readFile(join(dir, "keep"), "utf8")) === "pwned\n",
    expected: { "read-only": "denied", "workspace-write": "denied", "workspace-write+network": "denied", "danger-full-access": "ran" },
  },
  {
    name: "write into .git",
    script: () => `echo '[alias] x = !sh' >> ${cwd}/.git/config`,
    effect: async () => (await readFile(join(cwd, ".git", "config"), "utf8")).includes("alias"),
    expected: { "read-only": "denied", "workspace-write": "denied", "workspace-write+network": "denied", "danger-full-access": "ran" },
  },
  {
    name: "create .codex in the workspace",
    script: () => `mkdir ${cwd}/.codex && touch ${cwd}/.codex/config.toml`,
    effect: async () => existsSync(join(cwd, ".codex", "config.toml")),
    // mkdir meets the read-only placeholder and says "File exists".
    unrecognised: ["workspace-write", "workspace-write+network"],
    expected: { "read-only": "denied", "workspace-write": "denied", "workspace-write+network": "denied", "danger-full-access": "ran" },
  },
  {
    name: "write in the workspace and in /tmp",
    script: () => `echo ok > ${cwd}/made && f=$(mktemp -p /tmp loom-sandbox-probe-XXXX) && rm "$f"`,
    effect: async () => existsSync(join(cwd, "made")),
    expected: { "read-only": "denied", "workspace-write": "ran", "workspace-write+network": "ran", "danger-full-access": "ran" },
  },
  {
    name: "reach an HTTP server on 127.0.0.1",
    script: () => `curl -sS --max-time 5 ${http.url}`,
    effect: async (_, result) => result.stdout === "reached",
    expected: { "read-only": "denied", "workspace-write": "denied", "workspace-write+network": "ran", "danger-full-access": "ran" },
  },
  {
    name: "talk to a Unix socket on the host",
    script: () => `node -e 'require("net").connect(process.argv[1]).on("data",(d)=>process.stdout.write(d)).on("error",(e)=>{console.error(e.message);process.exitCode=1})' ${unixSocket}`,
    effect: async (_, result) => result.stdout === "unix-reached",
    // Codex's filter takes connect() away whenever the network is off, Unix sockets included.
    expected: { "read-only": "denied", "workspace-write": "denied", "workspace-write+network": "ran", "danger-full-access": "ran" },
  },
];

describe("hostile commands under each policy (real bubblewrap)", () => {
  for (const testCase of CASES) {
    it(testCase.name, async () => {
      const outcomes: Record<string, string> = {};
      const expected: Record<string, string> = {};
      for (const policy of Object.keys(POLICIES) as PolicyName[]) {
        const dir = await setUp();
        const result = await run(policy, testCase.script(dir));
        const happened = await testCase.effect(dir, result);
        const recognised = isLikelySandboxDenied({ sandboxed: result.sandbox === "bubblewrap", networkRestricted: result.networkRestricted ?? false, ...result });
        const denied = !happened && result.exitCode !== 0 && recognised === !testCase.unrecognised?.includes(policy);
        outcomes[policy] = happened && result.exitCode === 0 ? "ran" : denied ? "denied" : `unexpected (exit ${result.exitCode}, effect ${happened}): ${result.aggregatedOutput.trim()}`;
        expected[policy] = testCase.expected[policy];
        await rm(cwd, { recursive: true, force: true });
      }
      expect(outcomes).toEqual(expected);
    });
  }

  it("cannot see or signal processes outside its own", async () => {
    await setUp();
    const result = await run("workspace-write", `kill -9 ${victim.pid}`);
    expect(result.exitCode).not.toBe(0);
    expect(victim.exitCode).toBeNull();
    expect(() => process.kill(victim.pid!, 0)).not.toThrow();
    const listed = await run("read-only", "ps -e -o pid= | wc -l");
    // Only the sandbox's own processes: its init, the shell, ps and wc.
    expect(Number(listed.stdout.trim())).toBeLessThan(8);
  });

  it("a timeout takes the whole sandbox down, backgrounded children included", async () => {
    await setUp();
    const marker = sleepMarker();
    const timedOut = await runShell({
      command: ["bash", "-c", `sleep ${marker} & setsid sleep ${marker} & sleep ${marker}`],
      cwd,
      timeoutMs: 500,
      sandbox: { policy: POLICIES["workspace-write"], policyCwd: cwd, confine: true },
    });
    expect(timedOut).toMatchObject({ timedOut: true, exitCode: 124 });
    expect(await survivorsAfter(marker, 2_000)).toEqual([]);
  });

  it("tells commands their network is off, as Codex does", async () => {
    await setUp();
    expect((await run("workspace-write", "echo $CODEX_SANDBOX_NETWORK_DISABLED")).stdout).toBe("1\n");
    expect((await run("workspace-write+network", "echo ${CODEX_SANDBOX_NETWORK_DISABLED:-unset}")).stdout).toBe("unset\n");
  });

  it("leaves no trace of the mount points it made for protected paths", async () => {
    await setUp();
    const before = execFileSync("ls", ["-A", cwd], { encoding: "utf8" });
    const result = await run("workspace-write", "ls -A .");
    expect(result.stdout).toContain(".codex");
    expect(execFileSync("ls", ["-A", cwd], { encoding: "utf8" })).toBe(before);
  });
});
