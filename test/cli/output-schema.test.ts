// `loom exec --output-schema FILE`: the schema reaches the request as Codex sends it; a schema that
// cannot be used is refused in one line before anything is asked of the model.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeResponses, textTurn, type FakeResponses } from "../support/fake-responses.js";
import { runLoom } from "../support/cli.js";

let server: FakeResponses;
let dataDir: string;
let env: Record<string, string>;
beforeEach(async () => {
  server = await startFakeResponses();
  dataDir = await mkdtemp(join(tmpdir(), "loom-schema-"));
  env = { OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: "test", LOOM_HOME: dataDir };
});
afterEach(async () => {
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe("loom exec --output-schema", () => {
  it("sends the schema as text.format and prints the answer", async () => {
    const schema = { type: "object", properties: { answer: { type: "string" } }, required: ["answer"], additionalProperties: false };
    const file = join(dataDir, "schema.json");
    await writeFile(file, JSON.stringify(schema));
    server.enqueue(textTurn('{"answer":"yes"}'));
    const result = await runLoom(["exec", "--data-dir", dataDir, "--cwd", dataDir, "--output-schema", file, "answer"], env);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe('{"answer":"yes"}');
    expect(server.requests[0]!.body.text.format).toEqual({ type: "json_schema", strict: true, schema, name: "codex_output_schema" });
  });

  it("refuses a missing file and a schema that is not an object in one line each", async () => {
    await writeFile(join(dataDir, "list.json"), "[1, 2]");
    for (const [name, words] of [
      ["missing.json", "cannot read --output-schema"],
      ["list.json", "must hold a JSON schema object"],
    ] as const) {
      const result = await runLoom(["exec", "--data-dir", dataDir, "--output-schema", join(dataDir, name), "answer"], env);
      expect(result.code).not.toBe(0);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).toContain(words);
    }
    expect(server.requests).toHaveLength(0);
  });
});
