/** The model sampler: Codex's Responses API client, stream mapping and retry policy over the openai SDK. */

/** Endpoint from the environment, and the SDK-backed client the sampler takes. */
export {
  createModelClient,
  modelEndpointFromEnv,
  ModelConfigError,
  DEFAULT_REQUEST_MAX_RETRIES,
  DEFAULT_STREAM_MAX_RETRIES,
  DEFAULT_STREAM_IDLE_TIMEOUT_MS,
  MAX_CONFIGURED_RETRIES,
  checkBaseURL,
} from "./client.js";
export type { ModelClient, ModelClientOptions, ModelEndpoint } from "./client.js";
/** Which endpoint and transport settings a thread uses: provider table, environment, explicit options. */
export { resolveEndpoint, checkEndpoint, activeProvider, DEFAULT_PROVIDER_ID } from "./endpoint.js";
export type { EndpointConfig, ProviderSettings, ResolvedEndpoint } from "./endpoint.js";
/** The git facts of a turn's workspace for `x-codex-turn-metadata`, probed in the background. */
export { TurnGitProbe, probeWorkspaceGit, gitRepoRoot, parseRemoteUrls, GIT_PROBE_TIMEOUT_MS } from "./git-metadata.js";
export type { WorkspaceGitMetadata } from "./git-metadata.js";
/** The request body exactly as Codex builds it. */
export { buildResponsesRequest, createTextControls, reasoningParams } from "./request.js";
export type { BuildRequestInput, ReasoningParams, ResponsesRequest, TextControls } from "./request.js";
/** One request: stream events and items out in order, the result or a ModelError back. */
export { sampleOnce } from "./sample.js";
export type { SampleOptions } from "./sample.js";
/** Codex's stream retry loop with "Reconnecting... n/N" stream_error events. */
export { sampleWithRetry, MAX_RETRY_WAIT_MS, MAX_TIMEOUT_RETRIES } from "./retry.js";
export type { RetryOptions, RequestSource } from "./retry.js";
/** The SSE decoder the sampler reads response bodies with. */
export { SseDecoder, sseMessages, MAX_SSE_EVENT_CHARS } from "./sse.js";
export type { SseMessage } from "./sse.js";
/** The pure stream-to-events mapping, usable on recorded streams. */
export { ResponseStreamMapper } from "./stream-mapper.js";
export type { SampleOutput, SampleResult, StreamMapperOptions } from "./stream-mapper.js";
/** Codex's serialized form of an output item (no ids, no unknown fields). */
export { toHistoryItem, withoutId } from "./history-item.js";
/** Errors with Codex's messages and codex_error_info, and the events that report them. */
export { ModelError, ModelAbortedError, RecordedModelError, toErrorEvent, toStreamErrorEvent, fatalModelError } from "./errors.js";
export type { ModelErrorKind, CodexErrorInfo } from "./errors.js";
/** How failures are classified (exposed for replay and tests). */
export { classifyResponseFailed, classifyHttpError, parseTryAgainIn } from "./classify.js";
/** Waiting between attempts. */
export { codexBackoff, abortableSleep } from "./backoff.js";
export type { Backoff, Sleep } from "./backoff.js";
/** Who is asking: installation id, Codex's identity headers and the turn metadata. */
export { resolveInstallationId, requestHeaders, sandboxTag, INSTALLATION_ID_FILE, INSTALLATION_ID_KEY } from "./identity.js";
export type { RequestIdentity } from "./identity.js";
