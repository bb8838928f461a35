/**
 * The HTTP plumbing the API shares: bounded JSON bodies, JSON replies, query parsing. Everything
 * that can be wrong with a request becomes an `ApiError` naming what was wrong.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { z } from "zod";
import { ApiError, BadRequestError } from "./errors.js";

/** The largest request body accepted (a user_input with a few inline images fits). */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(json),
    "cache-control": "no-store",
  });
  res.end(json);
}

export function sendError(res: ServerResponse, error: ApiError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const headers: Record<string, string> = {};
  if (error.status === 401) headers["www-authenticate"] = 'Bearer realm="loom"';
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  sendJson(res, error.status, { error: error.message });
}

/** Reads and parses a JSON body of at most `MAX_BODY_BYTES`, then validates it with `schema`. */
export async function readJson<S extends z.ZodType>(req: IncomingMessage, schema: S, what: string): Promise<z.infer<S>> {
  const type = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/json") {
    throw new BadRequestError(`${what}: expected a JSON body with Content-Type: application/json, got ${JSON.stringify(type || "none")}`);
  }
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > MAX_BODY_BYTES) throw new ApiError(413, `${what}: body of ${declared} bytes is over the ${MAX_BODY_BYTES}-byte limit`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, `${what}: body is over the ${MAX_BODY_BYTES}-byte limit`);
    chunks.push(chunk);
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch (error) {
    throw new BadRequestError(`${what}: the body is not valid JSON (${(error as Error).message})`, { cause: error });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new BadRequestError(`${what}: ${describeIssues(parsed.error)}`, { cause: parsed.error });
  return parsed.data;
}

/** zod's issues as one line: `field.path: message; ...`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? `${issue.path.join(".")}: ` : ""}${issue.message}`)
    .join("; ");
}

/** A query parameter that must be a non-negative integer when present. */
export function intParam(query: URLSearchParams, name: string, options: { min?: number; max?: number } = {}): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === "") return undefined;
  const min = options.min ?? 0;
  if (!/^\d+$/.test(raw)) throw new BadRequestError(`query parameter ${name} must be an integer >= ${min}, got ${JSON.stringify(raw)}`);
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min) throw new BadRequestError(`query parameter ${name} must be an integer >= ${min}, got ${JSON.stringify(raw)}`);
  if (options.max !== undefined && n > options.max) throw new BadRequestError(`query parameter ${name} must be at most ${options.max}, got ${n}`);
  return n;
}

/** Rejects query parameters the endpoint does not know (a typo should not silently mean "all"). */
export function onlyParams(query: URLSearchParams, known: readonly string[]): void {
  for (const name of query.keys()) {
    if (!known.includes(name)) {
      throw new BadRequestError(`unknown query parameter ${JSON.stringify(name)} (known: ${known.join(", ") || "none"})`);
    }
  }
}
