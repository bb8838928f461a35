/**
 * The pino logger: one per process (the CLI makes it, an embedder injects its own), child loggers
 * per thread and turn. JSON lines to `<data dir>/logs/loom.log` (rotated) by default; readable
 * lines on stderr only when asked (`LOOM_LOG_FORMAT=pretty`). Never stdout: for `loom proto` and
 * `exec --json` stdout is a protocol. Secrets are censored by key (API keys, auth headers, the
 * OTLP headers table, environments) and by shape in messages (`Bearer ...`, `sk-...`).
 */
import { join } from "node:path";
import { pino, type DestinationStream, type Logger } from "pino";
import { RotatingFile, type RotatingFileOptions } from "./rotating-file.js";
import type { LogFormat, LogLevel } from "./config.js";

export type { Logger };

const SECRET_KEYS = ["apiKey", "api_key", "authorization", "Authorization", "headers", "env", "token", "password", "secret"];
/** pino redaction paths: each secret key at the top and up to three levels down. */
export const REDACT_PATHS = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`]);

const SECRET_SHAPES = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+|\bsk-[A-Za-z0-9_-]{6,}/g;

/** A message with bearer tokens and OpenAI-style keys blanked out. */
export function scrubSecrets(text: string): string {
  return text.replace(SECRET_SHAPES, (match) => (match.startsWith("sk-") ? "sk-[Redacted]" : `${match.split(/\s/)[0]} [Redacted]`));
}

export interface LoggerOptions {
  level: LogLevel;
  /** `json` (default) writes `file` or `stream`; `pretty` writes readable lines to stderr. */
  format?: LogFormat;
  /** JSON lines to this file, rotated. */
  file?: string;
  rotate?: RotatingFileOptions;
  /** Or any destination (tests, an embedder's transport). */
  stream?: DestinationStream;
}

export interface OwnedLogger {
  logger: Logger;
  /** Closes the file it writes (nothing is buffered: writes are synchronous). */
  close(): void;
}

export function createLogger(options: LoggerOptions): OwnedLogger {
  const file = options.format !== "pretty" && options.file ? new RotatingFile(options.file, options.rotate) : undefined;
  const destination: DestinationStream =
    options.format === "pretty" ? prettyStderr() : (file ?? options.stream ?? pino.destination({ dest: 2, sync: true }));
  const logger = pino(
    {
      name: "loom",
      level: options.level,
      timestamp: pino.stdTimeFunctions.isoTime,
      base: { pid: process.pid },
      redact: { paths: REDACT_PATHS, censor: "[Redacted]" },
      hooks: {
        // Messages are free text (error messages quote requests): scrubbed by shape.
        logMethod(args, method) {
          for (let i = 0; i < args.length; i++) if (typeof args[i] === "string") args[i] = scrubSecrets(args[i] as string);
          method.apply(this, args as Parameters<typeof method>);
        },
      },
      serializers: { err: (error: unknown) => serializeError(error) },
    },
    destination,
  );
  return { logger, close: () => file?.close() };
}

/** The CLI's logger: `<data dir>/logs/loom.log` (`log/` is the LevelDB store). */
export function cliLogger(dataDir: string, level: LogLevel, format: LogFormat): OwnedLogger {
  return createLogger({ level, format, file: join(dataDir, "logs", "loom.log") });
}

/** A logger that writes nothing (the embedding default: an embedder passes its own). */
export function silentLogger(): Logger {
  return pino({ level: "silent", enabled: false });
}

function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return typeof error === "string" ? scrubSecrets(error) : error;
  return { type: error.name, message: scrubSecrets(error.message), ...(error.stack ? { stack: scrubSecrets(error.stack) } : {}) };
}

const LEVEL_NAMES: Record<number, string> = { 10: "TRACE", 20: "DEBUG", 30: "INFO", 40: "WARN", 50: "ERROR", 60: "FATAL" };
const OMITTED = new Set(["level", "time", "msg", "pid", "name"]);

/** One readable line per record on stderr: time, level, message, then the fields as key=value. */
function prettyStderr(): DestinationStream {
  const out = pino.destination({ dest: 2, sync: true });
  return {
    write(line: string) {
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line) as Record<string, unknown>;
      } catch {
        out.write(line);
        return;
      }
      const time = typeof record.time === "string" ? record.time.slice(11, 23) : "";
      const level = (LEVEL_NAMES[record.level as number] ?? String(record.level)).padEnd(5);
      const fields = Object.entries(record)
        .filter(([key]) => !OMITTED.has(key))
        .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`);
      out.write(`${time} ${level} ${String(record.msg ?? "")}${fields.length ? ` ${fields.join(" ")}` : ""}\n`);
    },
  };
}
