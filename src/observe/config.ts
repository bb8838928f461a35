/**
 * What observability reads from the configuration: `log_level` / `log_format` (with `LOOM_LOG` /
 * `LOOM_LOG_FORMAT` first) and Codex's `[otel]` table, with Codex's keys and defaults:
 * `exporter` (Codex's log exporter), `trace_exporter` (defaults to `exporter`), `metrics_exporter`
 * (Codex defaults to Statsig, OpenAI's own endpoint: Loom never sends there, so it means none),
 * `environment` (default "dev"), `log_user_prompt`.
 */
import { z } from "zod";

export class ObserveConfigError extends Error {
  override readonly name = "ObserveConfigError";
}

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export const LogLevel = z.enum(LOG_LEVELS);
export type LogLevel = z.infer<typeof LogLevel>;

export const LogFormat = z.enum(["json", "pretty"]);
export type LogFormat = z.infer<typeof LogFormat>;

const Headers = z.record(z.string(), z.string());
const Tls = z.unknown().refine((value) => value === undefined, "TLS settings are not supported by Loom (use an https endpoint the system trusts)");

const OtlpHttp = z.strictObject({
  endpoint: z.url(),
  headers: Headers.default({}),
  /** Codex's `binary` (protobuf) or `json`. */
  protocol: z.enum(["binary", "json"]).default("binary"),
  tls: Tls.optional(),
});
const OtlpGrpc = z.strictObject({ endpoint: z.url(), headers: Headers.default({}), tls: Tls.optional() });

/** Codex's `OtelExporterKind` as TOML spells it: `"none"`, `"statsig"`, `{ otlp-http = {...} }`, `{ otlp-grpc = {...} }`. */
export const OtelExporterKind = z.union([
  z.enum(["none", "statsig"]),
  z.strictObject({ "otlp-http": OtlpHttp }),
  z.strictObject({ "otlp-grpc": OtlpGrpc }),
]);
export type OtelExporterKind = z.infer<typeof OtelExporterKind>;

export const OtelConfigToml = z.strictObject({
  log_user_prompt: z.boolean().optional(),
  environment: z.string().optional(),
  exporter: OtelExporterKind.optional(),
  trace_exporter: OtelExporterKind.optional(),
  metrics_exporter: OtelExporterKind.optional(),
});
export type OtelConfigToml = z.infer<typeof OtelConfigToml>;

/** An exporter Loom can build: none, or OTLP over HTTP (protobuf or JSON) or gRPC. */
export type Exporter =
  | { kind: "none" }
  | { kind: "otlp-http"; endpoint: string; headers: Record<string, string>; protocol: "binary" | "json" }
  | { kind: "otlp-grpc"; endpoint: string; headers: Record<string, string> };

export interface OtelSettings {
  environment: string;
  logUserPrompt: boolean;
  traceExporter: Exporter;
  metricsExporter: Exporter;
}

export interface ObserveSettings {
  logLevel: LogLevel;
  logFormat: LogFormat;
  otel: OtelSettings;
}

function exporterOf(kind: OtelExporterKind | undefined): Exporter {
  if (kind === undefined || kind === "none" || kind === "statsig") return { kind: "none" };
  if ("otlp-http" in kind) {
    const { endpoint, headers, protocol } = kind["otlp-http"];
    return { kind: "otlp-http", endpoint, headers, protocol };
  }
  const { endpoint, headers } = kind["otlp-grpc"];
  return { kind: "otlp-grpc", endpoint, headers };
}

function parse<T>(schema: z.ZodType<T>, value: unknown, key: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const where = [key, ...issue.path.map(String)].join(".");
  throw new ObserveConfigError(`${where}: ${issue.message}`);
}

/** The effective settings; a bad value is an `ObserveConfigError` naming its key. */
export function observeSettingsOf(config: Record<string, unknown>, env: Record<string, string | undefined> = process.env): ObserveSettings {
  const logLevel = parse(LogLevel, env.LOOM_LOG?.trim().toLowerCase() || config.log_level || "info", env.LOOM_LOG ? "LOOM_LOG" : "log_level");
  const logFormat = parse(LogFormat, env.LOOM_LOG_FORMAT?.trim().toLowerCase() || config.log_format || "json", env.LOOM_LOG_FORMAT ? "LOOM_LOG_FORMAT" : "log_format");
  const otel = parse(OtelConfigToml, config.otel ?? {}, "otel");
  const exporter = otel.exporter ?? "none";
  return {
    logLevel,
    logFormat,
    otel: {
      environment: otel.environment ?? "dev",
      logUserPrompt: otel.log_user_prompt ?? false,
      traceExporter: exporterOf(otel.trace_exporter ?? exporter),
      metricsExporter: exporterOf(otel.metrics_exporter),
    },
  };
}
