// The OTLP exporters `[otel]` configures, against a collector stub on loopback: spans and metrics arrive, with their headers.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { createServer as createHttp2Server } from "node:http2";
import type { AddressInfo } from "node:net";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLoom } from "../support/loom.js";
import { startFakeResponses, textTurn, type FakeResponses } from "../support/fake-responses.js";
import { runLoom } from "../support/cli.js";

const TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
const SECRET = "collector-token-SECRET-7";

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Answers every OTLP export with 200 and keeps what it was sent. */
async function startCollector(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({ path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(200, { "content-type": req.headers["content-type"] ?? "application/json" });
      res.end(req.headers["content-type"]?.includes("json") ? "{}" : "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function spanNames(received: Received[]): string[] {
  return received
    .filter((r) => r.path === "/v1/traces")
    .flatMap((r) => JSON.parse(r.body.toString("utf8")).resourceSpans)
    .flatMap((rs: any) => rs.scopeSpans.flatMap((ss: any) => ss.spans.map((span: any) => `${span.name}@${span.traceId}`)));
}

let collector: Awaited<ReturnType<typeof startCollector>>;
beforeEach(async () => {
  collector = await startCollector();
});
afterEach(async () => {
  await collector.close();
});

describe("OTLP over HTTP", () => {
  it("sends the turn's spans (JSON) and metrics to the endpoints of [otel], with the configured headers", async () => {
    const otel = {
      trace_exporter: { "otlp-http": { endpoint: `${collector.url}/v1/traces`, protocol: "json", headers: { "x-collector-token": SECRET } } },
      metrics_exporter: { "otlp-http": { endpoint: `${collector.url}/v1/metrics`, protocol: "json" } },
      environment: "test",
    };
    const loom = await startLoom({ config: { otel } });
    try {
      loom.server.enqueue(textTurn("hello"));
      const thread = await loom.rt.startThread({ cwd: loom.cwd });
      const done = new Promise<void>((resolve) => thread.events$.subscribe((e) => e.msg.type === "task_complete" && resolve()));
      await thread.submit({ type: "user_input", items: [{ type: "text", text: "hi" }] }, { trace: { traceparent: `00-${TRACE_ID}-b7ad6b7169203331-01` } });
      await done;
    } finally {
      // Closing the runtime flushes the batch and the last metrics.
      await loom.close();
    }
    const traces = collector.received.filter((r) => r.path === "/v1/traces");
    expect(traces.length).toBeGreaterThan(0);
    expect(traces[0]!.headers["x-collector-token"]).toBe(SECRET);
    expect(spanNames(collector.received)).toEqual(
      expect.arrayContaining([`op.dispatch.user_input@${TRACE_ID}`, `session_task.turn@${TRACE_ID}`, `stream_request@${TRACE_ID}`]),
    );
    const resource = JSON.parse(traces[0]!.body.toString("utf8")).resourceSpans[0].resource.attributes;
    expect(resource).toEqual(expect.arrayContaining([{ key: "service.name", value: { stringValue: "loom" } }, { key: "env", value: { stringValue: "test" } }]));
    const metricNames = collector.received
      .filter((r) => r.path === "/v1/metrics")
      .flatMap((r) => JSON.parse(r.body.toString("utf8")).resourceMetrics)
      .flatMap((rm: any) => rm.scopeMetrics.flatMap((sm: any) => sm.metrics.map((m: any) => m.name)));
    expect(metricNames).toEqual(expect.arrayContaining(["codex.turn.e2e_duration_ms", "loom.turn.count", "codex.turn.token_usage"]));
  });

  it("sends protobuf with protocol = binary (Codex's default)", async () => {
    const loom = await startLoom({ config: { otel: { exporter: { "otlp-http": { endpoint: `${collector.url}/v1/traces` } } } } });
    try {
      loom.server.enqueue(textTurn("hello"));
      const thread = await loom.rt.startThread({ cwd: loom.cwd });
      await thread.run("hi");
    } finally {
      await loom.close();
    }
    const traces = collector.received.filter((r) => r.path === "/v1/traces");
    expect(traces.length).toBeGreaterThan(0);
    expect(traces[0]!.headers["content-type"]).toBe("application/x-protobuf");
    expect(traces.some((r) => r.body.includes("session_task.turn"))).toBe(true);
  });

  it("refuses a bad [otel] table with a one-line error naming the key", async () => {
    await expect(startLoom({ config: { otel: { trace_exporter: { "otlp-http": { endpoint: "not a url" } } } } })).rejects.toThrow(
      /otel\.trace_exporter/,
    );
    await expect(startLoom({ config: { otel: { exporter: "zipkin" } } })).rejects.toThrow(/otel\.exporter/);
  });
});

describe("OTLP over gRPC", () => {
  it("sends the spans to the collector's TraceService with the headers as metadata", async () => {
    const received: { path: string; headers: Record<string, unknown>; body: Buffer }[] = [];
    const server = createHttp2Server();
    server.on("stream", (stream, headers) => {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        received.push({ path: String(headers[":path"]), headers, body: Buffer.concat(chunks) });
        stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
        stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
        // An empty ExportTraceServiceResponse: no compression, length 0.
        stream.end(Buffer.alloc(5));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const otel = { trace_exporter: { "otlp-grpc": { endpoint: `http://127.0.0.1:${port}`, headers: { "x-collector-token": SECRET } } } };
      const loom = await startLoom({ config: { otel } });
      try {
        loom.server.enqueue(textTurn("hello"));
        const thread = await loom.rt.startThread({ cwd: loom.cwd });
        await thread.run("hi");
      } finally {
        await loom.close();
      }
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    const exported = received.filter((r) => r.path === "/opentelemetry.proto.collector.trace.v1.TraceService/Export");
    expect(exported.length).toBeGreaterThan(0);
    expect(exported[0]!.headers["x-collector-token"]).toBe(SECRET);
    expect(exported.some((r) => r.body.includes("session_task.turn"))).toBe(true);
  });
});

describe("loom exec with [otel]", () => {
  let server: FakeResponses;
  let dir: string;
  beforeEach(async () => {
    server = await startFakeResponses();
    dir = await mkdtemp(join(tmpdir(), "loom-otlp-cli-"));
  });
  afterEach(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("exports its spans before it exits, and keeps the collector's token out of its log", async () => {
    server.enqueue(textTurn("exported"));
    const dataDir = join(dir, "data");
    const exporter = `{ otlp-http = { endpoint = "${collector.url}/v1/traces", protocol = "json", headers = { authorization = "Bearer ${SECRET}" } } }`;
    const result = await runLoom(["exec", "--data-dir", dataDir, "--cwd", dir, "-c", `otel.trace_exporter=${exporter}`, "hi"], {
      OPENAI_BASE_URL: server.baseURL,
      OPENAI_API_KEY: "k",
      LOOM_LOG: "trace",
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("exported");
    expect(collector.received.find((r) => r.path === "/v1/traces")?.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(spanNames(collector.received).some((name) => name.startsWith("session_task.turn@"))).toBe(true);
    expect(await readFile(join(dataDir, "logs", "loom.log"), "utf8")).not.toContain("SECRET");
  });
});
