/**
 * The model endpoint and the client that talks to it: the real `openai` SDK with its own retries
 * off (`maxRetries: 0`), because the retry policy is Codex's and lives in this folder. The
 * environment is read in `modelEndpointFromEnv` only, which the runtime calls once.
 */
import OpenAI from "openai";

/** Codex's `request_max_retries` default: silent retries of a request that got no stream. */
export const DEFAULT_REQUEST_MAX_RETRIES = 4;
/** Codex's `stream_max_retries` default: retries announced with "Reconnecting... n/N". */
export const DEFAULT_STREAM_MAX_RETRIES = 5;
/** Codex's `stream_idle_timeout` default: a stream silent this long is treated as dropped. */
export const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 300_000;
/** Codex's hard cap on configured `request_max_retries` and `stream_max_retries`. */
export const MAX_CONFIGURED_RETRIES = 100;

const DEFAULT_BASE_URL = "https://api.openai.com/v1";

export interface ModelEndpoint {
  apiKey: string;
  baseURL: string;
}

/** The configuration is missing something the model endpoint needs. */
export class ModelConfigError extends Error {
  override readonly name = "ModelConfigError";
}

/** Reads `OPENAI_API_KEY` and `OPENAI_BASE_URL` (default api.openai.com), like Codex's provider. */
export function modelEndpointFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): ModelEndpoint {
  const apiKey = env.OPENAI_API_KEY?.trim();
  if (!apiKey) throw new ModelConfigError("Missing environment variable: `OPENAI_API_KEY`.");
  return { apiKey, baseURL: env.OPENAI_BASE_URL?.trim() || DEFAULT_BASE_URL };
}

export interface ModelClientOptions {
  /**
   * Without one the client is still built, and each sampling request fails as Codex's does:
   * "Missing environment variable: `OPENAI_API_KEY`." (not retried).
   */
  apiKey?: string;
  /** The variable named in that message (a provider's `env_key`); null: the provider takes no key. */
  apiKeyEnvVar?: string | null;
  /** Defaults to the public OpenAI endpoint; never read from the environment here. */
  baseURL?: string;
  /** Where `baseURL` came from ("OPENAI_BASE_URL", "model_providers.x.base_url"), named in errors. */
  baseURLSource?: string;
  model: string;
  /** Codex's `request_max_retries` (default 4). */
  maxRetries?: number;
  /** Codex's `stream_idle_timeout_ms`: how long the server may say nothing, before its headers or between events (default 300 000). */
  streamIdleTimeoutMs?: number;
  /** A fetch implementation for the SDK (proxies, tests). */
  fetch?: typeof fetch;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
}

/** What the sampler needs: an SDK instance and Codex's transport settings. */
export interface ModelClient {
  readonly openai: OpenAI;
  readonly model: string;
  readonly requestMaxRetries: number;
  readonly streamIdleTimeoutMs: number;
  /** The full URL requests go to, quoted in Codex's unexpected-status messages. */
  readonly responsesURL: string;
  /** The base URL and where it came from, for "cannot connect" messages. */
  readonly baseURL: string;
  readonly baseURLSource: string;
  /** Set when no API key was configured: the variable to name in the error. */
  readonly missingApiKey: string | null;
  /** Set when the base URL is not an http(s) URL: the error every request fails with. */
  readonly invalidBaseURL: string | null;
}

/** Throws `ModelConfigError` naming `source` unless `url` is an absolute http(s) URL. */
export function checkBaseURL(url: string, source: string): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:") || !parsed.hostname) {
    throw new ModelConfigError(`${source} must be an http(s) URL, got ${JSON.stringify(url)}`);
  }
}

export function createModelClient(options: ModelClientOptions): ModelClient {
  const baseURL = options.baseURL ?? DEFAULT_BASE_URL;
  const baseURLSource = options.baseURLSource ?? (options.baseURL === undefined ? "the default endpoint" : "the configured base URL");
  // A bad URL is reported by each sampling request, not here: a thread that never samples
  // (a rollback, an inspection) must not fail for it.
  let invalidBaseURL: string | null = null;
  try {
    checkBaseURL(baseURL, baseURLSource);
  } catch (error) {
    invalidBaseURL = (error as Error).message;
  }
  const idle = options.streamIdleTimeoutMs ?? DEFAULT_STREAM_IDLE_TIMEOUT_MS;
  if (!Number.isFinite(idle) || idle <= 0) throw new ModelConfigError(`stream_idle_timeout_ms must be a positive number, got ${idle}`);
  const apiKey = options.apiKey?.trim() || undefined;
  // A provider without an env_key gets no Authorization header at all (Codex sends none).
  const keyless = apiKey === undefined && options.apiKeyEnvVar === null;
  const openai = new OpenAI({
    // The SDK refuses to exist without a key; requests never go out with this placeholder.
    apiKey: apiKey ?? "missing-api-key",
    adminAPIKey: null,
    baseURL: invalidBaseURL ? "http://invalid.invalid/v1" : baseURL,
    // Passed explicitly so the SDK does not pick these up from the environment behind our back.
    organization: null,
    project: null,
    webhookSecret: null,
    maxRetries: 0,
    fetch: options.fetch,
    defaultHeaders: keyless ? { ...options.headers, authorization: null } : options.headers,
  });
  return {
    openai,
    model: options.model,
    requestMaxRetries: Math.max(0, Math.min(options.maxRetries ?? DEFAULT_REQUEST_MAX_RETRIES, MAX_CONFIGURED_RETRIES)),
    streamIdleTimeoutMs: idle,
    responsesURL: `${baseURL.replace(/\/+$/, "")}/responses`,
    baseURL,
    baseURLSource,
    invalidBaseURL,
    missingApiKey: apiKey || keyless ? null : (options.apiKeyEnvVar ?? "OPENAI_API_KEY"),
  };
}
