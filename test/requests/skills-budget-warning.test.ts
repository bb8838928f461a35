// What Codex 0.125 told the user when its skills list did not fit (the app server's `warning`
// notification, kept in the capture's meta.json notes) is what Loom's client sees, word for word.
// The requests themselves are compared with the other captures (requests.test.ts).
import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { skillsIn } from "../context/support.js";
import { BUDGET_SKILL_FILES, BUDGET_WINDOWS } from "../../scripts/codex-fixtures/scenarios-settings.js";
import { RequestHarness } from "./harness.js";

const FIXTURES = new URL("../fixtures/codex/", import.meta.url);
const read = (scenario: string, file: string) => JSON.parse(readFileSync(new URL(`${scenario}/${file}`, FIXTURES), "utf8"));

let harness: RequestHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe("the skills budget warning equals Codex's", () => {
  it.each(Object.entries(BUDGET_WINDOWS))("%s", async (scenario, window) => {
    const codexWarnings = (read(scenario, "meta.json").notes as string[])
      .filter((note) => note.startsWith("warning: "))
      .map((note) => JSON.parse(note.slice("warning: ".length)) as string);
    expect(codexWarnings).toHaveLength(1);
    const cwd = /<cwd>([^<]+)<\/cwd>/.exec(JSON.stringify(read(scenario, "requests.json")[0].body.input))![1]!;
    harness = await RequestHarness.start({
      config: { model_context_window: window },
      systemSkills: skillsIn(read("plain", "requests.json")[0].body.input).filter((skill) => skill.path.includes("/skills/.system/")),
      skillFiles: BUDGET_SKILL_FILES,
      originator: "loom-fixtures",
      rootLength: dirname(cwd).length,
    });
    const thread = await harness.startThread();
    const warnings: string[] = [];
    const subscription = thread.events$.subscribe((event) => {
      if (event.msg.type === "warning") warnings.push(event.msg.message);
    });
    try {
      await thread.run("Say hi.");
    } finally {
      subscription.unsubscribe();
    }
    expect(warnings).toEqual(codexWarnings);
  });
});
