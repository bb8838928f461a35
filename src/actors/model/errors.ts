/**
 * The sampler's errors: one `ModelError` class whose `kind` mirrors the `CodexErr` variant Codex
 * would raise (codex-rs/protocol/src/error.rs), with Codex's user-facing message, its retry verdict
 * (`is_retryable`) and its `codex_error_info`, so `error` and `stream_error` events match Codex's.
 */
import type { EventMsgOf } from "../../events/index.js";

export type ModelErrorKind =
  /** `CodexErr::Stream`: the stream broke or the server failed the response; retried. */
  | "stream"
  | "context_window_exceeded"
  | "quota_exceeded"
  | "usage_not_included"
  | "usage_limit_reached"
  | "invalid_request"
  | "server_overloaded"
  /** HTTP 500: retried. */
  | "internal_server_error"
  /** Any other non-2xx status (401, 404, 502, ...): retried, as Codex does. */
  | "unexpected_status"
  /** HTTP 429. Codex gives up at once; we retry it, honouring retry-after (see `retryable`). */
  | "retry_limit"
  /** No API key configured (`CodexErr::EnvVar`). */
  | "env_var"
  /** The SDK's connect timeout (`CodexErr::Timeout`). */
  | "timeout"
  /**
   * No connection at all (refused, unknown host) once the request retries are spent. Loom's own:
   * Codex would go on to its stream retries, but a server that refused every request retry is
   * a wrong URL far more often than a restart, and the user should hear so in seconds.
   */
  | "connection_failed"
  /** Something outside the protocol (a bug, a malformed reply); never retried. */
  | "fatal";

/** Codex's `CodexErrorInfo` on the wire: unit variants as strings, struct variants as objects. */
export type CodexErrorInfo =
  | "context_window_exceeded"
  | "usage_limit_exceeded"
  | "server_overloaded"
  | "internal_server_error"
  | "unauthorized"
  | "bad_request"
  | "sandbox_error"
  | "thread_rollback_failed"
  | "other"
  | { http_connection_failed: { http_status_code: number | null } }
  | { response_stream_connection_failed: { http_status_code: number | null } }
  | { response_stream_disconnected: { http_status_code: number | null } }
  | { response_too_many_failed_attempts: { http_status_code: number | null } };

const NOT_RETRYABLE: ReadonlySet<ModelErrorKind> = new Set<ModelErrorKind>([
  "context_window_exceeded",
  "quota_exceeded",
  "usage_not_included",
  "usage_limit_reached",
  "invalid_request",
  "server_overloaded",
  "env_var",
  "connection_failed",
  "fatal",
]);

export interface ModelErrorOptions {
  /** The HTTP status behind the error, when there was one. */
  httpStatus?: number | null;
  /** A delay the server asked for ("try again in 2s", retry-after). */
  retryAfterMs?: number | null;
  /** The server said nothing for the idle timeout (no headers, or no event). */
  timedOut?: boolean;
  cause?: unknown;
}

/** A sampling request failed; `message` is the text Codex shows for the same failure. */
export class ModelError extends Error {
  override readonly name = "ModelError";
  readonly httpStatus: number | null;
  readonly retryAfterMs: number | null;
  readonly timedOut: boolean;

  constructor(
    readonly kind: ModelErrorKind,
    message: string,
    options: ModelErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.httpStatus = options.httpStatus ?? null;
    this.retryAfterMs = options.retryAfterMs ?? null;
    this.timedOut = options.timedOut ?? false;
  }

  /** Whether the stream retry loop tries again (Codex's `CodexErr::is_retryable`, plus HTTP 429). */
  get retryable(): boolean {
    return !NOT_RETRYABLE.has(this.kind);
  }

  /** Codex's `http_status_code_value`: only these variants report their status. */
  get httpStatusCodeValue(): number | null {
    return this.kind === "retry_limit" || this.kind === "unexpected_status" ? this.httpStatus : null;
  }

  /** Codex's `to_codex_protocol_error`. */
  get codexErrorInfo(): CodexErrorInfo {
    switch (this.kind) {
      case "context_window_exceeded":
        return "context_window_exceeded";
      case "quota_exceeded":
      case "usage_not_included":
      case "usage_limit_reached":
        return "usage_limit_exceeded";
      case "server_overloaded":
        return "server_overloaded";
      case "internal_server_error":
        return "internal_server_error";
      case "retry_limit":
        return { response_too_many_failed_attempts: { http_status_code: this.httpStatusCodeValue } };
      case "connection_failed":
        return { http_connection_failed: { http_status_code: null } };
      case "stream":
      case "invalid_request":
      case "unexpected_status":
      case "env_var":
      case "timeout":
      case "fatal":
        return "other";
      default: {
        const unreachable: never = this.kind;
        throw new Error(`unknown model error kind ${String(unreachable)}`);
      }
    }
  }
}

/** The caller's AbortSignal fired: not a failure, so it is never retried nor reported as `error`. */
export class ModelAbortedError extends Error {
  override readonly name = "ModelAbortedError";
  constructor(options?: { cause?: unknown }) {
    super("model sampling aborted", options);
  }
}

// ---- Codex's messages --------------------------------------------------------------------------

export const streamDisconnected = (detail: string, retryAfterMs: number | null = null): ModelError =>
  new ModelError("stream", `stream disconnected before completion: ${detail}`, { retryAfterMs });

/** The server said nothing for `ms`: before its headers, or between two events. */
export const streamTimedOut = (detail: string): ModelError =>
  new ModelError("stream", `stream disconnected before completion: ${detail}`, { timedOut: true });

export const contextWindowExceeded = (): ModelError =>
  new ModelError(
    "context_window_exceeded",
    "Codex ran out of room in the model's context window. Start a new thread or clear earlier history before retrying.",
  );

export const quotaExceeded = (): ModelError =>
  new ModelError("quota_exceeded", "Quota exceeded. Check your plan and billing details.");

export const usageNotIncluded = (): ModelError =>
  new ModelError(
    "usage_not_included",
    "To use Codex with your ChatGPT plan, upgrade to Plus: https://chatgpt.com/explore/plus.",
  );

export const serverOverloaded = (): ModelError =>
  new ModelError("server_overloaded", "Selected model is at capacity. Please try a different model.");

export const internalServerError = (status = 500): ModelError =>
  new ModelError("internal_server_error", "We're currently experiencing high demand, which may cause temporary errors.", {
    httpStatus: status,
  });

export const missingEnvVar = (name: string): ModelError =>
  new ModelError("env_var", `Missing environment variable: \`${name}\`.`);

/** Any error we did not anticipate, kept as Codex's `Fatal` so it surfaces instead of looping. */
export function fatalModelError(error: unknown): ModelError {
  if (error instanceof ModelError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ModelError("fatal", `Fatal error: ${message}`, { cause: error });
}

// ---- events ------------------------------------------------------------------------------------

/** The `error` event Codex emits when a turn fails with this error (`CodexErr::to_error_event`). */
/** A failure replayed from a log: it reports exactly the `error` event that was recorded. */
export class RecordedModelError extends Error {
  override readonly name = "RecordedModelError";
  constructor(readonly event: EventMsgOf<"error">) {
    super(event.message);
  }
}

export function toErrorEvent(error: unknown): EventMsgOf<"error"> {
  if (error instanceof RecordedModelError) return error.event;
  const modelError = error instanceof ModelError ? error : fatalModelError(error);
  return { type: "error", message: modelError.message, codex_error_info: modelError.codexErrorInfo };
}

/** The `stream_error` event Codex emits before each retry (`Session::notify_stream_error`). */
export function toStreamErrorEvent(message: string, error: ModelError): EventMsgOf<"stream_error"> {
  return {
    type: "stream_error",
    message,
    codex_error_info: { response_stream_disconnected: { http_status_code: error.httpStatusCodeValue } },
    additional_details: error.message,
  };
}
