// A key only ever goes to the provider it belongs to (issue 12): a provider's env_key unset does not
// fall back to OPENAI_API_KEY, a provider without env_key gets no Authorization header, and an
// unknown model_provider is a one-line error before anything is sent (Codex: "Model provider `x`
// not found", `ModelProviderInfo::api_key`).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resolveEndpoint } from "../../src/actors/model/index.js";
import { createRuntime, type Runtime } from "../../src/runtime/runtime.js";
import type { LoomConfig } from "../../src/config/index.js";
import { startFakeResponses, textTurn, type FakeResponses } from "../support/fake-responses.js";
import { runMain } from "../support/cli.js";

const OPENAI_SECRET = "sk-openai-secret-do-not-send";

describe("resolveEndpoint: whose key goes where", () => {
  it("gives the openai provider OPENAI_API_KEY", () => {
    expect(resolveEndpoint({}, { OPENAI_API_KEY: OPENAI_SECRET })).toMatchObject({ apiKey: OPENAI_SECRET, apiKeyEnvVar: "OPENAI_API_KEY" });
  });

  it("does not fall back to OPENAI_API_KEY when a provider's env_key is unset", () => {
    const config = { model_provider: "acme", model_providers: { acme: { base_url: "https://acme.invalid/v1", env_key: "ACME_KEY" } } };
    const endpoint = resolveEndpoint(config, { OPENAI_API_KEY: OPENAI_SECRET });
    expect(endpoint.apiKey).toBeUndefined();
    expect(endpoint.apiKeyEnvVar).toBe("ACME_KEY");
    expect(resolveEndpoint(config, { OPENAI_API_KEY: OPENAI_SECRET, ACME_KEY: "acme" }).apiKey).toBe("acme");
  });

  it("sends no key to a provider without env_key", () => {
    const config = { model_provider: "local", model_providers: { local: { base_url: "http://127.0.0.1:1/v1" } } };
    expect(resolveEndpoint(config, { OPENAI_API_KEY: OPENAI_SECRET })).toMatchObject({ apiKey: undefined, apiKeyEnvVar: null });
  });

  it("refuses an unknown model_provider", () => {
    expect(() => resolveEndpoint({ model_provider: "nope" }, { OPENAI_API_KEY: OPENAI_SECRET })).toThrow(/^Model provider `nope` not found/);
  });
});

describe("through the runtime, against a real HTTP server", () => {
  let server: FakeResponses;
  let dataDir: string;
  let rt: Runtime | undefined;
  beforeEach(async () => {
    server = await startFakeResponses();
    dataDir = await mkdtemp(join(tmpdir(), "loom-credentials-"));
  });
  afterEach(async () => {
    await rt?.close();
    rt = undefined;
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const open = async (config: LoomConfig, env: Record<string, string>) => {
    rt = await createRuntime({ dataDir, durable: false, config, env, rules: { systemDir: null }, retry: { baseDelayMs: 1 } });
    return rt;
  };

  it("an unset env_key fails the turn by name and nothing reaches the provider", async () => {
    const runtime = await open(
      { model_provider: "acme", model_providers: { acme: { base_url: server.baseURL, env_key: "ACME_KEY" } } },
      { OPENAI_API_KEY: OPENAI_SECRET },
    );
    const thread = await runtime.startThread({ cwd: dataDir });
    await expect(thread.run("hi")).rejects.toThrow("Missing environment variable: `ACME_KEY`.");
    expect(server.requests).toHaveLength(0);
  });

  it("the provider's own key is sent, never OPENAI_API_KEY", async () => {
    server.enqueue(textTurn("hello"));
    const runtime = await open(
      { model_provider: "acme", model_providers: { acme: { base_url: server.baseURL, env_key: "ACME_KEY" } } },
      { OPENAI_API_KEY: OPENAI_SECRET, ACME_KEY: "acme-key" },
    );
    const thread = await runtime.startThread({ cwd: dataDir });
    expect((await thread.run("hi")).finalResponse).toBe("hello");
    expect(server.requests[0]!.headers.authorization).toBe("Bearer acme-key");
    expect(JSON.stringify(server.requests[0]!.headers)).not.toContain(OPENAI_SECRET);
  });

  it("a provider without env_key gets no Authorization header at all", async () => {
    server.enqueue(textTurn("hello"));
    const runtime = await open({ model_provider: "local", model_providers: { local: { base_url: server.baseURL } } }, { OPENAI_API_KEY: OPENAI_SECRET });
    const thread = await runtime.startThread({ cwd: dataDir });
    expect((await thread.run("hi")).finalResponse).toBe("hello");
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
    expect(JSON.stringify(server.requests[0]!.headers)).not.toContain(OPENAI_SECRET);
  });

  it("an unknown model_provider starts no thread", async () => {
    const runtime = await open({ model_provider: "nope" }, { OPENAI_API_KEY: OPENAI_SECRET, OPENAI_BASE_URL: server.baseURL });
    await expect(runtime.startThread({ cwd: dataDir })).rejects.toThrow(/Model provider `nope` not found/);
    expect(server.requests).toHaveLength(0);
  });

  it("loom exec names the unknown provider in one line and sends nothing", async () => {
    const result = await runMain(["exec", "--data-dir", dataDir, "-c", "model_provider=nope", "hi"], {
      env: { OPENAI_API_KEY: OPENAI_SECRET, OPENAI_BASE_URL: server.baseURL },
    });
    expect(result.code).toBe(2);
    expect(result.err).toHaveLength(1);
    expect(result.stderr).toMatch(/Model provider `nope` not found/);
    expect(server.requests).toHaveLength(0);
  });
});
