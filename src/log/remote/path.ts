/**
 * Where the process that holds a LevelDB log listens for readers: a Unix socket beside the log
 * directory (`<dir>.sock`, so `<data dir>/log.sock`). A Unix socket path holds at most 107 bytes on
 * Linux; a longer one moves to a private per-user directory under the runtime or temp dir, named by
 * a hash of the log directory, so every process computes the same path without a pointer file.
 */
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** sockaddr_un.sun_path is 108 bytes with its terminating NUL. */
const MAX_SOCKET_PATH_BYTES = 107;

export interface EndpointPath {
  /** The socket's path. */
  socket: string;
  /** A private directory (0700) the socket lives in when it cannot sit beside the log. */
  privateDir?: string;
}

export function endpointPath(logDir: string, env: Readonly<Record<string, string | undefined>> = process.env): EndpointPath {
  const dir = resolve(logDir);
  const beside = `${dir}.sock`;
  if (Buffer.byteLength(beside) <= MAX_SOCKET_PATH_BYTES) return { socket: beside };
  const uid = typeof process.getuid === "function" ? process.getuid() : "user";
  const base = env.XDG_RUNTIME_DIR && Buffer.byteLength(env.XDG_RUNTIME_DIR) < 60 ? env.XDG_RUNTIME_DIR : tmpdir();
  const privateDir = join(base, `loom-${uid}`);
  const hash = createHash("sha256").update(dir).digest("hex").slice(0, 24);
  return { socket: join(privateDir, `${hash}.sock`), privateDir };
}
