/**
 * The API's one credential: a bearer token, random per start unless `LOOM_SERVE_TOKEN` fixes it.
 * Compared in constant time; the inspector's static files need none (they hold no data).
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { UnauthorizedError } from "./errors.js";

export function newToken(): string {
  return randomBytes(24).toString("base64url");
}

/** The token from the environment, or a fresh one. A blank variable is a mistake, not "no token". */
export function tokenFromEnv(env: Record<string, string | undefined>): string {
  const fixed = env.LOOM_SERVE_TOKEN;
  if (fixed === undefined) return newToken();
  if (fixed.trim() === "" || /\s/.test(fixed)) {
    throw new TypeError("LOOM_SERVE_TOKEN must be a non-empty token without spaces (unset it to get a random one)");
  }
  return fixed;
}

export function checkBearer(req: IncomingMessage, token: string): void {
  const header = req.headers.authorization;
  const match = typeof header === "string" ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!match) throw new UnauthorizedError();
  const given = Buffer.from(match[1]);
  const expected = Buffer.from(token);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new UnauthorizedError("wrong token");
}
