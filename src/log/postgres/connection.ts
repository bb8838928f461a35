/**
 * Telling "the database is unreachable" from "the database refused this": the first is an outage
 * (connection refused or reset, the server shutting down or starting up), reported as
 * `LogUnavailableError` naming the server, never with its password.
 */
import type pg from "pg";
import { LogUnavailableError } from "../errors.js";

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"]);

export function isUnavailable(error: unknown): boolean {
  if (error instanceof LogUnavailableError) return true;
  const code = (error as { code?: unknown })?.code;
  if (typeof code === "string") {
    if (NETWORK_CODES.has(code)) return true;
    // SQLSTATE classes 08 (connection exception) and 57P (operator intervention: shutdown, starting up).
    if (code.startsWith("08") || code.startsWith("57P")) return true;
  }
  const message = String((error as Error)?.message ?? error);
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connection is not open/i.test(
    message,
  );
}

export function unavailable(where: string, action: string, cause: unknown): LogUnavailableError {
  const reason = cause instanceof Error ? cause.message || (cause as { code?: string }).code || cause.name : String(cause);
  return new LogUnavailableError(`cannot ${action}: PostgreSQL at ${where} is unavailable (${reason})`, { cause });
}

/** `user@host:port/database` of a connection config, without the password. */
export function describeDatabase(config: pg.PoolConfig): string {
  try {
    if (config.connectionString) {
      const url = new URL(config.connectionString);
      const user = url.username ? `${decodeURIComponent(url.username)}@` : "";
      return `${user}${url.hostname || "localhost"}:${url.port || "5432"}${url.pathname || "/"}`;
    }
  } catch {
    // not a URL (a libpq keyword string): say less rather than leak
  }
  return `${config.host ?? "localhost"}:${config.port ?? 5432}/${config.database ?? ""}`;
}
