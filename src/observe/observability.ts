/**
 * The port the runtime calls: one per runtime, holding the process's logger, the tracer and the
 * meter, handing each thread its observer. Tracing and metrics come from, in order: providers the
 * embedder passes; the SDK loaded for `[otel]` exporters; the global OpenTelemetry API when an
 * application registered an SDK there. Without any, no observer work is done for them at all.
 */
import { metrics, trace, type MeterProvider, type Tracer, type TracerProvider } from "@opentelemetry/api";
import type { Logger } from "pino";
import type { ObserveSettings } from "./config.js";
import { createInstruments, type Instruments } from "./metrics.js";
import { exportsAnything, loadSdk, type SdkProviders } from "./sdk.js";
import { silentLogger } from "./logger.js";
import { ThreadObserver } from "./thread-observer.js";

export interface ObservabilityOptions {
  /** The process's pino logger (default: one that writes nothing). */
  logger?: Logger;
  /** OpenTelemetry providers to use instead of `[otel]` and the global API (tests: in-memory ones). */
  tracerProvider?: TracerProvider;
  meterProvider?: MeterProvider;
  /** The configuration's `[otel]` table, resolved (`observeSettingsOf`). */
  settings?: ObserveSettings;
  serviceName?: string;
  serviceVersion?: string;
}

const SCOPE = "loom";

/** Whether an application registered a real provider with the global API (the API's no-ops otherwise). */
function globalTracerProvider(): TracerProvider | undefined {
  const provider = trace.getTracerProvider() as TracerProvider & { getDelegate?: () => TracerProvider };
  const delegate = provider.getDelegate?.() ?? provider;
  return delegate.constructor.name === "NoopTracerProvider" ? undefined : provider;
}

function globalMeterProvider(): MeterProvider | undefined {
  const provider = metrics.getMeterProvider();
  return provider.constructor.name === "NoopMeterProvider" ? undefined : provider;
}

export class Observability {
  readonly logger: Logger;
  readonly tracer: Tracer | undefined;
  readonly instruments: Instruments | undefined;

  private constructor(
    logger: Logger,
    tracerProvider: TracerProvider | undefined,
    meterProvider: MeterProvider | undefined,
    version: string,
    private readonly sdk: SdkProviders | undefined,
  ) {
    this.logger = logger;
    this.tracer = tracerProvider?.getTracer(SCOPE, version);
    this.instruments = meterProvider ? createInstruments(meterProvider.getMeter(SCOPE, version)) : undefined;
  }

  static async create(options: ObservabilityOptions = {}): Promise<Observability> {
    const logger = options.logger ?? silentLogger();
    const version = options.serviceVersion ?? "0.0.0";
    const otel = options.settings?.otel;
    const sdk =
      otel && exportsAnything(otel) && !(options.tracerProvider && options.meterProvider)
        ? await loadSdk(otel, { serviceName: options.serviceName ?? SCOPE, serviceVersion: version })
        : undefined;
    const tracerProvider = options.tracerProvider ?? sdk?.tracerProvider ?? globalTracerProvider();
    const meterProvider = options.meterProvider ?? sdk?.meterProvider ?? globalMeterProvider();
    if (sdk) logger.debug({ traces: otel?.traceExporter.kind, metrics: otel?.metricsExporter.kind }, "telemetry exporters loaded");
    return new Observability(logger, tracerProvider, meterProvider, version, sdk);
  }

  /** A new observer for a thread just opened (started, resumed or forked). */
  thread(threadId: string): ThreadObserver {
    return new ThreadObserver({ threadId, logger: this.logger, tracer: this.tracer, instruments: this.instruments, now: () => performance.now() });
  }

  /** Flushes and stops the exporters this runtime loaded (not the embedder's providers). */
  async close(): Promise<void> {
    try {
      await this.sdk?.shutdown();
    } catch (error) {
      this.logger.warn({ err: error }, "telemetry export failed at shutdown");
    }
  }
}
