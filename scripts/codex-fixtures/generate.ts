// Regenerates test/fixtures/codex/<scenario>/ by running the real Codex CLI offline against our
// fake Responses server. Not part of `npm test`: it needs a Codex binary (see README.md).
//
//   npx tsx scripts/codex-fixtures/generate.ts --codex /path/to/codex [--only a,b] [--out DIR] [--run-dir DIR]
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { startFakeResponses } from "../../test/support/fake-responses.js";
import { makeSandbox, rolloutForThread } from "./codex-process.js";
import { writeFixture, type ScenarioRun } from "./fixture.js";
import { scenarios, type Scenario, type ScenarioContext } from "./scenarios.js";
import { ScriptedModel } from "./scripted-model.js";

const { values } = parseArgs({
  options: {
    codex: { type: "string" },
    out: { type: "string", default: "test/fixtures/codex" },
    "run-dir": { type: "string", default: join(tmpdir(), "loom-codex-fixtures") },
    only: { type: "string" },
    timeout: { type: "string", default: "60000" },
  },
});

if (!values.codex) {
  console.error("usage: npx tsx scripts/codex-fixtures/generate.ts --codex /path/to/codex [--only plain,fork] [--out DIR] [--run-dir DIR]");
  process.exit(2);
}
const codex = resolve(values.codex);
const outDir = resolve(values.out!);
const runDir = resolve(values["run-dir"]!);
const timeoutMs = Number(values.timeout);
const codexVersion = execFileSync(codex, ["--version"], { encoding: "utf8" }).trim();
const wanted = values.only?.split(",").map((name) => name.trim());
const unknown = wanted?.filter((name) => !scenarios.some((scenario) => scenario.name === name)) ?? [];
if (unknown.length > 0) {
  console.error(`unknown scenario(s): ${unknown.join(", ")}; known: ${scenarios.map((s) => s.name).join(", ")}`);
  process.exit(2);
}

async function runScenario(scenario: Scenario): Promise<ScenarioRun> {
  const model = new ScriptedModel();
  const fake = await startFakeResponses({ handler: model.reply });
  const sandbox = makeSandbox(join(runDir, scenario.name), fake.baseURL, scenario.sandbox);
  let final: Pick<ScenarioRun, "finalRequestIndex" | "finalPrompt" | "rolloutBefore" | "extraRollouts"> | undefined;
  const readThread = (threadId: string): string => readFileSync(rolloutForThread(sandbox, threadId), "utf8");
  const ctx: ScenarioContext = {
    codex,
    sandbox,
    fake,
    model,
    timeoutMs,
    steps: [],
    notes: [],
    beginFinal(threadId, prompt, extra = {}) {
      final = {
        finalRequestIndex: fake.requests.length,
        finalPrompt: prompt,
        rolloutBefore: threadId ? readThread(threadId) : "",
        extraRollouts: Object.fromEntries(Object.entries(extra).map(([file, id]) => [file, readThread(id)])),
      };
    },
  };
  try {
    const { threadId, extraAfter = {} } = await scenario.run(ctx);
    if (!final) throw new Error(`${scenario.name} never called beginFinal`);
    fake.assertAllUsed();
    return {
      name: scenario.name,
      description: scenario.description,
      codexVersion,
      config: [...(scenario.sandbox?.config ?? []), ...(scenario.sandbox?.tables ?? []), ...(scenario.sandbox?.sandboxMode ? [`sandbox_mode = "${scenario.sandbox.sandboxMode}"`] : [])],
      steps: ctx.steps,
      notes: ctx.notes,
      threadId,
      requests: fake.requests,
      purposes: model.purposes,
      rolloutAfter: readThread(threadId),
      ...final,
      extraRollouts: { ...final.extraRollouts, ...extraAfter },
    };
  } finally {
    await fake.close();
  }
}

let failed = 0;
for (const scenario of scenarios.filter((candidate) => !wanted || wanted.includes(candidate.name))) {
  try {
    const run = await runScenario(scenario);
    const { ok, summary } = writeFixture(outDir, run);
    console.log(`${ok ? "ok  " : "WARN"} ${summary}`);
  } catch (error) {
    failed += 1;
    console.error(`FAIL ${scenario.name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
process.exit(failed === 0 ? 0 : 1);
