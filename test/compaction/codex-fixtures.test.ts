// Given the real Codex 0.125 runs in test/fixtures/codex/{auto,manual}-compact, when Loom runs the
// same steps against the same scripted model, then it sends requests of the same structure (item
// kinds, roles, user texts; the summarization request without tools), writes the same
// `compacted` entry, and its log, filtered by Codex's persistence policy, has the rollout's shape.
import { afterEach, describe, expect, it } from "vitest";
import type { LogEntry } from "../../src/events/index.js";
import { isPersisted } from "../../src/replay/rollout/persistence.js";
import { startLoom, type LoomHarness } from "../support/loom.js";
import type { RecordedRequest } from "../support/fake-responses.js";
import { ScriptedModel } from "../../scripts/codex-fixtures/scripted-model.js";
import { fixtureJson, fullRollout } from "../replay/support.js";
import { compact, isSummarization, shape } from "./support.js";

let loom: LoomHarness;
afterEach(async () => {
  await loom.close();
});

interface CodexRequest {
  purpose: string;
  body: any;
}

const asRecorded = (request: CodexRequest, index: number): RecordedRequest =>
  ({ index, method: "POST", path: "/v1/responses", headers: {}, body: request.body, rawBody: "" }) as RecordedRequest;

type Line = { type: string; payload: any };

function codexRollout(scenario: string): Line[] {
  return fullRollout(scenario).trim().split("\n").map((line) => JSON.parse(line));
}

/**
 * The rollout's structure: entry kinds and event types in order, with every token count's numbers.
 * Token counts that only restate the previous one (Codex re-emits them when a response's rate-limit
 * headers arrive) are dropped: Loom has no rate limits.
 */
function skeleton(lines: readonly Line[]): string[] {
  const out: string[] = [];
  let lastInfo = "null";
  for (const { type, payload } of lines) {
    if (type === "session_meta") continue;
    if (type === "event_msg" && payload.type === "token_count") {
      const info = JSON.stringify(payload.info ?? null);
      if (info === lastInfo) continue;
      lastInfo = info;
      out.push(`token_count ${info}`);
      continue;
    }
    out.push(type === "event_msg" ? payload.type : type === "response_item" ? `${type}:${payload.role ?? payload.type}` : type);
  }
  return out;
}

function loomRollout(entries: readonly LogEntry[]): Line[] {
  return entries.filter((entry) => isPersisted(entry)).map((entry) => ({ type: entry.kind, payload: entry.payload }));
}

async function runLike(scenario: "auto-compact" | "manual-compact"): Promise<{ entries: LogEntry[]; model: ScriptedModel }> {
  const model = new ScriptedModel();
  loom = await startLoom({ config: scenario === "auto-compact" ? { model_auto_compact_token_limit: 20_000 } : {} });
  loom.server.setHandler(model.reply);
  const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never", sandboxMode: "danger-full-access", model: "gpt-5.5" });
  if (scenario === "auto-compact") {
    model.usage = { input_tokens: 29_000, cached_tokens: 0, output_tokens: 1_000, reasoning_tokens: 0, total_tokens: 30_000 };
    await thread.run("Say hi.");
    model.usage = { input_tokens: 300, cached_tokens: 0, output_tokens: 10, reasoning_tokens: 0 };
    await thread.run("Say more.");
  } else {
    await thread.run("Say hi.");
    await compact(thread);
  }
  await thread.run("After compaction.");
  return { entries: await thread.entries(), model };
}

describe.each(["auto-compact", "manual-compact"] as const)("%s: Loom against the Codex 0.125 capture", (scenario) => {
  it("sends requests of the same structure, the summarization one without tools", async () => {
    await runLike(scenario);
    const codex: CodexRequest[] = fixtureJson(scenario, "requests.json");
    const ours = loom.server.requests;
    expect(ours.map((request) => isSummarization(request))).toEqual(codex.map((request, i) => isSummarization(asRecorded(request, i))));
    codex.forEach((request, i) => {
      const mine = ours[i]!;
      expect({ i, shape: shape(mine) }).toEqual({ i, shape: shape(asRecorded(request, i)) });
      const keys = (body: object) => Object.keys(body).filter((key) => key !== "client_metadata");
      expect(keys(mine.body)).toEqual(keys(request.body));
      expect(mine.body.parallel_tool_calls).toBe(request.body.parallel_tool_calls);
      expect(mine.body.tools.length === 0).toBe(request.body.tools.length === 0);
      expect(mine.body.reasoning).toEqual(request.body.reasoning);
      expect(mine.body.text).toEqual(request.body.text);
    });
    // Same instructions for the summary as for the turns, in both.
    expect(new Set(ours.map((request) => request.body.instructions)).size).toBe(1);
    expect(new Set(codex.map((request) => request.body.instructions)).size).toBe(1);
  });

  it("writes the same compacted entry and a log with the rollout's shape", async () => {
    const { entries } = await runLike(scenario);
    const codex = codexRollout(scenario);
    const ours = loomRollout(entries);
    const compacted = (lines: Line[]) => lines.filter((line) => line.type === "compacted").map((line) => line.payload);
    expect(compacted(ours)).toEqual(compacted(codex));
    expect(skeleton(ours)).toEqual(skeleton(codex));
  });
});

describe("the token estimate after compacting", () => {
  it("equals Codex's 5499: same instructions, same replacement history, same byte arithmetic", async () => {
    const { entries } = await runLike("manual-compact");
    const codex: CodexRequest[] = fixtureJson("manual-compact", "requests.json");
    expect(loom.server.requests[0]!.body.instructions).toBe(codex[0]!.body.instructions);
    const estimate = (lines: Line[]) =>
      lines.find((line) => line.type === "event_msg" && line.payload.type === "token_count" && line.payload.info?.last_token_usage.input_tokens === 0 && line.payload.info.last_token_usage.total_tokens > 0)
        ?.payload.info.last_token_usage.total_tokens;
    expect(estimate(loomRollout(entries))).toBe(5499);
    expect(estimate(codexRollout("manual-compact"))).toBe(5499);
  });
});
