// Does real Codex accept what `loom export-codex` writes? Loom runs a thread against the fake
// Responses server (the same scripted model the fixtures use), exports it as a rollout into a Codex
// home, and the real Codex CLI resumes it (`codex exec resume ID "Thanks."`). The request Codex then
// sends must carry, as its history, exactly the input Loom would have sent. What was captured is
// kept under test/fixtures/codex-export/<scenario>/ and checked by `npm test` without Codex.
// Not part of `npm test`: it needs a Codex binary (see README.md).
//
//   npx tsx scripts/codex-fixtures/export-check.ts --codex /path/to/codex [--out DIR] [--run-dir DIR]
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { createRuntime } from "../../src/runtime/runtime.js";
import { exportRollout } from "../../src/replay/index.js";
import { foldEntries, offersFreeformApplyPatch, projectPrompt } from "../../src/state/index.js";
import { startFakeResponses } from "../../test/support/fake-responses.js";
import { makeSandbox, readRollout, runCodex } from "./codex-process.js";
import { EXEC_FLAGS } from "./steps.js";
import { ScriptedModel } from "./scripted-model.js";

const { values } = parseArgs({
  options: {
    codex: { type: "string" },
    out: { type: "string", default: "test/fixtures/codex-export" },
    "run-dir": { type: "string", default: join(tmpdir(), "loom-codex-fixtures") },
    timeout: { type: "string", default: "60000" },
  },
});
if (!values.codex) {
  console.error("usage: npx tsx scripts/codex-fixtures/export-check.ts --codex /path/to/codex [--out DIR] [--run-dir DIR]");
  process.exit(2);
}
const codex = resolve(values.codex);
const codexVersion = execFileSync(codex, ["--version"], { encoding: "utf8" }).trim();

/** What Loom does before the export: the prompts of its turns (the scripted model answers them). */
const SCENARIOS: Record<string, string[]> = {
  // A command, a patch (its output is recorded as JSON and sent as text) and a plain answer.
  "tools-and-patch": ["Please run `echo hi`.", "Please write a patch in `notes.txt`.", "Say hi."],
};

/** Codex's file name for a rollout: `rollout-YYYY-MM-DDThh-mm-ss-<id>.jsonl` under sessions/YYYY/MM/DD. */
function rolloutPath(codexHome: string, id: string, created: string): string {
  const stamp = created.slice(0, 19).replaceAll(":", "-");
  const [y, m, d] = created.slice(0, 10).split("-");
  const dir = join(codexHome, "sessions", y!, m!, d!);
  mkdirSync(dir, { recursive: true });
  return join(dir, `rollout-${stamp}-${id}.jsonl`);
}

function firstDifference(a: unknown, b: unknown, path = "$"): string | null {
  if (JSON.stringify(a) === JSON.stringify(b)) return null;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return `${path}: codex ${JSON.stringify(a)?.slice(0, 300)} vs loom ${JSON.stringify(b)?.slice(0, 300)}`;
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const found = firstDifference((a as any)[key], (b as any)[key], `${path}.${key}`);
    if (found) return found;
  }
  return `${path}: key order`;
}

async function run(name: string, prompts: string[]): Promise<boolean> {
  const model = new ScriptedModel();
  const fake = await startFakeResponses({ handler: model.reply });
  const sandbox = makeSandbox(join(resolve(values["run-dir"]!), `export-${name}`), fake.baseURL);
  const dataDir = mkdtempSync(join(tmpdir(), "loom-export-check-"));
  try {
    // Loom, set up as the fixtures' config.toml sets up Codex.
    const rt = await createRuntime({
      dataDir,
      durable: false,
      config: {},
      env: {},
      commandEnv: sandbox.env,
      model: { apiKey: "x", baseURL: fake.baseURL },
      originator: "codex_exec",
    });
    const thread = await rt.startThread({ cwd: sandbox.cwd, approvalPolicy: "never", sandboxMode: "danger-full-access", model: "gpt-5.5" });
    for (const prompt of prompts) {
      model.step = `loom: ${prompt}`;
      await thread.run(prompt);
    }
    await thread.whenIdle();
    const entries = await thread.entries();
    const rollout = await exportRollout(rt.log, thread.id, { cliVersion: "0.0.0" });
    const loomRequests = fake.requests.length;
    await rt.close();

    const meta = JSON.parse(rollout.split("\n")[0]!).payload;
    const path = rolloutPath(sandbox.codexHome, thread.id, meta.timestamp);
    writeFileSync(path, rollout);
    model.step = "codex: exec resume";
    const resumed = await runCodex(codex, sandbox, ["exec", "resume", ...EXEC_FLAGS, thread.id, "Thanks."], Number(values.timeout));
    const request = fake.requests[loomRequests];
    if (resumed.code !== 0 || !request) {
      console.error(`FAIL ${name}: codex exec resume exited ${resumed.code} with ${fake.requests.length - loomRequests} requests\n${resumed.stderr.slice(-2000)}`);
      return false;
    }
    const history = projectPrompt(foldEntries(entries).history, { reserializeShellOutputs: offersFreeformApplyPatch(request.body.tools ?? []) });
    const input: unknown[] = request.body.input;
    const head = input.slice(0, history.length);
    const difference = firstDifference(head, history);
    const after = readRollout(path);
    const appendedOnly = readFileSync(path, "utf8").startsWith(rollout);

    const out = join(resolve(values.out!), name);
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, "loom-log.jsonl"), entries.map((entry) => JSON.stringify(entry)).join("\n") + "\n");
    writeFileSync(join(out, "exported-rollout.jsonl"), rollout);
    writeFileSync(join(out, "codex-request.json"), JSON.stringify(request.body, null, 2) + "\n");
    writeFileSync(join(out, "resumed-rollout.jsonl"), readFileSync(path, "utf8"));
    writeFileSync(
      join(out, "meta.json"),
      JSON.stringify(
        {
          codexVersion,
          threadId: thread.id,
          prompts,
          resumePrompt: "Thanks.",
          historyItems: history.length,
          newTurnItems: input.length - history.length,
          checks: { codexExit: resumed.code, historyMatches: difference === null, appendedOnly, linesAfterResume: after.length },
        },
        null,
        2,
      ) + "\n",
    );
    console.log(`${difference === null && appendedOnly ? "ok  " : "FAIL"} ${name}: codex resumed Loom's export; ${history.length} history items${difference ? `; ${difference}` : ""}`);
    return difference === null && appendedOnly;
  } finally {
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

let ok = true;
for (const [name, prompts] of Object.entries(SCENARIOS)) ok = (await run(name, prompts)) && ok;
process.exit(ok ? 0 : 1);
