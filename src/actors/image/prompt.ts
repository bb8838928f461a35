/**
 * Images for the prompt, sized as Codex sends them (`utils/image::load_for_prompt_bytes`): a PNG,
 * JPEG or WebP within 2048 x 2048 goes byte for byte; a larger one is shrunk to fit (aspect kept,
 * a linear filter like Codex's `Triangle`) and re-encoded in its own format (JPEG at quality 85,
 * WebP lossless); a GIF is re-encoded as PNG. `original` mode keeps any size. The codec (libvips,
 * through sharp) is loaded on the first image that needs it, never at start.
 */
import { imageDimensions } from "./dimensions.js";
import type { ImageFormat } from "./load.js";
import { ImageProcessingError, imageDataUrl } from "./load.js";
import { detectFormat } from "./load.js";

/** Codex's `MAX_DIMENSION`: the longest side an image is sent with unless the original is asked for. */
export const MAX_IMAGE_DIMENSION = 2048;

export type PromptImageMode = "resize" | "original";

export interface PromptImage {
  /** `data:<mime>;base64,...` */
  url: string;
}

const PASS_THROUGH: ReadonlySet<ImageFormat> = new Set(["png", "jpeg", "webp"]);

/** `bytes` (the file at `path`) as the prompt carries it; `ImageProcessingError` when it cannot be. */
export async function promptImage(path: string, bytes: Buffer, mode: PromptImageMode): Promise<PromptImage> {
  const format = detectFormat(bytes);
  if (format === null || PASS_THROUGH.has(format)) {
    const size = format === null ? null : imageDimensions(bytes);
    const fits = size !== null && size.width <= MAX_IMAGE_DIMENSION && size.height <= MAX_IMAGE_DIMENSION;
    // imageDataUrl refuses what is not an image, with Codex's "unsupported image" text.
    if (format === null || mode === "original" || fits) return { url: imageDataUrl(path, bytes) };
  }
  const target = format === "jpeg" || format === "webp" ? format : "png";
  const encoded = await reencode(path, bytes, target, mode === "resize");
  return { url: `data:image/${target};base64,${encoded.toString("base64")}` };
}

type Sharp = typeof import("sharp");
let codec: Promise<Sharp> | undefined;
const loadCodec = () => (codec ??= import("sharp").then((module) => (module.default ?? module) as Sharp));

async function reencode(path: string, bytes: Buffer, target: "png" | "jpeg" | "webp", shrink: boolean): Promise<Buffer> {
  const sharp = await loadCodec();
  try {
    let image = sharp(bytes, { animated: false, limitInputPixels: 1 << 28 });
    if (shrink) image = image.resize(MAX_IMAGE_DIMENSION, MAX_IMAGE_DIMENSION, { fit: "inside", withoutEnlargement: true, kernel: "linear" });
    if (target === "jpeg") return await image.jpeg({ quality: 85 }).toBuffer();
    if (target === "webp") return await image.webp({ lossless: true }).toBuffer();
    return await image.png().toBuffer();
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new ImageProcessingError("decode", `failed to decode image at ${path}: ${reason}`, { cause: error });
  }
}
