// A rollout `loom export-codex` wrote, resumed by the real Codex 0.125 CLI
// (scripts/codex-fixtures/export-check.ts keeps what happened under test/fixtures/codex-export).
// Given Loom's log of the thread, Loom's export of it is still the file Codex accepted; Codex's
// next request carried exactly the history Loom would have sent; and the file as Codex left it
// (Loom's turns, then Codex's) replays in Loom without a divergence.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseLogEntry, type LogEntry } from "../../src/events/index.js";
import { MemoryEventLog } from "../../src/log/index.js";
import { exportRollout, formatRolloutDivergence, replayRollout } from "../../src/replay/index.js";
import { foldEntries, offersFreeformApplyPatch, projectPrompt } from "../../src/state/index.js";

const ROOT = new URL("../fixtures/codex-export/", import.meta.url);
const CAPTURED = existsSync(ROOT) ? readdirSync(ROOT).sort() : [];
const read = (scenario: string, file: string) => readFileSync(new URL(`${scenario}/${file}`, ROOT), "utf8");

function loomLog(scenario: string): LogEntry[] {
  return read(scenario, "loom-log.jsonl")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => parseLogEntry(JSON.parse(line)));
}

describe("Loom's export, resumed by real Codex 0.125", () => {
  it("has captures", () => {
    expect(CAPTURED).toContain("tools-and-patch");
  });

  it.each(CAPTURED)("%s: Codex resumed it, appending only, with the history Loom would send", (scenario) => {
    const meta = JSON.parse(read(scenario, "meta.json"));
    expect(meta.checks).toEqual({ codexExit: 0, historyMatches: true, appendedOnly: true, linesAfterResume: expect.any(Number) });
    const request = JSON.parse(read(scenario, "codex-request.json"));
    const history = projectPrompt(foldEntries(loomLog(scenario)).history, { reserializeShellOutputs: offersFreeformApplyPatch(request.tools) });
    expect(history).toHaveLength(meta.historyItems);
    // Byte for byte, key order included: this is the JSON Codex put on the wire.
    expect(JSON.stringify(request.input.slice(0, history.length))).toBe(JSON.stringify(history));
    expect(read(scenario, "resumed-rollout.jsonl").startsWith(read(scenario, "exported-rollout.jsonl"))).toBe(true);
  });

  it.each(CAPTURED)("%s: Loom still exports exactly the file Codex accepted", async (scenario) => {
    const entries = loomLog(scenario);
    const log = new MemoryEventLog();
    const threadId = entries[0]!.threadId;
    await log.createThread({ id: threadId });
    await log.append(threadId, entries.map(({ kind, payload, ts, sub }) => ({ kind, payload, ts, sub }) as never));
    expect(await exportRollout(log, threadId, { cliVersion: "0.0.0" })).toBe(read(scenario, "exported-rollout.jsonl"));
  });

  it.each(CAPTURED)("%s: the export, and the file as Codex left it, replay in Loom without a divergence", async (scenario) => {
    for (const file of ["exported-rollout.jsonl", "resumed-rollout.jsonl"]) {
      const report = await replayRollout({ text: read(scenario, file) }, { stallMs: 10_000 });
      expect(report.divergence, `${file}\n${formatRolloutDivergence(report)}`).toBeUndefined();
      expect(report.toolCalls).toBe(2);
    }
  });
});
