/** In-memory OpenTelemetry providers for observability tests: every span kept, metrics on demand. */
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from "@opentelemetry/sdk-trace";
import { MeterProvider, MetricReader, type Histogram } from "@opentelemetry/sdk-metrics";

class CollectingReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

export interface Point {
  attributes: Record<string, unknown>;
  /** A counter's sum, or a histogram's sum. */
  value: number;
  /** A histogram's count (1 for a counter point). */
  count: number;
}

export function memoryTelemetry() {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] });
  const reader = new CollectingReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  return {
    tracerProvider,
    meterProvider,
    spans: (): ReadableSpan[] => spans.getFinishedSpans(),
    /** Every metric's data points by name. */
    async metrics(): Promise<Map<string, Point[]>> {
      const { resourceMetrics } = await reader.collect();
      const out = new Map<string, Point[]>();
      for (const scope of resourceMetrics.scopeMetrics) {
        for (const metric of scope.metrics) {
          out.set(
            metric.descriptor.name,
            metric.dataPoints.map((point) => {
              const value = point.value as number | Histogram;
              return typeof value === "number"
                ? { attributes: point.attributes, value, count: 1 }
                : { attributes: point.attributes, value: value.sum ?? 0, count: value.count };
            }),
          );
        }
      }
      return out;
    },
    async shutdown() {
      await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
    },
  };
}

/** The sum (and count) of a metric's points whose attributes include `match`. */
export function total(points: Point[] | undefined, match: Record<string, unknown> = {}): { value: number; count: number } {
  const chosen = (points ?? []).filter((point) => Object.entries(match).every(([key, value]) => point.attributes[key] === value));
  return { value: chosen.reduce((sum, p) => sum + p.value, 0), count: chosen.reduce((sum, p) => sum + p.count, 0) };
}
