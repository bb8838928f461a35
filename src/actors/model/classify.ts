/**
 * Turning what went wrong into a `ModelError` the way Codex does: `response.failed` error codes
 * (codex-api/src/sse/responses.rs), HTTP statuses (codex-api/src/api_bridge.rs::map_api_error) and
 * transport failures. The openai SDK's error classes are the input; nothing here does IO.
 */
import { STATUS_CODES } from "node:http";
import { APIConnectionError, APIConnectionTimeoutError, APIError } from "openai";
import type { Clock } from "../clock.js";
import {
  ModelError,
  contextWindowExceeded,
  internalServerError,
  quotaExceeded,
  serverOverloaded,
  streamDisconnected,
  usageNotIncluded,
} from "./errors.js";

interface ApiErrorBody {
  type?: unknown;
  code?: unknown;
  message?: unknown;
}

const asBody = (value: unknown): ApiErrorBody =>
  typeof value === "object" && value !== null ? (value as ApiErrorBody) : {};
const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** Codex's `rate_limit_regex`: "try again in 1.5s", "try again in 20 seconds", "try again in 300ms". */
const TRY_AGAIN = /try again in\s*(\d+(?:\.\d+)?)\s*(s|ms|seconds?)/i;

export function parseTryAgainIn(message: string | undefined): number | null {
  const match = message ? TRY_AGAIN.exec(message) : null;
  if (!match) return null;
  const value = Number(match[1]);
  const unit = match[2].toLowerCase();
  if (unit === "ms") return Math.floor(value);
  return value * 1000;
}

/** Classifies the `error` of a `response.failed` event (Codex's `process_responses_event`). */
export function classifyResponseFailed(response: unknown): ModelError {
  const error = (response as { error?: unknown } | null)?.error;
  if (typeof error !== "object" || error === null) return streamDisconnected("response.failed event received");
  const body = asBody(error);
  const code = str(body.code);
  const message = str(body.message);
  switch (code) {
    case "context_length_exceeded":
      return contextWindowExceeded();
    case "insufficient_quota":
      return quotaExceeded();
    case "usage_not_included":
      return usageNotIncluded();
    case "invalid_prompt":
      return new ModelError("invalid_request", message ?? "Invalid request.");
    case "server_is_overloaded":
    case "slow_down":
      return serverOverloaded();
    default: {
      // Codex honours "try again in Xs" only for rate limits; every other code is a plain retry.
      const delay = code === "rate_limit_exceeded" ? parseTryAgainIn(message) : null;
      return streamDisconnected(message ?? "", delay);
    }
  }
}

/** How long a 429 asks us to wait: retry-after-ms, retry-after (seconds or a date), then the text. */
export function retryAfterMs(headers: Headers | undefined, message: string | undefined, clock: Clock): number | null {
  const ms = Number(headers?.get("retry-after-ms") ?? Number.NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const header = headers?.get("retry-after");
  if (header) {
    const seconds = Number(header);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(header);
    if (Number.isFinite(date)) return Math.max(0, date - clock.now().getTime());
  }
  return parseTryAgainIn(message);
}

/** "429 Too Many Requests", as Rust's `StatusCode` prints itself. */
const statusText = (status: number): string => `${status} ${STATUS_CODES[status] ?? ""}`.trimEnd();

function requestIdOf(headers: Headers | undefined): string | undefined {
  return headers?.get("x-request-id") ?? headers?.get("x-oai-request-id") ?? undefined;
}

/** Rebuilds the body text Codex would have read (the SDK keeps only its parsed `error`). */
function bodyTextOf(error: APIError): string {
  if (error.error !== undefined) return JSON.stringify({ error: error.error });
  const prefix = `${error.status} `;
  return error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}

/** Codex's `UnexpectedResponseError` display: the API's message, else the trimmed body. */
function unexpectedStatusMessage(error: APIError, status: number, url: string): string {
  const apiMessage = str(asBody(error.error).message)?.trim();
  let body = apiMessage || bodyTextOf(error).trim() || "Unknown error";
  if (!apiMessage && Buffer.byteLength(body) > 1000) body = `${Buffer.from(body).subarray(0, 1000).toString()}...`;
  let message = `unexpected status ${statusText(status)}: ${body}, url: ${url}`;
  const cfRay = error.headers?.get("cf-ray");
  if (cfRay) message += `, cf-ray: ${cfRay}`;
  const requestId = requestIdOf(error.headers);
  if (requestId) message += `, request id: ${requestId}`;
  return message;
}

/** Classifies a non-2xx reply (Codex's `map_api_error` for `TransportError::Http`). */
export function classifyHttpError(error: APIError & { status: number }, url: string, clock: Clock): ModelError {
  const status = error.status;
  const body = asBody(error.error);
  const code = str(body.code);
  const type = str(body.type);
  if (status === 503 && (code === "server_is_overloaded" || code === "slow_down")) return serverOverloaded();
  if (status === 400) {
    const text = bodyTextOf(error);
    if (text.includes("The image data you provided does not represent a valid image")) {
      return new ModelError("invalid_request", "Image poisoning", { httpStatus: status });
    }
    return new ModelError("invalid_request", text, { httpStatus: status });
  }
  if (status === 500) return internalServerError(status);
  if (status === 429) {
    if (type === "usage_limit_reached") {
      return new ModelError("usage_limit_reached", "You've hit your usage limit. Try again later.", { httpStatus: status });
    }
    if (type === "usage_not_included") return usageNotIncluded();
    // An API key out of credit gets a 429 too; waiting will not help.
    if (code === "insufficient_quota") return quotaExceeded();
    const requestId = requestIdOf(error.headers) ?? error.headers?.get("cf-ray") ?? undefined;
    const suffix = requestId ? `, request id: ${requestId}` : "";
    return new ModelError("retry_limit", `exceeded retry limit, last status: ${statusText(status)}${suffix}`, {
      httpStatus: status,
      retryAfterMs: retryAfterMs(error.headers, str(body.message), clock),
    });
  }
  return new ModelError("unexpected_status", unexpectedStatusMessage(error, status, url), { httpStatus: status });
}

/** The root cause's message ("ECONNREFUSED", "terminated"), which says more than "Connection error.". */
function rootMessage(error: unknown): string {
  let current: unknown = error;
  let message = error instanceof Error ? error.message : String(error);
  for (let depth = 0; depth < 5 && current instanceof Error && current.cause !== undefined; depth += 1) {
    current = current.cause;
    if (current instanceof Error && current.message) message = current.message;
  }
  return message;
}

/** Errors that mean no connection was made at all: the host is unknown or nothing listens there. */
const NO_CONNECTION_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL"]);

/** The code of the innermost error that has one (undici wraps the socket's error twice). */
function rootCode(error: unknown): string | undefined {
  let current: unknown = error;
  let code: string | undefined;
  for (let depth = 0; depth < 6 && current instanceof Error; depth += 1) {
    const own = (current as { code?: unknown }).code;
    if (typeof own === "string") code = own;
    current = current.cause;
  }
  return code;
}

/** Where requests go, for the messages that must say so. */
export interface EndpointInfo {
  responsesURL: string;
  baseURL: string;
  baseURLSource: string;
}

/**
 * Classifies whatever opening or reading the stream threw. Transport failures become Codex's
 * `Stream` error (retried), no connection at all becomes `connection_failed` naming the URL and
 * where it came from; anything else is a bug and stays fatal.
 */
export function classifyRequestError(error: unknown, endpoint: EndpointInfo, clock: Clock): ModelError {
  const url = endpoint.responsesURL;
  if (error instanceof ModelError) return error;
  if (error instanceof APIConnectionTimeoutError) {
    return new ModelError("timeout", "timeout waiting for child process to exit", { cause: error });
  }
  if (error instanceof APIConnectionError) {
    // fetch refuses some ports outright ("bad port": 9, 25, 6000, ...), before any connection.
    if (NO_CONNECTION_CODES.has(rootCode(error) ?? "") || rootMessage(error) === "bad port") {
      return new ModelError(
        "connection_failed",
        `cannot connect to ${endpoint.baseURL} (from ${endpoint.baseURLSource}): ${rootMessage(error)}`,
        { cause: error },
      );
    }
    return streamDisconnected(rootMessage(error));
  }
  if (error instanceof APIError && typeof error.status === "number") {
    return classifyHttpError(error as APIError & { status: number }, url, clock);
  }
  // An `error` field inside an SSE event, a reset socket, a truncated chunk: the stream broke.
  if (error instanceof APIError || error instanceof TypeError || error instanceof SyntaxError) {
    return streamDisconnected(rootMessage(error));
  }
  if (error instanceof Error && "code" in error && typeof error.code === "string" && /^(E[A-Z]+|UND_ERR)/.test(error.code)) {
    return streamDisconnected(rootMessage(error));
  }
  return new ModelError("fatal", `Fatal error: ${rootMessage(error)}`, { cause: error });
}

/** Anything thrown while reading an open stream is Codex's `Stream` error: the connection broke. */
export function classifyStreamReadError(error: unknown): ModelError {
  return error instanceof ModelError ? error : streamDisconnected(rootMessage(error));
}

/**
 * Whether Codex's silent request-level retry covers this failure to open the stream: any 5xx
 * (before it is classified, so an overloaded 503 too) and connection failures, never a 4xx.
 */
export function isTransportRetryable(error: unknown): boolean {
  if (error instanceof APIConnectionError) return true;
  return error instanceof APIError && typeof error.status === "number" && error.status >= 500;
}
