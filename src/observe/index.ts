/** Observability: the pino logger and OpenTelemetry traces and metrics, as a fold of each thread's log. */

/** The port the runtime calls: the logger, the tracer and meter, an observer per thread. */
export { Observability } from "./observability.js";
export type { ObservabilityOptions } from "./observability.js";
/** One thread's spans, metrics and log lines, moved forward by each committed entry. */
export { ThreadObserver } from "./thread-observer.js";
/** `log_level` / `log_format` (LOOM_LOG, LOOM_LOG_FORMAT) and Codex's `[otel]` keys, resolved. */
export { observeSettingsOf, ObserveConfigError, LOG_LEVELS, LogLevel, LogFormat, OtelExporterKind, OtelConfigToml } from "./config.js";
export type { ObserveSettings, OtelSettings, Exporter } from "./config.js";
/** pino loggers: the CLI's rotated file, any destination, a silent one; secret scrubbing. */
export { createLogger, cliLogger, silentLogger, scrubSecrets, REDACT_PATHS } from "./logger.js";
export type { Logger, LoggerOptions, OwnedLogger } from "./logger.js";
/** A size-bounded log file (rotates to .1, .2, ...). */
export { RotatingFile } from "./rotating-file.js";
/** Metric and span names (Codex's where it has them). */
export { METRIC, SPAN } from "./metrics.js";
/** W3C trace context of a submission: its trace id (`turn_context.trace_id`), its parent context. */
export { spanContextOf, traceIdOf, parentContextOf, traceparentOf, checkTraceCarrier } from "./trace-context.js";
export type { W3cTraceContext } from "./trace-context.js";
/** The OpenTelemetry SDK, loaded only for a configured exporter. */
export { loadSdk, exportsAnything, TelemetryExportError } from "./sdk.js";
export type { SdkProviders } from "./sdk.js";
