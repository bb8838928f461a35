// Skills from a temporary home and repo: discovery where Codex looks, front matter validation (a
// bad file is a warning naming it), the developer message, `$name` and `skill` item injection,
// list_skills, and the watcher telling the client when a skill appears.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { nextEvent, startLoom, type LoomHarness } from "../support/loom.js";
import { messageTexts, textTurn } from "../support/fake-responses.js";
import { loadSkills, skillRoots, extractMentions } from "../../src/skills/index.js";
import { replayRecording } from "../../src/testing/index.js";

let loom: LoomHarness;
let home: string;
let repo: string;

async function skill(path: string, body: string): Promise<string> {
  await mkdir(join(path, ".."), { recursive: true });
  await writeFile(path, body);
  return path;
}

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "loom-home-"));
  repo = await mkdtemp(join(tmpdir(), "loom-repo-"));
  await mkdir(join(repo, ".git"));
  await mkdir(join(repo, "pkg", "sub"), { recursive: true });
});
afterEach(async () => {
  await loom?.close();
  await rm(home, { recursive: true, force: true });
  await rm(repo, { recursive: true, force: true });
});

describe("skills", () => {
  it("finds skills in the data dir, the home and the repo, and warns about bad files by name", async () => {
    loom = await startLoom({ env: { HOME: home } });
    await skill(join(loom.dataDir, "skills", "deploy", "SKILL.md"), "---\nname: deploy\ndescription: Ship it.\n---\nRun the deploy script.\n");
    await skill(join(home, ".agents", "skills", "notes", "SKILL.md"), "---\ndescription: Take   notes\n  carefully.\n---\n");
    await skill(join(repo, ".agents", "skills", "lint", "SKILL.md"), "---\nname: lint\ndescription: Lint the repo.\n---\n");
    await skill(join(repo, "pkg", ".codex", "skills", "pkg-test", "SKILL.md"), "---\nname: pkg-test\ndescription: Test the package.\n---\n");
    const noFrontMatter = await skill(join(repo, ".agents", "skills", "bare", "SKILL.md"), "# no front matter\n");
    const badYaml = await skill(join(loom.dataDir, "skills", "bad", "SKILL.md"), "---\nname: [unclosed\n---\n");
    const tooLong = await skill(join(home, ".agents", "skills", "long", "SKILL.md"), `---\nname: ${"x".repeat(65)}\ndescription: d\n---\n`);

    const cwd = join(repo, "pkg", "sub");
    const outcome = loadSkills(skillRoots({ dataDir: loom.dataDir, home, cwd }));
    expect(outcome.skills.map((s) => [s.name, s.scope, s.description])).toEqual([
      ["lint", "repo", "Lint the repo."],
      ["pkg-test", "repo", "Test the package."],
      ["deploy", "user", "Ship it."],
      // No name: the folder's; whitespace runs become one space.
      ["notes", "user", "Take notes carefully."],
    ]);
    expect(outcome.errors.map((e) => [e.path, e.message.split(":")[0]]).sort()).toEqual(
      [
        [noFrontMatter, "missing YAML frontmatter delimited by ---"],
        [badYaml, "invalid YAML"],
        [tooLong, "invalid name"],
      ].sort(),
    );

    loom.server.enqueue(textTurn("listed"));
    const thread = await loom.rt.startThread({ cwd, approvalPolicy: "never", sandboxPolicy: { type: "danger-full-access" } });
    const warnings = thread.opening.flatMap((e) => (e.msg.type === "warning" ? [(e.msg as any).message as string] : []));
    expect(warnings).toHaveLength(3);
    for (const path of [badYaml, noFrontMatter, tooLong]) expect(warnings.filter((w) => w.startsWith(`failed to load skill ${path}: `))).toHaveLength(1);
    await thread.run("hello");
    const developer = messageTexts(loom.server.requests[0]!, "developer").find((t) => t.includes("<skills_instructions>"))!;
    const listed = [...developer.matchAll(/^- (.*?): .* \(file: (.*)\)$/gm)].map((m) => m[1]);
    // Codex's prompt order: repo skills, then user skills, each by name.
    expect(listed).toEqual(["lint", "pkg-test", "deploy", "notes"]);
  });

  it("injects a mentioned skill's body, answers list_skills, reports a new skill, and replays from the log", async () => {
    loom = await startLoom({ env: { HOME: home } });
    const deploy = await skill(join(repo, ".agents", "skills", "deploy", "SKILL.md"), "---\nname: deploy\ndescription: Ship it.\n---\nRun ./deploy.sh\n");
    const notes = await skill(join(home, ".agents", "skills", "notes", "SKILL.md"), "---\nname: notes\ndescription: Notes.\n---\nWrite notes.\n");
    loom.server.enqueue(textTurn("deployed"));
    const thread = await loom.rt.startThread({ cwd: repo, approvalPolicy: "never", sandboxPolicy: { type: "danger-full-access" } });
    await thread.run([
      { type: "text", text: "Please $deploy now, but not $HOME or $unknown." },
      { type: "skill", name: "notes", path: notes },
    ]);
    const users = messageTexts(loom.server.requests[0]!, "user");
    // The `skill` item first, then the text mention.
    expect(users.filter((t) => t.startsWith("<skill>"))).toEqual([
      `<skill>\n<name>notes</name>\n<path>${notes}</path>\n---\nname: notes\ndescription: Notes.\n---\nWrite notes.\n\n</skill>`,
      `<skill>\n<name>deploy</name>\n<path>${deploy}</path>\n---\nname: deploy\ndescription: Ship it.\n---\nRun ./deploy.sh\n\n</skill>`,
    ]);

    const listed = nextEvent(thread.events$, "list_skills_response");
    await thread.submit({ type: "list_skills", cwds: [repo] });
    const response = (await listed) as any;
    expect(response.skills).toEqual([
      {
        cwd: repo,
        skills: [
          { name: "deploy", description: "Ship it.", path: deploy, scope: "repo", enabled: true },
          { name: "notes", description: "Notes.", path: notes, scope: "user", enabled: true },
        ],
        errors: [],
      },
    ]);

    // Replay answers the skills from the log (the files are gone), the list included.
    await rm(deploy);
    await rm(notes);
    const report = await replayRecording({ log: loom.rt.log, threadId: thread.id });
    expect(report.divergence).toBeUndefined();

    const updated = nextEvent(thread.events$, "skills_update_available");
    await skill(join(repo, ".agents", "skills", "fresh", "SKILL.md"), "---\nname: fresh\ndescription: New.\n---\n");
    await updated;
    const relisted = nextEvent(thread.events$, "list_skills_response");
    await thread.submit({ type: "list_skills" });
    expect(((await relisted) as any).skills[0].skills.map((s: any) => s.name)).toEqual(["fresh"]);
  });

  it("reads $mentions as Codex does", () => {
    const m = extractMentions("use $a-b:c and [$linked](/x/SKILL.md), not $PATH or $ alone");
    expect([...m.plainNames]).toEqual(["a-b:c"]);
    expect([...m.names].sort()).toEqual(["a-b:c", "linked"]);
    expect([...m.paths]).toEqual(["/x/SKILL.md"]);
  });
});
