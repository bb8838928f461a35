/**
 * Which model endpoint a thread talks to, and with which transport settings: the active provider of
 * the configuration (Codex's `model_provider` / `model_providers.<id>`, `openai` by default), the
 * environment (`OPENAI_API_KEY`, `OPENAI_BASE_URL`) and the embedder's explicit options, in Codex's
 * order of precedence. Each value remembers where it came from, so an error can name the variable
 * or key to fix.
 */
import { checkBaseURL, ModelConfigError, type ModelClientOptions } from "./client.js";

/** The keys of a Codex `[model_providers.<id>]` table that Loom reads. */
export interface ProviderSettings {
  name?: string;
  base_url?: string;
  env_key?: string;
  request_max_retries?: number;
  stream_max_retries?: number;
  stream_idle_timeout_ms?: number;
}

export interface EndpointConfig {
  model_provider?: string;
  model_providers?: Record<string, ProviderSettings>;
}

/** Codex's default provider id. */
export const DEFAULT_PROVIDER_ID = "openai";

export interface ResolvedEndpoint extends Omit<ModelClientOptions, "model"> {
  /** Codex's `stream_max_retries` of the provider, when configured. */
  streamMaxRetries?: number;
}

/** The active provider's table, if the configuration has one. */
export function activeProvider(config: EndpointConfig): { id: string; settings: ProviderSettings | undefined } {
  const id = config.model_provider ?? DEFAULT_PROVIDER_ID;
  return { id, settings: config.model_providers?.[id] };
}

/**
 * A key only ever goes to the provider it belongs to: the `openai` provider reads `OPENAI_API_KEY`
 * (or its `env_key`), any other provider only its own `env_key` (none: no key is sent), and an
 * unknown `model_provider` is an error (Codex: "Model provider `x` not found") before anything is
 * sent. The embedder's explicit key is always its own choice.
 */
export function resolveEndpoint(
  config: EndpointConfig,
  env: Readonly<Record<string, string | undefined>>,
  explicit: { apiKey?: string; baseURL?: string } = {},
): ResolvedEndpoint {
  const { id, settings } = activeProvider(config);
  if (id !== DEFAULT_PROVIDER_ID && settings === undefined) {
    throw new ModelConfigError(`Model provider \`${id}\` not found (model_provider names no [model_providers.${id}] table)`);
  }
  const envKey = settings?.env_key;
  let baseURL: string | undefined;
  let baseURLSource: string | undefined;
  if (explicit.baseURL !== undefined) [baseURL, baseURLSource] = [explicit.baseURL, "the runtime's model.baseURL"];
  else if (settings?.base_url !== undefined) [baseURL, baseURLSource] = [settings.base_url, `model_providers.${id}.base_url`];
  else if (env.OPENAI_BASE_URL?.trim()) [baseURL, baseURLSource] = [env.OPENAI_BASE_URL.trim(), "OPENAI_BASE_URL"];
  const keyVar: string | null = envKey ?? (id === DEFAULT_PROVIDER_ID ? "OPENAI_API_KEY" : null);
  const fromEnv = keyVar === null ? undefined : env[keyVar]?.trim() || undefined;
  return {
    apiKey: explicit.apiKey ?? fromEnv,
    apiKeyEnvVar: keyVar,
    baseURL,
    baseURLSource,
    maxRetries: settings?.request_max_retries,
    streamMaxRetries: settings?.stream_max_retries,
    streamIdleTimeoutMs: settings?.stream_idle_timeout_ms,
  };
}

/** Throws `ModelConfigError` naming the variable or key when the resolved base URL is not http(s). */
export function checkEndpoint(endpoint: ResolvedEndpoint): void {
  if (endpoint.baseURL !== undefined) checkBaseURL(endpoint.baseURL, endpoint.baseURLSource ?? "the base URL");
}
