// The skills budget through the runtime: real skill folders in a temporary repo and home, the fake
// Responses server recording what the model gets, and the warning the client sees. The budget is
// 2% of the window, so `model_context_window` makes it small enough to matter with a dozen skills.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { collectUntil, nextEvent, startLoom, type LoomHarness } from "../support/loom.js";
import { evCompletedWithTokens, evCreated, evFunctionCall, messageTexts, textTurn, type RecordedRequest } from "../support/fake-responses.js";
import { approxTokenCount } from "../../src/skills/index.js";
import { replayRecording } from "../../src/testing/index.js";

let loom: LoomHarness | undefined;
let home: string;
let repo: string;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "loom-home-"));
  repo = await mkdtemp(join(tmpdir(), "loom-repo-"));
  await mkdir(join(repo, ".git"));
});
afterEach(async () => {
  await loom?.close();
  loom = undefined;
  await rm(home, { recursive: true, force: true });
  await rm(repo, { recursive: true, force: true });
});

async function write(path: string, body: string): Promise<string> {
  await mkdir(join(path, ".."), { recursive: true });
  await writeFile(path, body);
  return path;
}

/** A repo skill `name` with a description of `length` characters; its SKILL.md path. */
async function repoSkill(name: string, length: number, extra: { yaml?: string } = {}): Promise<string> {
  const description = `${name} does things. `.repeat(20).slice(0, length).trim();
  const dir = join(repo, ".agents", "skills", name);
  if (extra.yaml !== undefined) await write(join(dir, "agents", "openai.yaml"), extra.yaml);
  return write(join(dir, "SKILL.md"), `---\nname: ${name}\ndescription: ${description}\n---\nDo ${name}.\n`);
}

/** The `- name: ... (file: ...)` lines of the request's skills section, or null without one. */
function listedLines(request: RecordedRequest): string[] | null {
  const section = messageTexts(request, "developer")
    .join("\n")
    .match(/<skills_instructions>[\s\S]*?### Available skills\n([\s\S]*?)### How to use skills/);
  if (!section) return null;
  return section[1]!.split("\n").filter((line) => line.startsWith("- "));
}

const threadIn = (h: LoomHarness) =>
  h.rt.startThread({ cwd: repo, approvalPolicy: "never", sandboxPolicy: { type: "danger-full-access" } });

describe("the skills budget through the runtime", () => {
  it("cuts descriptions evenly to fit 2% of the window, warns the client once per full context, and replays", async () => {
    // 2% of 20,000 tokens: 400 approximate tokens (1,600 bytes) for the list.
    loom = await startLoom({ env: { HOME: home }, config: { model_context_window: 20_000 } });
    const names = Array.from({ length: 10 }, (_, i) => `skill-${String(i).padStart(2, "0")}`);
    const paths = await Promise.all(names.map((name) => repoSkill(name, 200)));
    // Named explicitly only: listed nowhere, still injected when mentioned.
    const hidden = await repoSkill("hidden", 40, { yaml: "policy:\n  allow_implicit_invocation: false\n" });
    // For ChatGPT only: a Codex session does not have it at all.
    await repoSkill("chatgpt-only", 40, { yaml: "policy:\n  products: [CHATGPT]\n" });
    // A malformed openai.yaml is ignored; the skill stays.
    await repoSkill("zz-malformed-yaml", 10, { yaml: "policy: [unclosed\n" });
    loom.server.enqueue(textTurn("one"));
    loom.server.enqueue(textTurn("two"));
    const thread = await threadIn(loom);
    const seen = collectUntil(thread.events$, "task_complete");
    await thread.run("Use $hidden and $chatgpt-only.");
    const events = (await seen).map((event) => event.msg);

    const lines = listedLines(loom.server.requests[0]!)!;
    expect(lines.map((line) => line.slice(2, line.indexOf(":")))).toEqual([...names, "zz-malformed-yaml"]);
    // Every line keeps its name and path; the descriptions were cut, the short one was not.
    lines.slice(0, 10).forEach((line, i) => {
      const description = /^- [^:]+: (.*) \(file: /.exec(line)![1]!;
      expect(`${names[i]} does things. `.repeat(20).startsWith(description)).toBe(true);
      expect(description.length).toBeLessThan(200);
      expect(line.endsWith(`(file: ${paths[i]})`)).toBe(true);
    });
    expect(lines[10]).toContain(": zz-malform (file: ");
    const cost = lines.reduce((sum, line) => sum + approxTokenCount(`${line}\n`), 0);
    expect(cost).toBeLessThanOrEqual(400);
    // Evenly: one character per skill per round, so lengths differ by at most a token's worth.
    const lengths = lines.slice(0, 10).map((line) => /^- [^:]+: (.*) \(file: /.exec(line)![1]!.length);
    expect(Math.max(...lengths) - Math.min(...lengths)).toBeLessThanOrEqual(4);

    const warnings = events.filter((msg) => msg.type === "warning").map((msg) => (msg as { message: string }).message);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^Warning: Exceeded skills context budget of 2%\. Loaded skill descriptions were truncated by an average of \d+ characters per skill\.$/);
    // The warning comes before the turn's context, as Codex sends it while building it.
    const entries = await thread.entries();
    const warningAt = entries.findIndex((e) => e.kind === "event_msg" && e.payload.type === "warning");
    const developerAt = entries.findIndex((e) => e.kind === "response_item" && e.payload.type === "message" && e.payload.role === "developer");
    expect(warningAt).toBeGreaterThan(-1);
    expect(warningAt).toBeLessThan(developerAt);

    // The hidden skill's body was injected; the ChatGPT-only one does not exist here.
    const users = messageTexts(loom.server.requests[0]!, "user");
    expect(users.filter((text) => text.startsWith("<skill>")).map((text) => /<name>(.*)<\/name>/.exec(text)![1])).toEqual(["hidden"]);
    const listed = nextEvent(thread.events$, "list_skills_response");
    await thread.submit({ type: "list_skills" });
    const entry = ((await listed) as any).skills[0];
    expect(entry.skills.map((s: { name: string }) => s.name)).toContain("hidden");
    expect(entry.skills.map((s: { name: string }) => s.name)).not.toContain("chatgpt-only");

    // A later turn adds no skills list and no warning.
    const second = collectUntil(thread.events$, "task_complete");
    await thread.run("Again.");
    expect((await second).filter((event) => event.msg.type === "warning")).toEqual([]);
    expect(listedLines(loom.server.requests[1]!)).toEqual(lines);

    // The recording's list and warning come back from the log (the files are gone).
    await rm(join(repo, ".agents"), { recursive: true });
    const report = await replayRecording({ log: loom.rt.log, threadId: thread.id }, { config: { model_context_window: 20_000 } });
    expect(report.divergence).toBeUndefined();
  });

  it("drops skills in prompt order when not even the bare lines fit, and says how many", async () => {
    // 2% of 2,500 tokens: 50 approximate tokens (200 bytes): room for about two bare lines.
    loom = await startLoom({ env: { HOME: home }, config: { model_context_window: 2_500 } });
    for (const name of ["b-repo", "a-repo", "c-repo"]) await repoSkill(name, 30);
    await write(join(home, ".agents", "skills", "a-user", "SKILL.md"), "---\nname: a-user\ndescription: User skill.\n---\n");
    loom.server.enqueue(textTurn("ok"));
    const thread = await threadIn(loom);
    const warning = nextEvent(thread.events$, "warning");
    await thread.run("Hi.");
    const lines = listedLines(loom.server.requests[0]!)!;
    const kept = lines.map((line) => line.slice(2, line.indexOf(":")));
    // Repo skills before user skills, by name; bare lines only.
    expect(kept.length).toBeGreaterThan(0);
    expect(kept).toEqual(["a-repo", "b-repo", "c-repo", "a-user"].slice(0, kept.length));
    expect(lines.every((line) => /^- [^:]+: \(file: .*\)$/.test(line))).toBe(true);
    expect(lines.reduce((sum, line) => sum + approxTokenCount(`${line}\n`), 0)).toBeLessThanOrEqual(50);
    const omitted = 4 - kept.length;
    expect((await warning).message).toBe(
      `Warning: Exceeded skills context budget of 2%. All skill descriptions were removed and ${omitted} additional ${omitted === 1 ? "skill was" : "skills were"} not included in the model-visible skills list.`,
    );
  });

  it("keeps the skills section with an empty list when no skill fits (Codex's 100-token window)", async () => {
    loom = await startLoom({ env: { HOME: home }, config: { model_context_window: 100 } });
    await repoSkill("admin-like", 4);
    await repoSkill("repo-skill", 4);
    loom.server.enqueue(textTurn("ok"));
    const thread = await threadIn(loom);
    const warning = nextEvent(thread.events$, "warning");
    await thread.run("Hi.");
    expect(listedLines(loom.server.requests[0]!)).toEqual([]);
    expect((await warning).message).toBe(
      "Warning: Exceeded skills context budget of 2%. All skill descriptions were removed and 2 additional skills were not included in the model-visible skills list.",
    );
    // The warning is for the user: the model never reads it.
    expect(JSON.stringify(loom.server.requests[0]!.body)).not.toContain("Exceeded skills context budget");
  });

  it("warns again when a mid-turn compaction rebuilds the context, as Codex does", async () => {
    loom = await startLoom({ env: { HOME: home }, config: { model_context_window: 100, model_auto_compact_token_limit: 90 } });
    await repoSkill("repo-skill", 4);
    loom.server.enqueue(
      [evCreated("r1"), evFunctionCall("call_1", "test_tool", "{}"), evCompletedWithTokens("r1", 96)],
      [evCreated("r2"), ...textTurn("SUMMARY").slice(1, -1), evCompletedWithTokens("r2", 10)],
      [evCreated("r3"), ...textTurn("DONE").slice(1, -1), evCompletedWithTokens("r3", 10)],
    );
    const thread = await threadIn(loom);
    const seen = collectUntil(thread.events$, "task_complete");
    await thread.run("push past the limit");
    const warnings = (await seen).flatMap((event) => (event.msg.type === "warning" ? [event.msg.message] : []));
    const budget = "Warning: Exceeded skills context budget of 2%. All skill descriptions were removed and 1 additional skill was not included in the model-visible skills list.";
    // Once for the turn's context, once for the compaction's; then the compaction's own warning.
    expect(warnings.filter((message) => message === budget)).toHaveLength(2);
    const entries = await thread.entries();
    const budgetAt = entries.flatMap((e, i) => (e.kind === "event_msg" && e.payload.type === "warning" && e.payload.message === budget ? [i] : []));
    const compactedAt = entries.findIndex((e) => e.kind === "compacted");
    expect(budgetAt[1]).toBeLessThan(compactedAt);
    // The continued request lists the (empty) skills section again, inside the re-injected context.
    expect(listedLines(loom.server.requests[2]!)).toEqual([]);
  });
});
