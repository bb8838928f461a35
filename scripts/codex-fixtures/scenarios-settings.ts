// Scenarios for what decides a request besides the history: the model (each model of Codex
// 0.125's bundled catalog, and a switch mid-thread), an output schema, the web_search setting, and
// the per-turn settings Codex honours (service tier, personality, collaboration mode).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execThenResume } from "./scenarios-tools.js";
import { EXEC_FLAGS, exec, onlyThread, settled, startThread, turn, withAppServer, type Scenario } from "./steps.js";

/** The catalog models besides gpt-5.5 (which every other scenario uses). */
export const CATALOG_MODELS = ["gpt-5.4", "gpt-5.4-mini", "gpt-5.3-codex", "gpt-5.2"];

export const OUTPUT_SCHEMA = {
  type: "object",
  properties: { answer: { type: "string" } },
  required: ["answer"],
  additionalProperties: false,
};

const modelScenarios: Scenario[] = CATALOG_MODELS.map((model) =>
  execThenResume(
    `model-${model}`,
    `\`codex exec -m ${model}\`: the model's instructions, tools, reasoning and verbosity from the bundled ` +
      "catalog; it runs `echo hi` with the shell tool it is offered.",
    "Please run `echo hi`.",
    { args: ["-m", model] },
  ),
);

/** A single `codex exec` text turn, the final one. */
function oneTurn(name: string, description: string, options: Partial<Scenario> & { args?: string[] } = {}): Scenario {
  const { args = [], ...rest } = options;
  return {
    name,
    description,
    ...rest,
    async run(ctx) {
      ctx.beginFinal("", "Say hi.");
      await exec(ctx, "turn 1 (final)", ["exec", ...args, "Say hi."]);
      return { threadId: onlyThread(ctx) };
    },
  };
}

/** The skills the `user-skill` scenario installs: a user skill, a repo skill, and one without a description. */
export const SKILL_FILES: Record<string, string> = {
  "codexHome:skills/release-notes/SKILL.md":
    "---\nname: release-notes\ndescription: Write release notes from the git log since the last tag.\n---\n\n# Release notes\n\nRun `git log --oneline $(git describe --tags --abbrev=0)..HEAD` and group the commits by area.\n",
  "cwd:.agents/skills/lint-fix/SKILL.md":
    "---\nname: lint-fix\ndescription: Fix lint errors in the repository.\nmetadata:\n  short-description: Fix lint\n---\n\nRun the linter and fix what it reports.\n",
  "codexHome:skills/broken/SKILL.md": "---\nname: broken\n---\n\nNo description.\n",
};

/**
 * Skills for the budget scenarios: twelve repo skills and two user skills with long descriptions,
 * one only for explicit use (agents/openai.yaml policy) and one only for ChatGPT (products).
 */
export const BUDGET_SKILL_FILES: Record<string, string> = Object.fromEntries([
  ...Array.from({ length: 12 }, (_, i) => {
    const name = `repo-skill-${String(i).padStart(2, "0")}`;
    const description = `Handles ${name} work - reads the project, plans the change, edits files, runs the tests and reports what changed and why.`;
    return [`cwd:.agents/skills/${name}/SKILL.md`, `---\nname: ${name}\ndescription: ${description}\n---\n\nDo ${name}.\n`];
  }),
  ["codexHome:skills/user-notes/SKILL.md", "---\nname: user-notes\ndescription: Keep running notes of decisions in NOTES.md, one dated line per decision, newest last.\n---\n"],
  ["codexHome:skills/user-deploy/SKILL.md", "---\nname: user-deploy\ndescription: Deploy.\n---\n"],
  ["cwd:.agents/skills/explicit-only/SKILL.md", "---\nname: explicit-only\ndescription: Only when named.\n---\n"],
  ["cwd:.agents/skills/explicit-only/agents/openai.yaml", "interface:\n  display_name: Explicit only\npolicy:\n  allow_implicit_invocation: false\n"],
  ["cwd:.agents/skills/chatgpt-only/SKILL.md", "---\nname: chatgpt-only\ndescription: Not for Codex.\n---\n"],
  ["cwd:.agents/skills/chatgpt-only/agents/openai.yaml", "policy:\n  products: [chatgpt]\n"],
]);

/** `model_context_window` per budget scenario: 2% of 50,000 (1,000 tokens) cuts descriptions; of 8,000 (160), drops skills. */
export const BUDGET_WINDOWS: Record<string, number> = { "skills-budget-truncated": 50_000, "skills-budget-omitted": 8_000 };

function budgetScenario(name: string): Scenario {
  return {
    name,
    description:
      `app-server with model_context_window = ${BUDGET_WINDOWS[name]} and fourteen listed skills (plus one explicit-only and one ` +
      "ChatGPT-only): the skills list is fitted to 2% of the window; the `warning` notification Codex sent is in meta.json's notes.",
    sandbox: { config: [`model_context_window = ${BUDGET_WINDOWS[name]}`] },
    async run(ctx) {
      for (const [where, content] of Object.entries(BUDGET_SKILL_FILES)) {
        const [base, rel] = where.split(":") as ["codexHome" | "cwd", string];
        const path = join(base === "codexHome" ? ctx.sandbox.codexHome : ctx.sandbox.cwd, rel);
        mkdirSync(join(path, ".."), { recursive: true });
        writeFileSync(path, content);
      }
      // The app server, whose `warning` notifications carry what Codex tells the user (`exec` drops them).
      return withAppServer(ctx, async (app) => {
        const since = app.mark();
        const thread = await startThread(ctx, app);
        ctx.beginFinal("", "Say hi.");
        await turn(ctx, app, thread.id, "turn 1 (final)", "Say hi.");
        for (const note of app.notifications.slice(since)) {
          if (note.method === "warning") ctx.notes.push(`warning: ${JSON.stringify(note.params.message)}`);
        }
        return { threadId: thread.id };
      });
    },
  };
}

export const settingsScenarios: Scenario[] = [
  ...modelScenarios,
  budgetScenario("skills-budget-truncated"),
  budgetScenario("skills-budget-omitted"),
  {
    name: "user-skill",
    description:
      "`codex exec` with a user skill ($CODEX_HOME/skills), a repo skill (.agents/skills in the cwd) and a SKILL.md " +
      "without a description; the prompt mentions `$release-notes`, whose body Codex injects as a <skill> message.",
    async run(ctx) {
      for (const [where, content] of Object.entries(SKILL_FILES)) {
        const [base, rel] = where.split(":") as ["codexHome" | "cwd", string];
        const path = join(base === "codexHome" ? ctx.sandbox.codexHome : ctx.sandbox.cwd, rel);
        mkdirSync(join(path, ".."), { recursive: true });
        writeFileSync(path, content);
      }
      const prompt = "Use $release-notes for this week.";
      ctx.beginFinal("", prompt);
      await exec(ctx, "turn 1 (final)", ["exec", ...EXEC_FLAGS, prompt]);
      return { threadId: onlyThread(ctx) };
    },
  },
  {
    name: "model-switch",
    description:
      "app-server: turn 1 on gpt-5.5, then turn 2 with `model: gpt-5.4` on turn/start. The thread keeps its " +
      "base instructions (gpt-5.5's); the new model's tools and a <model_switch> message come with turn 2.",
    async run(ctx) {
      return withAppServer(ctx, async (app) => {
        const thread = await startThread(ctx, app);
        await turn(ctx, app, thread.id, "turn 1", "Say hi.");
        await settled(thread.path);
        ctx.beginFinal(thread.id, "Say more.");
        await turn(ctx, app, thread.id, "turn 2 (final, gpt-5.4)", "Say more.", { model: "gpt-5.4" });
        return { threadId: thread.id };
      });
    },
  },
  {
    name: "output-schema",
    description: "`codex exec --output-schema schema.json`: the schema goes out as the request's text.format.",
    async run(ctx) {
      const schema = join(ctx.sandbox.root, "schema.json");
      writeFileSync(schema, JSON.stringify(OUTPUT_SCHEMA));
      ctx.beginFinal("", "Say hi.");
      await exec(ctx, "turn 1 (final)", ["exec", ...EXEC_FLAGS, "--output-schema", schema, "Say hi."]);
      return { threadId: onlyThread(ctx) };
    },
  },
  execThenResume(
    "web-search",
    "Default web_search under danger-full-access (live): the hosted tool with external_web_access true. The " +
      "model answers with a web_search_call item and a message; the resumed turn replays both.",
    "Please search the web for loom.",
  ),
  oneTurn("web-search-cached", "sandbox_mode workspace-write and no web_search setting: the hosted tool is cached (external_web_access false).", {
    args: ["--skip-git-repo-check"],
    sandbox: { sandboxMode: "workspace-write" },
  }),
  oneTurn("web-search-disabled", '`web_search = "disabled"`: no hosted web_search tool.', {
    args: EXEC_FLAGS,
    sandbox: { config: [`web_search = "disabled"`] },
  }),
  {
    name: "turn-settings",
    description:
      "app-server with the experimental API: turn 1 with serviceTier fast and personality friendly; turn 2 in " +
      "plan collaboration mode (effort high, built-in instructions); turn 3 back in default mode with serviceTier flex.",
    async run(ctx) {
      return withAppServer(
        ctx,
        async (app) => {
          const thread = await startThread(ctx, app);
          await turn(ctx, app, thread.id, "turn 1", "Say hi.", { serviceTier: "fast", personality: "friendly" });
          await turn(ctx, app, thread.id, "turn 2 (plan mode)", "Make a plan.", {
            collaborationMode: { mode: "plan", settings: { model: "gpt-5.5", reasoning_effort: "high", developer_instructions: null } },
          });
          await settled(thread.path);
          ctx.beginFinal(thread.id, "Go ahead.");
          await turn(ctx, app, thread.id, "turn 3 (final, default mode)", "Go ahead.", {
            serviceTier: "flex",
            collaborationMode: { mode: "default", settings: { model: "gpt-5.5", reasoning_effort: null, developer_instructions: null } },
          });
          return { threadId: thread.id };
        },
        { experimental: true },
      );
    },
  },
];
