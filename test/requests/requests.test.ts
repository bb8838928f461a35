// Given what real Codex 0.125 sent the model in every captured scenario (test/fixtures/codex), when
// Loom runs the same steps against the same scripted model, then it sends the same requests, one
// by one: same count, same bodies and the same identity headers, once ids, times and temp paths
// are normalised (normalize.ts). Requests are compared thread by thread (a parent and its
// sub-agents run at once). Real processes run the commands (a PTY for the interactive one), real
// files are read for the images.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { skillsIn } from "../context/support.js";
import { RequestHarness } from "./harness.js";
import { byThread, firstDifference, normalizeRun, type Request } from "./normalize.js";
import { LOOM_SCENARIOS } from "./scenarios.js";

const FIXTURES = new URL("../fixtures/codex/", import.meta.url);
const captured = existsSync(FIXTURES) ? readdirSync(FIXTURES).filter((name) => existsSync(new URL(`${name}/requests.json`, FIXTURES))).sort() : [];

function codexRequests(scenario: string): Request[] {
  return JSON.parse(readFileSync(new URL(`${scenario}/requests.json`, FIXTURES), "utf8"));
}

/** The working directory Codex ran in, as its first request's environment context names it. */
function codexCwd(requests: Request[]): string {
  const texts = JSON.stringify(requests[0]!.body.input);
  const cwd = /<cwd>([^<]+)<\/cwd>/.exec(texts)?.[1];
  if (!cwd) throw new Error("no <cwd> in the first request");
  return cwd;
}

let harness: RequestHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** Each request's thread, numbered by first appearance; undefined for a run of one thread. */
function threadOrder(requests: { headers: Record<string, unknown> }[]): number[] | undefined {
  const threads = new Map<unknown, number>();
  const order = requests.map((request) => {
    const session = request.headers.session_id;
    if (!threads.has(session)) threads.set(session, threads.size);
    return threads.get(session)!;
  });
  return threads.size > 1 ? order : undefined;
}

describe("Loom's requests equal Codex 0.125's, request by request", () => {
  it("has a Loom run for every captured scenario", () => {
    expect(captured.filter((scenario) => !(scenario in LOOM_SCENARIOS))).toEqual([]);
  });

  it.each(captured.filter((scenario) => scenario in LOOM_SCENARIOS))("%s", async (scenario) => {
    const codex = codexRequests(scenario);
    const cwd = codexCwd(codex);
    const loomScenario = LOOM_SCENARIOS[scenario]!;
    const listing = loomScenario.budget ? codexRequests(loomScenario.budget.systemSkillsFrom) : codex;
    harness = await RequestHarness.start({
      config: loomScenario.config,
      files: loomScenario.files,
      systemSkills: skillsIn(listing[0]!.body.input).filter((skill) => skill.path.includes("/skills/.system/")),
      skillFiles: loomScenario.skillFiles,
      ...(loomScenario.budget ? { rootLength: dirname(cwd).length } : {}),
      originator: String(codex[0]!.headers.originator),
      threadOrder: threadOrder(codex),
    });
    await loomScenario.run(harness);
    const loom = harness.server.requests.map((request) => ({ headers: request.headers as Record<string, unknown>, body: request.body }));
    const expected = byThread(normalizeRun(codex, { cwd, root: dirname(cwd) }));
    const actual = byThread(normalizeRun(loom, { cwd: harness.cwd, root: harness.root }));
    const purposes = byThread(codex).map((request: any) => request.purpose);
    expect({ requests: actual.length }, `Codex sent ${codex.length}: ${purposes.join(" | ")}`).toEqual({ requests: codex.length });
    expected.forEach((request, i) => {
      const difference = firstDifference(request, actual[i]);
      expect(difference, `request ${i} (${purposes[i]})`).toBeNull();
    });
  });
});
