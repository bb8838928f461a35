/**
 * An image's size read from its header, without decoding it: most images the model is shown are
 * within Codex's 2048-pixel bound and go out byte for byte, so the image codec is loaded only for
 * the few that must be shrunk or re-encoded.
 */
import type { ImageFormat } from "./load.js";
import { detectFormat } from "./load.js";

export interface ImageSize {
  width: number;
  height: number;
}

/** The width and height the header declares; null when the header is cut short or unknown. */
export function imageDimensions(bytes: Buffer): ImageSize | null {
  const format = detectFormat(bytes);
  return format === null ? null : headerSize(format, bytes);
}

function headerSize(format: ImageFormat, bytes: Buffer): ImageSize | null {
  switch (format) {
    case "png":
      return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
    case "gif":
      return bytes.length < 10 ? null : { width: bytes.readUInt16LE(6), height: bytes.readUInt16LE(8) };
    case "jpeg":
      return jpegSize(bytes);
    case "webp":
      return webpSize(bytes);
  }
}

/** The first start-of-frame segment's size (SOF0-SOF15 but DHT, JPG and DAC, which share the range). */
function jpegSize(bytes: Buffer): ImageSize | null {
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2; // markers without a length
      continue;
    }
    const length = bytes.readUInt16BE(at + 2);
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      if (at + 9 > bytes.length) return null;
      return { width: bytes.readUInt16BE(at + 7), height: bytes.readUInt16BE(at + 5) };
    }
    at += 2 + length;
  }
  return null;
}

/** Lossy (VP8), lossless (VP8L) and extended (VP8X) WebP headers. */
function webpSize(bytes: Buffer): ImageSize | null {
  const chunk = bytes.toString("latin1", 12, 16);
  if (chunk === "VP8X" && bytes.length >= 30) {
    return { width: bytes.readUIntLE(24, 3) + 1, height: bytes.readUIntLE(27, 3) + 1 };
  }
  if (chunk === "VP8L" && bytes.length >= 25) {
    const bits = bytes.readUInt32LE(21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === "VP8 " && bytes.length >= 30) {
    return { width: bytes.readUInt16LE(26) & 0x3fff, height: bytes.readUInt16LE(28) & 0x3fff };
  }
  return null;
}
