/**
 * Image recognition (Codex `utils/image`): the format by its signature (and a PNG by its
 * checksummed header), the MIME type `mime_guess` names for a path, and the data URL of an image
 * sent byte for byte. Sizing and re-encoding is `prompt.ts`.
 */
import { extname } from "node:path";
import { crc32 } from "node:zlib";

export type ImageFormat = "png" | "jpeg" | "gif" | "webp";

/** What a prompt image could not be: Codex's `ImageProcessingError` kinds Loom can tell apart. */
export class ImageProcessingError extends Error {
  override readonly name = "ImageProcessingError";
  constructor(
    readonly kind: "unsupported" | "decode",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const MIME: Record<ImageFormat, string> = { png: "image/png", jpeg: "image/jpeg", gif: "image/gif", webp: "image/webp" };

/** What `mime_guess` names for common extensions; unknown ones are "unknown", as in Codex. */
const MIME_BY_EXTENSION: Record<string, string> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".bmp": "image/bmp",
  ".tif": "image/tiff",
  ".tiff": "image/tiff",
  ".ico": "image/x-icon",
  ".svg": "image/svg+xml",
  ".heic": "image/heic",
  ".avif": "image/avif",
  ".txt": "text/plain",
  ".json": "application/json",
  ".pdf": "application/pdf",
  ".html": "text/html",
};

export function mimeFromPath(path: string): string {
  return MIME_BY_EXTENSION[extname(path).toLowerCase()] ?? "unknown";
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A PNG whose IHDR chunk is present, well sized and intact (its CRC matches). */
function isPng(bytes: Buffer): boolean {
  if (bytes.length < 33 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return false;
  if (bytes.readUInt32BE(8) !== 13 || bytes.toString("latin1", 12, 16) !== "IHDR") return false;
  return crc32(bytes.subarray(12, 29)) === bytes.readUInt32BE(29);
}

export function detectFormat(bytes: Buffer): ImageFormat | null {
  if (isPng(bytes)) return "png";
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "jpeg";
  const head = bytes.toString("latin1", 0, 6);
  if (head === "GIF87a" || head === "GIF89a") return "gif";
  if (bytes.length >= 16 && bytes.toString("latin1", 0, 4) === "RIFF" && bytes.toString("latin1", 8, 12) === "WEBP") return "webp";
  return null;
}

/** The image as the prompt carries it: `data:<mime>;base64,<bytes>`. */
export function imageDataUrl(path: string, bytes: Buffer): string {
  const format = detectFormat(bytes);
  if (format === null) throw new ImageProcessingError("unsupported", `unsupported image \`${mimeFromPath(path)}\``);
  return `data:${MIME[format]};base64,${bytes.toString("base64")}`;
}

/** Rust's `io::Error` text for a failed file operation, as Codex's messages quote it. */
export function ioErrorText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ENOENT":
      return "No such file or directory (os error 2)";
    case "EACCES":
      return "Permission denied (os error 13)";
    case "EISDIR":
      return "Is a directory (os error 21)";
    case "ENOTDIR":
      return "Not a directory (os error 20)";
    case "ELOOP":
      return "Too many levels of symbolic links (os error 40)";
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
