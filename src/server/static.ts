/**
 * The inspector's built files (`dist/inspector`, made by `npm run build`): served without a token,
 * since they hold no data, with headers that keep other sites from framing or sniffing them.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { ServerResponse } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** From dist/server/ and from src/server/ alike: the package's dist/inspector. */
export const DEFAULT_INSPECTOR_DIR = fileURLToPath(new URL("../../dist/inspector/", import.meta.url));

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".woff2": "font/woff2",
};

export const SECURITY_HEADERS: Record<string, string> = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "content-security-policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

/** Serves `path` from `root`; false when there is no such file (the caller answers 404). */
export async function serveStatic(root: string, path: string, res: ServerResponse, head: boolean): Promise<boolean> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return false;
  }
  const relative = decoded === "/" ? "index.html" : decoded.replace(/^\/+/, "");
  if (relative.includes("\0")) return false;
  const file = normalize(join(root, relative));
  // Nothing outside the inspector's directory, whatever the path says (`..`, encoded or not).
  if (!file.startsWith(normalize(root.endsWith(sep) ? root : root + sep))) return false;
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) return false;
    size = info.size;
  } catch {
    return false;
  }
  const hashed = relative.startsWith("assets/");
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    "content-type": TYPES[extname(file)] ?? "application/octet-stream",
    "content-length": size,
    // Built assets carry a content hash in their names; the page itself must always be fresh.
    "cache-control": hashed ? "public, max-age=31536000, immutable" : "no-cache",
  });
  if (head) {
    res.end();
    return true;
  }
  await new Promise<void>((resolve, reject) => {
    const stream = createReadStream(file);
    stream.on("error", reject);
    res.on("close", () => {
      stream.destroy();
      resolve();
    });
    stream.pipe(res);
  });
  return true;
}
