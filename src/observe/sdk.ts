/**
 * The OpenTelemetry SDK, loaded (dynamic import) only when `[otel]` names an exporter: a process
 * that exports nothing never loads the SDK, the OTLP exporters or gRPC. Spans go out in batches,
 * metrics every `exportIntervalMillis`; `shutdown` flushes both (the CLI calls it before exiting).
 */
import { hostname } from "node:os";
import type { MeterProvider, TracerProvider } from "@opentelemetry/api";
import type { Exporter, OtelSettings } from "./config.js";

export class TelemetryExportError extends Error {
  override readonly name = "TelemetryExportError";
}

export interface SdkProviders {
  tracerProvider?: TracerProvider;
  meterProvider?: MeterProvider;
  /** Sends what is buffered now. */
  flush(): Promise<void>;
  /** Flushes what is buffered and stops the exporters (bounded by their own timeouts). */
  shutdown(): Promise<void>;
}

export interface SdkOptions {
  serviceName: string;
  serviceVersion: string;
  /** How often metrics are sent (default 10 s; the last values go out at shutdown either way). */
  exportIntervalMillis?: number;
}

export function exportsAnything(otel: OtelSettings): boolean {
  return otel.traceExporter.kind !== "none" || otel.metricsExporter.kind !== "none";
}

export async function loadSdk(otel: OtelSettings, options: SdkOptions): Promise<SdkProviders> {
  const { resourceFromAttributes } = await import("@opentelemetry/resources");
  const resource = resourceFromAttributes({
    "service.name": options.serviceName,
    "service.version": options.serviceVersion,
    // Codex's resource attributes: `env` and the host.
    env: otel.environment,
    "host.name": hostname(),
  });
  const stops: (() => Promise<void>)[] = [];
  const flushes: (() => Promise<void>)[] = [];
  let tracerProvider: TracerProvider | undefined;
  let meterProvider: MeterProvider | undefined;
  if (otel.traceExporter.kind !== "none") {
    const { TracerProvider: SdkTracerProvider, BatchSpanProcessor } = await import("@opentelemetry/sdk-trace");
    const exporter = await spanExporter(otel.traceExporter);
    const provider = new SdkTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor({ exporter })] });
    stops.push(() => provider.shutdown());
    flushes.push(() => provider.forceFlush());
    tracerProvider = provider;
  }
  if (otel.metricsExporter.kind !== "none") {
    const { MeterProvider: SdkMeterProvider, PeriodicExportingMetricReader } = await import("@opentelemetry/sdk-metrics");
    const exporter = await metricExporter(otel.metricsExporter);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: options.exportIntervalMillis ?? 10_000 });
    const provider = new SdkMeterProvider({ resource, readers: [reader] });
    stops.push(() => provider.shutdown());
    flushes.push(() => provider.forceFlush());
    meterProvider = provider;
  }
  return {
    tracerProvider,
    meterProvider,
    async flush() {
      await Promise.all(flushes.map((flush) => flush()));
    },
    async shutdown() {
      const results = await Promise.allSettled(stops.map((stop) => stop()));
      const failed = results.find((result): result is PromiseRejectedResult => result.status === "rejected");
      if (failed) throw new TelemetryExportError(`telemetry shutdown failed: ${String((failed.reason as Error)?.message ?? failed.reason)}`, { cause: failed.reason });
    },
  };
}

async function grpcMetadata(headers: Record<string, string>) {
  const { Metadata } = await import("@grpc/grpc-js");
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(headers)) metadata.set(key, value);
  return metadata;
}

async function spanExporter(exporter: Exclude<Exporter, { kind: "none" }>) {
  if (exporter.kind === "otlp-grpc") {
    const { OTLPTraceExporter } = await import("@opentelemetry/exporter-trace-otlp-grpc");
    return new OTLPTraceExporter({ url: exporter.endpoint, metadata: await grpcMetadata(exporter.headers) });
  }
  const { OTLPTraceExporter } =
    exporter.protocol === "json" ? await import("@opentelemetry/exporter-trace-otlp-http") : await import("@opentelemetry/exporter-trace-otlp-proto");
  return new OTLPTraceExporter({ url: exporter.endpoint, headers: exporter.headers });
}

async function metricExporter(exporter: Exclude<Exporter, { kind: "none" }>) {
  if (exporter.kind === "otlp-grpc") {
    const { OTLPMetricExporter } = await import("@opentelemetry/exporter-metrics-otlp-grpc");
    return new OTLPMetricExporter({ url: exporter.endpoint, metadata: await grpcMetadata(exporter.headers) });
  }
  const { OTLPMetricExporter } =
    exporter.protocol === "json" ? await import("@opentelemetry/exporter-metrics-otlp-http") : await import("@opentelemetry/exporter-metrics-otlp-proto");
  return new OTLPMetricExporter({ url: exporter.endpoint, headers: exporter.headers });
}
