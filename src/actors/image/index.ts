/** Images the model reads: local files and URLs turned into prompt content, as Codex sends them. */

/** `imageDataUrl(path, bytes)`: a recognised image as a data URL; `ImageProcessingError` otherwise. */
export { imageDataUrl, detectFormat, mimeFromPath, ioErrorText, ImageProcessingError } from "./load.js";
export type { ImageFormat } from "./load.js";
/** User-message parts for an image URL or a local image file (with Codex's error texts). */
export { imageUrlContent, localImageContent, readImageFile, DEFAULT_IMAGE_DETAIL, MAX_IMAGE_BYTES } from "./content.js";
